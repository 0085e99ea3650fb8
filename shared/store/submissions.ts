import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { SubmissionState } from "../lifecycle.ts";
import type { Appraisal, Contest } from "../model/appraisal.ts";
import type { Evidence } from "../model/evidence.ts";
import { type AuditEntry, auditPut } from "./audit.ts";
import { mapLimit } from "./batches.ts";
import { type DynamoConfig, type TransactItem, transact } from "./dynamo.ts";
import { keys, SK_PREFIX } from "./keys.ts";
import { decodeCursor, encodeCursor, type Page, type PageRequest } from "./page.ts";

export interface SubmissionHead {
  periodId: string;
  unitId: string;
  groupId: string;
  state: SubmissionState;
  /** Grows by one with every write to the submission; the ETag of API.md. 0 before the first write. */
  version: number;
  updatedAt?: string;
  submittedAt?: string;
  submittedBy?: string;
  /** A deadline extension for this unit alone. */
  extendedUntil?: string;
  /** Set when the period closed: whether the unit had submitted by the deadline. */
  submitted?: boolean;
  /** The one supplement request: leaves reopened for this unit until a date, during appraisal. */
  supplement?: { codes: string[]; until: string; message?: string; by: string; at: string };
  /** Scores kept on the head after close (provisional) and after final scoring. */
  provisional?: UnitResultSummary;
  final?: UnitResultSummary;
}

export interface UnitResultSummary {
  points: number;
  index: number;
  rank: number;
  band: string | null;
  flags: string[];
}

export interface StoredAnswer {
  code: string;
  value: unknown;
  note?: string;
  updatedAt: string;
  updatedBy: string;
}

export interface StoredSubmission {
  head: SubmissionHead;
  answers: Map<string, StoredAnswer>;
  evidence: Evidence[];
  appraisals: Map<string, Appraisal>;
  contests: Map<string, Contest>;
}

/** Why a submission write did not happen: another write came first, the state moved, or the period did. */
export class SubmissionWriteConflict extends Error {
  constructor(
    readonly reason: "version" | "state" | "period",
    readonly current?: Record<string, unknown>,
  ) {
    super(`submission write refused: ${reason}`);
  }
}

export interface SubmissionWrite {
  periodId: string;
  unitId: string;
  groupId: string;
  /** The version read (or the client's If-Match): the write lands only on that version. */
  expectVersion: number;
  expectState: SubmissionState;
  nextState?: SubmissionState;
  /** Extra head attributes (submittedAt …); null removes one. */
  head?: Record<string, unknown>;
  /**
   * The period must be open and before its deadline; with a unit extension the deadline is checked on
   * the head instead. `submittedDelta` moves the period's counter in the same transaction.
   */
  period: { nowMs: number; extended: boolean; submittedDelta?: 1 | -1; supplement?: boolean };
  puts?: Record<string, unknown>[];
  deletes?: { pk: string; sk: string }[];
  audit: AuditEntry[];
}

/** A unit's submission is one partition: head, answers and evidence come back in one Query. */
export class SubmissionRepository {
  constructor(private readonly config: DynamoConfig) {}

  async load(periodId: string, unitId: string, groupId: string): Promise<StoredSubmission> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.config.client.send(
        new QueryCommand({
          TableName: this.config.dataTable,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.submissionPartition(periodId, unitId) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items.push(...(result.Items ?? []));
      start = result.LastEvaluatedKey;
    } while (start);

    let head: SubmissionHead = { periodId, unitId, groupId, state: "draft", version: 0 };
    const answers = new Map<string, StoredAnswer>();
    const evidence: Evidence[] = [];
    const appraisals = new Map<string, Appraisal>();
    const contests = new Map<string, Contest>();
    for (const { pk: _pk, sk, lpk: _lpk, lsk: _lsk, extendedUntilMs: _ms, ...item } of items) {
      if (sk === "#") head = item as unknown as SubmissionHead;
      else if ((sk as string).startsWith(SK_PREFIX.answer))
        answers.set(item.code as string, item as unknown as StoredAnswer);
      else if ((sk as string).startsWith(SK_PREFIX.evidence)) evidence.push(item as unknown as Evidence);
      else if ((sk as string).startsWith(SK_PREFIX.appraisal))
        appraisals.set(item.code as string, item as unknown as Appraisal);
      else if ((sk as string).startsWith(SK_PREFIX.contest))
        contests.set(item.code as string, item as unknown as Contest);
    }
    evidence.sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    );
    return { head, answers, evidence, appraisals, contests };
  }

  /** Every member's submission, read unit by unit in parallel (a partition each, never a Scan). */
  async loadAll(
    periodId: string,
    members: ReadonlyMap<string, string>,
    concurrency = 32,
  ): Promise<StoredSubmission[]> {
    return mapLimit([...members], concurrency, ([unitId, groupId]) => this.load(periodId, unitId, groupId));
  }

