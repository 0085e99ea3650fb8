import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Appraisal, Contest } from "../model/appraisal.ts";
import type { Evidence } from "../model/evidence.ts";
import type { StoredMeasurement } from "../model/measurement.ts";
import {
  type ClosedSubmission,
  closedRead,
  type HeadResult,
  keptSubmission,
  type LockResult,
  type Page,
  type PageRequest,
  type ScoredSubmission,
  type StoredAnswer,
  type StoredSubmission,
  type SubmissionHead,
  type SubmissionStore,
  type SubmissionWrite,
  SubmissionWriteConflict,
  type UnitExtension,
} from "../services/ports.ts";
import { auditPut } from "./audit.ts";
import { chunks, mapLimit } from "./batches.ts";
import { batchGetAll, type DynamoConfig, queryAll, type TransactItem, transact } from "./dynamo.ts";
import { keys, SK_PREFIX } from "./keys.ts";
import { decodeCursor, encodeCursor } from "./page.ts";

export type {
  HeadResult,
  LockResult,
  StoredAnswer,
  StoredSubmission,
  SubmissionHead,
  SubmissionWrite,
  UnitResultSummary,
} from "../services/ports.ts";
export { SubmissionWriteConflict };

/**
 * Heads written per TransactWriteItems (DynamoDB's limit is 100) and transactions in flight. On
 * DynamoDB Local 40 transactions of 100 cost less than 4,000 UpdateItems (each request costs this
 * process ≈ 2 ms of CPU): measured 5.0 s against 13.0 s for the close's locks, 3.6 s against 8.9 s
 * for final scoring's results.
 */
const RESULTS_PER_TRANSACTION = 100;
const RESULT_TRANSACTIONS_IN_FLIGHT = 8;

/** A unit's submission is one partition: head, answers and evidence come back in one Query. */
export class SubmissionRepository implements SubmissionStore {
  constructor(private readonly config: DynamoConfig) {}

  async load(periodId: string, unitId: string, groupId: string): Promise<StoredSubmission> {
    const items = await this.query(periodId, unitId);
    const head = items.find((item) => item.sk === "#");
    return {
      ...partitionItems(items),
      head: head ? toHead(head) : { periodId, unitId, groupId, state: "draft", version: 0 },
    };
  }

  /**
   * Every member's submission, read unit by unit in parallel (a partition each, never a Scan);
   * `onRead` hears of each one read (a job's progress).
   */
  async loadAll(
    periodId: string,
    members: ReadonlyMap<string, string>,
    onRead?: (count: number) => Promise<void>,
    concurrency = 32,
  ): Promise<StoredSubmission[]> {
    return mapLimit([...members], concurrency, async ([unitId, groupId]) => {
      const stored = await this.load(periodId, unitId, groupId);
      await onRead?.(1);
      return stored;
    });
  }

  /**
   * Final scoring's read. The heads first (BatchGetItem, 100 a request). A unit whose head has the
   * version the close kept and no reviews is the kept submission, with its measured values read again
   * (BatchGetItem: they are their own items and move without the head); one with the version and
   * reviews gets the kept answers and one Query of the sort keys after them (evidence, appraisals,
   * contests, measured values); any other unit is read whole.
   */
  async loadSinceClose(
    periodId: string,
    members: ReadonlyMap<string, string>,
    closed: Readonly<Record<string, ClosedSubmission>>,
    measuredCodes: readonly string[],
    onRead?: (count: number) => Promise<void>,
    concurrency = 32,
  ): Promise<ScoredSubmission[]> {
    const heads = await this.heads(
      periodId,
      [...members.keys()].filter((unitId) => closed[unitId]),
    );
    const how = new Map([...members.keys()].map((id) => [id, closedRead(heads.get(id), closed[id])]));
    const unchanged = [...how].flatMap(([unitId, read]) => (read === "kept" ? [unitId] : []));
    const measured = await batchGetAll(
      this.config.client,
      this.config.dataTable,
      unchanged.flatMap((unitId) => measuredCodes.map((code) => keys.measurement(periodId, unitId, code))),
      { consistent: true },
    );
    const measuredOf = new Map<string, Record<string, unknown>[]>();
    for (const item of measured) {
      const pk = item.pk as string;
      const ofUnit = measuredOf.get(pk) ?? [];
      ofUnit.push(item);
      measuredOf.set(pk, ofUnit);
    }
    const read = async (unitId: string, groupId: string): Promise<ScoredSubmission> => {
      const head = heads.get(unitId) as SubmissionHead;
      const kept = closed[unitId] as ClosedSubmission;
      switch (how.get(unitId)) {
        case "kept": {
          const ofUnit = measuredOf.get(keys.submissionPartition(periodId, unitId)) ?? [];
          return keptSubmission(head, kept, partitionItems(ofUnit).measured);
        }
        case "reviews": {
          const rest = partitionItems(await this.query(periodId, unitId, keys.afterAnswers));
          return { ...rest, head, answers: new Map(Object.entries(kept.answers)) };
        }
        default:
          return this.load(periodId, unitId, groupId);
      }
    };
    return mapLimit([...members], concurrency, async ([unitId, groupId]) => {
      const stored = await read(unitId, groupId);
      await onRead?.(1);
      return stored;
    });
  }

