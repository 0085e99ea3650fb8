import { Stack } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type { Needs } from "./access.ts";
import type { ChisoFunction } from "./chiso-function.ts";
import type { Auth } from "./constructs/auth.ts";
import type { Data } from "./constructs/data.ts";
import type { Jobs } from "./constructs/jobs.ts";
import type { Settings } from "./settings.ts";

/** Everything a route or job function may be bound to. */
export interface Bindable {
  settings: Settings;
  data: Data;
  auth: Auth;
  jobs: Jobs;
  distribution: cloudfront.IDistribution;
}

/**
 * Gives a function what its entry in infra/cdk/access.ts says, and nothing else: each right comes
 * with the environment variable that names its resource (ChisoFunction's bind… methods).
 */
export function bindNeeds(fn: ChisoFunction, needs: Needs, to: Bindable): void {
  const { settings, data, auth, jobs } = to;
  // shared/store/dynamo.ts wants both tables' names, whatever the function touches.
  fn.bindTable(data.dataTable, needs.data ?? "name-only", { env: "TABLE_NAME" });
  fn.bindTable(data.auditTable, needs.audit ?? "name-only", { env: "AUDIT_TABLE_NAME" });
  if (needs.evidence)
    fn.bindBucketPrefix(data.evidenceBucket, "evidence/", needs.evidence, { env: "EVIDENCE_BUCKET" });
  if (needs.evidenceLimit && settings.maxEvidenceBytes !== undefined)
    fn.function.addEnvironment("MAX_EVIDENCE_BYTES", String(settings.maxEvidenceBytes));
  if (needs.published)
    fn.bindBucketPrefix(data.siteBucket, "public/", needs.published, { env: "SITE_BUCKET" });
  if (needs.invalidate) fn.bindDistribution(to.distribution, { env: "DISTRIBUTION_ID" });
  if (needs.users?.length)
    fn.bindUserPool(
      auth.userPool,
      needs.users.map((action) => `cognito-idp:${action}`),
      { env: "USER_POOL_ID" },
    );
  if (needs.closeSchedule) fn.bindCloseSchedules(jobs.closeSchedules, needs.closeSchedule);
  if (needs.jobs) fn.bindJobQueue(jobs.periodJob.function, { env: "JOB_FUNCTION_NAME" });
  if (needs.mail) {
    fn.function.addEnvironment("REMINDER_DAYS", settings.reminderDays);
    // Without an SES identity the reminder job is deployed but neither scheduled nor able to send.
    if (settings.sesIdentity && settings.reminderFrom) {
      const identity = Stack.of(fn).formatArn({
        service: "ses",
        resource: "identity",
        resourceName: settings.sesIdentity,
      });
      fn.bindMailer(identity, settings.reminderFrom, { env: "REMINDER_FROM" });
    }
  }
}
