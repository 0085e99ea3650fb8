import { randomUUID } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { notFound } from "../errors.ts";
import type { Period, PeriodState } from "../model/period.ts";
import {
  type AuditEntry,
  JobLost,
  type Kept,
  type KeptKind,
  type Members,
  type Page,
  type PageRequest,
  type PeriodStore,
  storeRefusals,
  type UnitExtension,
} from "../services/ports.ts";
import { auditPut, createAudited } from "./audit.ts";
import { mapLimit } from "./batches.ts";
import { type DynamoConfig, queryAll, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";
import { decodeCursor, encodeCursor } from "./page.ts";
import { extensionItems } from "./submissions.ts";

export type { Members };
export { JobLost };

type PeriodItem = Record<string, unknown>;

/** Bytes of a kept value (gzipped JSON) per item, well under DynamoDB's 400 KB item limit. */
const KEPT_PART_BYTES = 350_000;

/**
 * Periods. The participants are one gzipped item beside the period's (12,000 ids fit well under the
 * item limit), written with it in one transaction; reading a period does not fetch them. Submission
 * items appear on first write.
 */
export class PeriodRepository implements PeriodStore {
  /** Participants never change once a period exists: decoded once per process. */
  private readonly memberCache = new Map<string, Members>();

  constructor(private readonly config: DynamoConfig) {}

  async create(period: Period, members: Members, audit: AuditEntry): Promise<void> {
    const item = {
      ...keys.period(period.id),
      ...listKeys(period.state, period.closesAt, period.id),
      ...toItem(period),
      version: period.version,
    };
    const membersItem = { ...keys.periodMembers(period.id), members: gzipSync(JSON.stringify([...members])) };
    await createAudited(this.config, item, audit, () => storeRefusals.periodExists(period.id), [
      { Put: { TableName: this.config.dataTable, Item: membersItem } },
    ]);
  }

  async get(id: string): Promise<Period | undefined> {
    const result = await this.config.client.send(
      new GetCommand({ TableName: this.config.dataTable, Key: keys.period(id), ConsistentRead: true }),
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
   * Keeps what a step read (gzipped JSON, in parts) under the period for a later step, named by its
   * kind and time: final scoring keeps the bundle it scored for the publication, the close what scoring
   * reads of each submission for final scoring. Every part carries the write's own id, so parts of two writes (a rerun
   * that died half-way) are never read as one.
   */
  async keep<K extends KeptKind>(id: string, kind: K, at: string, value: Kept[K]): Promise<void> {
    const body = gzipSync(JSON.stringify(value), { level: 1 });
    const parts = Math.ceil(body.length / KEPT_PART_BYTES);
    const writeId = randomUUID();
    await mapLimit([...Array(parts).keys()], 4, async (i) => {
      await this.config.client.send(
        new PutCommand({
          TableName: this.config.dataTable,
          Item: {
            pk: keys.period(id).pk,
            sk: `${keys.keptPrefix(kind, at)}${String(i).padStart(3, "0")}`,
            parts,
            writeId,
            body: body.subarray(i * KEPT_PART_BYTES, (i + 1) * KEPT_PART_BYTES),
          },
        }),
      );
    });
  }

  /**
   * What keep kept, or undefined when there is none or its parts are not those of one whole write: the
   * write is part 000's (its id and count); parts of an older write left beside it are not read.
   */
  async kept<K extends KeptKind>(id: string, kind: K, at: string): Promise<Kept[K] | undefined> {
    const items = await queryAll(this.config.client, {
      TableName: this.config.dataTable,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": keys.period(id).pk, ":prefix": keys.keptPrefix(kind, at) },
      ConsistentRead: true,
    });
    const [first] = items; // sorted by part number
    if (!first) return undefined;
    const parts = items.filter((item) => item.writeId === first.writeId).slice(0, first.parts as number);
    if (parts.length !== first.parts) return undefined;
    return JSON.parse(
      gunzipSync(Buffer.concat(parts.map((item) => item.body as Uint8Array))).toString("utf8"),
    ) as Kept[K];
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
   * Writes the fields in which `next` differs from `current`, with its audit record, if the stored
   * period is still at `current.version` (optimistic concurrency: a lost race is a `period-changed`
   * conflict, to be retried from a fresh read where merging is safe); the version grows by one. A job
   * finishing its work writes with `expect.runId` instead: only while it still holds the job. A unit's
   * deadline extension (`extendUnit`) joins the same transaction. Returns the period as stored (for a job's write, its version may be
   * behind: read it again when it matters).
   */
  async update(
    current: Period,
    next: Period,
    audit: AuditEntry,
    options: { runId?: string; extendUnit?: UnitExtension } = {},
  ): Promise<Period> {
    const stored: Period = { ...next, version: current.version + 1 };
    const names: Record<string, string> = { "#version": "version", "#state": "state" };
    // Condition values are named apart from the fields' (":<field>"), which the loop below sets.
    const values: Record<string, unknown> = { ":one": 1, ":zero": 0, ":expectedState": current.state };
    // A job's write is not conditioned on the version (the admin may rename meanwhile): it adds one.
    const sets = ["#version = if_not_exists(#version, :zero) + :one"];
    const removes: string[] = [];
    const before: Record<string, unknown> = {
      ...toItem(current),
      ...listKeys(current.state, current.closesAt, current.id),
    };
    const after = { ...toItem(stored), ...listKeys(stored.state, stored.closesAt, stored.id) };
    for (const [field, value] of Object.entries(after)) {
      // Counts move only with submit and withdraw (ADD), never from a read-modify-write of the period.
      if (UNVERSIONED.has(field) || JSON.stringify(value) === JSON.stringify(before[field])) continue;
      names[`#${field}`] = field;
      if (value === undefined) removes.push(`#${field}`);
      else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    let condition = "#state = :expectedState";
    if (options.runId) {
      names["#job"] = "job";
      values[":expectedRunId"] = options.runId;
      condition += " AND #job.runId = :expectedRunId";
    } else {
      values[":expectedVersion"] = current.version;
      condition +=
        current.version === 0
          ? " AND (attribute_not_exists(#version) OR #version = :expectedVersion)"
          : " AND #version = :expectedVersion";
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
        ...(options.extendUnit ? extensionItems(this.config, next.id, options.extendUnit) : []),
      ],
      (position) =>
        position === 0
          ? options.runId
            ? new JobLost(next.id)
            : storeRefusals.periodChanged(current.version)
          : new Error(`unexpected condition failure at item ${position}`),
    );
    return stored;
  }

  /**
   * Takes the period's job for one attempt: only while the period is in the job's transient state and
   * the job is queued, failed, or running under a lease that ran out (its worker died). The lease is
   * renewed with every progress write; a worker that lost it stops. Undefined when someone else holds
   * the job or it has finished.
   */
  async claimJob(
    periodId: string,
    during: PeriodState,
    claim: { runId: string; now: string; leaseUntil: string },
  ): Promise<Period | undefined> {
    try {
      const result = await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.dataTable,
          Key: keys.period(periodId),
          UpdateExpression:
            "SET #job.#status = :running, #job.runId = :runId, #job.leaseUntil = :lease, #job.startedAt = if_not_exists(#job.startedAt, :now), #job.attempts = #job.attempts + :one, #version = if_not_exists(#version, :zero) + :one REMOVE #job.#error",
          ConditionExpression:
            "#state = :during AND (#job.#status IN (:queued, :failed) OR (#job.#status = :running AND #job.leaseUntil < :now))",
          // The claim bumps the version: an admin's "run again", read before it, cannot overwrite it.
          ExpressionAttributeNames: {
            "#job": "job",
            "#status": "status",
            "#state": "state",
            "#error": "error",
            "#version": "version",
          },
          ExpressionAttributeValues: {
            ":zero": 0,
            ":running": "running",
            ":queued": "queued",
            ":failed": "failed",
            ":runId": claim.runId,
            ":lease": claim.leaseUntil,
            ":now": claim.now,
            ":one": 1,
            ":during": during,
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return result.Attributes ? fromItem(result.Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Records a job's progress and renews its lease; throws JobLost when another attempt took it over. */
  async jobProgress(
    periodId: string,
    runId: string,
    progress: { done: number; total: number; leaseUntil: string },
  ): Promise<void> {
    await this.jobWrite(
      periodId,
      runId,
      "SET #job.done = :done, #job.#total = :total, #job.leaseUntil = :lease",
      { ":done": progress.done, ":total": progress.total, ":lease": progress.leaseUntil },
    );
  }

  /**
   * Records a publication whose files (and pointers) are written, while its job still holds the
   * period: from then on every other period's index lists it at that version.
   */
  async recordPublication(
    periodId: string,
    runId: string,
    publication: { version: number; publishedAt: string },
  ): Promise<void> {
    await this.jobWrite(periodId, runId, "SET publication = :publication", { ":publication": publication });
  }

  /** Records that an attempt failed, and why; the period stays in its transient state, to be run again. */
  async failJob(periodId: string, runId: string, failure: { error: string; at: string }): Promise<void> {
    await this.jobWrite(
      periodId,
      runId,
      "SET #job.#status = :failed, #job.#error = :error, #job.finishedAt = :at REMOVE #job.leaseUntil",
      { ":failed": "failed", ":error": failure.error, ":at": failure.at },
    );
  }

  private async jobWrite(
    periodId: string,
    runId: string,
    expression: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.config.client.send(
        new UpdateCommand({
          TableName: this.config.dataTable,
          Key: keys.period(periodId),
          UpdateExpression: expression,
          ConditionExpression: "#job.runId = :runId",
          ExpressionAttributeNames: {
            "#job": "job",
            ...(expression.includes("#status") ? { "#status": "status" } : {}),
            ...(expression.includes("#error") ? { "#error": "error" } : {}),
            ...(expression.includes("#total") ? { "#total": "total" } : {}),
          },
          ExpressionAttributeValues: { ...values, ":runId": runId },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new JobLost(periodId);
      throw error;
    }
  }
}

/** Item fields a period write never copies from what it read. */
const UNVERSIONED = new Set(["createdAt", "id", "unitCount", "submittedCount", "version"]);

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
    finalizedAt: period.finalizedAt,
    lastUnitDeadline: period.lastUnitDeadline,
    publication: period.publication,
    nextPublication: period.nextPublication,
    bests: period.bests,
    decision: period.decision,
    restatements: period.restatements,
    job: period.job,
  };
}

const LIFECYCLE_FIELDS = [
  "lastUnitDeadline",
  "closedAt",
  "finalizedAt",
  "publication",
  "nextPublication",
  "bests",
  "decision",
  "restatements",
  "job",
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
    // Periods written before versions existed read as version 0.
    version: (item.version as number | undefined) ?? 0,
    counts: { units, submitted, draft: units - submitted },
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    ...Object.fromEntries(LIFECYCLE_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])),
  };
}
