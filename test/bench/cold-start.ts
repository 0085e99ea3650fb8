import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { ROUTES, routeKey } from "../../functions/routes.ts";
import { buildApp } from "../../infra/cdk/build.ts";
import { ROOT } from "../../infra/cdk/settings.ts";
import { ROLES } from "../../shared/access/roles.ts";
import { load, ms, table } from "./report.ts";

/**
 * The cold start of every function the CDK app deploys, on the Lambda runtime's Node.js major (the
 * pinned dev dependency `node`, v22): the app is synthesized with bundling (as `cdk synth` does), then
 * each bundle is loaded by a fresh child RUNS times, without and with --enable-source-maps (as
 * deployed). A child times the `import()` (compilation and evaluation), then one call of the handler
 * with an event it refuses without any AWS call (eventFor), in the function's template environment
 * (unresolved references as placeholders). Medians are printed. Goal: every API function imports in
 * GOAL_MS or less. The children run one at a time; other work on the machine shows in the load averages.
 */

const RUNS = 5;
const GOAL_MS = 150;
const REGION = "ap-southeast-1";

/** The child: imports one bundle, calls its handler once, prints both times. */
const CHILD = `
  const [url, event] = process.argv.slice(1);
  const [began, cpu] = [performance.now(), process.cpuUsage()];
  const module = await import(url);
  const [imported, used] = [performance.now(), process.cpuUsage(cpu)];
  if (typeof module.handler !== "function") throw new Error("no handler in " + url);
  let answer = "-";
  if (event !== "-") {
    const context = { functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:${REGION}:123456789012:function:bench", memoryLimitInMB: "512",
      awsRequestId: "bench-request", logGroupName: "bench", logStreamName: "bench",
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 10000 };
    try {
      const result = await module.handler(JSON.parse(event), context);
      answer = String(result?.statusCode ?? "returned");
    } catch (error) { answer = "threw " + error.name; }
  }
  console.log("BENCH " + JSON.stringify({ importMs: imported - began, importCpuMs: (used.user + used.system) / 1000,
    invokeMs: performance.now() - imported, answer }));`;

interface Bundle {
  file: string;
  env: Record<string, string>;
}

/** The Node.js of the Lambda runtime's major version, installed by `npm ci` (package.json devDependencies). */
function lambdaNode(): string {
  let file = "";
  try {
    file = join(dirname(createRequire(import.meta.url).resolve("node/package.json")), "bin", "node");
  } catch {}
  if (!file || !existsSync(file))
    throw new Error(
      "the pinned Node.js 22 (devDependency `node`, node_modules/node/bin/node) is missing: run `npm ci`",
    );
  return file;
}

function synthBundles(outdir: string): Map<string, Bundle> {
  const { app, stack } = buildApp({ outdir, nag: false, context: { stage: "bench", region: REGION } });
  app.synth();
  // The asset's directory is named after the hash that is also the S3 key of its zip.
  const bundleOf = (fn: { node: { defaultChild?: unknown } }): Bundle => {
    const cfn = fn.node.defaultChild as CfnFunction;
    const key = stack.resolve((cfn.code as { s3Key?: string }).s3Key) as string;
    const resolved = stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(resolved?.variables ?? {}))
      env[name] = typeof value === "string" ? value : `bench-${name.toLowerCase()}`;
    // With it, the first request fetches the origin secret from Secrets Manager: a network call.
    delete env.ORIGIN_SECRET_PARAM;
    return { file: join(outdir, `asset.${key.replace(/\.zip$/, "")}`, "index.mjs"), env };
  };
  const bundles = new Map<string, Bundle>();
  for (const [handler, f] of stack.functions) bundles.set(handler, bundleOf(f.function));
  bundles.set("triggers/staff-mfa", bundleOf(stack.staffMfa.function));
  return bundles;
}

/**
 * An event the handler answers without AWS: an API route called by a role it refuses (403), or with
 * no token when every role may call it (401): middy, the logger, the claims, the role check and the
 * error mapping run. The period job gets an event its zod schema refuses; the staff-MFA trigger a unit
 * user's token (no staff group: no Cognito call). The reminders job reads DynamoDB whatever its event:
 * not called ("-").
 */
