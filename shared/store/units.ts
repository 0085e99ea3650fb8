import { isDeepStrictEqual } from "node:util";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { conflict } from "../errors.ts";
import type { Unit } from "../model/unit.ts";
import type { AuditEntry, Page, PageRequest, UnitStore, UpsertCounts } from "../services/ports.ts";
import { auditPut } from "./audit.ts";
import { chunks, mapLimit } from "./batches.ts";
import { batchGetAll, type DynamoConfig, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";
import { decodeCursor, encodeCursor } from "./page.ts";

export type { UpsertCounts };

/** Units live in one partition (ordered by id): the whole tree of a province, or of a country, is small. */
export class UnitRepository implements UnitStore {
  constructor(private readonly config: DynamoConfig) {}

  /**
   * Creates or replaces units by id. Each changed unit is written with its audit record in the same
   * transaction (50 pairs per transaction); unchanged units are not written. Each write is conditional
   * on the unit as read (a new one: absent; a stored one: its revision, `rev`), so two requests writing
   * the same units at once write and audit each once: the later one finds the same content stored
   * ("already applied", counted unchanged), or other content (409 `unit-conflict`).
   */
  async upsert(
    units: readonly Unit[],
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<UpsertCounts> {
    const counts = { created: 0, updated: 0, unchanged: 0 };
    await mapLimit(chunks(units, 50), 4, async (chunk) => {
      const written = await this.writeChunk(chunk, audit);
      counts.created += written.created;
      counts.updated += written.updated;
      counts.unchanged += written.unchanged;
    });
    return counts;
  }

  /** One transaction's worth; on a lost race, reads again and writes what still differs. */
  private async writeChunk(
    chunk: readonly Unit[],
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<UpsertCounts> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.read(chunk.map((u) => u.id));
      const changed = chunk.filter((u) => !isDeepStrictEqual(existing.get(u.id)?.unit, u));
      const counts = { created: 0, updated: 0, unchanged: chunk.length - changed.length };
      for (const unit of changed) existing.has(unit.id) ? counts.updated++ : counts.created++;
      if (changed.length === 0) return counts;
      const lost = await this.writeOnce(changed, existing, audit);
      if (!lost) return counts;
      // Another request wrote it between our read and our write: the same content is already applied.
      const now = (await this.read([lost.id])).get(lost.id)?.unit;
      if (!isDeepStrictEqual(now, lost) || attempt >= 4) throw unitConflict(lost.id);
    }
  }

  /** Writes the changed units; the unit whose condition failed when another request got there first. */
  private async writeOnce(
    changed: readonly Unit[],
    existing: Map<string, Stored>,
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<Unit | undefined> {
    let lost: Unit | undefined;
    const raced = new Error("lost race");
    try {
      await transact(
        this.config.client,
        changed.flatMap((unit, i) => {
          const before = existing.get(unit.id);
          return [
            {
              Put: {
                TableName: this.config.dataTable,
                Item: { ...keys.unit(unit.id), ...unit, rev: (before?.rev ?? 0) + 1 },
                ...conditionOn(before),
              },
            },
            auditPut(
              this.config,
              {
                ...audit,
                entity: `unit#${unit.id}`,
                action: before ? "unit.update" : "unit.create",
                before: before?.unit,
                after: unit,
              },
              i,
            ),
          ];
        }),
        (position) => {
          lost = changed[Math.floor(position / 2)];
          return position % 2 === 0 && lost
            ? raced
            : new Error("unexpected condition failure on an audit record");
        },
      );
    } catch (error) {
      if (error === raced) return lost;
      throw error;
    }
    return undefined;
  }

  /** Units as stored, with their revisions. */
  private async read(ids: readonly string[]): Promise<Map<string, Stored>> {
    const items = await batchGetAll(
      this.config.client,
      this.config.dataTable,
      [...new Set(ids)].map((id) => keys.unit(id)),
    );
    return new Map(
      items.map((item) => {
        const unit = toUnit(item);
        return [unit.id, { unit, rev: typeof item.rev === "number" ? item.rev : undefined }];
      }),
    );
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Unit>> {
    const stored = await this.read(ids);
    return new Map([...stored].map(([id, { unit }]) => [id, unit]));
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

/** A unit as read, and its revision (absent on one written before revisions were kept). */
interface Stored {
  unit: Unit;
  rev: number | undefined;
}

/** The write's condition: the unit is still as read (absent, or at the revision read). */
function conditionOn(before: Stored | undefined) {
  if (!before) return { ConditionExpression: "attribute_not_exists(pk)" };
  if (before.rev === undefined)
    return {
      ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(#rev)",
      ExpressionAttributeNames: { "#rev": "rev" },
    };
  return {
    ConditionExpression: "#rev = :rev",
    ExpressionAttributeNames: { "#rev": "rev" },
    ExpressionAttributeValues: { ":rev": before.rev },
  };
}

const unitConflict = (id: string) =>
  conflict(
    "unit-conflict",
    `unit "${id}" was written by another request at the same time, with other content; read the units again and retry`,
  );

function toUnit(item: Record<string, unknown>): Unit {
  // The revision is the store's, not the unit's.
  const { pk: _pk, sk: _sk, rev: _rev, ...unit } = item;
  return unit as Unit;
}
