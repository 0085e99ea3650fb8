import { describe, expect, it } from "vitest";
import { assertTransition, isTransient, jobOfMove } from "../../../shared/lifecycle.ts";
import { PERIOD_STATES, type Period, type PeriodJob } from "../../../shared/model/period.ts";
import type { Ports } from "../../../shared/services/context.ts";
import { isStalled, periodView, runJob } from "../../../shared/services/jobs.ts";
import { JobLost } from "../../../shared/store/periods.ts";

const NOW = new Date("2026-11-28T10:00:00Z");
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const job = (over: Partial<PeriodJob>): PeriodJob => ({
  kind: "close",
  status: "running",
  done: 3,
  total: 10,
  queuedAt: at(-60),
  attempts: 1,
  ...over,
});

describe("the moves that are jobs", () => {
  it("names the job of each long move, and only those", () => {
    expect(jobOfMove("open", "appraisal")).toBe("close");
    expect(jobOfMove("closing", "appraisal")).toBe("close");
    expect(jobOfMove("published", "appraisal")).toBeUndefined(); // a correction is one write
    expect(jobOfMove("appraisal", "final")).toBe("finalize");
    expect(jobOfMove("explanation", "final")).toBe("finalize");
    expect(jobOfMove("final", "published")).toBe("publish");
    expect(jobOfMove("draft", "open")).toBeUndefined();
    expect(PERIOD_STATES.filter(isTransient)).toEqual(["closing", "finalizing", "publishing"]);
  });

  it("lets a transient state move only to its target: final and published wait for the close", () => {
    for (const to of ["final", "published", "explanation", "open"] as const)
      expect(() => assertTransition("closing", to)).toThrow(/moves on when that work has finished/);
    expect(() => assertTransition("closing", "appraisal")).not.toThrow();
    expect(() => assertTransition("finalizing", "published")).toThrow();
    expect(() => assertTransition("publishing", "published")).not.toThrow();
  });
});

describe("a job that will not finish by itself", () => {
  it("is one that failed, whose lease ran out, or that stayed queued for five minutes", () => {
    expect(isStalled(job({ status: "failed" }), NOW)).toBe(true);
    expect(isStalled(job({ leaseUntil: at(10) }), NOW)).toBe(false);
    expect(isStalled(job({ leaseUntil: at(-1) }), NOW)).toBe(true);
    expect(isStalled(job({ status: "queued", queuedAt: at(-60) }), NOW)).toBe(false);
    expect(isStalled(job({ status: "queued", queuedAt: at(-301) }), NOW)).toBe(true);
    expect(isStalled(job({ status: "succeeded" }), NOW)).toBe(false);
  });

  it("shows as failed to readers, without the lease", () => {
    const period = { id: "p", job: job({ runId: "r1", leaseUntil: at(-5) }) } as Period;
    expect(periodView(period, NOW).job).toEqual({
      ...job({}),
      status: "failed",
      error: "the job stopped without finishing; run it again",
    });
    const live = { id: "p", job: job({ runId: "r1", leaseUntil: at(5) }) } as Period;
    expect(periodView(live, NOW).job).toEqual(job({}));
  });
});

/** The period store's job methods, in memory: enough for runJob's decisions. */
function fakeServices(period: Period) {
  const calls: string[] = [];
  let stored = period;
  const periods = {
    require: async () => stored,
    claimJob: async () => {
      calls.push("claim");
      const free = stored.job && (stored.job.status !== "running" || isStalled(stored.job, NOW));
      if (stored.state !== "closing" || !free) return undefined;
      stored = { ...stored, job: { ...(stored.job as PeriodJob), status: "running", runId: "mine" } };
      return stored;
    },
    jobProgress: async () => void calls.push("progress"),
    failJob: async (_id: string, _run: string, failure: { error: string }) => {
      calls.push(`fail: ${failure.error}`);
    },
    update: async (_current: Period, next: Period) => {
      calls.push(`finish: ${next.state}`);
      stored = next;
      return next;
    },
  };
  return { ports: { periods } as unknown as Ports, calls, stored: () => stored };
}

const closing = (over: Partial<PeriodJob>) =>
  ({ id: "p", state: "closing", version: 3, job: job(over) }) as unknown as Period;
const ctx = { actor: { username: "scheduler", roles: ["admin" as const] }, requestId: "r", now: NOW };

describe("one attempt of a job", () => {
  it("does the work and moves the period to the target state", async () => {
    const fake = fakeServices(closing({ status: "queued" }));
    const outcome = await runJob(fake.ports, ctx, "p", "close", async () => ({
      changes: { closedAt: "x" },
      audit: { action: "period.scored", after: {} },
    }));
    expect(outcome).toBe("succeeded");
    expect(fake.stored()).toMatchObject({ state: "appraisal", job: { status: "succeeded" } });
    expect(fake.stored().job?.runId).toBeUndefined();
  });

  it("answers busy, doing nothing, while another attempt holds a live lease", async () => {
    const fake = fakeServices(closing({ leaseUntil: at(20) }));
    // Not a failure: a duplicate invocation must not be retried into the dead-letter queue.
    expect(await runJob(fake.ports, ctx, "p", "close", async () => ({}) as never)).toBe("busy");
    expect(fake.calls).toEqual(["claim"]);
  });

  it("does nothing when the job has finished", async () => {
    const fake = fakeServices({ id: "p", state: "appraisal", version: 4 } as Period);
    expect(await runJob(fake.ports, ctx, "p", "close", async () => ({}) as never)).toBe("nothing");
  });

  it("records a failure on the period and rethrows it", async () => {
    const fake = fakeServices(closing({ status: "failed", error: "before" }));
    await expect(
      runJob(fake.ports, ctx, "p", "close", async () => {
        throw new Error("DynamoDB is down");
      }),
    ).rejects.toThrow("DynamoDB is down");
    expect(fake.calls).toContain("fail: DynamoDB is down");
  });

  it("stops quietly when another attempt took the job over", async () => {
    const fake = fakeServices(closing({ status: "queued" }));
    const outcome = await runJob(fake.ports, ctx, "p", "close", async () => {
      throw new JobLost("p");
    });
    expect(outcome).toBe("lost");
    expect(fake.calls.some((c) => c.startsWith("fail") || c.startsWith("finish"))).toBe(false);
  });
});
