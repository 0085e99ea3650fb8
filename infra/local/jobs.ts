import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import { closeTime } from "../../shared/lifecycle.ts";
import type { CloseScheduler, Mailer, Services } from "../../shared/services/context.ts";

const JOBS = resolve(import.meta.dirname, "../../functions/jobs");
/** setTimeout's limit (~24.8 days): a later deadline is re-armed in steps. */
const MAX_DELAY = 2 ** 31 - 1;

/** Invokes a job's handler module as Lambda would, with a minimal context. */
export async function invokeJob(name: string, event: unknown): Promise<unknown> {
  const { handler } = await import(pathToFileURL(join(JOBS, `${name}.ts`)).href);
  const context = { awsRequestId: `local-${name}-${Date.now()}`, functionName: `chiso-${name}` } as Context;
  return handler(event, context);
}

/**
 * EventBridge Scheduler on one machine: one timer per period firing the close function with the same
 * `{"periodId"}` event; a failed close is retried with backoff, as the Scheduler's retry policy does.
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
      const result = await invokeJob("close-period", { periodId });
      this.log(`scheduler: close ${periodId} → ${JSON.stringify(result)}`);
    } catch (error) {
      this.log(`scheduler: close ${periodId} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
      if (attempt < 5) setTimeout(() => void this.fire(periodId, attempt + 1), 1000 * 2 ** attempt).unref();
    }
  }
}

/** Re-arms every open period's close from the database; finishes closes that died half-way. */
export async function rearmCloses(services: Services, scheduler: LocalCloseScheduler): Promise<void> {
  for (const state of ["open", "appraisal"] as const) {
    let cursor: string | undefined;
    do {
      const page = await services.periods.list({ limit: 100, cursor }, state);
      for (const period of page.items) {
        if (state === "open" || period.closing) await scheduler.arm(period.id, closeTime(period));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
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
