import { randomUUID } from "node:crypto";
import { Refusal } from "../errors.ts";
import { closeTime } from "../lifecycle.ts";
import { JOB_STATES, type JobKind, type Period, type PeriodJob } from "../model/period.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { JobLost } from "./ports.ts";

/**
 * How long an attempt holds its job without a sign of life; progress and a heartbeat renew it. Shorter
 * than the delay before Lambda's first retry of a failed invocation (a minute), so the retry of an
 * attempt that died finds the job free.
 */
export const JOB_LEASE_MS = 30_000;
const HEARTBEAT_MS = 10_000;
/** A close's or final scoring's steps: each unit read, then written. A publication's: its files. */
const PUBLICATION_STEPS = 7; // JSON, CSV, XLSX as v{n} and as pointers, then index.json

/** A job queued this long without starting was lost on its way (the request died after recording it). */
const QUEUED_TOO_LONG_MS = 5 * 60_000;

/** The work of one job kind: done idempotently, reporting progress; returns what to change on success. */
export interface JobResult {
  changes: Partial<Period>;
  audit: { action: string; after: unknown };
}
/** `ctx.now` is the attempt's start: the time recorded as the close's or final scoring's. */
export type JobWork = (
  ports: Ports,
  ctx: RequestContext,
  period: Period,
  progress: JobProgress,
) => Promise<JobResult>;

/**
 * Records the intent of a long move on the period — its transient state, the job queued, and `changes`
 * (the close's time, the publication's version) — conditional on the version read, with its audit
 * record; then starts the job unless the caller runs it itself (the scheduled close).
 *
 * Asked again while the job is queued or running, it answers the period as it is (a double click or
 * a client's retry starts nothing); a job that failed or stalled is queued again with its changes kept.
 */
export async function startJob(
  ports: Ports,
  ctx: RequestContext,
  period: Period,
  kind: JobKind,
  options: { changes?: Partial<Period>; action?: string; enqueue?: boolean } = {},
): Promise<Period> {
  const { during } = JOB_STATES[kind];
  const now = ctx.now.toISOString();
  const again = period.state === during;
  if (again && period.job && !isStalled(period.job, ctx.now)) {
    // Start it again if it is only queued: the invocation may have failed after the intent was
    // written (a second attempt is harmless: the claim lets one run).
    if (period.job.status === "queued" && options.enqueue !== false)
      await ports.jobs.enqueue({ periodId: period.id, kind });
    return period;
  }
  const job: PeriodJob = {
    kind,
    status: "queued",
    done: 0,
    total: kind === "publish" ? PUBLICATION_STEPS : 2 * period.counts.units,
    queuedAt: now,
    attempts: again ? (period.job?.attempts ?? 0) : 0,
  };
  const next: Period = { ...period, ...(again ? {} : options.changes), state: during, job, updatedAt: now };
  const stored = await ports.periods.update(
    period,
    next,
    auditEntry(
      ctx,
      `period#${period.id}`,
      again ? "period.job-retry" : (options.action ?? "period.transition"),
      { state: period.state },
      { state: during, job: kind, ...(again ? {} : options.changes) },
    ),
  );
  if (options.enqueue !== false) await ports.jobs.enqueue({ periodId: period.id, kind });
  return stored;
}

/**
 * A job that will not finish by itself: it failed, its worker died (the lease ran out), or it was
 * recorded but never started. The admin sees it as failed and may run it again.
 */
export function isStalled(job: PeriodJob, now: Date): boolean {
  if (job.status === "failed") return true;
  if (job.status === "running") return !job.leaseUntil || Date.parse(job.leaseUntil) < now.getTime();
  if (job.status === "queued") return Date.parse(job.queuedAt) + QUEUED_TOO_LONG_MS < now.getTime();
  return false;
}

/** The period as its readers see it: a stalled job shows as failed; the lease is internal. */
export function periodView(period: Period, now: Date): Period {
  if (!period.job) return period;
  const { runId: _runId, leaseUntil: _leaseUntil, ...job } = period.job;
  if ((job.status === "running" || job.status === "queued") && isStalled(period.job, now))
    return {
      ...period,
      job: {
        ...job,
        status: "failed",
        error: job.error ?? "the job stopped without finishing; run it again",
      },
    };
  return { ...period, job };
}

/** What a job attempt came to. */
export type JobOutcome =
  /** This attempt did the work and moved the period to its target state. */
  | "succeeded"
  /** Nothing to do: the period is not in the job's state (done already, or never started). */
  | "nothing"
  /** Another attempt took the job over while this one ran; it stopped without writing more. */
  | "lost"
  /**
   * Another attempt holds the job and is alive: nothing done. Its own invocation owns the retries
   * (failing here would only dead-letter a duplicate); the local queue tries again later, since at
   * start the holder may be an attempt that died with the previous process.
   */
  | "busy";

