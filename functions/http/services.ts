import { DEFAULT_MAX_EVIDENCE_BYTES } from "../../shared/model/evidence.ts";
import type { Services } from "../../shared/services/context.ts";
import { AuditLog } from "../../shared/store/audit.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { S3EvidenceFiles } from "../../shared/store/evidence-files.ts";
import { FrameworkRepository } from "../../shared/store/frameworks.ts";
import { PeriodRepository } from "../../shared/store/periods.ts";
import { SubmissionRepository } from "../../shared/store/submissions.ts";
import { UnitRepository } from "../../shared/store/units.ts";
import { CognitoUserDirectory } from "../../shared/store/user-directory.ts";

let built: Services | undefined;

/** The adapters, built once per Lambda container from the environment CDK (or the local stack) sets. */
export function services(env: NodeJS.ProcessEnv = process.env): Services {
  if (built) return built;
  const dynamo = dynamoFromEnv(env);
  built = {
    frameworks: new FrameworkRepository(dynamo),
    units: new UnitRepository(dynamo),
    periods: new PeriodRepository(dynamo),
    submissions: new SubmissionRepository(dynamo),
    audit: new AuditLog(dynamo),
    evidenceFiles: new S3EvidenceFiles(env.EVIDENCE_BUCKET ?? "", env),
    users: new CognitoUserDirectory(env.USER_POOL_ID ?? "", env),
    settings: { maxEvidenceBytes: Number(env.MAX_EVIDENCE_BYTES) || DEFAULT_MAX_EVIDENCE_BYTES },
  };
  return built;
}
