import { DEFAULT_MAX_EVIDENCE_BYTES } from "../../shared/model/evidence.ts";
import type { Ports } from "../../shared/services/context.ts";
import { AppraisalRepository } from "../../shared/store/appraisals.ts";
import { AuditLog } from "../../shared/store/audit.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { FrameworkRepository } from "../../shared/store/frameworks.ts";
import { MeasurementRepository } from "../../shared/store/measurements.ts";
import { PeriodRepository } from "../../shared/store/periods.ts";
import { SourceRepository } from "../../shared/store/sources.ts";
import { SubmissionRepository } from "../../shared/store/submissions.ts";
import { UnitRepository } from "../../shared/store/units.ts";

/**
 * Which adapters this build may use: a deployed bundle gets each as a constant by esbuild's `define`
 * (infra/cdk/chiso-function.ts, from the function's needs in infra/cdk/access.ts), so the adapters it
 * may not use, and their SDK clients, drop out of the bundle as dead code. Run from source (tsx,
 * vitest, the local stack) they are not defined, and every adapter is there. Each test below is written
 * out inline: esbuild folds `typeof false === "undefined" || false`, not a helper's result.
 */
declare const CHISO_PART_EVIDENCE_FILES: boolean | undefined;
declare const CHISO_PART_USERS: boolean | undefined;
declare const CHISO_PART_PUBLISHED: boolean | undefined;
declare const CHISO_PART_SCHEDULER: boolean | undefined;
declare const CHISO_PART_JOBS: boolean | undefined;
declare const CHISO_PART_MAILER: boolean | undefined;

let built: Ports | undefined;
type LocalParts = Partial<Pick<Ports, "scheduler" | "mailer" | "jobs">>;
let localParts: LocalParts = {};

/**
 * On one machine the scheduler, the job queue and the mailer are in-process stand-ins (infra/local):
 * the local stack hands them over here before the first request.
 */
export function useLocalParts(parts: LocalParts): void {
  localParts = parts;
  built = undefined;
}

/**
 * The adapters, built once per Lambda container from the environment CDK (or the local stack) sets.
 * Every function reads DynamoDB, so the repositories are built at once; the other adapters (S3,
 * Cognito, Scheduler, Lambda, SES, CloudFront) are imported on their first call, so a function that
 * never calls one never evaluates its SDK client (the cold start: test/bench/cold-start.ts). In a
 * bundle, an adapter its function's needs do not name is `absent`: not bundled, and every call fails.
 */
export function adapters(env: NodeJS.ProcessEnv = process.env): Ports {
  if (built) return built;
  const dynamo = dynamoFromEnv(env);
  built = {
    frameworks: new FrameworkRepository(dynamo),
    units: new UnitRepository(dynamo),
    periods: new PeriodRepository(dynamo),
    submissions: new SubmissionRepository(dynamo),
    appraisals: new AppraisalRepository(dynamo),
    audit: new AuditLog(dynamo),
    sources: new SourceRepository(dynamo),
    measurements: new MeasurementRepository(dynamo),
    evidenceFiles:
      typeof CHISO_PART_EVIDENCE_FILES === "undefined" || CHISO_PART_EVIDENCE_FILES
        ? deferred(async () => {
            const { S3EvidenceFiles } = await import("../../shared/store/evidence-files.ts");
            return new S3EvidenceFiles(env.EVIDENCE_BUCKET ?? "", env);
          })
        : absent("evidence bucket"),
    users:
      typeof CHISO_PART_USERS === "undefined" || CHISO_PART_USERS
        ? deferred(async () => {
            const { CognitoUserDirectory } = await import("../../shared/store/user-directory.ts");
            return new CognitoUserDirectory(env.USER_POOL_ID ?? "", env);
          })
        : absent("user pool"),
    published:
      typeof CHISO_PART_PUBLISHED === "undefined" || CHISO_PART_PUBLISHED
        ? deferred(async () => {
            const { S3PublishedFiles } = await import("../../shared/store/published-files.ts");
            return new S3PublishedFiles(env.SITE_BUCKET ?? "", env);
          })
        : absent("site bucket"),
    scheduler:
      localParts.scheduler ??
      (typeof CHISO_PART_SCHEDULER === "undefined" || CHISO_PART_SCHEDULER
        ? deferred(() => cloudScheduler(env))
        : absent("scheduler")),
    jobs:
      localParts.jobs ??
      (typeof CHISO_PART_JOBS === "undefined" || CHISO_PART_JOBS
        ? deferred(() => cloudJobs(env))
        : absent("job queue")),
    mailer:
      localParts.mailer ??
      (typeof CHISO_PART_MAILER === "undefined" || CHISO_PART_MAILER
        ? deferred(() => cloudMailer(env))
        : absent("mailer")),
    settings: {
      maxEvidenceBytes: Number(env.MAX_EVIDENCE_BYTES) || DEFAULT_MAX_EVIDENCE_BYTES,
      reminderDays: (env.REMINDER_DAYS ?? "3,1")
        .split(",")
        .map(Number)
        .filter((d) => d > 0),
    },
  };
  return built;
}

async function cloudScheduler(env: NodeJS.ProcessEnv) {
  const { SCHEDULE_GROUP, JOB_FUNCTION_ARN, SCHEDULER_ROLE_ARN, CLOSE_DLQ_ARN } = env;
  if (!SCHEDULE_GROUP || !JOB_FUNCTION_ARN || !SCHEDULER_ROLE_ARN || !CLOSE_DLQ_ARN)
    throw notConfigured("scheduler");
  const { EventBridgeCloseScheduler } = await import("../../shared/store/close-scheduler.ts");
  return new EventBridgeCloseScheduler({
    group: SCHEDULE_GROUP,
    targetArn: JOB_FUNCTION_ARN,
    roleArn: SCHEDULER_ROLE_ARN,
    deadLetterArn: CLOSE_DLQ_ARN,
  });
}

async function cloudJobs(env: NodeJS.ProcessEnv) {
  if (!env.JOB_FUNCTION_NAME) throw notConfigured("job queue");
  const { LambdaJobQueue } = await import("../../shared/store/lambda-jobs.ts");
  return new LambdaJobQueue(env.JOB_FUNCTION_NAME);
}

async function cloudMailer(env: NodeJS.ProcessEnv) {
  if (!env.REMINDER_FROM) throw notConfigured("mailer");
  const { SesMailer } = await import("../../shared/store/ses-mailer.ts");
  return new SesMailer(env.REMINDER_FROM);
}

/** A part this function was not given: using it is a deployment error, said plainly. */
const notConfigured = (part: string) => new Error(`the ${part} is not configured for this function`);

/** An adapter left out of this bundle (its needs in infra/cdk/access.ts do not name it): every call fails. */
const absent = <T extends object>(part: string): T => deferred<T>(() => Promise.reject(notConfigured(part)));

/**
 * An adapter made on its first call: every method of these ports returns a promise, so each call can
 * wait for the module to load. A failed load (a part not configured) fails that call and is tried again
 * on the next one. Properties set on the stand-in itself (a benchmark wrapping a method) win.
 */
function deferred<T extends object>(load: () => Promise<T>): T {
  let loading: Promise<T> | undefined;
  const adapter = () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return new Proxy({} as T, {
    get(own, name) {
      // Not a thenable, and nothing for inspection symbols: only method names are deferred.
      if (name in own || typeof name === "symbol" || name === "then") return Reflect.get(own, name);
      return async (...args: unknown[]) => {
        const target = await adapter();
        const method = Reflect.get(target, name) as (...a: unknown[]) => unknown;
        return method.apply(target, args);
      };
    },
  });
}
