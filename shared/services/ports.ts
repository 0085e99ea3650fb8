import type { ScoringBundle } from "../engine/bundle.ts";
import { conflict } from "../errors.ts";
import type { SubmissionState } from "../lifecycle.ts";
import type { Appraisal, Contest } from "../model/appraisal.ts";
import type { Evidence } from "../model/evidence.ts";
import type { Framework } from "../model/framework.ts";
import type { StoredMeasurement, StoredSource } from "../model/measurement.ts";
import type { Period, PeriodState } from "../model/period.ts";
import type { Unit } from "../model/unit.ts";

/**
 * The stores the services need, in the domain's terms: no keys, no items, no transactions. The
 * DynamoDB adapters in shared/store implement them; the unit tests run the services on in-memory
 * fakes of the same interfaces. Every refusal a store makes is a domain error named here or a
 * Refusal with its code (shared/errors.ts), so services decide the same way whatever is behind.
 */

/** The refusals a store makes when a condition of its write fails: one wording for every implementation. */
export const storeRefusals = {
  frameworkExists: (id: string) =>
    conflict("framework-exists", `a framework with id "${id}" exists; import a new version under a new id`),
  periodExists: (id: string) => conflict("period-exists", `a period with id "${id}" exists`),
  periodChanged: (version: number) =>
    conflict(
      "period-changed",
      `the period changed meanwhile (it was at version ${version}); reload and retry`,
    ),
  appraisalClosed: () =>
    conflict("appraisal-closed", "appraisals are taken only while the period is in appraisal"),
  alreadyContested: (code: string) => conflict("already-contested", `indicator ${code} is already contested`),
  contestsClosed: () => conflict("not-explanation-round", "contests are taken only in the explanation round"),
  noOpenContest: (code: string) => conflict("no-open-contest", `there is no undecided contest of ${code}`),
  decisionsClosed: () => conflict("not-explanation-round", "contests are decided in the explanation round"),
  supplementUsed: () => conflict("supplement-used", "this unit has already had its one supplement request"),
  supplementsClosed: () => conflict("appraisal-closed", "supplements are requested during appraisal"),
};

/** Lists page with `?limit=&cursor=` (API.md); the cursor is opaque. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

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

/** The append-only audit log (records also join the stores' own writes, all or nothing). */
export interface AuditLog {
  append(entry: AuditEntry, seq?: number): Promise<void>;
  /** By entity, newest first; without an entity, one day's records (default today, UTC), newest first. */
  list(query: AuditQuery, page: PageRequest): Promise<Page<AuditRecord>>;
}

/**
 * What GET /api/audit filters by: an entity, or the days `from`…`to` (UTC, at most 92; `day` is one),
 * and within them an actor, an action (a prefix: "user." is every account change), a period (its
 * record and its submissions') and a unit (its record and its submissions').
 */
export interface AuditQuery {
  entity?: string | undefined;
  day?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  periodId?: string | undefined;
  unitId?: string | undefined;
}

export interface FrameworkSummary {
  id: string;
  name: string;
  decision?: string;
  createdAt: string;
}

/** Frameworks are immutable once imported: a new version is a new id. */
export interface FrameworkStore {
  /** Refuses an id that exists: conflict `framework-exists`. */
  create(framework: Framework, createdAt: string, audit: AuditEntry): Promise<void>;
  get(id: string): Promise<Framework | undefined>;
  list(page: PageRequest): Promise<Page<FrameworkSummary>>;
}

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface UnitStore {
  /** Creates or replaces units by id, each changed one with its audit record; unchanged ones are not written. */
  upsert(
    units: readonly Unit[],
    audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
  ): Promise<UpsertCounts>;
  getMany(ids: readonly string[]): Promise<Map<string, Unit>>;
  /** By id. */
  list(page: PageRequest): Promise<Page<Unit>>;
  all(): Promise<Unit[]>;
}

/** Unit id → group id: who takes part in a period, fixed when the period is created. */
export type Members = Map<string, string>;

/** A job attempt that no longer holds its job (another attempt took it over): it stops, quietly. */
export class JobLost extends Error {
  constructor(periodId: string) {
    super(`the job of period ${periodId} was taken over by another attempt`);
  }
}

/** A deadline for one unit, later than the period's, written with the period's own update. */
export interface UnitExtension {
  unitId: string;
  groupId: string;
  until: string;
  audit: AuditEntry;
}

