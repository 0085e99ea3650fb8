import { isDeepStrictEqual } from "node:util";
import { BatchGetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Unit } from "../model/unit.ts";
import type { AuditEntry, Page, PageRequest, UnitStore, UpsertCounts } from "../services/ports.ts";
import { auditPut } from "./audit.ts";
import { chunks, mapLimit } from "./batches.ts";
import { type DynamoConfig, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";
import { decodeCursor, encodeCursor } from "./page.ts";

export type { UpsertCounts };

/** Units live in one partition (ordered by id): the whole tree of a province, or of a country, is small. */
export class UnitRepository implements UnitStore {
  constructor(private readonly config: DynamoConfig) {}

  /**
   * Creates or replaces units by id. Each changed unit is written with its audit record in the same
   * transaction (50 pairs per transaction); unchanged units are not written.
   */
  async upsert(
    units: readonly Unit[],
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<UpsertCounts> {
    const existing = await this.getMany(units.map((u) => u.id));
    const changed = units.filter((u) => !isDeepStrictEqual(existing.get(u.id), u));
    const counts = { created: 0, updated: 0, unchanged: units.length - changed.length };
    for (const unit of changed) existing.has(unit.id) ? counts.updated++ : counts.created++;
    await mapLimit(chunks(changed, 50), 4, (chunk) =>
      transact(
        this.config.client,
        chunk.flatMap((unit, i) => [
          { Put: { TableName: this.config.dataTable, Item: { ...keys.unit(unit.id), ...unit } } },
          auditPut(
            this.config,
            {
              ...audit,
              entity: `unit#${unit.id}`,
              action: existing.has(unit.id) ? "unit.update" : "unit.create",
              before: existing.get(unit.id),
              after: unit,
            },
            i,
          ),
        ]),
        () => new Error("unexpected condition failure while writing units"),
      ),
    );
    return counts;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Unit>> {
    const found = new Map<string, Unit>();
    await mapLimit(chunks([...new Set(ids)], 100), 8, async (chunk) => {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.config.dataTable]: { Keys: chunk.map((id) => keys.unit(id)) },
      };
      while (request && Object.keys(request).length > 0) {
        const result = await this.config.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of result.Responses?.[this.config.dataTable] ?? []) {
          const unit = toUnit(item);
          found.set(unit.id, unit);
        }
        request = result.UnprocessedKeys as typeof request;
      }
    });
    return found;
  }

  async list(page: PageRequest): Promise<Page<Unit>> {
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.dataTable,
        KeyConditionExpression: "pk = :units",
        ExpressionAttributeValues: { ":units": keys.units },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, { names: ["pk", "sk"], equal: { pk: keys.units } }),
      }),
    );
    return { items: (result.Items ?? []).map(toUnit), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async all(): Promise<Unit[]> {
    const units: Unit[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 1000, cursor });
      units.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return units;
  }
}

function toUnit(item: Record<string, unknown>): Unit {
  const { pk: _pk, sk: _sk, ...unit } = item;
  return unit as Unit;
}
