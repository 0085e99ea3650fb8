import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CloudFrontClient, CreateInvalidationCommand } from "@aws-sdk/client-cloudfront";
import { InvokeCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEEDS } from "../../infra/cdk/access.ts";
import { type AwsEndpoints, startAwsEndpoints } from "../../infra/local/aws-endpoints.ts";
import { LocalCloseScheduler, LocalJobQueue } from "../../infra/local/jobs.ts";
import { EventBridgeCloseScheduler } from "../../shared/store/close-scheduler.ts";
import { LambdaJobQueue } from "../../shared/store/lambda-jobs.ts";
import { originSecretFrom } from "../../shared/store/origin-secret.ts";
import { S3PublishedFiles } from "../../shared/store/published-files.ts";
import { SesMailer } from "../../shared/store/ses-mailer.ts";
import { waitFor } from "../support/lifecycle.ts";
import { stack, uniqueId } from "../support/local-stack.ts";

/**
 * The local AWS endpoints (infra/local/aws-endpoints.ts) driven by the real SDK clients and the cloud
 * adapters that ship: a server of its own in this process (no close lag), whose functions run here
 * against the run's shared stack (DynamoDB Local): the reminder job is the target, as it changes nothing
 * for the other files.
 */

const REGION = "us-east-1";
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:000000000000:secret:chiso-test-origin`;
const GROUP = uniqueId("closes");
const REMINDERS_ARN = `arn:aws:lambda:${REGION}:000000000000:function:chiso-jobs-send-reminders`;

let endpoints: AwsEndpoints;
let outbox: string;
const log: string[] = [];
const schedules = new LocalCloseScheduler((line) => log.push(line));
const jobs = new LocalJobQueue((line) => log.push(line), 0);

beforeAll(async () => {
  // The shared stack's tables and buckets; the five services are this file's own server.
  Object.assign(process.env, stack().env);
  outbox = await mkdtemp(join(tmpdir(), "chiso-aws-endpoints-"));
  endpoints = await startAwsEndpoints({
    region: REGION,
    handlers: Object.keys(NEEDS),
    schedules,
    jobs,
    outbox,
    distributions: ["ELOCALTEST"],
    secrets: { [SECRET_ARN]: "s3cr3t" },
    log: (line) => log.push(line),
  });
  // The clients find it by the SDK's standard variables, as the functions do.
  Object.assign(process.env, endpoints.env);
  schedules.start();
});

afterAll(async () => {
  schedules.stop();
  jobs.stop();
  await endpoints?.close();
  if (outbox) await rm(outbox, { recursive: true, force: true });
});

const scheduler = () => new SchedulerClient({ region: REGION });
const inSeconds = (seconds: number) => {
  // at() in Vietnam time (UTC+7, no DST), as the close adapter writes it.
  const wall = new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000 + 7 * 3600_000);
  return { expression: `at(${wall.toISOString().slice(0, 19)})`, ms: wall.getTime() - 7 * 3600_000 };
};

describe("the shared stack", () => {
  it("gives its functions the five endpoints and the names the template gives them", async () => {
    const env = stack().env;
    for (const id of ["LAMBDA", "SCHEDULER", "SESV2", "CLOUDFRONT", "SECRETS_MANAGER"])
      expect(env[`AWS_ENDPOINT_URL_${id}`]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env).toMatchObject({
      JOB_FUNCTION_NAME: "chiso-jobs-period-job",
      JOB_FUNCTION_ARN: `arn:aws:lambda:${REGION}:000000000000:function:chiso-jobs-period-job`,
      DISTRIBUTION_ID: "ELOCALCHISO",
      ORIGIN_SECRET_HEADER: "x-chiso-origin-secret",
    });
    // The API answers only with the origin secret the gateway adds: read from the stack's endpoint.
    const secret = await new SecretsManagerClient({
      region: REGION,
      endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    }).send(new GetSecretValueCommand({ SecretId: env.ORIGIN_SECRET_PARAM }));
    expect(secret.SecretString?.length).toBeGreaterThanOrEqual(32);
  });
});

describe("EventBridge Scheduler", () => {
  it("creates, updates, reads and deletes a schedule; errors reach the SDK as its exceptions", async () => {
    const name = uniqueId("sched");
    const later = inSeconds(3600);
    const input = {
      Name: name,
      GroupName: GROUP,
      ScheduleExpression: later.expression,
      ScheduleExpressionTimezone: "Asia/Ho_Chi_Minh",
      FlexibleTimeWindow: { Mode: "OFF" as const },
      ActionAfterCompletion: "DELETE" as const,
      Target: { Arn: REMINDERS_ARN, RoleArn: "arn:aws:iam::000000000000:role/r", Input: "{}" },
    };
    const created = await scheduler().send(new CreateScheduleCommand(input));
    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:000000000000:schedule/${GROUP}/${name}`);
    expect(endpoints.schedules.get(`${GROUP}/${name}`)?.at).toBe(later.ms);

    await expect(scheduler().send(new CreateScheduleCommand(input))).rejects.toMatchObject({
      name: "ConflictException",
      $metadata: { httpStatusCode: 409 },
    });
    const moved = inSeconds(7200);
    await scheduler().send(new UpdateScheduleCommand({ ...input, ScheduleExpression: moved.expression }));
    const read = await scheduler().send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
    expect(read).toMatchObject({ Name: name, GroupName: GROUP, ScheduleExpression: moved.expression });
    expect(read.Target?.Arn).toBe(REMINDERS_ARN);

    await scheduler().send(new DeleteScheduleCommand({ Name: name, GroupName: GROUP }));
    for (const command of [
      new DeleteScheduleCommand({ Name: name, GroupName: GROUP }),
      new GetScheduleCommand({ Name: name, GroupName: GROUP }),
      new UpdateScheduleCommand(input),
    ])
      await expect(scheduler().send(command as never)).rejects.toMatchObject({
        name: "ResourceNotFoundException",
        $metadata: { httpStatusCode: 404 },
      });
    // Only at() is served: another expression is a clear refusal.
    await expect(
      scheduler().send(new CreateScheduleCommand({ ...input, ScheduleExpression: "rate(5 minutes)" })),
    ).rejects.toMatchObject({ name: "ValidationException", message: expect.stringContaining("only at(") });
  });

  it("fires an at() schedule at its target function and deletes it (the close adapter's calls)", async () => {
    const name = uniqueId("fire");
    const soon = inSeconds(1);
    await scheduler().send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: soon.expression,
        ScheduleExpressionTimezone: "Asia/Ho_Chi_Minh",
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: { Arn: REMINDERS_ARN, RoleArn: "arn:aws:iam::000000000000:role/r", Input: "{}" },
      }),
    );
    await waitFor(
      "the schedule to fire",
      async () => log.filter((line) => line.startsWith(`scheduler: ${name} → {"sent":`)),
      (lines) => lines.length === 1,
      10_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(soon.ms);
    await expect(
      scheduler().send(new GetScheduleCommand({ Name: name, GroupName: GROUP })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });

    // The adapter itself: arm creates, arming again updates (Conflict → Update), disarm deletes, and
    // disarming what is gone is quiet.
    const adapter = new EventBridgeCloseScheduler({
      group: GROUP,
      targetArn: REMINDERS_ARN,
      roleArn: "arn:aws:iam::000000000000:role/r",
      deadLetterArn: "arn:aws:sqs:us-east-1:000000000000:dlq",
    });
    const periodId = uniqueId("period");
    const closesAt = new Date(Date.now() + 86_400_000).toISOString();
    await adapter.arm(periodId, closesAt);
    await adapter.arm(periodId, closesAt);
    expect(endpoints.schedules.get(`${GROUP}/close-${periodId}`)?.at).toBe(
      Math.ceil(Date.parse(closesAt) / 1000) * 1000,
    );
    await adapter.disarm(periodId);
    await adapter.disarm(periodId);
    expect(endpoints.schedules.has(`${GROUP}/close-${periodId}`)).toBe(false);
  });
});