  /** The heads of these units' submissions that exist, by unit id (consistent reads). */
  private async heads(periodId: string, unitIds: readonly string[]): Promise<Map<string, SubmissionHead>> {
    const items = await batchGetAll(
      this.config.client,
      this.config.dataTable,
      unitIds.map((unitId) => keys.submissionHead(periodId, unitId)),
      { consistent: true },
    );
    const prefix = keys.submissionPartition(periodId, "");
    return new Map(items.map((item) => [(item.pk as string).slice(prefix.length), toHead(item)]));
  }

  /** A partition's items (from the sort key `from` on, when given), consistent. */
  private query(periodId: string, unitId: string, from?: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.config.client, {
      TableName: this.config.dataTable,
      KeyConditionExpression: from ? "pk = :pk AND sk >= :from" : "pk = :pk",
      ExpressionAttributeValues: {
        ":pk": keys.submissionPartition(periodId, unitId),
        ...(from ? { ":from": from } : {}),
      },
      ConsistentRead: true,
    });
  }

  /**
   * The appraised leaf codes of each unit: a Query of its appraisal items with only their code
   * projected, units in parallel, so progress does not read whole submissions.
   */
  async appraisedCodes(
    periodId: string,
    unitIds: readonly string[],
    concurrency = 32,
  ): Promise<Map<string, Set<string>>> {
    const codes = await mapLimit(unitIds, concurrency, async (unitId) => {
      const items = await queryAll(this.config.client, {
        TableName: this.config.dataTable,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: {
          ":pk": keys.submissionPartition(periodId, unitId),
          ":prefix": SK_PREFIX.appraisal,
        },
        ProjectionExpression: "#code",
        ExpressionAttributeNames: { "#code": "code" },
        // As load(): an appraisal just written counts at once.
        ConsistentRead: true,
      });
      return [unitId, new Set(items.map((item) => item.code as string))] as const;
    });
    return new Map(codes);
  }

  /**
   * The close's one write per unit: locks the head, records whether it was submitted and keeps its
   * provisional result, RESULTS_PER_TRANSACTION heads per transaction. Each head must still be in the
   * state it was read in (or already locked, by an earlier run of the same close): the close reads
   * after the period left `open`, so a refusal means something wrote anyway and the close fails, to be
   * run again from a fresh read. Idempotent: a rerun writes the same values.
   */
  async lockWithResults(
    periodId: string,
    closedAt: string,
    heads: readonly LockResult[],
    onWritten?: (count: number) => Promise<void>,
  ): Promise<void> {
    await mapLimit(chunks(heads, RESULTS_PER_TRANSACTION), RESULT_TRANSACTIONS_IN_FLIGHT, async (chunk) => {
      await transact(
        this.config.client,
        chunk.map(({ unitId, groupId, seenState, submitted, result }) => ({
          Update: {
            TableName: this.config.dataTable,
            Key: keys.submissionHead(periodId, unitId),
            UpdateExpression:
              "SET #state = :locked, submitted = :submitted, lockedAt = :at, provisional = :result, #version = if_not_exists(#version, :zero), groupId = :groupId, periodId = :periodId, unitId = :unitId, lpk = :lpk, lsk = :lsk",
            ConditionExpression: "attribute_not_exists(#state) OR #state = :seen OR #state = :locked",
            ExpressionAttributeNames: { "#state": "state", "#version": "version" },
            ExpressionAttributeValues: {
              ":locked": "locked",
              ":seen": seenState,
              ":submitted": submitted,
              ":at": closedAt,
              ":result": result,
              ":zero": 0,
              ":groupId": groupId,
              ":periodId": periodId,
              ":unitId": unitId,
              ":lpk": keys.submissionList(periodId),
              ":lsk": `${groupId}#${unitId}`,
            },
          },
        })),
        (position) =>
          new SubmissionWriteConflict("state", {
            unitId: chunk[position]?.unitId,
            expected: chunk[position]?.seenState,
          }),
      );
      await onWritten?.(chunk.length);
    });
  }

  /** Keeps many units' scores on their heads, RESULTS_PER_TRANSACTION per transaction. */
  async setResults(
    periodId: string,
    field: "provisional" | "final",
    heads: readonly HeadResult[],
    onWritten?: (count: number) => Promise<void>,
  ) {
    await mapLimit(chunks(heads, RESULTS_PER_TRANSACTION), RESULT_TRANSACTIONS_IN_FLIGHT, async (chunk) => {
      await transact(
        this.config.client,
        chunk.map(({ unitId, result }) => ({
          Update: {
            TableName: this.config.dataTable,
            Key: keys.submissionHead(periodId, unitId),
            UpdateExpression: "SET #field = :result",
            ExpressionAttributeNames: { "#field": field },
            ExpressionAttributeValues: { ":result": result },
          },
        })),
        () => new Error("unexpected condition failure while keeping results"),
      );
      await onWritten?.(chunk.length);
    });
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

  /**
   * Writes a change to a submission all or nothing, bumping its version; returns the new version. The
   * only writer of answers and evidence: final scoring takes what the close kept of them for as long as
   * the version stands (loadSinceClose), so nothing may change them without moving it.
   */
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
      // A head may exist at version 0 before the unit's first write (a deadline extension made it).
      change.expectVersion === 0
        ? "(attribute_not_exists(#version) OR #version = :expectVersion)"
        : "#version = :expectVersion",
      change.expectState === "draft"
        ? "(attribute_not_exists(#state) OR #state = :expectState)"
        : "#state = :expectState",
    ];
    values[":expectVersion"] = change.expectVersion;
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
    const puts = [
      ...(change.answers ?? []).map((answer) => ({
        ...keys.answer(periodId, unitId, answer.code),
        ...answer,
      })),
      ...(change.evidence ?? []).map((evidence) => ({
        ...keys.evidence(periodId, unitId, evidence.id),
        ...evidence,
      })),
    ];
    const items: TransactItem[] = [
      head,
      this.periodGuard(periodId, change.period),
      ...puts.map((Item) => ({ Put: { TableName: this.config.dataTable, Item } })),
      ...(change.removeEvidence ?? []).map((id) => ({
        Delete: { TableName: this.config.dataTable, Key: keys.evidence(periodId, unitId, id) },
      })),
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
    // In a supplement the period is in appraisal and the head carries the deadline; contest evidence
    // lands only in the explanation round.
    const condition = guard.contest
      ? "#state = :explanation"
      : guard.supplement
        ? "#state = :appraisal"
        : guard.extended
          ? "#state = :open"
          : "#state = :open AND closesAtMs > :now";
    const base = {
      TableName: this.config.dataTable,
      Key: keys.period(periodId),
      ConditionExpression: condition,
      ExpressionAttributeNames: { "#state": "state" },
      ExpressionAttributeValues: (guard.contest
        ? { ":explanation": "explanation" }
        : guard.supplement
          ? { ":appraisal": "appraisal" }
          : { ":open": "open", ...(guard.extended ? {} : { ":now": guard.nowMs }) }) as Record<
        string,
        unknown
      >,
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

/**
 * A deadline for one unit, later than the period's: set on its head (which the write guard reads),
 * with its audit record. The items join the period's own update (conditional on the version read
 * while open), so the extension and the period's latest deadline land together or not at all.
 */
export function extensionItems(
  config: DynamoConfig,
  periodId: string,
  { unitId, groupId, until, audit }: UnitExtension,
): TransactItem[] {
  return [
    {
      Update: {
        TableName: config.dataTable,
        Key: keys.submissionHead(periodId, unitId),
        UpdateExpression:
          "SET extendedUntil = :until, extendedUntilMs = :ms, groupId = :groupId, periodId = :periodId, unitId = :unitId, lpk = :lpk, lsk = :lsk, #state = if_not_exists(#state, :draft), #version = if_not_exists(#version, :zero)",
        ExpressionAttributeNames: { "#state": "state", "#version": "version" },
        ExpressionAttributeValues: {
          ":until": until,
          ":ms": Date.parse(until),
          ":groupId": groupId,
          ":periodId": periodId,
          ":unitId": unitId,
          ":lpk": keys.submissionList(periodId),
          ":lsk": `${groupId}#${unitId}`,
          ":draft": "draft",
          ":zero": 0,
        },
      },
    },
    auditPut(config, audit),
  ];
}

const toHead = ({
  pk: _pk,
  sk: _sk,
  lpk: _lpk,
  lsk: _lsk,
  extendedUntilMs: _ms,
  ...item
}: Record<string, unknown>) => item as unknown as SubmissionHead;

/** A partition's items other than its head, each where it belongs; evidence in the order it was added. */
function partitionItems(
  items: readonly Record<string, unknown>[],
): Omit<StoredSubmission, "head"> & Required<Pick<StoredSubmission, "measured">> {
  const answers = new Map<string, StoredAnswer>();
  const evidence: Evidence[] = [];
  const appraisals = new Map<string, Appraisal>();
  const contests = new Map<string, Contest>();
  const measured = new Map<string, StoredMeasurement>();
  for (const { pk: _pk, sk, lpk: _lpk, lsk: _lsk, ...item } of items) {
    const code = item.code as string;
    if ((sk as string).startsWith(SK_PREFIX.answer)) answers.set(code, item as unknown as StoredAnswer);
    else if ((sk as string).startsWith(SK_PREFIX.evidence)) evidence.push(item as unknown as Evidence);
    else if ((sk as string).startsWith(SK_PREFIX.appraisal))
      appraisals.set(code, item as unknown as Appraisal);
    else if ((sk as string).startsWith(SK_PREFIX.contest)) contests.set(code, item as unknown as Contest);
    else if ((sk as string).startsWith(SK_PREFIX.measurement)) {
      const { asOfMs: _asOfMs, ...measurement } = item;
      measured.set(code, measurement as unknown as StoredMeasurement);
    }
  }
  evidence.sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
  );
  return { answers, evidence, appraisals, contests, measured };
}
