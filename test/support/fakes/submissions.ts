import type { Appraisal, Contest } from "../../../shared/model/appraisal.ts";
import type { Evidence } from "../../../shared/model/evidence.ts";
import type { StoredMeasurement } from "../../../shared/model/measurement.ts";
import type { PeriodState } from "../../../shared/model/period.ts";
import * as domain from "../../../shared/services/ports.ts";
import type { MemoryAudit } from "./catalog.ts";
import { pageOf } from "./paging.ts";
import type { MemoryPeriods } from "./periods.ts";

/** A unit's submission partition: the head (once written) and its items. */
interface Partition {
  head?: Record<string, unknown>;
  /** Whether the head shows in the period's list (the adapter's list keys). */
  listed: boolean;
  answers: Map<string, domain.StoredAnswer>;
  evidence: Map<string, Evidence>;
  appraisals: Map<string, Appraisal>;
  contests: Map<string, Contest>;
  /** Measured values pushed by data sources (MemoryMeasurements), by leaf code. */
  measured?: Map<string, StoredMeasurement>;
}

/**
 * Submissions in memory, with the adapter's conditions: a write lands only on the version and state
 * read, while the period (or the unit's own extension, or its supplement) accepts it; a refusal is the
 * same domain.SubmissionWriteConflict. Appraisals share the partitions (MemoryAppraisals).
 */
export class MemorySubmissions implements domain.SubmissionStore {
  readonly partitions = new Map<string, Partition>();

  constructor(
    private readonly audit: MemoryAudit,
    private readonly periods: MemoryPeriods,
  ) {
    periods.extendUnit = (periodId, extension) => this.extend(periodId, extension);
  }

  partition(periodId: string, unitId: string): Partition {
    const key = `${periodId}#${unitId}`;
    let found = this.partitions.get(key);
    if (!found) {
      found = {
        listed: false,
        answers: new Map(),
        evidence: new Map(),
        appraisals: new Map(),
        contests: new Map(),
      };
      this.partitions.set(key, found);
    }
    return found;
  }

  async load(periodId: string, unitId: string, groupId: string): Promise<domain.StoredSubmission> {
    const part = this.partition(periodId, unitId);
    const head = (part.head ?? { periodId, unitId, groupId, state: "draft", version: 0 }) as unknown;
    const evidence = [...part.evidence.values()].sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1,
    );
    return structuredClone({
      head: head as domain.SubmissionHead,
      answers: part.answers,
      evidence,
      appraisals: part.appraisals,
      contests: part.contests,
      measured: part.measured ?? new Map(),
    });
  }

  async loadAll(...[periodId, members, onRead]: Parameters<domain.SubmissionStore["loadAll"]>) {
    const all: domain.StoredSubmission[] = [];
    for (const [unitId, groupId] of members) {
      all.push(await this.load(periodId, unitId, groupId));
      await onRead?.(1);
    }
    return all;
  }

  /** As the adapter, by the same rule (closedRead): kept, kept answers with the reviews, or as stored. */
  async loadSinceClose(
    ...[periodId, members, closed, measuredCodes, onRead]: Parameters<
      domain.SubmissionStore["loadSinceClose"]
    >
  ) {
    const all: domain.ScoredSubmission[] = [];
    for (const [unitId, groupId] of members) {
      const stored = await this.load(periodId, unitId, groupId);
      const kept = structuredClone(closed[unitId]) as domain.ClosedSubmission;
      const head = this.partition(periodId, unitId).head as domain.SubmissionHead | undefined;
      const how = domain.closedRead(head, kept);
      if (how === "kept") {
        const measured = [...(stored.measured ?? [])].filter(([code]) => measuredCodes.includes(code));
        all.push(domain.keptSubmission(stored.head, kept, new Map(measured)));
      } else if (how === "reviews") all.push({ ...stored, answers: new Map(Object.entries(kept.answers)) });
      else all.push(stored);
      await onRead?.(1);
    }
    return all;
  }

  async appraisedCodes(periodId: string, unitIds: readonly string[]): Promise<Map<string, Set<string>>> {
    return new Map(
      unitIds.map((unitId) => [unitId, new Set(this.partition(periodId, unitId).appraisals.keys())]),
    );
  }

  async lockWithResults(
    ...[periodId, closedAt, heads, onWritten]: Parameters<domain.SubmissionStore["lockWithResults"]>
  ) {
    for (const { unitId, seenState } of heads) {
      const state = this.partition(periodId, unitId).head?.state;
      if (state !== undefined && state !== seenState && state !== "locked")
        throw new domain.SubmissionWriteConflict("state", { unitId, expected: seenState });
    }
    for (const { unitId, groupId, submitted, result } of heads) {
      const part = this.partition(periodId, unitId);
      part.head = {
        ...part.head,
        version: part.head?.version ?? 0,
        ...{ periodId, unitId, groupId, state: "locked", submitted, lockedAt: closedAt },
        provisional: structuredClone(result),
      };
      part.listed = true;
    }
    await onWritten?.(heads.length);
  }

  async setResults(...[periodId, field, heads, onWritten]: Parameters<domain.SubmissionStore["setResults"]>) {
    for (const { unitId, result } of heads) {
      const part = this.partition(periodId, unitId);
      part.head = { ...part.head, [field]: structuredClone(result) };
    }
    await onWritten?.(heads.length);
  }

  async listHeads(periodId: string, page: domain.PageRequest): Promise<domain.Page<domain.SubmissionHead>> {
    const heads = [...this.partitions.entries()]
      .filter(([key, part]) => key.startsWith(`${periodId}#`) && part.listed)
      .map(([, part]) => part.head as unknown as domain.SubmissionHead);
    return pageOf(heads, (h) => `${h.groupId}#${h.unitId}`, page);
  }

  async write(change: domain.SubmissionWrite): Promise<number> {
    const { periodId, unitId, groupId } = change;
    const part = this.partition(periodId, unitId);
    const head = part.head;
    const now = change.period.nowMs;
    if (((head?.version as number | undefined) ?? 0) !== change.expectVersion)
      throw new domain.SubmissionWriteConflict("version", structuredClone(head));
    if ((head?.state ?? "draft") !== change.expectState)
      throw new domain.SubmissionWriteConflict("state", head);
    const until = change.period.supplement
      ? (head?.supplement as domain.Supplement | undefined)?.until
      : change.period.extended
        ? (head?.extendedUntil as string | undefined)
        : undefined;
    if ((change.period.supplement || change.period.extended) && !(Date.parse(until ?? "") > now))
      throw new domain.SubmissionWriteConflict("period", head);
    const period = this.periods.stored.get(periodId);
    const accepts = change.period.contest
      ? period?.state === "explanation"
      : change.period.supplement
        ? period?.state === "appraisal"
        : period?.state === "open" && (change.period.extended || Date.parse(period.closesAt) > now);
    if (!accepts) throw new domain.SubmissionWriteConflict("period");

    const written: Record<string, unknown> = {
      ...head,
      version: change.expectVersion + 1,
      state: change.nextState ?? change.expectState,
      ...{ groupId, periodId, unitId },
      updatedAt: change.audit[0]?.time ?? new Date(now).toISOString(),
    };
    for (const [field, value] of Object.entries(change.head ?? {}))
      if (value === null) delete written[field];
      else written[field] = structuredClone(value);
    part.head = written;
    part.listed = true;
    for (const answer of change.answers ?? []) part.answers.set(answer.code, structuredClone(answer));
    for (const evidence of change.evidence ?? []) part.evidence.set(evidence.id, structuredClone(evidence));
    for (const id of change.removeEvidence ?? []) part.evidence.delete(id);
    if (change.period.submittedDelta) this.periods.addSubmitted(periodId, change.period.submittedDelta);
    change.audit.forEach((entry, seq) => {
      this.audit.add(entry, seq);
    });
    return change.expectVersion + 1;
  }

  private extend(periodId: string, { unitId, groupId, until, audit }: domain.UnitExtension): void {
    const part = this.partition(periodId, unitId);
    part.head = {
      ...part.head,
      extendedUntil: until,
      ...{ groupId, periodId, unitId },
      state: part.head?.state ?? "draft",
      version: part.head?.version ?? 0,
    };
    part.listed = true;
    this.audit.add(audit);
  }
}