describe("Lambda Invoke", () => {
  it("queues an Event invocation (202) that runs after the answer, and answers a RequestResponse", async () => {
    const lambda = new LambdaClient({ region: REGION });
    const before = log.filter((line) => line.startsWith("job: jobs/send-reminders → ")).length;
    const queued = await lambda.send(
      new InvokeCommand({
        FunctionName: "chiso-jobs-send-reminders",
        InvocationType: "Event",
        Payload: "{}",
      }),
    );
    expect(queued.StatusCode).toBe(202);
    await waitFor(
      "the queued job",
      async () => log.filter((line) => line.startsWith("job: jobs/send-reminders → ")),
      (lines) => lines.length === before + 1,
      10_000,
    );

    const answered = await lambda.send(new InvokeCommand({ FunctionName: REMINDERS_ARN, Payload: "{}" }));
    expect(answered.StatusCode).toBe(200);
    expect(answered.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(answered.Payload))).toMatchObject({
      sent: expect.any(Number),
    });

    // The job queue adapter: the period job queued by name, as a transition does.
    await new LambdaJobQueue("chiso-jobs-period-job").enqueue({ periodId: uniqueId("none"), kind: "close" });

    await expect(
      lambda.send(new InvokeCommand({ FunctionName: "chiso-no-such-function", InvocationType: "Event" })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
  });

  it("refuses an operation it does not serve, naming it", async () => {
    await expect(
      new LambdaClient({ region: REGION }).send(new ListFunctionsCommand({})),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(/do not serve GET \/2015-03-31\/functions.*only Lambda Invoke/),
    });
  });
});