/**
 * Runs one attempt of a period's job, starting at `ctx.now`: claims it (one attempt at a time per
 * period; an attempt whose lease ran out by then is taken over), does the work,
 * then moves the period to the target state and marks the job succeeded, in one write conditional on
 * still holding the job. A failure is recorded on the period and rethrown, so the invocation is
 * retried (then dead-lettered, raising the alarm); every kind of work is idempotent, so an attempt that
 * died anywhere is completed by the next one.
 */
export async function runJob(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  kind: JobKind,
  work: JobWork,
): Promise<JobOutcome> {
  const { during, target } = JOB_STATES[kind];
  const runId = randomUUID();
  const claimed = await ports.periods.claimJob(periodId, during, {
    runId,
    now: ctx.now.toISOString(),
    leaseUntil: leaseFrom(ctx.now.getTime()),
  });
  if (!claimed) {
    const period = await ports.periods.require(periodId);
    if (period.state === during && period.job && !isStalled(period.job, ctx.now)) return "busy";
    return "nothing";
  }
  const progress = new JobProgress(ports, periodId, runId, claimed.job?.total ?? 0);
  try {
    const result = await work(ports, ctx, claimed, progress);
    await progress.stop();
    const { runId: _runId, leaseUntil: _lease, ...job } = claimed.job as PeriodJob;
    const finishedAt = new Date().toISOString();
    await ports.periods.update(
      claimed,
      {
        ...claimed,
        ...result.changes,
        state: target,
        job: { ...job, status: "succeeded", done: progress.total, total: progress.total, finishedAt },
        updatedAt: finishedAt,
      },
      auditEntry(ctx, `period#${periodId}`, result.audit.action, { state: during }, result.audit.after),
      { runId },
    );
    return "succeeded";
  } catch (error) {
    await progress.stop();
    if (error instanceof JobLost) return "lost";
    const message = error instanceof Refusal || error instanceof Error ? error.message : String(error);
    await ports.periods
      .failJob(periodId, runId, { error: message, at: new Date().toISOString() })
      .catch(() => undefined); // the attempt lost its job meanwhile: the other one reports
    throw error;
  }
}

const leaseFrom = (ms: number) => new Date(ms + JOB_LEASE_MS).toISOString();

/**
 * A job's progress on its period (`done` of `total`), written at most once a second and renewing the
 * attempt's lease; a heartbeat renews it through long steps. Once the job is lost to another attempt,
 * the next `add` throws JobLost, so the work stops at its next step.
 */
export class JobProgress {
  private done = 0;
  private written = -1;
  /** When a write was last asked for (throttles `add`), and when one last landed (the lease). */
  private lastWrite = 0;
  private lastWritten = 0;
  private writing: Promise<void> = Promise.resolve();
  private lost: JobLost | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ports: Ports,
    private readonly periodId: string,
    private readonly runId: string,
    public total: number,
  ) {
    this.heartbeat = setInterval(() => void this.write(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** The work found out how much there is (e.g. read steps + write steps). */
  setTotal(total: number): void {
    this.total = total;
  }

  /** `n` more steps done; throws once the job was lost to another attempt. */
  async add(n: number): Promise<void> {
    if (this.lost) throw this.lost;
    this.done += n;
    if (Date.now() - this.lastWrite >= 1000) await this.write();
    if (this.lost) throw this.lost;
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.writing;
  }

  private write(): Promise<void> {
    if (this.lost) return this.writing;
    this.lastWrite = Date.now();
    // One write at a time, in order: a later count never lands before an earlier one.
    this.writing = this.writing.then(async () => {
      if (this.lost || (this.done === this.written && Date.now() - this.lastWritten < HEARTBEAT_MS / 2))
        return;
      const done = Math.min(this.done, this.total);
      try {
        await this.ports.periods.jobProgress(this.periodId, this.runId, {
          done,
          total: this.total,
          leaseUntil: leaseFrom(Date.now()),
        });
        this.written = done;
        this.lastWritten = Date.now();
      } catch (error) {
        if (error instanceof JobLost) this.lost = error;
        // Another failure to record progress is not the job's failure: the next write tries again.
      }
    });
    return this.writing;
  }
}

/**
 * Arms the close schedule from the stored period, after any write that may move its deadline: armed
 * for the stored deadline while open, disarmed otherwise. Two writers arming at once may arm in the
 * wrong order, so each reads again after arming and arms again until what it armed is what is stored.
 */
export async function armFromStored(ports: Ports, periodId: string): Promise<void> {
  let armed: string | undefined;
  for (let round = 0; round < 10; round++) {
    const period = await ports.periods.require(periodId);
    const wanted = period.state === "open" ? closeTime(period) : "";
    if (round > 0 && wanted === armed) return;
    if (wanted) await ports.scheduler.arm(periodId, wanted);
    else await ports.scheduler.disarm(periodId);
    armed = wanted;
  }
}

/**
 * Runs `attempt` (read, decide, write conditional on the version read) again from a fresh read when
 * another writer changed the period meanwhile: for changes that merge safely.
 */
export async function retryOnPeriodChange<T>(attempt: () => Promise<T>, rounds = 12): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof Refusal && error.code === "period-changed") || round >= rounds) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(round, 5)));
    }
  }
}
