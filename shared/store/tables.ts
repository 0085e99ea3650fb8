import type { SubmissionHead } from "../services/ports.ts";

/**
 * The two DynamoDB tables, described once for the local stack (created at start) and for CDK.
 *
 * `data` holds every entity under generic keys (see keys.ts); its GSI `byList` serves the lists of
 * frameworks and of periods by state and deadline; `byHead` lists a period's submission heads by group
 * with only the fields a list shows (a head also holds every answer: tens of KB the list never reads).
 * Its stream (old and new images) feeds the audit records of answer saves (audit-stream.ts).
 * `audit` is append-only: one partition per entity, sorted by time.
 */
export interface TableIndex {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** The non-key attributes the index carries; absent: all of them. */
  include?: readonly string[];
}

export interface TableDefinition {
  /** Logical name; the physical name comes from the environment (TABLE_NAME, AUDIT_TABLE_NAME). */
  logicalName: "data" | "audit";
  partitionKey: string;
  sortKey: string;
  indexes: TableIndex[];
  /** A stream of every change with the item before and after it. */
  stream?: "NEW_AND_OLD_IMAGES";
}

/**
 * What the byHead index projects: every field of a submission head (and the ones the close and the
 * self-score keep beside them), not its answers nor its change record.
 */
export const HEAD_LIST_FIELDS = [
  "periodId",
  "unitId",
  "groupId",
  "state",
  "version",
  "updatedAt",
  "submittedAt",
  "submittedBy",
  "extendedUntil",
  "submitted",
  "supplement",
  "provisional",
  "final",
  "lockedAt",
  "points",
  "index",
  "history",
] as const;

// A head field left out of the index would vanish from the lists without a word: the build says so.
type Unlisted = Exclude<keyof SubmissionHead, (typeof HEAD_LIST_FIELDS)[number]>;
const everyHeadField: [Unlisted] extends [never] ? true : Unlisted = true;
void everyHeadField;

export const DATA_TABLE: TableDefinition = {
  logicalName: "data",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    { name: "byList", partitionKey: "lpk", sortKey: "lsk" },
    { name: "byHead", partitionKey: "hpk", sortKey: "hsk", include: HEAD_LIST_FIELDS },
  ],
  stream: "NEW_AND_OLD_IMAGES",
};

export const AUDIT_TABLE: TableDefinition = {
  logicalName: "audit",
  partitionKey: "entity",
  sortKey: "at",
  indexes: [{ name: "byDay", partitionKey: "day", sortKey: "at" }],
};

export const TABLES = [DATA_TABLE, AUDIT_TABLE];