export interface PeriodStore {
  /** The period with its participants and its audit record; an id that exists: conflict `period-exists`. */
  create(period: Period, members: Members, audit: AuditEntry): Promise<void>;
  get(id: string): Promise<Period | undefined>;
  /** The period, or not-found. */
  require(id: string): Promise<Period>;
  /** The participants; not-found for an unknown period. */
  members(id: string): Promise<Members>;
  /**
   * Keeps what a step read under the period, named by its kind and time, for a later step not to read
   * it again: the scoring bundle final scoring scored ("final"), what the close read ("close").
   */
  keep<K extends KeptKind>(id: string, kind: K, at: string, value: Kept[K]): Promise<void>;
  /** What keep kept, or undefined when there is none (or it is incomplete). */
  kept<K extends KeptKind>(id: string, kind: K, at: string): Promise<Kept[K] | undefined>;
  /** By state, then deadline, then id. */
  list(page: PageRequest, state?: PeriodState): Promise<Page<Period>>;
  /** Claims the reminder `days` before the deadline for one unit; false when it was already claimed. */
  claimReminder(periodId: string, days: number, unitId: string, at: string): Promise<boolean>;
  /** Gives a claim back when the reminder could not be sent. */
  releaseReminder(periodId: string, days: number, unitId: string): Promise<void>;
  /**
   * Writes `next` with its audit record if the stored period is still in `current.state` at
   * `current.version` (else conflict `period-changed`), or, for a job's write (`runId`), while that
   * attempt still holds the job (else JobLost). The version grows by one; the unit and submitted
   * counts never move here. `extendUnit` lands in the same write, all or nothing.
   */
  update(
    current: Period,
    next: Period,
    audit: AuditEntry,
    options?: { runId?: string; extendUnit?: UnitExtension },
  ): Promise<Period>;
  /**
   * Takes the period's job for one attempt while the period is `during` and the job is queued, failed,
   * or running under a lease that ran out; undefined when someone else holds it or it has finished.
   */
  claimJob(
    periodId: string,
    during: PeriodState,
    claim: { runId: string; now: string; leaseUntil: string },
  ): Promise<Period | undefined>;
  /** Records progress and renews the lease; JobLost when another attempt took the job. */
  jobProgress(
    periodId: string,
    runId: string,
    progress: { done: number; total: number; leaseUntil: string },
  ): Promise<void>;
  /** Records a publication whose files are written, while the attempt holds the job (else JobLost). */
  recordPublication(
    periodId: string,
    runId: string,
    publication: { version: number; publishedAt: string },
  ): Promise<void>;
  /** Records that an attempt failed, and why (else JobLost). */
  failJob(periodId: string, runId: string, failure: { error: string; at: string }): Promise<void>;
}

export interface UnitResultSummary {
  points: number;
  index: number;
  rank: number;
  band: string | null;
  flags: string[];
}

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
  /**
   * How many reviewer writes (appraisals, contests, decisions) the unit's submission has had: each
   * adds one in its own transaction, so final scoring knows which units' reviews to read.
   */
  reviews?: number;
  /** The one supplement request: leaves reopened for this unit until a date, during appraisal. */
  supplement?: { codes: string[]; until: string; message?: string; by: string; at: string };
  /** Scores kept on the head after close (provisional) and after final scoring. */
  provisional?: UnitResultSummary;
  final?: UnitResultSummary;
}

export interface StoredAnswer {
  code: string;
  value: unknown;
  note?: string;
  updatedAt: string;
  updatedBy: string;
  /** Copied from the previous period and not yet confirmed: counts nowhere until the unit saves it. */
  carried?: true;
}

export interface StoredSubmission {
  head: SubmissionHead;
  answers: Map<string, StoredAnswer>;
  evidence: Evidence[];
  appraisals: Map<string, Appraisal>;
  contests: Map<string, Contest>;
  /** Values of measured leaves pushed by their data source, by leaf code (their own items, no version). */
  measured?: Map<string, StoredMeasurement>;
}

/** What scoring reads of an answer: its value, and whether it was carried over and never confirmed. */
export type CountedAnswer = Pick<StoredAnswer, "value" | "carried">;

/** What scoring reads of evidence: the leaves it backs, once confirmed, outside the explanation round. */
export type CountedEvidence = Pick<Evidence, "status" | "indicatorCodes" | "round">;

/** A submission as scoring reads it: the answers' values without their notes, the evidence's codes. */
export interface ScoredSubmission extends Omit<StoredSubmission, "answers" | "evidence"> {
  answers: ReadonlyMap<string, CountedAnswer>;
  evidence: readonly CountedEvidence[];
}