/** A reviewer's write counts on the head, as the adapter's `ADD reviews :one`. */
const reviewed = (part: Partition) => {
  part.head = { ...part.head, reviews: ((part.head?.reviews as number | undefined) ?? 0) + 1 };
};

/** Appraisals, contests and supplements in memory: each guarded by the period's state, as the adapter's. */
export class MemoryAppraisals implements domain.AppraisalStore {
  constructor(
    private readonly audit: MemoryAudit,
    private readonly periods: MemoryPeriods,
    private readonly submissions: MemorySubmissions,
  ) {}

  async putAppraisal(periodId: string, unitId: string, appraisal: Appraisal, audit: domain.AuditEntry) {
    this.guarded(periodId, unitId, "appraisal", audit, domain.storeRefusals.appraisalClosed, (part) => {
      part.appraisals.set(appraisal.code, structuredClone(appraisal));
      reviewed(part);
    });
  }

  async putContest(periodId: string, unitId: string, contest: Contest, audit: domain.AuditEntry) {
    const part = this.submissions.partition(periodId, unitId);
    if (part.contests.has(contest.code)) throw domain.storeRefusals.alreadyContested(contest.code);
    this.guarded(periodId, unitId, "explanation", audit, domain.storeRefusals.contestsClosed, () => {
      part.contests.set(contest.code, structuredClone(contest));
      reviewed(part);
    });
  }

  async decide(...[periodId, unitId, code, decision, audit]: Parameters<domain.AppraisalStore["decide"]>) {
    const contest = this.submissions.partition(periodId, unitId).contests.get(code);
    if (!contest || contest.decision) throw domain.storeRefusals.noOpenContest(code);
    this.guarded(periodId, unitId, "explanation", audit, domain.storeRefusals.decisionsClosed, (part) => {
      contest.decision = structuredClone(decision);
      reviewed(part);
    });
  }

  async requestSupplement(
    ...[periodId, unitId, groupId, supplement, audit]: Parameters<domain.AppraisalStore["requestSupplement"]>
  ) {
    const part = this.submissions.partition(periodId, unitId);
    if (part.head?.supplement) throw domain.storeRefusals.supplementUsed();
    this.guarded(periodId, unitId, "appraisal", audit, domain.storeRefusals.supplementsClosed, () => {
      part.head = { groupId, ...part.head, supplement: structuredClone(supplement) };
    });
  }

  private guarded(
    periodId: string,
    unitId: string,
    state: PeriodState,
    audit: domain.AuditEntry,
    refusal: () => Error,
    write: (part: Partition) => void,
  ): void {
    if (this.periods.stored.get(periodId)?.state !== state) throw refusal();
    write(this.submissions.partition(periodId, unitId));
    this.audit.add(audit);
  }
}
