import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { adapters, useLocalParts } from "../../functions/http/adapters.ts";
import { responseChecks } from "../../functions/http/api.ts";
import { ROUTES } from "../../functions/routes.ts";
import { AUDIT_TABLE, DATA_TABLE } from "../../shared/store/tables.ts";
import { type CognitoUser, ensureUserPool, ensureUsers, startCognito } from "./cognito.ts";
import { demoUnits, demoUsers, seedDemo } from "./demo/seed.ts";
import { localDynamoDbClientConfig, startDynamoDbLocal } from "./dynamodb-local.ts";
import { startGateway } from "./gateway.ts";
import { invokeJob, LocalCloseScheduler, LocalJobQueue, OutboxMailer, resumeLifecycle } from "./jobs.ts";
import { createIdTokenVerifier } from "./jwt.ts";
import { lockDataDir } from "./lock.ts";
import { LocalTotp } from "./mfa.ts";
import { freePort, LOCAL_HOST } from "./ports.ts";
import { type RunningEmulator, runningProcesses, stopAll } from "./processes.ts";
import { localS3ClientConfig, startS3 } from "./s3.ts";
import { ensureTables } from "./tables.ts";

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
  stop(): Promise<void>;
}

const TABLE_NAMES = { data: "chiso-data", audit: "chiso-audit" };
const BUCKETS = { evidence: "chiso-evidence", site: "chiso-site" };

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
    };
    Object.assign(process.env, env);
    await ensureTables(new DynamoDBClient(localDynamoDbClientConfig(dynamo.endpoint)), [
      { definition: DATA_TABLE, name: TABLE_NAMES.data },
      { definition: AUDIT_TABLE, name: TABLE_NAMES.audit },
    ]);
    const users: CognitoUser[] = [{ username: "admin", password: options.adminPassword, groups: ["admin"] }];
    if (options.demo) users.push(...demoUsers(await demoUnits()));
    const created = await ensureUsers(cognito.endpoint, pool, users);
    if (created > 0) log(`users: ${created} created in the local user pool`);
    const scheduler = new LocalCloseScheduler(log, options.closeLagMs);
    const jobs = new LocalJobQueue(log);
    useLocalParts({ scheduler, jobs, mailer: new OutboxMailer(join(options.dataDir, "outbox"), log) });

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
      },
      corsOrigins: [...new Set([origin, `http://${host}:${port}`, "http://localhost:5173"])],
    });
    stopGateway = () => gateway.close();
    if (options.demo && (await seedDemo(adapters(), log))) log("demo: seeded");
    scheduler.start();
    await resumeLifecycle(adapters(), scheduler, jobs);
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
      stop: async () => {
        clearInterval(reminders);
        scheduler.stop();
        jobs.stop();
        await gateway.close();
        await Promise.all(started.map((s) => s.stop()));
        await lock.release();
      },
    };
  } catch (error) {
    await stopGateway?.().catch(() => undefined);
    await stopAll(); // also the emulators that started while another failed
    await lock.release();
    throw error;
  }
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
    };
  } catch {
    return undefined;
  }
}