/**
 * What scoring reads of a unit's submission as the close read it, with its head's version and review
 * count then: every later change to the answers or evidence (a supplement's saves) moves the version,
 * every appraisal, contest or decision the count (none exist at the close: they come after it), so
 * while both stand this is still the submission but for its measured values (their own items, read
 * again).
 */
export interface ClosedSubmission {
  version: number;
  reviews: number;
  answers: Record<string, CountedAnswer>;
  /** The leaves its confirmed evidence backs (confirmedCodes), not the evidence items. */
  confirmed: string[];
}

/**
 * How final scoring reads a unit (SubmissionStore.loadSinceClose), from its head now and what the
 * close kept: "kept" while the version stands and no reviewer wrote (none can before the close);
 * "reviews" while only the version stands (the kept answers, the rest of the partition read); "whole"
 * otherwise, a kept value of another shape (an earlier format) included.
 */
export function closedRead(
  head: Pick<SubmissionHead, "version" | "reviews"> | undefined,
  kept: ClosedSubmission | undefined,
): "kept" | "reviews" | "whole" {
  const usable = kept && typeof kept.reviews === "number" && Array.isArray(kept.confirmed);
  if (!head || !usable || head.version !== kept.version) return "whole";
  return kept.reviews === 0 && (head.reviews ?? 0) === 0 ? "kept" : "reviews";
}

/** A unit's submission from what the close kept (closedRead "kept"), with its measured values now. */
export function keptSubmission(
  head: SubmissionHead,
  kept: ClosedSubmission,
  measured: Map<string, StoredMeasurement>,
): ScoredSubmission {
  return {
    head,
    answers: new Map(Object.entries(kept.answers)),
    evidence: [{ status: "confirmed", indicatorCodes: kept.confirmed }],
    appraisals: new Map(),
    contests: new Map(),
    measured,
  };
}

/** What a period keeps for a later step (PeriodStore.keep), by kind. */
export interface Kept {
  /** The bundle final scoring scored, which the publication scores again. */
  final: ScoringBundle;
  /** What scoring reads of each member's submission as the close read it, by unit id (final scoring). */
  close: Record<string, ClosedSubmission>;
}
export type KeptKind = keyof Kept;

/** A unit's result to keep on its head. */
export interface HeadResult {
  unitId: string;
  groupId: string;
  result: UnitResultSummary;
}

/** For the close, also what its head was when read. */
export interface LockResult extends HeadResult {
  /** The head's state as read after the period left `open` (no unit write lands after that). */
  seenState: SubmissionState;
  /** Whether the unit counts as submitted (recorded at close). */
  submitted: boolean;
}

/** Why a submission write did not happen: another write came first, the state moved, or the period did. */
export class SubmissionWriteConflict extends Error {
  constructor(
    readonly reason: "version" | "state" | "period",
    /** The head as it is now, when known (its version answers a stale If-Match). */
    readonly current?: Record<string, unknown>,
  ) {
    super(`submission write refused: ${reason}`);
  }
}

/** One change to a unit's submission: its head, answers and evidence, with its audit records. */
export interface SubmissionWrite {
  periodId: string;
  unitId: string;
  groupId: string;
  /** The version read (or the client's If-Match): the write lands only on that version. */
  expectVersion: number;
  expectState: SubmissionState;
  nextState?: SubmissionState;
  /** Extra head fields (submittedAt, the self-score …); null removes one. */
  head?: Record<string, unknown>;
  /**
   * The period must be open and before its deadline; with a unit extension the deadline is checked on
   * the head instead, in a supplement the period must be in appraisal and the head's supplement running.
   * `submittedDelta` moves the period's counter in the same write. `contest`: evidence of the
   * explanation round, the period must be in explanation (the service checks its end).
   */
  period: {
    nowMs: number;
    extended: boolean;
    submittedDelta?: 1 | -1;
    supplement?: boolean;
    contest?: boolean;
  };
  /** Answers written (whole). */
  answers?: StoredAnswer[];
  /** Evidence written (whole), and evidence removed by id. */
  evidence?: Evidence[];
  removeEvidence?: string[];
  audit: AuditEntry[];
}

