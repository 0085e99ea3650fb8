/**
 * What each function may touch, read off its handler's service calls (shared/services → shared/store):
 * the grants and the environment of every function come from here (infra/cdk/grants.ts binds them),
 * and nothing else. A handler that is not listed stops the synth, so a new route cannot ship with
 * borrowed permissions.
 *
 * - data: the data table. "read" = GetItem, BatchGetItem, Query (and Query on its
 *   indexes); "write" = also PutItem, UpdateItem, DeleteItem, ConditionCheckItem (every write is a
 *   conditional Put/Update or a transaction; the reminder claim is released by a Delete).
 * - audit: the audit table. "append" = dynamodb:PutItem only (the log is append-only: the writes are a
 *   Put inside a transaction or AuditLog.append); "read" = GetItem, BatchGetItem, Query for GET /api/audit.
 * - evidence: objects under evidence/ in the evidence bucket. "put" signs the browser's presigned POST
 *   or writes a confirmed file, "get" reads a file to check it (confirm) or signs a download link,
 *   "delete" removes one; "list-parts" lists a multipart upload's parts (ListParts) and "abort"
 *   aborts one (a multipart upload's start, parts and completion are "put").
 * - published: objects under public/ in the site bucket. "put" writes snapshots and pointers,
 *   "get" reads the previous period's snapshot (rank change).
 * - invalidate: cloudfront:CreateInvalidation on this distribution (the moving pointers).
 * - users: the Cognito actions (cognito-idp:<name>) on the user pool, each named.
 * - closeSchedule: "arm" creates/updates the period's one-time close schedule; "arm-disarm" also deletes
 *   it (the schedule follows the stored period: armed while open, deleted otherwise). Both pass the
 *   scheduler role.
 * - jobs: lambda:InvokeFunction on the job function (a transition starts a close, final scoring or
 *   publication asynchronously).
 * - mail: ses:SendEmail from the reminder identity.
 */
export interface Needs {
  data?: "read" | "write";
  audit?: "read" | "append";
  evidence?: readonly ("put" | "get" | "delete" | "list-parts" | "abort")[];
  published?: readonly ("put" | "get")[];
  invalidate?: true;
  users?: readonly UserAction[];
  closeSchedule?: "arm" | "arm-disarm";
  jobs?: true;
  mail?: true;
  /** Reads MAX_EVIDENCE_BYTES (the upload limit). */
  evidenceLimit?: true;
  /** Memory and timeout beyond the API defaults (scoring a whole period; reading back a 100 MB file). */
  heavy?: true;
}

/** The user pool's operations the account routes call (shared/store/user-directory.ts). */
export type UserAction =
  | "AdminCreateUser"
  | "AdminSetUserPassword"
  | "AdminAddUserToGroup"
  | "AdminRemoveUserFromGroup"
  | "AdminGetUser"
  | "AdminListGroupsForUser"
  | "AdminUpdateUserAttributes"
  | "AdminDisableUser"
  | "AdminEnableUser"
  | "ListUsers"
  | "ListUsersInGroup";

const READ: Needs = { data: "read" };
const WRITE: Needs = { data: "write", audit: "append" };