  /**
   * Locks a submission at close and records whether it was submitted. Idempotent: a locked head
   * stays as it is, so a close that is run again changes nothing.
   */
  async lock(periodId: string, unitId: string, groupId: string, closedAt: string): Promise<void> {
    const attempt = async (condition: string, submitted: boolean) => {
      try {
        await this.config.client.send(
          new UpdateCommand({
            TableName: this.config.dataTable,
            Key: keys.submissionHead(periodId, unitId),
            UpdateExpression:
              "SET #state = :locked, submitted = :submitted, lockedAt = :at, #version = if_not_exists(#version, :zero), groupId = :groupId, periodId = :periodId, unitId = :unitId, lpk = :lpk, lsk = :lsk",
            ConditionExpression: condition,
            ExpressionAttributeNames: { "#state": "state", "#version": "version" },
            ExpressionAttributeValues: {
              ":locked": "locked",
              ":submitted": submitted,
              ":at": closedAt,
              ":zero": 0,
              ":groupId": groupId,
              ":periodId": periodId,
              ":unitId": unitId,
              ":lpk": keys.submissionList(periodId),
              ":lsk": `${groupId}#${unitId}`,
              ...(submitted ? { ":from": "submitted" } : { ":from": "draft" }),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    };
    if (await attempt("#state = :from", true)) return;
    await attempt("attribute_not_exists(#state) OR #state = :from", false);
  }

  /** Keeps a unit's scores on its head ("provisional" at close, "final" after appraisal). */
  async setResult(
    periodId: string,
    unitId: string,
    field: "provisional" | "final",
    result: UnitResultSummary,
  ): Promise<void> {
    await this.config.client.send(
      new UpdateCommand({
        TableName: this.config.dataTable,
        Key: keys.submissionHead(periodId, unitId),
        UpdateExpression: "SET #field = :result",
        ExpressionAttributeNames: { "#field": field },
        ExpressionAttributeValues: { ":result": result },
      }),
    );
  }

  /** The heads of a period's submissions that have been written, by group then unit. */
  async listHeads(periodId: string, page: PageRequest): Promise<Page<SubmissionHead>> {
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.dataTable,
        IndexName: "byList",
        KeyConditionExpression: "lpk = :list",
        ExpressionAttributeValues: { ":list": keys.submissionList(periodId) },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, {
          names: ["pk", "sk", "lpk", "lsk"],
          equal: { lpk: keys.submissionList(periodId) },
        }),
      }),
    );
    const items = (result.Items ?? []).map(
      ({ pk: _pk, sk: _sk, lpk: _l, lsk: _s, ...head }) => head as unknown as SubmissionHead,
    );
    return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }

  /** Writes a change to a submission all or nothing, bumping its version; returns the new version. */
  async write(change: SubmissionWrite): Promise<number> {
    const { periodId, unitId } = change;
    const names: Record<string, string> = { "#state": "state", "#version": "version" };
    const values: Record<string, unknown> = {
      ":one": 1,
      ":zero": 0,
      ":expectState": change.expectState,
      ":next": change.nextState ?? change.expectState,
      ":groupId": change.groupId,
      ":periodId": periodId,
      ":unitId": unitId,
      ":lpk": keys.submissionList(periodId),
      ":lsk": `${change.groupId}#${unitId}`,
      ":updatedAt": change.audit[0]?.time ?? new Date(change.period.nowMs).toISOString(),
    };
    const sets = [
      "#version = if_not_exists(#version, :zero) + :one",
      "#state = :next",
      "groupId = :groupId",
      "periodId = :periodId",
      "unitId = :unitId",
      "lpk = :lpk",
      "lsk = :lsk",
      "updatedAt = :updatedAt",
    ];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(change.head ?? {})) {
      names[`#${field}`] = field;
      if (value === null) removes.push(`#${field}`);
      else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    const conditions = [
      change.expectVersion === 0 ? "attribute_not_exists(#version)" : "#version = :expectVersion",
      change.expectState === "draft"
        ? "(attribute_not_exists(#state) OR #state = :expectState)"
        : "#state = :expectState",
    ];
    if (change.expectVersion !== 0) values[":expectVersion"] = change.expectVersion;
    if (change.period.extended || change.period.supplement) {
      values[":now"] = change.period.nowMs;
      conditions.push(change.period.supplement ? "supplementUntilMs > :now" : "extendedUntilMs > :now");
    }
    const head: TransactItem = {
      Update: {
        TableName: this.config.dataTable,
        Key: keys.submissionHead(periodId, unitId),
        UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
        ConditionExpression: conditions.join(" AND "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      },
    };
    const items: TransactItem[] = [
      head,
      this.periodGuard(periodId, change.period),
      ...(change.puts ?? []).map((Item) => ({ Put: { TableName: this.config.dataTable, Item } })),
      ...(change.deletes ?? []).map((Key) => ({ Delete: { TableName: this.config.dataTable, Key } })),
      ...change.audit.map((entry, seq) => auditPut(this.config, entry, seq)),
    ];
    await transact(this.config.client, items, (position, current) => {
      if (position !== 0) return new SubmissionWriteConflict("period");
      const old = current ? unmarshall(current as never) : undefined;
      if ((old?.version ?? 0) !== change.expectVersion) return new SubmissionWriteConflict("version", old);
      if ((old?.state ?? "draft") !== change.expectState) return new SubmissionWriteConflict("state", old);
      return new SubmissionWriteConflict("period", old); // the unit's own extension has run out
    });
    return change.expectVersion + 1;
  }

  private periodGuard(periodId: string, guard: SubmissionWrite["period"]): TransactItem {
    // In a supplement the period is in appraisal and the head carries the deadline.
    const condition = guard.supplement
      ? "#state = :appraisal"
      : guard.extended
        ? "#state = :open"
        : "#state = :open AND closesAtMs > :now";
    const base = {
      TableName: this.config.dataTable,
      Key: keys.period(periodId),
      ConditionExpression: condition,
      ExpressionAttributeNames: { "#state": "state" },
      ExpressionAttributeValues: (guard.supplement
        ? { ":appraisal": "appraisal" }
        : { ":open": "open", ...(guard.extended ? {} : { ":now": guard.nowMs }) }) as Record<string, unknown>,
    };
    if (!guard.submittedDelta) return { ConditionCheck: base };
    return {
      Update: {
        ...base,
        UpdateExpression: "ADD submittedCount :delta",
        ExpressionAttributeValues: { ...base.ExpressionAttributeValues, ":delta": guard.submittedDelta },
      },
    };
  }
}