function eventFor(handler: string): unknown {
  const route = ROUTES.find((r) => r.handler === handler);
  if (route) {
    const refused = Array.isArray(route.access)
      ? ROLES.find((role) => !route.access.includes(role))
      : undefined;
    const claims = refused ? { "cognito:username": "bench", "cognito:groups": `[${refused}]` } : undefined;
    return {
      version: "2.0",
      routeKey: routeKey(route),
      rawPath: route.path,
      headers: { host: "bench.example" },
      requestContext: { requestId: "bench-request", ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
      isBase64Encoded: false,
    };
  }
  if (handler === "jobs/period-job") return { kind: "close" };
  if (handler === "triggers/staff-mfa")
    return {
      version: "1",
      triggerSource: "TokenGeneration_Authentication",
      region: REGION,
      userPoolId: `${REGION}_bench`,
      userName: "editor.bench",
      request: { userAttributes: {}, groupConfiguration: { groupsToOverride: ["unit-editor"] } },
      response: { claimsOverrideDetails: {} },
    };
  return undefined;
}

interface Sample {
  importMs: number;
  importCpuMs: number;
  invokeMs: number;
  answer: string;
}

function sample(node: string, { file, env }: Bundle, event: unknown, sourceMaps: boolean): Sample {
  const { NODE_OPTIONS, ...rest } = env;
  const out = execFileSync(
    node,
    [
      "--input-type=module",
      "-e",
      CHILD,
      pathToFileURL(file).href,
      event === undefined ? "-" : JSON.stringify(event),
    ],
    {
      cwd: dirname(file),
      encoding: "utf8",
      env: {
        ...rest,
        ...(sourceMaps && NODE_OPTIONS ? { NODE_OPTIONS } : {}),
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        AWS_LAMBDA_FUNCTION_NAME: "bench",
        // What Lambda puts in the environment; nothing here is sent anywhere.
        AWS_ACCESS_KEY_ID: "AKIABENCH",
        AWS_SECRET_ACCESS_KEY: "bench",
        AWS_SESSION_TOKEN: "bench",
      },
    },
  );
  const line = out.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) throw new Error(`no figures from ${file}:\n${out}`);
  return JSON.parse(line.slice("BENCH ".length)) as Sample;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export async function run(): Promise<void> {
  const node = lambdaNode();
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  console.log(`cold start on Node.js ${version}: medians of ${RUNS} fresh processes per function and mode`);
  const outdir = join(ROOT, ".cache", `bench-cold-start-${process.pid}`);
  mkdirSync(outdir, { recursive: true });
  try {
    const began = performance.now();
    const bundles = synthBundles(outdir);
    console.log(`  synthesized ${bundles.size} bundles in ${ms(performance.now() - began)}; load ${load()}`);
    const rows = [
      [
        "function",
        "size",
        "import",
        "its CPU",
        "1st call",
        "import, maps",
        "1st call, maps",
        "answer",
        "goal",
      ],
    ];
    const over: string[] = [];
    for (const [handler, bundle] of [...bundles].sort(([a], [b]) => a.localeCompare(b))) {
      const event = eventFor(handler);
      const plain: Sample[] = [];
      const mapped: Sample[] = [];
      // Alternated, so a change in the machine's load weighs on both modes alike.
      for (let i = 0; i < RUNS; i++) {
        plain.push(sample(node, bundle, event, false));
        mapped.push(sample(node, bundle, event, true));
      }
      const typical = median(plain.map((s) => s.importMs));
      const called = event !== undefined;
      const invoke = (samples: Sample[]) => (called ? ms(median(samples.map((s) => s.invokeMs))) : "-");
      // Jobs and the Cognito trigger are not behind the API: their cold start is no user's wait.
      const api = ROUTES.some((r) => r.handler === handler);
      if (api && typical > GOAL_MS) over.push(handler);
      rows.push([
        handler,
        `${(statSync(bundle.file).size / 1024).toFixed(0)} KB`,
        ms(typical),
        ms(median(plain.map((s) => s.importCpuMs))),
        invoke(plain),
        ms(median(mapped.map((s) => s.importMs))),
        invoke(mapped),
        [...new Set([...plain, ...mapped].map((s) => s.answer))].join(" "),
        api ? (typical <= GOAL_MS ? "ok" : "OVER") : "-",
      ]);
    }
    console.log(table(rows));
    console.log(
      over.length === 0
        ? `  every API function imports in ≤ ${GOAL_MS} ms without source maps (load ${load()})`
        : `  over ${GOAL_MS} ms: ${over.join(", ")} (load ${load()})`,
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