describe("SES, CloudFront, Secrets Manager", () => {
  it("writes a sent email to the outbox", async () => {
    const to = `${uniqueId("unit")}@example.gov.vn`;
    await new SesMailer("no-reply@chiso.local").send({
      to: [to],
      subject: "[chiso] Còn 3 ngày: Kỳ",
      text: "Kính gửi…\n",
    });
    const sent = endpoints.emails.find((email) => email.to[0] === to);
    expect(sent).toMatchObject({ from: "no-reply@chiso.local", subject: "[chiso] Còn 3 ngày: Kỳ" });
    expect(sent?.file).toMatch(
      new RegExp(`^${outbox}/\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z-${to}\\.txt$`),
    );
    expect(await readFile(sent?.file ?? "", "utf8")).toBe(
      `From: no-reply@chiso.local\nTo: ${to}\nSubject: [chiso] Còn 3 ngày: Kỳ\n\nKính gửi…\n`,
    );
  });

  it("parses an invalidation, refuses an unknown distribution", async () => {
    const cdn = new CloudFrontClient({ region: REGION });
    const done = await cdn.send(
      new CreateInvalidationCommand({
        DistributionId: "ELOCALTEST",
        InvalidationBatch: {
          CallerReference: "ref-1",
          Paths: { Quantity: 2, Items: ["/public/a.json", "/public/b&c.csv"] },
        },
      }),
    );
    expect(done.Invalidation).toMatchObject({
      Status: "InProgress",
      InvalidationBatch: {
        CallerReference: "ref-1",
        Paths: { Quantity: 2, Items: ["/public/a.json", "/public/b&c.csv"] },
      },
    });
    expect(done.Invalidation?.CreateTime).toBeInstanceOf(Date);
    expect(done.Location).toContain(`/distribution/ELOCALTEST/invalidation/${done.Invalidation?.Id}`);
    expect(endpoints.invalidations.at(-1)).toMatchObject({
      distributionId: "ELOCALTEST",
      paths: ["/public/a.json", "/public/b&c.csv"],
    });

    // The adapter: the moving pointers of a publication.
    await new S3PublishedFiles("chiso-site", { ...process.env, DISTRIBUTION_ID: "ELOCALTEST" }).invalidate([
      "public/x.json",
    ]);
    expect(endpoints.invalidations.at(-1)?.paths).toEqual(["/public/x.json"]);

    await expect(
      cdn.send(
        new CreateInvalidationCommand({
          DistributionId: "ENOSUCH",
          InvalidationBatch: { CallerReference: "ref-2", Paths: { Quantity: 1, Items: ["/x"] } },
        }),
      ),
    ).rejects.toMatchObject({ name: "NoSuchDistribution", $metadata: { httpStatusCode: 404 } });
  });

  it("gives the origin secret, and refuses an unknown one", async () => {
    expect(await originSecretFrom(SECRET_ARN)()).toBe("s3cr3t");
    await expect(originSecretFrom(`${SECRET_ARN}-other`)()).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
  });
});