export const NEEDS: Readonly<Record<string, Needs>> = {
  "frameworks/create": WRITE,
  "frameworks/list": READ,
  "frameworks/get": READ,
  "units/upsert": WRITE,
  "units/list": READ,
  // Reads the periods, the unit and the previous submission; writes answers and evidence with their
  // audit records; copies each carried file inside the bucket (CopyObject: get the old, put the new),
  // 40 at once (heavy: the API's longest timeout when files are large); deletes a copy no record names.
  "submissions/carry-over": { ...WRITE, evidence: ["put", "get", "delete"], heavy: true },
  // Reads every unit, upserts the new and ended ones with their audit records, appends the reform's.
  "reforms/apply": WRITE,
  // createUser checks the unit exists (BatchGetItem), creates the Cognito user, appends an audit record.
  "users/create": {
    data: "read",
    audit: "append",
    users: ["AdminCreateUser", "AdminSetUserPassword", "AdminAddUserToGroup"],
  },
  // The pool is read whole (ListUsers) and the roles from each group's members (ListUsersInGroup).
  "users/list": { users: ["ListUsers", "ListUsersInGroup"] },
  "users/get": { users: ["AdminGetUser", "AdminListGroupsForUser"] },
  // updateUser reads the account, checks a new unit exists, changes it, appends an audit record.
  "users/update": {
    data: "read",
    audit: "append",
    users: [
      "AdminGetUser",
      "AdminListGroupsForUser",
      "AdminUpdateUserAttributes",
      "AdminAddUserToGroup",
      "AdminRemoveUserFromGroup",
      "AdminDisableUser",
      "AdminEnableUser",
    ],
  },
  "users/password": {
    audit: "append",
    users: ["AdminGetUser", "AdminListGroupsForUser", "AdminSetUserPassword"],
  },
  "periods/create": WRITE,
  "periods/list": READ,
  "periods/get": READ,
  // A deadline moved: the close schedule is armed again from the stored period.
  "periods/patch": { ...WRITE, closeSchedule: "arm-disarm" },
  "periods/extend-unit": { ...WRITE, closeSchedule: "arm-disarm" },
  // transitionPeriod: open (arm); the early close, final scoring and publication record their intent
  // and start the job function (the close also disarms the schedule).
  "periods/transition": { ...WRITE, closeSchedule: "arm-disarm", jobs: true },
  // restatePeriod reads the published version, writes its restated files and index.json, records it
  // on the period with its audit record, and refreshes the index's cached copy.
  "periods/restate": { ...WRITE, published: ["put", "get"], invalidate: true },
  "submissions/list": READ,
  "submissions/get": READ,
  "submissions/save-answers": WRITE,
  "submissions/submit": WRITE,
  "submissions/withdraw": WRITE,
  "evidence/add": { ...WRITE, evidence: ["put"], evidenceLimit: true },
  // confirm reads the uploaded bytes (type sniffing), writes them to the confirmed file's key and
  // deletes the upload (also one that fails the checks).
  "evidence/confirm": { ...WRITE, evidence: ["put", "get", "delete"], evidenceLimit: true, heavy: true },
  // A resumable upload: parts starts the multipart upload (or lists what S3 has of it) and signs the
  // browser's part PUTs; complete lists the parts, completes, or aborts an upload of wrong parts.
  "evidence/parts": { data: "read", evidence: ["put", "list-parts"] },
  "evidence/complete": { data: "read", evidence: ["put", "list-parts", "abort"] },
  "evidence/download": { data: "read", evidence: ["get"] },
  "evidence/relink": WRITE,
  "evidence/remove": { ...WRITE, evidence: ["delete"] },
  "appraisals/appraise": WRITE,
  "appraisals/contest": WRITE,
  "appraisals/decide": WRITE,
  "appraisals/supplement": WRITE,
  "results/list": READ,
  // the final bundle carries the previous published snapshot (rank change).
  "results/export": { data: "read", published: ["get"], heavy: true },
  "audit/list": { audit: "read" },
  // Data sources: one item each with its audit record; revoke is a conditional update.
  "sources/create": WRITE,
  "sources/list": READ,
  "sources/revoke": WRITE,
  // A push reads the source, the period, its members, the framework and the stored values (BatchGetItem),
  // writes each value with a conditional Put and appends one audit record per call.
  "measurements/push": WRITE,
  // An import reads the period, its members' units, all units (only for an unknown code), the sources
  // and the stored values, writes them as a push does and appends one audit record.
  "measurements/import": WRITE,
  // The job function: the close (locks submissions, scores, records results; a schedule that fired
  // before a moved deadline arms it again), final scoring (keeps the bundle), publication (files +
  // invalidation; the previous snapshot is read back for rank changes).
  "jobs/period-job": {
    ...WRITE,
    closeSchedule: "arm-disarm",
    published: ["put", "get"],
    invalidate: true,
    heavy: true,
  },
  // reminders claim each (period, days, unit) with a conditional Put, release it on a failed send.
  "jobs/send-reminders": { data: "write", mail: true },
};

/** The map the app is built from: NEEDS, or another one for the length of `withNeeds`. */
let current: Readonly<Record<string, Needs>> = NEEDS;

/**
 * Builds (and synthesizes) with another access map: the rights test (test/rights/) takes one grant away
 * and expects the calls it allowed to be denied.
 */
export function withNeeds<T>(needs: Readonly<Record<string, Needs>>, build: () => T): T {
  current = needs;
  try {
    return build();
  } finally {
    current = NEEDS;
  }
}

export function needsOf(handler: string): Needs {
  const needs = current[handler];
  if (!needs) throw new Error(`infra/cdk/access.ts: no entry for the handler "${handler}"`);
  return needs;
}