/** A unit's submission: one read gives its head, answers, evidence, appraisals and contests. */
export interface SubmissionStore {
  load(periodId: string, unitId: string, groupId: string): Promise<StoredSubmission>;
  /** Every member's submission; `onRead` hears of each one read (a job's progress). */
  loadAll(
    periodId: string,
    members: ReadonlyMap<string, string>,
    onRead?: (count: number) => Promise<void>,
  ): Promise<StoredSubmission[]>;
  /**
   * Every member's submission for final scoring, from what the close kept (`closed`) where it still
   * holds: a unit whose head has the version and review count the close saw is the kept submission
   * with its measured values (`measuredCodes`) read again; one with the version but more reviews gets
   * the kept answers and a read of the rest of its partition; any other is read whole (loadAll).
   */
  loadSinceClose(
    periodId: string,
    members: ReadonlyMap<string, string>,
    closed: Readonly<Record<string, ClosedSubmission>>,
    measuredCodes: readonly string[],
    onRead?: (count: number) => Promise<void>,
  ): Promise<ScoredSubmission[]>;
  /** The leaf codes appraised in each unit's submission, by unit id: reads the appraisal items alone. */
  appraisedCodes(periodId: string, unitIds: readonly string[]): Promise<Map<string, Set<string>>>;
  /**
   * The close's one write per unit: locks the head, records whether it was submitted and keeps its
   * provisional result; each head must still be in the state read (or locked already), else
   * SubmissionWriteConflict "state". Idempotent.
   */
  lockWithResults(
    periodId: string,
    closedAt: string,
    heads: readonly LockResult[],
    onWritten?: (count: number) => Promise<void>,
  ): Promise<void>;
  /** Keeps many units' scores on their heads. */
  setResults(
    periodId: string,
    field: "provisional" | "final",
    heads: readonly HeadResult[],
    onWritten?: (count: number) => Promise<void>,
  ): Promise<void>;
  /** The heads of a period's submissions that have been written, by group then unit. */
  listHeads(periodId: string, page: PageRequest): Promise<Page<SubmissionHead>>;
  /**
   * Writes a change all or nothing, bumping the version; returns the new version. A refusal is a
   * SubmissionWriteConflict: "version" (with the current head), "state", or "period".
   */
  write(change: SubmissionWrite): Promise<number>;
}

export type ContestDecision = NonNullable<Contest["decision"]>;
export type Supplement = NonNullable<SubmissionHead["supplement"]>;

/** Appraisals and contests of a unit, each write guarded by the period's state, with its audit record. */
export interface AppraisalStore {
  /** Only in appraisal, else conflict `appraisal-closed`. */
  putAppraisal(periodId: string, unitId: string, appraisal: Appraisal, audit: AuditEntry): Promise<void>;
  /** Once a leaf, else `already-contested`; only in the explanation round, else `not-explanation-round`. */
  putContest(periodId: string, unitId: string, contest: Contest, audit: AuditEntry): Promise<void>;
  /** An open contest once, else `no-open-contest`; in the explanation round, else `not-explanation-round`. */
  decide(
    periodId: string,
    unitId: string,
    code: string,
    decision: ContestDecision,
    audit: AuditEntry,
  ): Promise<void>;
  /** Once a unit, else `supplement-used`; during appraisal, else `appraisal-closed`. */
  requestSupplement(
    periodId: string,
    unitId: string,
    groupId: string,
    supplement: Supplement,
    audit: AuditEntry,
  ): Promise<void>;
}

/** Registered data sources (DOMAIN.md, "Measured indicators"). */
export interface SourceStore {
  /** Refuses an id that exists, revoked or not: conflict `source-exists`. */
  create(source: StoredSource, audit: AuditEntry): Promise<void>;
  get(id: string): Promise<StoredSource | undefined>;
  all(): Promise<StoredSource[]>;
  /** Marks it revoked (kept for the provenance of its values); false when it was revoked already. */
  revoke(id: string, at: string, by: string, audit: AuditEntry): Promise<boolean>;
}

/** One value to keep, with the asOf (ms) it must be newer than or equal to what is stored. */
export interface MeasurementPut {
  periodId: string;
  unitId: string;
  measurement: StoredMeasurement;
}

/** Measured values: one item per (period, unit, leaf), beside the unit's submission, never in its version. */
export interface MeasurementStore {
  /** The stored values of these (unit, code) pairs of a period, keyed `${unitId}#${code}`. */
  getMany(
    periodId: string,
    keys: readonly { unitId: string; code: string }[],
  ): Promise<Map<string, StoredMeasurement>>;
  /**
   * Writes each value unless the stored one has a later asOf (a race lost to a newer push): the result
   * says per value whether it was written.
   */
  putMany(puts: readonly MeasurementPut[]): Promise<boolean[]>;
}
