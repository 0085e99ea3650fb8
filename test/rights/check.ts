import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Needs, withNeeds } from "../../infra/cdk/access.ts";
import { buildApp } from "../../infra/cdk/build.ts";
import { type CfnTemplate, LOCAL_ACCOUNT, TemplateResolver } from "../../infra/local/template.ts";
import type { AwsCall } from "../support/aws-calls.ts";
import {
  decide,
  functionPolicy,
  type Grant,
  grantsOf,
  type IamRequest,
  type Statement,
} from "../support/iam-check.ts";
import { requestsOf } from "./requests.ts";

/**
 * The app as the local stack runs it (infra/local/bundles/synth.ts: the same settings), synthesized
 * without bundling (the template is all the check reads) and without cdk-nag.
 */
export const RIGHTS_CONTEXT = {
  stage: "local",
  region: "us-east-1",
  sesIdentity: "chiso.local",
  waf: "off",
  // Each resource's construct path, by which the template resolver names it locally.
  "aws:cdk:enable-path-metadata": true,
  "aws:cdk:bundling-stacks": [],
};

/** The template of the app, built from `needs` (infra/cdk/access.ts's NEEDS by default). */
export function synthTemplate(needs?: Readonly<Record<string, Needs>>): CfnTemplate {
  process.env.CDK_DISABLE_VERSION_CHECK = "1";
  process.env.CDK_DISABLE_NOTICES = "1";
  process.env.CDK_DISABLE_CLI_TELEMETRY = "true";
  const outdir = mkdtempSync(join(tmpdir(), "chiso-rights-"));
  try {
    const synth = () => {
      const { app, stack } = buildApp({ outdir, nag: false, context: RIGHTS_CONTEXT });
      app.synth();
      return stack.stackName;
    };
    const stackName = needs ? withNeeds(needs, synth) : synth();
    return JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), "utf8")) as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** One recorded call, what IAM must allow for it, and whether the function's policy does. */
export interface CheckedRequest {
  call: AwsCall;
  request: IamRequest;
  allowed: boolean;
}

export interface FunctionRights {
  handler: string;
  logicalId: string;
  statements: Statement[];
  requests: CheckedRequest[];
  /** Grants no recorded call used. */
  unused: Grant[];
}

export interface RightsReport {
  functions: FunctionRights[];
  denied: CheckedRequest[];
  /** Calls the check cannot judge: an operation without a rule, a handler the template lacks. */
  problems: string[];
}

/** Every recorded call against its function's policy in the template. */
export function checkRights(
  template: CfnTemplate,
  calls: readonly AwsCall[],
  local: { userPoolId: string },
): RightsReport {
  const region = RIGHTS_CONTEXT.region;
  const resolver = new TemplateResolver(template, { region, userPoolId: local.userPoolId });
  const scope = { region, account: LOCAL_ACCOUNT };
  const problems: string[] = [];
  const known = new Set(resolver.functions().map((f) => f.handler));
  for (const handler of new Set(calls.map((call) => call.handler)))
    if (!known.has(handler))
      problems.push(`${handler}: recorded calls, but no such function in the template`);
  const functions = resolver.functions().map(({ handler, logicalId }) => {
    const statements = functionPolicy(template, logicalId, (value) => resolver.resolve(value));
    const used = new Set<string>();
    const requests: CheckedRequest[] = [];
    for (const call of calls.filter((c) => c.handler === handler)) {
      let wanted: IamRequest[];
      try {
        wanted = requestsOf(call, scope);
      } catch (error) {
        problems.push(`${handler}: ${(error as Error).message}`);
        continue;
      }
      for (const request of wanted) {
        const decision = decide(statements, request);
        for (const grant of decision.grants) used.add(grantKey(grant));
        requests.push({ call, request, allowed: decision.allowed });
      }
    }
    const unused = grantsOf(statements).filter((grant) => !used.has(grantKey(grant)));
    return { handler, logicalId, statements, requests, unused };
  });
  return {
    functions,
    denied: functions.flatMap((f) => f.requests.filter((r) => !r.allowed)),
    problems,
  };
}

const grantKey = (grant: Grant) => `${grant.statement}|${grant.action}|${grant.resource}`;

/**
 * Grants Lambda itself uses with the function's role, never the SDK in its code: the log group's
 * writes, and for the jobs the on-failure destination of an asynchronous invocation (the close
 * dead-letter queue). Listed apart, never "unused".
 */
export const LAMBDA_ACTIONS = new Set([
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "sqs:SendMessage",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
]);

/** A resource for reading: ids (test-made keys and names) cut, so one line stands for one kind. */
export const shortResource = (arn: string) =>
  arn
    .replace(/^arn:aws:s3:::([^/]+)\/([^/]+\/[^/]+)\/.+$/, "s3://$1/$2/…")
    .replace(/^arn:aws:s3:::/, "s3://")
    .replace(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d*:/, "")
    .replace(/^(schedule\/[^/]+\/close-).+$/, "$1…");

/** The report's text: per function, each action on each resource kind with its calls, then unused grants. */
export function formatReport(report: RightsReport): string {
  const lines: string[] = [];
  for (const f of report.functions) {
    const rows = new Map<string, { count: number; allowed: boolean; calls: Set<string> }>();
    for (const { call, request, allowed } of f.requests) {
      const key = `${request.action} ${request.resources.map(shortResource).join(" | ")}`;
      const row = rows.get(key) ?? { count: 0, allowed: true, calls: new Set() };
      row.count += 1;
      row.allowed &&= allowed;
      row.calls.add(`${call.service}.${call.command}`);
      rows.set(key, row);
    }
    lines.push(`${f.handler}`);
    if (rows.size === 0) lines.push("  (no recorded call)");
    for (const [key, row] of [...rows].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(
        `  ${row.allowed ? "ok    " : "DENIED"} ${key}  ×${row.count}  (${[...row.calls].sort().join(", ")})`,
      );
    // Unused grants, one line per resource pattern: "unused on table/chiso-data: Scan, DeleteItem".
    const byResource = new Map<string, string[]>();
    for (const grant of f.unused) {
      const label = `${LAMBDA_ACTIONS.has(grant.action) ? "by Lambda" : "unused"} on ${shortResource(grant.resource)}`;
      byResource.set(label, [...(byResource.get(label) ?? []), grant.action.replace(/^[^:]+:/, "")]);
    }
    for (const [label, actions] of [...byResource].sort(([a], [b]) => b.localeCompare(a)))
      lines.push(`  ${label}: ${actions.join(", ")}`);
  }
  return lines.join("\n");
}
