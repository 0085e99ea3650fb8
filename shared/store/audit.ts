import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { Refusal } from "../errors.ts";
import type {
  AuditEntry,
  AuditLog as AuditLogPort,
  AuditQuery,
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

  /**
   * By entity, newest first; without an entity, the days `from`…`to` (default: `day`, or today UTC),
   * newest first, one query per day on the byDay index. The other filters are a FilterExpression: a
   * filtered query reads the day a response (1 MB) at a time, not the few rows still wanted — DynamoDB's
   * Limit counts rows evaluated, so a sparse filter would take a query per handful of rows — and keeps
   * the first matches. The cursor is the key of the last record given when a response had more, the
   * last key read, or the next day's start ({day, at: "", entity: ""}) when a day ran out exactly.
   */
  async list(query: AuditQuery, page: PageRequest): Promise<Page<AuditRecord>> {
    const filter = filterOf(query);
    if (query.entity !== undefined) return this.listEntity(query.entity, query, filter, page);
    const to = query.to ?? query.day ?? new Date().toISOString().slice(0, 10);
    const from = query.from ?? query.day ?? to;
    const start = decodeCursor(page.cursor, { names: ["entity", "at", "day"] });
    if (start && !(start.day && (start.day as string) >= from && (start.day as string) <= to))
      throw new Refusal("bad-request", "bad-cursor", "the cursor is not one this API returned", [
        { path: "cursor", message: "unknown cursor" },
      ]);
    let day = (start?.day as string | undefined) ?? to;
    let key = start && start.at !== "" ? start : undefined;
    const items: AuditRecord[] = [];
    const filtered = filter.text.length > 0;
    while (items.length < page.limit) {
      const room = page.limit - items.length;
      const result = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.auditTable,
          IndexName: "byDay",
          KeyConditionExpression: "#day = :day",
          ...expression(filter, { "#day": "day" }, { ":day": day }),
          ScanIndexForward: false,
          ...(filtered ? {} : { Limit: room }),
          ExclusiveStartKey: key,
        }),
      );
      const matches = (result.Items ?? []).filter(filter.keep);
      items.push(...matches.slice(0, room).map(withoutDay));
      const last = matches[room - 1];
      if (matches.length > room && last)
        return { items, nextCursor: encodeCursor({ entity: last.entity, at: last.at, day: last.day }) };
      key = result.LastEvaluatedKey;
      if (key) continue;
      day = previousDay(day);
      if (day < from) return { items, nextCursor: null };
    }
    return { items, nextCursor: encodeCursor(key ?? { entity: "", at: "", day }) };
  }

  private async listEntity(
    entity: string,
    query: AuditQuery,
    filter: Filter,
    page: PageRequest,
  ): Promise<Page<AuditRecord>> {
    const range = query.from || query.to;
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.auditTable,
        KeyConditionExpression: `entity = :key${range ? " AND #at BETWEEN :lo AND :hi" : ""}`,
        ...expression(filter, range ? { "#at": "at" } : {}, {
          ":key": entity,
          ...(range ? { ":lo": query.from ?? "0000", ":hi": `${query.to ?? "9999"}~` } : {}),
        }),
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { names: ["entity", "at"], equal: { entity } }),
      }),
    );
    const items = (result.Items ?? []).filter(filter.keep).map(withoutDay);
    return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}

interface Filter {
  text: string[];
  names: Record<string, string>;
  values: Record<string, string>;
  /** What a FilterExpression cannot say exactly (an entity that ends with "#<unit>"). */
  keep: (item: Record<string, unknown>) => boolean;
}

function filterOf(query: AuditQuery): Filter {
  const text: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  if (query.actor) {
    text.push("actor = :actor");
    values[":actor"] = query.actor;
  }
  if (query.action) {
    text.push("begins_with(#action, :action)");
    names["#action"] = "action";
    values[":action"] = query.action;
  }
  if (query.periodId) {
    text.push("(entity = :period OR begins_with(entity, :periodSubs))");
    values[":period"] = `period#${query.periodId}`;
    values[":periodSubs"] = `submission#${query.periodId}#`;
  }
  const unitId = query.unitId;
  if (unitId) {
    text.push("(entity = :unit OR contains(entity, :unitPart))");
    values[":unit"] = `unit#${unitId}`;
    values[":unitPart"] = `#${unitId}`;
  }
  const keep = (item: Record<string, unknown>) => {
    if (!unitId) return true;
    const entity = String(item.entity);
    return entity === `unit#${unitId}` || (entity.startsWith("submission#") && entity.endsWith(`#${unitId}`));
  };
  return { text, names, values, keep };
}

function expression(filter: Filter, names: Record<string, string>, values: Record<string, string>) {
  const allNames = { ...names, ...filter.names };
  return {
    ...(filter.text.length ? { FilterExpression: filter.text.join(" AND ") } : {}),
    ...(Object.keys(allNames).length ? { ExpressionAttributeNames: allNames } : {}),
    ExpressionAttributeValues: { ...values, ...filter.values },
  };
}

const withoutDay = ({ day: _day, ...rest }: Record<string, unknown>) => rest as unknown as AuditRecord;

function previousDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}
