import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { closeTime } from "../../shared/lifecycle.ts";
import { JOB_KINDS, JOB_STATES, type JobKind, type PeriodState } from "../../shared/model/period.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import type { CloseScheduler, JobQueue, Mailer, Ports } from "../../shared/services/context.ts";
import { runPeriodJob } from "../../shared/services/transitions.ts";
import { invoker } from "./invoke.ts";

/** setTimeout's limit (~24.8 days): a later deadline is re-armed in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/** Invokes a job function (functions/jobs/<name>) through the stack's invoker, as Lambda would. */
export function invokeJob(name: string, event: unknown): Promise<unknown> {
  return invoker().invoke(`jobs/${name}`, event, `local-${name}-${Date.now()}`);
}

/**
 * Asynchronous Lambda invocation on one machine: the job function's handler module runs in this
 * process, after the request that queued it has answered; a failed attempt is retried with backoff
 * (1, 2, 4 … 32 s: past the lease of an attempt that died with the process, so a job resumed at start
 * gets its turn), then given up and logged, as the dead-letter queue would hold it. The job itself
 * records its progress and failure on the period.
 */
export class LocalJobQueue implements JobQueue {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly log: (line: string) => void,
    private readonly retries = 6,
  ) {}

  async enqueue(job: { periodId: string; kind: JobKind }): Promise<void> {
    this.later(job, 0, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private later(job: { periodId: string; kind: JobKind }, attempt: number, delay: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      void this.run(job, attempt);
    }, delay);
    this.pending.add(timer);
  }

  private async run(job: { periodId: string; kind: JobKind }, attempt: number): Promise<void> {
    try {
      const result = (await invokeJob("period-job", job)) as { busy?: true };
      // Another attempt holds the job: after a restart it may be one that died with the process,
      // whose lease runs out; try again later, as a failure is.
      if (result.busy) throw new Error("another attempt holds the job");
      this.log(`job: ${job.kind} ${job.periodId} → ${JSON.stringify(result)}`);
    } catch (error) {
      const message = (error as Error).message;
      if (attempt >= this.retries) {
        this.log(`job: ${job.kind} ${job.periodId} failed after ${attempt + 1} attempts: ${message}`);
        return;
      }
      this.log(`job: ${job.kind} ${job.periodId} failed (attempt ${attempt + 1}), retrying: ${message}`);
      this.later(job, attempt + 1, 1000 * 2 ** attempt);
    }
  }
}

/**
 * EventBridge Scheduler on one machine: one timer per period firing the job function's close with the
 * same `{"periodId", "kind": "close"}` event; a failed close is retried with backoff, as the
 * Scheduler's retry policy does.
 */
export class LocalCloseScheduler implements CloseScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Until started, arming is left to rearmCloses (the demo seeds periods whose deadlines are past). */
  private started = false;

  /**
   * @param lagMs how long after a deadline the close fires (0: at the deadline). EventBridge Scheduler
   *   may fire a little late; the integration tests set a lag to see the server refuse late unit
   *   writes on its own, before any close has run.
   */
  constructor(
    private readonly log: (line: string) => void,
    private readonly lagMs = 0,
  ) {}

  start(): void {
    this.started = true;
  }

  async arm(periodId: string, closesAt: string): Promise<void> {
    if (!this.started) return;
    await this.disarm(periodId);
    const delay = Date.parse(closesAt) + this.lagMs - Date.now();
    const timer =
      delay > MAX_DELAY
        ? setTimeout(() => void this.arm(periodId, closesAt), MAX_DELAY)
        : setTimeout(() => void this.fire(periodId), Math.max(0, delay));
    timer.unref();
    this.timers.set(periodId, timer);
  }

  async disarm(periodId: string): Promise<void> {
    clearTimeout(this.timers.get(periodId));
    this.timers.delete(periodId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async fire(periodId: string, attempt = 0): Promise<void> {
    this.timers.delete(periodId);
    try {
      const result = (await invokeJob("period-job", { periodId, kind: "close" })) as { busy?: true };
      if (result.busy) throw new Error("another attempt holds the close");
      this.log(`scheduler: close ${periodId} → ${JSON.stringify(result)}`);
    } catch (error) {
      this.log(`scheduler: close ${periodId} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
      if (attempt < 5) setTimeout(() => void this.fire(periodId, attempt + 1), 1000 * 2 ** attempt).unref();
    }
  }
}

/**
 * At start: re-arms every open period's close from the database (a deadline passed while the stack
 * was down closes now) and starts again every job that had not finished (a close, final scoring or
 * publication that died with the process completes).
 */
export async function resumeLifecycle(
  ports: Ports,
  scheduler: LocalCloseScheduler,
  jobs: JobQueue,
): Promise<void> {
  const during = new Map<PeriodState, JobKind>(JOB_KINDS.map((kind) => [JOB_STATES[kind].during, kind]));
  for (const state of ["open", ...during.keys()] as const) {
    let cursor: string | undefined;
    do {
      const page = await ports.periods.list({ limit: 100, cursor }, state);
      for (const period of page.items) {
        const kind = during.get(period.state);
        if (kind) await jobs.enqueue({ periodId: period.id, kind });
        else await scheduler.arm(period.id, closeTime(period));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

/**
 * The adapters with each job run at once, inside the move that started it, at the time it was queued
 * (the move's time): for the demo's history and for benchmarks that time the whole move.
 */
export function withInlineJobs(ports: Ports): Ports {
  const inline: Ports = {
    ...ports,
    jobs: {
      enqueue: async ({ periodId, kind }) => {
        const queuedAt = (await inline.periods.require(periodId)).job?.queuedAt;
        const ctx = {
          actor: SCHEDULER,
          requestId: `inline-${kind}-${periodId}`,
          now: queuedAt ? new Date(queuedAt) : new Date(),
        };
        await runPeriodJob(inline, ctx, periodId, kind);
      },
    },
  };
  return inline;
}

/** Reminders on one machine: a line in the log and a file in the outbox folder. */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly outbox: string,
    private readonly log: (line: string) => void,
  ) {}

  async send(message: { to: string[]; unitId: string; subject: string; text: string }): Promise<void> {
    await mkdir(this.outbox, { recursive: true });
    const file = join(this.outbox, `${new Date().toISOString().replace(/[:.]/g, "-")}-${message.unitId}.txt`);
    await writeFile(
      file,
      `To: ${message.to.join(", ") || "(no address)"}\nSubject: ${message.subject}\n\n${message.text}`,
    );
    this.log(`reminder: ${message.unitId} — ${message.subject} (${file})`);
  }
}
