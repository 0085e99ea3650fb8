import { notFound } from "../../../shared/errors.ts";
import type { Period, PeriodJob, PeriodState } from "../../../shared/model/period.ts";
import * as domain from "../../../shared/services/ports.ts";
import type { MemoryAudit } from "./catalog.ts";
import { pageOf } from "./paging.ts";

/** Fields a period write never copies from what it read: the counters move only with submissions. */
const UNVERSIONED = new Set(["createdAt", "id", "counts", "version"]);

/**
 * Periods in memory, with the adapter's conditions: an update lands only on the state and version
 * read (or while its job attempt holds the job), writes only the fields that changed, and a claim
 * takes a job only when it is free or its lease ran out.
 */
export class MemoryPeriods implements domain.PeriodStore {
  readonly stored = new Map<string, Period>();
  private readonly participants = new Map<string, domain.Members>();
  private readonly keptValues = new Map<string, unknown>();
  readonly reminders = new Set<string>();
  /** Writes a unit's deadline extension: the submissions fake plugs itself in here. */
  extendUnit: (periodId: string, extension: domain.UnitExtension) => void = () => {
    throw new Error("no submission store to extend a unit's deadline in");
  };

  constructor(private readonly audit: MemoryAudit) {}

  async create(period: Period, members: domain.Members, audit: domain.AuditEntry): Promise<void> {
    if (this.stored.has(period.id)) throw domain.storeRefusals.periodExists(period.id);
    this.stored.set(period.id, structuredClone(period));
    this.participants.set(period.id, new Map(members));
    this.audit.add(audit);
  }

  async get(id: string): Promise<Period | undefined> {
    const period = this.stored.get(id);
    return period ? structuredClone(period) : undefined;
  }

  async require(id: string): Promise<Period> {
    return (await this.get(id)) ?? Promise.reject(notFound(`period "${id}"`));
  }

  async members(id: string): Promise<domain.Members> {
    const members = this.participants.get(id);
    if (!members) throw notFound(`period "${id}"`);
    return new Map(members);
  }

  async keep<K extends domain.KeptKind>(id: string, kind: K, at: string, value: domain.Kept[K]) {
    // As JSON, as the adapter keeps it: what does not survive JSON does not survive here either.
    this.keptValues.set(`${id}#${kind}#${at}`, JSON.parse(JSON.stringify(value)));
  }

  async kept<K extends domain.KeptKind>(id: string, kind: K, at: string) {
    const value = this.keptValues.get(`${id}#${kind}#${at}`) as domain.Kept[K] | undefined;
    return value ? structuredClone(value) : undefined;
  }

  async list(page: domain.PageRequest, state?: PeriodState): Promise<domain.Page<Period>> {
    const rows = [...this.stored.values()].filter((p) => !state || p.state === state);
    return pageOf(rows, (p) => `${p.state}#${new Date(p.closesAt).toISOString()}#${p.id}`, page);
  }

  async claimReminder(periodId: string, days: number, unitId: string, _at: string): Promise<boolean> {
    const key = `${periodId}#${days}#${unitId}`;
    if (this.reminders.has(key)) return false;
    this.reminders.add(key);
    return true;
  }

  async releaseReminder(periodId: string, days: number, unitId: string): Promise<void> {
    this.reminders.delete(`${periodId}#${days}#${unitId}`);
  }

  async update(...[current, next, audit, options = {}]: Parameters<domain.PeriodStore["update"]>) {
    const stored = this.stored.get(next.id);
    const holds =
      stored?.state === current.state &&
      (options.runId ? stored.job?.runId === options.runId : stored.version === current.version);
    if (!stored || !holds)
      throw options.runId ? new domain.JobLost(next.id) : domain.storeRefusals.periodChanged(current.version);
    const written: Record<string, unknown> = { ...structuredClone(stored), version: stored.version + 1 };
    const before = current as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(next)) {
      if (UNVERSIONED.has(field) || JSON.stringify(value) === JSON.stringify(before[field])) continue;
      if (value === undefined) delete written[field];
      else written[field] = structuredClone(value);
    }
    for (const field of Object.keys(before))
      if (!(field in next) && !UNVERSIONED.has(field)) delete written[field];
    this.stored.set(next.id, written as unknown as Period);
    if (options.extendUnit) this.extendUnit(next.id, options.extendUnit);
    this.audit.add(audit);
    return { ...next, version: current.version + 1 };
  }

  async claimJob(...[periodId, during, claim]: Parameters<domain.PeriodStore["claimJob"]>) {
    const stored = this.stored.get(periodId);
    const job = stored?.job;
    if (!stored || !job || stored.state !== during) return undefined;
    const free =
      job.status === "queued" ||
      job.status === "failed" ||
      (job.status === "running" && (job.leaseUntil ?? "") < claim.now);
    if (!free) return undefined;
    const { error: _error, ...kept } = job;
    stored.job = {
      ...kept,
      status: "running",
      runId: claim.runId,
      leaseUntil: claim.leaseUntil,
      startedAt: job.startedAt ?? claim.now,
      attempts: job.attempts + 1,
    };
    stored.version += 1;
    return structuredClone(stored);
  }

  async jobProgress(...[periodId, runId, progress]: Parameters<domain.PeriodStore["jobProgress"]>) {
    this.jobWrite(periodId, runId, (job) => ({ ...job, ...progress }));
  }

  async recordPublication(
    ...[periodId, runId, publication]: Parameters<domain.PeriodStore["recordPublication"]>
  ) {
    this.jobWrite(periodId, runId, (job, period) => {
      period.publication = { ...publication };
      return job;
    });
  }

  async failJob(periodId: string, runId: string, failure: { error: string; at: string }): Promise<void> {
    this.jobWrite(periodId, runId, ({ leaseUntil: _lease, ...job }) => ({
      ...job,
      status: "failed",
      error: failure.error,
      finishedAt: failure.at,
    }));
  }

  /** Moves the submitted count with a submission's write (the adapter's ADD). */
  addSubmitted(periodId: string, delta: number): void {
    const period = this.stored.get(periodId);
    if (!period) return;
    const submitted = period.counts.submitted + delta;
    period.counts = { ...period.counts, submitted, draft: period.counts.units - submitted };
  }

  private jobWrite(periodId: string, runId: string, change: (job: PeriodJob, period: Period) => PeriodJob) {
    const period = this.stored.get(periodId);
    if (!period?.job || period.job.runId !== runId) throw new domain.JobLost(periodId);
    period.job = change(period.job, period);
  }
}
