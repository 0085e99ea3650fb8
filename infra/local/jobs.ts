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

/** An invocation of a function by its handler module (functions/<handler>.ts) with Lambda's event. */
export interface LocalInvocation {
  handler: string;
  event: unknown;
  /** For the log: what the invocation is ("close p1", "publish p2"). */
  label?: string;
}

/** Runs an invocation through the stack's invoker; an answer `{busy: true}` counts as a failure. */
async function runInvocation({ handler, event }: LocalInvocation): Promise<unknown> {
  const name = handler.replace(/^jobs\//, "");
  const result = (await invoker().invoke(handler, event, `local-${name}-${Date.now()}`)) as { busy?: true };
  // Another attempt holds the job: after a restart it may be one that died with the process, whose
  // lease runs out; try again later, as a failure is.
  if (result?.busy) throw new Error("another attempt holds the job");
  return result;
}

const labelOf = (invocation: LocalInvocation) => {
  if (invocation.label) return invocation.label;
  const job = invocation.event as { kind?: string; periodId?: string } | undefined;
  return job?.kind && job.periodId ? `${job.kind} ${job.periodId}` : invocation.handler;
};

/**
 * Asynchronous Lambda invocation on one machine (the Lambda endpoint's `Event` invocations, and the
 * jobs resumed at start): the function's handler runs in this process, after the request that queued
 * it has answered; a failed attempt is retried with backoff (1, 2, 4 … 32 s: past the lease of an
 * attempt that died with the process, so a job resumed at start gets its turn), then given up and
 * logged, as the dead-letter queue would hold it. The job itself records its progress and failure on
 * the period.
 */
export class LocalJobQueue implements JobQueue {
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly log: (line: string) => void,
    private readonly retries = 6,
  ) {}

  async enqueue(job: { periodId: string; kind: JobKind }): Promise<void> {
    this.submit({ handler: "jobs/period-job", event: job });
  }

  /** Queues any function's invocation: it runs after the caller has its answer. */
  submit(invocation: LocalInvocation): void {
    this.later(invocation, 0, 0);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private later(invocation: LocalInvocation, attempt: number, delay: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      void this.run(invocation, attempt);
    }, delay);
    this.pending.add(timer);
  }

  private async run(invocation: LocalInvocation, attempt: number): Promise<void> {
    const label = labelOf(invocation);
    try {
      const result = await runInvocation(invocation);
      this.log(`job: ${label} → ${JSON.stringify(result)}`);
    } catch (error) {
      const message = (error as Error).message;
      if (attempt >= this.retries) {
        this.log(`job: ${label} failed after ${attempt + 1} attempts: ${message}`);
        return;
      }
      this.log(`job: ${label} failed (attempt ${attempt + 1}), retrying: ${message}`);
      this.later(invocation, attempt + 1, 1000 * 2 ** attempt);
    }
  }
}

/**
 * EventBridge Scheduler's one-time schedules on one machine: one timer per schedule (by key), firing
 * its invocation at its time plus the lag; a failed attempt is retried with backoff, as the
 * Scheduler's retry policy does. The Scheduler endpoint (aws-endpoints.ts) keeps its schedules here;
 * `arm`/`disarm` are a period's close (resumeLifecycle at start, the demo before it).
 */
export class LocalCloseScheduler implements CloseScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiting = new Map<
    string,
    { atMs: number; invocation: LocalInvocation; fired?: () => void }
  >();
  /** Until started, arming is left to resumeLifecycle (the demo seeds periods whose deadlines are past). */
  private started = false;

  /**
   * @param lagMs how long after a deadline the close fires (0: at the deadline). EventBridge Scheduler
   *   may fire a little late; the integration tests set a lag to see the server refuse late unit
   *   writes on its own, before any close has run.
   * @param closeKey the schedule key of a period's close (the endpoint's "<group>/close-<periodId>").
   */
  constructor(
    private readonly log: (line: string) => void,
    private readonly lagMs = 0,
    private readonly closeKey = (periodId: string) => `close-${periodId}`,
  ) {}

  /** Arms the timers: those scheduled before now, and every one after. */
  start(): void {
    this.started = true;
    for (const [key, { atMs, invocation, fired }] of this.waiting)
      this.schedule(key, atMs, invocation, fired);
    this.waiting.clear();
  }

  async arm(periodId: string, closesAt: string): Promise<void> {
    if (!this.started) return;
    this.schedule(this.closeKey(periodId), Date.parse(closesAt), {
      handler: "jobs/period-job",
      event: { periodId, kind: "close" },
    });
  }

  async disarm(periodId: string): Promise<void> {
    this.unschedule(this.closeKey(periodId));
  }

  /** Fires `invocation` at atMs (plus the lag), replacing what the key held; `fired` runs as it fires. */
  schedule(key: string, atMs: number, invocation: LocalInvocation, fired?: () => void): void {
    this.unschedule(key);
    if (!this.started) {
      this.waiting.set(key, { atMs, invocation, fired });
      return;
    }
    const delay = atMs + this.lagMs - Date.now();
    const timer =
      delay > MAX_DELAY
        ? setTimeout(() => this.schedule(key, atMs, invocation, fired), MAX_DELAY)
        : setTimeout(
            () => {
              this.timers.delete(key);
              fired?.();
              void this.fire(invocation);
            },
            Math.max(0, delay),
          );
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Removes a schedule that has not fired; false when the key held none. */
  unschedule(key: string): boolean {
    const timer = this.timers.get(key);
    clearTimeout(timer);
    this.timers.delete(key);
    return this.waiting.delete(key) || timer !== undefined;
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
  }

  private async fire(invocation: LocalInvocation, attempt = 0): Promise<void> {
    const label = labelOf(invocation);
    try {
      const result = await runInvocation(invocation);
      this.log(`scheduler: ${label} → ${JSON.stringify(result)}`);
    } catch (error) {
      this.log(`scheduler: ${label} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
      if (attempt < 5) setTimeout(() => void this.fire(invocation, attempt + 1), 1000 * 2 ** attempt).unref();
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
  scheduler: CloseScheduler,
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

/**
 * Reminders on one machine: a message with an address goes through the cloud adapter (SesMailer, to
 * the local SES endpoint, which writes it to the outbox); one without (a unit with no email, which SES
 * would never see) is written to the outbox here, named after its unit, so the outbox shows every
 * reminder the job decided to send.
 */
export class LocalMailer implements Mailer {
  constructor(
    private readonly ses: Mailer,
    private readonly outbox: OutboxMailer,
  ) {}

  async send(message: { to: string[]; unitId: string; subject: string; text: string }): Promise<void> {
    await (message.to.length > 0 ? this.ses : this.outbox).send(message);
  }
}

/** Reminders without SES: a line in the log and a file in the outbox folder. */
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
