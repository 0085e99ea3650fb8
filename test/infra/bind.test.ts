import { App, type CfnElement, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { ChisoFunction } from "../../infra/cdk/chiso-function.ts";
import type { Cfn } from "./synth-info.ts";

const WEEK = RetentionDays.ONE_WEEK;

/** A stack of its own, not bundled, with one table: the bind methods, one at a time. */
function bench() {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new Stack(app, "Bench", { env: { region: "ap-southeast-1" } });
  const table = new dynamodb.Table(stack, "Table", {
    partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
  });
  return { stack, table };
}

/** One function's environment and the statements of its role's policies. */
function partsOf(stack: Stack, template: Template, f: ChisoFunction) {
  const resources = template.toJSON().Resources as Record<string, Cfn>;
  const roleId = stack.getLogicalId(f.role.node.defaultChild as CfnElement);
  const statements = Object.values(resources)
    .filter(
      (r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Cfn[]);
  const lambda = resources[stack.getLogicalId(f.function.node.defaultChild as CfnElement)];
  return { env: lambda.Properties.Environment.Variables as Record<string, unknown>, statements };
}

const actions = (statements: Cfn[]) => statements.flatMap((s) => [s.Action].flat() as string[]);

describe("ChisoFunction's bind methods: the environment variable and the right come together", () => {
  it("binds a table read, read-write, append-only, or by name only", () => {
    const { stack, table } = bench();
    const cases = {
      "periods/get": ["read", ["dynamodb:GetItem", "dynamodb:Query"]],
      "periods/create": ["write", ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]],
      "audit/list": ["append", ["dynamodb:PutItem"]],
      "units/list": ["name-only", []],
    } as const;
    const made = Object.entries(cases).map(([handler, [access]]) =>
      ChisoFunction.forHandler(stack, handler, WEEK).bindTable(table, access, { env: "TABLE_NAME" }),
    );
    const template = Template.fromStack(stack);
    for (const f of made) {
      const [access, expected] = cases[f.handler as keyof typeof cases];
      const { env, statements } = partsOf(stack, template, f);
      expect(env.TABLE_NAME, access).toEqual({ Ref: expect.stringMatching(/^Table/) });
      const dynamo = actions(statements).filter((a) => a.startsWith("dynamodb:"));
      expect(dynamo, access).toEqual(expect.arrayContaining([...expected]));
      if (access === "append" || access === "name-only") expect(dynamo, access).toEqual(expected);
      if (access === "read") expect(dynamo).not.toContain("dynamodb:PutItem");
    }
  });

  it("binds a bucket prefix action by action, with ListBucket only for a reader", () => {
    const { stack } = bench();
    const evidence = new s3.Bucket(stack, "Evidence");
    const site = new s3.Bucket(stack, "Site");
    const writer = ChisoFunction.forHandler(stack, "evidence/remove", WEEK).bindBucketPrefix(
      evidence,
      "evidence/",
      ["put", "delete"],
      { env: "EVIDENCE_BUCKET" },
    );
    const reader = ChisoFunction.forHandler(stack, "results/export", WEEK).bindBucketPrefix(
      site,
      "public/",
      ["get"],
      { env: "SITE_BUCKET" },
    );
    const template = Template.fromStack(stack);
    const written = partsOf(stack, template, writer);
    expect(written.env.EVIDENCE_BUCKET).toEqual({ Ref: expect.stringMatching(/^Evidence/) });
    expect(actions(written.statements).filter((a) => a.startsWith("s3:"))).toEqual([
      "s3:PutObject",
      "s3:DeleteObject",
    ]);
    expect(JSON.stringify(written.statements)).toContain("/evidence/*");
    const read = partsOf(stack, template, reader);
    expect(read.env.SITE_BUCKET).toEqual({ Ref: expect.stringMatching(/^Site/) });
    expect(actions(read.statements).filter((a) => a.startsWith("s3:"))).toEqual([
      "s3:GetObject",
      "s3:ListBucket",
    ]);
  });

  it("binds the job queue to the unqualified function only", () => {
    const { stack } = bench();
    const job = ChisoFunction.forHandler(stack, "jobs/period-job", WEEK);
    const caller = ChisoFunction.forHandler(stack, "periods/transition", WEEK).bindJobQueue(job.function, {
      env: "JOB_FUNCTION_NAME",
    });
    const { env, statements } = partsOf(stack, Template.fromStack(stack), caller);
    expect(env.JOB_FUNCTION_NAME).toEqual({ Ref: expect.stringMatching(/^JobsPeriodJob/) });
    const invoke = statements.filter((s) => actions([s]).includes("lambda:InvokeFunction"));
    expect(invoke.map((s) => s.Resource)).toEqual([
      { "Fn::GetAtt": [expect.stringMatching(/^JobsPeriodJob/), "Arn"] },
    ]);
  });

  it("binds the close schedules: the job function itself is not told its own ARN", () => {
    const { stack } = bench();
    const job = ChisoFunction.forHandler(stack, "jobs/period-job", WEEK);
    const schedules = {
      groupName: "closes",
      scheduleArn: "arn:aws:scheduler:ap-southeast-1:123456789012:schedule/closes/close-*",
      schedulerRole: new iam.Role(stack, "SchedulerRole", {
        assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com"),
      }),
      deadLetterQueue: new sqs.Queue(stack, "Dlq"),
      target: job.function,
    };
    const caller = ChisoFunction.forHandler(stack, "periods/patch", WEEK).bindCloseSchedules(
      schedules,
      "arm",
    );
    job.bindCloseSchedules(schedules, "arm-disarm");
    const template = Template.fromStack(stack);
    const [called, itself] = [caller, job].map((f) => partsOf(stack, template, f));
    const scheduleEnv = ["SCHEDULE_GROUP", "SCHEDULER_ROLE_ARN", "CLOSE_DLQ_ARN"];
    expect(Object.keys(called?.env ?? {})).toEqual(
      expect.arrayContaining([...scheduleEnv, "JOB_FUNCTION_ARN"]),
    );
    expect(Object.keys(itself?.env ?? {})).toEqual(expect.arrayContaining(scheduleEnv));
    expect(Object.keys(itself?.env ?? {})).not.toContain("JOB_FUNCTION_ARN");
    const schedulerActions = (statements: Cfn[]) =>
      actions(statements).filter((a) => a.startsWith("scheduler:"));
    expect(schedulerActions(called?.statements ?? [])).toEqual([
      "scheduler:CreateSchedule",
      "scheduler:UpdateSchedule",
    ]);
    expect(schedulerActions(itself?.statements ?? [])).toContain("scheduler:DeleteSchedule");
    expect(called?.statements).toContainEqual(
      expect.objectContaining({
        Action: "iam:PassRole",
        Condition: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    );
  });

  it("sizes a function by its needs: the period job 15 minutes with 2 GB, the export 29 s with 1 GB", () => {
    const { stack } = bench();
    const made = ["jobs/period-job", "results/export", "periods/get"].map((handler) =>
      ChisoFunction.forHandler(stack, handler, WEEK),
    );
    const resources = Template.fromStack(stack).toJSON().Resources;
    const [job, exporter, reader] = made.map(
      (f) => resources[stack.getLogicalId(f.function.node.defaultChild as CfnElement)].Properties,
    );
    expect(job).toMatchObject({ Timeout: 900, MemorySize: 3538 });
    expect(exporter).toMatchObject({ Timeout: 29, MemorySize: 1024 });
    expect(reader).toMatchObject({ Timeout: 10, MemorySize: 512 });
  });
});
