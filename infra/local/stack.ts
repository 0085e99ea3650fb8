import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { adapters, useLocalParts } from "../../functions/http/adapters.ts";
import { responseChecks } from "../../functions/http/api.ts";
import { ROUTES } from "../../functions/routes.ts";
import { SesMailer } from "../../shared/store/ses-mailer.ts";
import { AUDIT_TABLE, DATA_TABLE } from "../../shared/store/tables.ts";
import { NEEDS } from "../cdk/access.ts";
import { type AwsEndpoints, startAwsEndpoints } from "./aws-endpoints.ts";
import type { BundleModeOptions } from "./bundles/mode.ts";
import { type CognitoUser, ensureUserPool, ensureUsers, startCognito } from "./cognito.ts";
import { demoSignInUnits, demoUsers, seedDemo } from "./demo/seed.ts";
import { localDynamoDbClientConfig, startDynamoDbLocal } from "./dynamodb-local.ts";
import { startGateway } from "./gateway.ts";
import { InProcessInvoker, type Invoker, localFunctionName, useInvoker } from "./invoke.ts";
import {
  invokeJob,
  LocalCloseScheduler,
  LocalJobQueue,
  LocalMailer,
  OutboxMailer,
  resumeLifecycle,
} from "./jobs.ts";
import { createIdTokenVerifier } from "./jwt.ts";
import { lockDataDir } from "./lock.ts";
import { LocalTotp } from "./mfa.ts";
import { freePort, LOCAL_HOST } from "./ports.ts";
import { type RunningEmulator, runningProcesses, stopAll } from "./processes.ts";
import { localS3ClientConfig, startS3 } from "./s3.ts";
import { ensureTables } from "./tables.ts";
import { LOCAL_ACCOUNT, LOCAL_NAMES } from "./template.ts";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface StackOptions {
  /** Where data, logs and emulator state live; `npm start` uses .data/, tests a temp dir. */
  dataDir: string;
  /** Port of the one origin (gateway); 0 picks a free one. */
  port: number;
  /**
   * The one address the gateway listens on (default 127.0.0.1: this machine only). The emulators
   * always listen on 127.0.0.1, on private ports, and are reached only through the gateway.
   */
  host?: string;
  /** Keep DynamoDB data on disk (npm start) or in memory (tests). */
  persist: boolean;
  adminPassword: string;
  /** Seed the Tuyên Quang demo on first start. */
  demo: boolean;
  /** How long after a deadline the local scheduler fires the close (default 0; the tests set a lag). */
  closeLagMs?: number;
  /** How often the reminder job runs (EventBridge: hourly in the cloud); default a minute. */
  reminderIntervalMs?: number;
  /**
   * Groups whose members must sign in with TOTP, as staff-mfa.ts makes them in the cloud (e.g.
   * ["admin"]): the gateway's /auth/ then plays Cognito's MFA_SETUP and SOFTWARE_TOKEN_MFA challenges
   * (mfa.ts). Off by default: locally nobody is asked for TOTP.
   */
  mfaFor?: string[];
  /**
   * Tests: every 2xx answer of the API is checked against the contract (shared/api/contract.ts); one
   * that does not match is a 500 `contract-violation`. Also on when CHISO_CHECK_RESPONSES=1.
   */
  checkResponses?: boolean;
  /**
   * The bundle mode: the functions run as the CDK app ships them, each esbuild bundle in its own
   * Node.js 22 processes with the environment its template gives it (infra/local/bundles/).
   */
  bundles?: boolean | BundleModeOptions;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  config: {
    auth: {
      region: string;
      userPoolId: string;
      clientId: string;
      endpoint: string;
      mfaRequiredFor?: string[];
    };
  };
  env: Record<string, string>;
  /** The local AWS endpoints (aws-endpoints.ts): what the functions invalidated and mailed. */
  aws: Pick<AwsEndpoints, "url" | "invalidations" | "emails">;
  stop(): Promise<void>;
}

