import { DEFAULT_MAX_EVIDENCE_BYTES } from "../../shared/model/evidence.ts";
import type { CloseScheduler, JobQueue, Mailer, Ports } from "../../shared/services/context.ts";
import { AppraisalRepository } from "../../shared/store/appraisals.ts";
import { AuditLog } from "../../shared/store/audit.ts";
import { EventBridgeCloseScheduler } from "../../shared/store/close-scheduler.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { S3EvidenceFiles } from "../../shared/store/evidence-files.ts";
import { FrameworkRepository } from "../../shared/store/frameworks.ts";
import { LambdaJobQueue } from "../../shared/store/lambda-jobs.ts";
import { PeriodRepository } from "../../shared/store/periods.ts";
import { S3PublishedFiles } from "../../shared/store/published-files.ts";
import { SesMailer } from "../../shared/store/ses-mailer.ts";
import { SubmissionRepository } from "../../shared/store/submissions.ts";
import { UnitRepository } from "../../shared/store/units.ts";
import { CognitoUserDirectory } from "../../shared/store/user-directory.ts";

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

/** The adapters, built once per Lambda container from the environment CDK (or the local stack) sets. */
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
    evidenceFiles: new S3EvidenceFiles(env.EVIDENCE_BUCKET ?? "", env),
    users: new CognitoUserDirectory(env.USER_POOL_ID ?? "", env),
    published: new S3PublishedFiles(env.SITE_BUCKET ?? "", env),
    scheduler: localParts.scheduler ?? cloudScheduler(env),
    jobs: localParts.jobs ?? cloudJobs(env),
    mailer: localParts.mailer ?? cloudMailer(env),
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

function cloudScheduler(env: NodeJS.ProcessEnv): CloseScheduler {
  const { SCHEDULE_GROUP, JOB_FUNCTION_ARN, SCHEDULER_ROLE_ARN, CLOSE_DLQ_ARN } = env;
  if (!SCHEDULE_GROUP || !JOB_FUNCTION_ARN || !SCHEDULER_ROLE_ARN || !CLOSE_DLQ_ARN)
    return missing("scheduler");
  return new EventBridgeCloseScheduler({
    group: SCHEDULE_GROUP,
    targetArn: JOB_FUNCTION_ARN,
    roleArn: SCHEDULER_ROLE_ARN,
    deadLetterArn: CLOSE_DLQ_ARN,
  });
}

function cloudJobs(env: NodeJS.ProcessEnv): JobQueue {
  return env.JOB_FUNCTION_NAME ? new LambdaJobQueue(env.JOB_FUNCTION_NAME) : missing("job queue");
}

function cloudMailer(env: NodeJS.ProcessEnv): Mailer {
  return env.REMINDER_FROM ? new SesMailer(env.REMINDER_FROM) : missing("mailer");
}

/** A part this function was not given: using it is a deployment error, said plainly. */
function missing<T extends object>(part: string): T {
  return new Proxy({} as T, {
    get: () => () => Promise.reject(new Error(`the ${part} is not configured for this function`)),
  });
}
