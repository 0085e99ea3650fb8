import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoConfig, TransactItem } from "./dynamo.ts";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "./page.ts";

/** One audit record: who did what to which entity, when, with the values before and after (DOMAIN.md §6). */
export interface AuditEntry {
  /** e.g. "period#2022-y", "submission#2022-y#so-noi-vu", "framework#tq-742-2022". */
  entity: string;
  action: string;
  actor: string;
  requestId: string;
  /** ISO time of the change. */
  time: string;
  before?: unknown;
  after?: unknown;
  /** Order within the request: two records of one request and entity never share a key. */
  seq?: number;
}

export interface AuditRecord extends AuditEntry {
  at: string;
}

/** Sort key: time first, then the request and a sequence so two records of one request never collide. */
function item(entry: AuditEntry, seq: number): Record<string, unknown> {
  const order = String(entry.seq ?? seq).padStart(4, "0");
  return { ...entry, at: `${entry.time}#${entry.requestId}#${order}`, day: entry.time.slice(0, 10) };
}

export function auditPut(config: DynamoConfig, entry: AuditEntry, seq = 0): TransactItem {
  return { Put: { TableName: config.auditTable, Item: item(entry, seq) } };
}

export class AuditLog {
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
