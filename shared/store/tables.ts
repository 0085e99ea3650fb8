/**
 * The two DynamoDB tables, described once for the local stack (created at start) and for CDK.
 *
 * `data` holds every entity under generic keys (see keys.ts); its GSI `byList` serves the lists:
 * frameworks, periods by state and deadline, and a period's submission states by group.
 * `audit` is append-only: one partition per entity, sorted by time.
 */
export interface TableDefinition {
  /** Logical name; the physical name comes from the environment (TABLE_NAME, AUDIT_TABLE_NAME). */
  logicalName: "data" | "audit";
  partitionKey: string;
  sortKey: string;
  indexes: { name: string; partitionKey: string; sortKey: string }[];
}

export const DATA_TABLE: TableDefinition = {
  logicalName: "data",
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [{ name: "byList", partitionKey: "lpk", sortKey: "lsk" }],
};

export const AUDIT_TABLE: TableDefinition = {
  logicalName: "audit",
  partitionKey: "entity",
  sortKey: "at",
  indexes: [{ name: "byDay", partitionKey: "day", sortKey: "at" }],
};

export const TABLES = [DATA_TABLE, AUDIT_TABLE];
