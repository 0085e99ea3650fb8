import { gunzipSync, gzipSync } from "node:zlib";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ScoringBundle } from "../engine/bundle.ts";
import { conflict, notFound } from "../errors.ts";
import type { Period, PeriodState } from "../model/period.ts";
import { type AuditEntry, auditPut } from "./audit.ts";
import { mapLimit } from "./batches.ts";
import { type DynamoConfig, type TransactItem, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "./page.ts";

/** Unit id → group id: who takes part in a period, fixed when the period is created. */
export type Members = Map<string, string>;

type PeriodItem = Record<string, unknown>;

/** Bytes of gzipped bundle per item, well under DynamoDB's 400 KB item limit. */
const BUNDLE_PART_BYTES = 350_000;

/**
 * Periods. The participants are one gzipped item beside the period's (12,000 ids fit well under the
 * item limit), written with it in one transaction; reading a period does not fetch them. Submission
 * items appear on first write.
 */
export class PeriodRepository {
  /** Participants never change once a period exists: decoded once per process. */
  private readonly memberCache = new Map<string, Members>();

  constructor(private readonly config: DynamoConfig) {}

  async create(period: Period, members: Members, audit: AuditEntry): Promise<void> {
    const item = {
      ...keys.period(period.id),
      ...listKeys(period.state, period.closesAt, period.id),
      ...toItem(period),
    };
    const membersItem = { ...keys.periodMembers(period.id), members: gzipSync(JSON.stringify([...members])) };
    await transact(
      this.config.client,
      [
        {
          Put: {
            TableName: this.config.dataTable,
            Item: item,
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        { Put: { TableName: this.config.dataTable, Item: membersItem } },
        auditPut(this.config, audit),
      ],
      () => conflict("period-exists", `a period with id "${period.id}" exists`),
    );
  }

  async get(id: string): Promise<Period | undefined> {
    const result = await this.config.client.send(
      new GetCommand({ TableName: this.config.dataTable, Key: keys.period(id) }),
    );
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async require(id: string): Promise<Period> {
    const period = await this.get(id);
    if (!period) throw notFound(`period "${id}"`);
    return period;
  }

  async members(id: string): Promise<Members> {
    const cached = this.memberCache.get(id);
    if (cached) return cached;
    const result = await this.config.client.send(
      new GetCommand({ TableName: this.config.dataTable, Key: keys.periodMembers(id) }),
    );
    if (!result.Item) throw notFound(`period "${id}"`);
    const members: Members = new Map(
      JSON.parse(gunzipSync(result.Item.members as Uint8Array).toString("utf8")) as [string, string][],
    );
    this.memberCache.set(id, members);
    return members;
  }

  /**
   * Keeps a scoring bundle (gzipped JSON, in parts) under the period, for a later step to score it
   * again without reading every submission: the final scoring keeps the bundle it scored, and the
   * publication scores that. `at` names this one (the stage's time): a rerun writes a new one.
   */
  async keepBundle(id: string, stage: string, at: string, bundle: ScoringBundle): Promise<void> {
    const body = gzipSync(JSON.stringify(bundle), { level: 1 });
    const parts = Math.ceil(body.length / BUNDLE_PART_BYTES);
    await mapLimit([...Array(parts).keys()], 4, async (i) => {
      await this.config.client.send(
        new PutCommand({
          TableName: this.config.dataTable,
          Item: {
            pk: keys.period(id).pk,
            sk: `${keys.bundlePrefix(stage, at)}${String(i).padStart(3, "0")}`,
            parts,
            body: body.subarray(i * BUNDLE_PART_BYTES, (i + 1) * BUNDLE_PART_BYTES),
          },
        }),
      );
    });
  }

  /** The bundle kept by keepBundle, or undefined when there is none (or it is incomplete). */
  async keptBundle(id: string, stage: string, at: string): Promise<ScoringBundle | undefined> {
    const parts: Uint8Array[] = [];
    let expected = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.dataTable,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": keys.period(id).pk, ":prefix": keys.bundlePrefix(stage, at) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of result.Items ?? []) {
        parts.push(item.body as Uint8Array);
        expected = item.parts as number;
      }
      start = result.LastEvaluatedKey;
    } while (start);
    if (parts.length === 0 || parts.length !== expected) return undefined;
    return JSON.parse(gunzipSync(Buffer.concat(parts)).toString("utf8")) as ScoringBundle;
  }

  async list(page: PageRequest, state?: PeriodState): Promise<Page<Period>> {
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.dataTable,
        IndexName: "byList",
        KeyConditionExpression: state ? "lpk = :list AND begins_with(lsk, :state)" : "lpk = :list",
        ExpressionAttributeValues: { ":list": keys.periodList, ...(state ? { ":state": `${state}#` } : {}) },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, {
          names: ["pk", "sk", "lpk", "lsk"],
          equal: { lpk: keys.periodList },
          prefix: { lsk: state ? `${state}#` : "" },
        }),
      }),
    );
    return { items: (result.Items ?? []).map(fromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Claims the reminder `days` before the deadline for one unit; false when it was already claimed. */
  async claimReminder(periodId: string, days: number, unitId: string, at: string): Promise<boolean> {
    try {
      await this.config.client.send(
        new PutCommand({
          TableName: this.config.dataTable,
          Item: { ...keys.reminder(periodId, days, unitId), at },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Gives a claim back when the reminder could not be sent, so the next run tries again. */
  async releaseReminder(periodId: string, days: number, unitId: string): Promise<void> {
    await this.config.client.send(
      new DeleteCommand({ TableName: this.config.dataTable, Key: keys.reminder(periodId, days, unitId) }),
    );
  }

  /**
   * Writes a changed period if it is still in `expectedState` (and, when given, still at
   * `expectedUpdatedAt`), with its audit record; `extra` joins the same transaction.
   */
  async update(
    next: Period,
    expected: { state: PeriodState; updatedAt?: string },
    audit: AuditEntry,
    extra: TransactItem[] = [],
  ): Promise<void> {
    const names: Record<string, string> = { "#state": "state" };
    const values: Record<string, unknown> = { ":expected": expected.state };
    const sets: string[] = [];
    const removes: string[] = [];
    const fields = { ...toItem(next), ...listKeys(next.state, next.closesAt, next.id) };
    for (const [field, value] of Object.entries(fields)) {
      // Counts move only with submit and withdraw (ADD), never from a read-modify-write of the period.
      if (field === "createdAt" || field === "id" || field === "unitCount" || field === "submittedCount")
        continue;
      names[`#${field}`] = field;
      if (value === undefined) removes.push(`#${field}`);
      else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    let condition = "#state = :expected";
    if (expected.updatedAt) {
      values[":expectedUpdatedAt"] = expected.updatedAt;
      condition += " AND updatedAt = :expectedUpdatedAt";
    }
    await transact(
      this.config.client,
      [
        {
          Update: {
            TableName: this.config.dataTable,
            Key: keys.period(next.id),
            UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        auditPut(this.config, audit),
        ...extra,
      ],
      (position) =>
        position === 0
          ? conflict(
              "period-changed",
              `the period changed meanwhile (expected state "${expected.state}"); reload and retry`,
            )
          : new Error(`unexpected condition failure at item ${position}`),
    );
  }
}

function listKeys(state: PeriodState, closesAt: string, id: string) {
  return { lpk: keys.periodList, lsk: keys.periodListSort(state, new Date(closesAt).toISOString(), id) };
}

function toItem(period: Period): Record<string, unknown> {
  return {
    id: period.id,
    name: period.name,
    frameworkId: period.frameworkId,
    opensAt: period.opensAt,
    closesAt: period.closesAt,
    closesAtMs: Date.parse(period.closesAt),
    explanationClosesAt: period.explanationClosesAt,
    state: period.state,
    unitCount: period.counts.units,
    submittedCount: period.counts.submitted,
    createdAt: period.createdAt,
    updatedAt: period.updatedAt,
    closedAt: period.closedAt,
    closing: period.closing,
    finalizedAt: period.finalizedAt,
    lastUnitDeadline: period.lastUnitDeadline,
    publication: period.publication,
    publishing: period.publishing,
    bests: period.bests,
  };
}

const LIFECYCLE_FIELDS = [
  "lastUnitDeadline",
  "closedAt",
  "closing",
  "finalizedAt",
  "publication",
  "publishing",
  "bests",
] as const;

export function fromItem(item: PeriodItem): Period {
  const units = item.unitCount as number;
  const submitted = item.submittedCount as number;
  return {
    id: item.id as string,
    name: item.name as string,
    frameworkId: item.frameworkId as string,
    opensAt: item.opensAt as string,
    closesAt: item.closesAt as string,
    ...(item.explanationClosesAt ? { explanationClosesAt: item.explanationClosesAt as string } : {}),
    state: item.state as PeriodState,
    counts: { units, submitted, draft: units - submitted },
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    ...Object.fromEntries(LIFECYCLE_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])),
  };
}
