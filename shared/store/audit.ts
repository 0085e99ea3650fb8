import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type {
  AuditEntry,
  AuditLog as AuditLogPort,
  AuditRecord,
  Page,
  PageRequest,
} from "../services/ports.ts";
import { type DynamoConfig, type TransactItem, transact } from "./dynamo.ts";
import { decodeCursor, encodeCursor } from "./page.ts";

export type { AuditEntry, AuditRecord };

/** Sort key: time first, then the request and a sequence so two records of one request never collide. */
function item(entry: AuditEntry, seq: number): Record<string, unknown> {
  const order = String(entry.seq ?? seq).padStart(4, "0");
  return { ...entry, at: `${entry.time}#${entry.requestId}#${order}`, day: entry.time.slice(0, 10) };
}

export function auditPut(config: DynamoConfig, entry: AuditEntry, seq = 0): TransactItem {
  return { Put: { TableName: config.auditTable, Item: item(entry, seq) } };
}

/**
 * Writes a new item of the data table — refused with `exists()` when its key is taken — with its audit
 * record and `more` items, all or nothing.
 */
export async function createAudited(
  config: DynamoConfig,
  item: Record<string, unknown>,
  audit: AuditEntry,
  exists: () => Error,
  more: TransactItem[] = [],
): Promise<void> {
  await transact(
    config.client,
    [
      { Put: { TableName: config.dataTable, Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
      ...more,
      auditPut(config, audit),
    ],
    exists,
  );
}

export class AuditLog implements AuditLogPort {
  constructor(private readonly config: DynamoConfig) {}

  async append(entry: AuditEntry, seq = 0): Promise<void> {
    await this.config.client.send(
      new PutCommand({ TableName: this.config.auditTable, Item: item(entry, seq) }),
    );
  }

  /** By entity, newest first; without an entity, one day's records (default today, UTC), newest first. */
  async list(
    query: { entity?: string | undefined; day?: string | undefined },
    page: PageRequest,
  ): Promise<Page<AuditRecord>> {
    const byEntity = query.entity !== undefined;
    const key = byEntity ? (query.entity as string) : (query.day ?? new Date().toISOString().slice(0, 10));
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.auditTable,
        ...(byEntity ? {} : { IndexName: "byDay" }),
        KeyConditionExpression: byEntity ? "entity = :key" : "#day = :key",
        ...(byEntity ? {} : { ExpressionAttributeNames: { "#day": "day" } }),
        ExpressionAttributeValues: {
          ":key": key,
        },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(
          page.cursor,
          byEntity
            ? { names: ["entity", "at"], equal: { entity: key } }
            : { names: ["entity", "at", "day"], equal: { day: key } },
        ),
      }),
    );
    const items = (result.Items ?? []).map(({ day: _day, ...rest }) => rest as AuditRecord);
    return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}