/**
 * The origin secret CloudFront sends the API: random per process, not per start, because a handler
 * module caches the value it read (functions/http/origin.ts) and a test restarts the stack in one process.
 */
const ORIGIN_SECRET = randomBytes(32).toString("base64url");

/** What the template names the cloud parts (as infra/local/template.ts resolves them, stage "local"). */
function cloudNames(region: string) {
  const arn = (service: string, resource: string, withRegion = true) =>
    `arn:aws:${service}:${withRegion ? region : ""}:${LOCAL_ACCOUNT}:${resource}`;
  const jobFunction = localFunctionName("jobs/period-job");
  return {
    SCHEDULE_GROUP: "chiso-local-closes",
    SCHEDULER_ROLE_ARN: arn("iam", "role/chiso-Jobs-CloseSchedulerRole", false),
    CLOSE_DLQ_ARN: arn("sqs", "chiso-Jobs-CloseDeadLetterQueue"),
    JOB_FUNCTION_ARN: arn("lambda", `function:${jobFunction}`),
    JOB_FUNCTION_NAME: jobFunction,
    REMINDER_FROM: "no-reply@chiso.local",
    DISTRIBUTION_ID: LOCAL_NAMES.distributionId,
    ORIGIN_SECRET_PARAM: arn("secretsmanager", "secret:chiso-Api-OriginSecret"),
    ORIGIN_SECRET_HEADER: "x-chiso-origin-secret",
  };
}
/** The local tables and buckets, named once (template.ts): the bundle mode resolves the template to them. */
const TABLE_NAMES = { data: LOCAL_NAMES.dataTable, audit: LOCAL_NAMES.auditTable };
const BUCKETS = { evidence: LOCAL_NAMES.evidenceBucket, site: LOCAL_NAMES.siteBucket };

/**
 * The whole system on one machine: DynamoDB Local, s3rver and cognito-local as real emulators, the
 * gateway in front of the very Lambda handler modules, the demo seeded on first start.
 */
export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const logDir = join(options.dataDir, "logs");
  await mkdir(logDir, { recursive: true });
  const lock = await lockDataDir(options.dataDir);
  const host = options.host ?? LOCAL_HOST;
  const port = options.port || (await freePort());
  const origin = originFor(host, port);
  // The key pair the stack signs presigned storage requests with, and the gateway verifies them
  // with (s3rver checks only the key id, S3RVER; DynamoDB Local and cognito-local check nothing).
  const credentials = {
    accessKeyId: "S3RVER",
    secretAccessKey: randomBytes(24).toString("base64url"),
    region: "us-east-1",
  };
  const started: RunningEmulator[] = [];
  let stopGateway: (() => Promise<void>) | undefined;
  let aws: AwsEndpoints | undefined;
  let bundles: Invoker | undefined;
  // The synth (about a minute when the sources changed) runs while the emulators start.
  const synth = options.bundles ? import("./bundles/mode.ts").then((m) => m.synthBundles(log)) : undefined;
  synth?.catch(() => undefined);
  try {
    const [dynamo, s3, cognito] = await Promise.all([
      startDynamoDbLocal({
        logDir,
        ...(options.persist ? { dbPath: join(options.dataDir, "dynamodb") } : { inMemory: true }),
      }),
      startS3({
        directory: join(options.dataDir, "s3"),
        logDir,
        buckets: Object.values(BUCKETS),
        // Browsers never reach s3rver: the gateway's /s3/ is their storage.
        corsOrigins: [],
      }),
      startCognito({ dataDir: join(options.dataDir, "cognito"), logDir }),
    ]);
    started.push(dynamo, s3, cognito);
    if (!dynamo.isolated)
      log(
        `note: DynamoDB Local listens on every interface (port ${dynamo.port}): no network namespace is ` +
          'available here (README.md, "What the local stack is for")',
      );
    const pool = await ensureUserPool(cognito.endpoint, { poolName: "chiso" });
    // Scheduler, Lambda, SES, CloudFront and Secrets Manager: the cloud adapters call them here.
    const names = cloudNames(credentials.region);
    const scheduler = new LocalCloseScheduler(
      log,
      options.closeLagMs,
      (periodId) => `${names.SCHEDULE_GROUP}/close-${periodId}`,
    );
    const jobs = new LocalJobQueue(log);
    const outbox = join(options.dataDir, "outbox");
    aws = await startAwsEndpoints({
      region: credentials.region,
      handlers: Object.keys(NEEDS),
      schedules: scheduler,
      jobs,
      outbox,
      distributions: [names.DISTRIBUTION_ID],
      secrets: { [names.ORIGIN_SECRET_PARAM]: ORIGIN_SECRET },
      log,
    });
    const env: Record<string, string> = {
      AWS_REGION: credentials.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      TABLE_NAME: TABLE_NAMES.data,
      AUDIT_TABLE_NAME: TABLE_NAMES.audit,
      S3_ENDPOINT: s3.endpoint,
      // Presigned upload forms and download URLs point at the gateway, which verifies them.
      S3_PUBLIC_ENDPOINT: `${origin}/s3`,
      EVIDENCE_BUCKET: BUCKETS.evidence,
      SITE_BUCKET: BUCKETS.site,
      USER_POOL_ID: pool.userPoolId,
      COGNITO_ENDPOINT: cognito.endpoint,
      POWERTOOLS_SERVICE_NAME: "chiso",
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "WARN",
      ...aws.env,
      ...names,
    };
    Object.assign(process.env, env);
    await ensureTables(new DynamoDBClient(localDynamoDbClientConfig(dynamo.endpoint)), [
      { definition: DATA_TABLE, name: TABLE_NAMES.data },
      { definition: AUDIT_TABLE, name: TABLE_NAMES.audit },
    ]);
    const users: CognitoUser[] = [{ username: "admin", password: options.adminPassword, groups: ["admin"] }];
    if (options.demo) users.push(...demoUsers(await demoSignInUnits()));
    const created = await ensureUsers(cognito.endpoint, pool, users);
    if (created > 0) log(`users: ${created} created in the local user pool`);
    // The scheduler and the job queue are the cloud adapters (adapters.ts, from env); reminders to a
    // unit without an address, which SES never sees, still land in the outbox (LocalMailer).
    useLocalParts({
      mailer: new LocalMailer(new SesMailer(names.REMINDER_FROM), new OutboxMailer(outbox, log)),
    });

    // The gateway starts before the demo is seeded: the demo uploads its evidence through /s3/.
    const storageClient = new S3Client(localS3ClientConfig(s3.endpoint));
    const config = {
      auth: {
        region: "local",
        userPoolId: pool.userPoolId,
        clientId: pool.clientId,
        // Sign-in only (gateway.ts); the stack's own calls go to cognito-local's private port.
        endpoint: `${origin}/auth`,
        ...(options.mfaFor?.length ? { mfaRequiredFor: options.mfaFor } : {}),
      },
    };
    if (options.checkResponses) responseChecks.on = true;
    if (synth) {
      const { bundleInvoker } = await import("./bundles/mode.ts");
      const app = await synth;
      bundles = await bundleInvoker(
        app,
        { region: credentials.region, userPoolId: pool.userPoolId, stackEnv: env, logDir },
        typeof options.bundles === "object" ? options.bundles : {},
      );
      useInvoker(bundles);
      log(
        `bundles: ${app.functions.length} functions run as shipped, in Node.js 22 processes ` +
          `(${app.synthesized ? `synthesized in ${app.seconds.toFixed(0)} s` : "synth reused"}; logs in ${logDir})`,
      );
    }
    const gateway = await startGateway({
      port,
      routes: ROUTES,
      verifyToken: createIdTokenVerifier({
        issuer: pool.issuer,
        audience: pool.clientId,
        jwksUri: pool.jwksUri,
      }),
      config,
      readPublic: (key) => readSiteObject(storageClient, BUCKETS.site, key),
      webDist: join(ROOT, "web/dist"),
      host,
      auth: {
        upstream: cognito.endpoint,
        clientId: pool.clientId,
        ...(options.mfaFor?.length ? { mfa: new LocalTotp(options.dataDir, options.mfaFor) } : {}),
      },
      storage: {
        bucket: BUCKETS.evidence,
        credentials,
        put: async (key, body, contentType) => {
          await storageClient.send(
            new PutObjectCommand({
              Bucket: BUCKETS.evidence,
              Key: key,
              Body: body,
              ContentType: contentType,
            }),
          );
        },
        get: (key) => readSiteObject(storageClient, BUCKETS.evidence, key),
        putPart: async (key, uploadId, partNumber, body) => {
          const part = await storageClient.send(
            new UploadPartCommand({
              Bucket: BUCKETS.evidence,
              Key: key,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: body,
            }),
          );
          return part.ETag ?? "";
        },
      },
      corsOrigins: [...new Set([origin, `http://${host}:${port}`, "http://localhost:5173"])],
      originHeader: { name: names.ORIGIN_SECRET_HEADER, value: ORIGIN_SECRET },
    });
    stopGateway = () => gateway.close();
    // The demo's history arms nothing (the scheduler is not started); resumeLifecycle arms what is open.
    if (options.demo && (await seedDemo({ ...adapters(), scheduler }, log, origin))) log("demo: seeded");
    scheduler.start();
    await resumeLifecycle(adapters(), aws.closes(names.SCHEDULE_GROUP, names.JOB_FUNCTION_ARN), jobs);
    const remind = () =>
      invokeJob("send-reminders", {}).catch((error) => log(`reminders failed: ${error.message}`));
    await remind();
    const reminders = setInterval(remind, options.reminderIntervalMs ?? 60_000);
    reminders.unref();
    await lock.describe({
      url: origin,
      emulators: Object.fromEntries(
        [
          ["dynamodb-local", dynamo],
          ["s3rver", s3],
          ["cognito-local", cognito],
        ].map(([name, emulator]) => [name as string, (emulator as RunningEmulator).port]),
      ),
      children: runningProcesses().map((child) => ({ name: child.name, pid: child.pid })),
    });
    return {
      url: origin,
      config,
      env,
      aws,
      stop: async () => {
        clearInterval(reminders);
        scheduler.stop();
        jobs.stop();
        await gateway.close();
        await stopBundles(bundles);
        await aws?.close();
        await Promise.all(started.map((s) => s.stop()));
        await lock.release();
      },
    };
  } catch (error) {
    await stopGateway?.().catch(() => undefined);
    await stopBundles(bundles).catch(() => undefined);
    await aws?.close().catch(() => undefined);
    await stopAll(); // also the emulators that started while another failed
    await lock.release();
    throw error;
  }
}

/** Ends the bundle mode's function processes; the process's invoker is the in-process one again. */
async function stopBundles(bundles: Invoker | undefined): Promise<void> {
  if (!bundles) return;
  useInvoker(new InProcessInvoker());
  await bundles.stop?.();
}

/** The address people use: localhost for the loopback or any-address binds, else the address. */
function originFor(host: string, port: number): string {
  if (["127.0.0.1", "localhost", "0.0.0.0", "::", "::1"].includes(host)) return `http://localhost:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

async function readSiteObject(client: S3Client, bucket: string, key: string) {
  try {
    const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!result.Body) return undefined;
    return {
      body: await result.Body.transformToByteArray(),
      contentType: result.ContentType ?? "application/octet-stream",
      contentDisposition: result.ContentDisposition,
    };
  } catch {
    return undefined;
  }
}
