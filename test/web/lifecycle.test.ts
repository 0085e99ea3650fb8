// @vitest-environment node
import { describe, expect, test } from "vitest";
import { assertTransition } from "../../shared/lifecycle.ts";
import { JOB_STATES, PERIOD_STATES as SERVER_STATES } from "../../shared/model/period.ts";
import {
  awaitsJob,
  hasContests,
  hasResults,
  isTransient,
  movesFrom,
  POLL_MS,
  pollDelay,
  retryTarget,
  STEPS,
  stepOf,
  targetOf,
} from "../../web/src/app/lifecycle.ts";
import { PERIOD_STATES, type PeriodJob, type PeriodState } from "../../web/src/app/types.ts";

const job = (status: PeriodJob["status"], kind: PeriodJob["kind"] = "close"): PeriodJob => ({
  kind,
  status,
  done: 3,
  total: 10,
  queuedAt: "2024-06-30T17:00:00+07:00",
  attempts: 1,
});

describe("the web's period lifecycle", () => {
  test("a transient state leads to its target and is shown as the entry into that step", () => {
    expect(targetOf("closing")).toBe("appraisal");
    expect(targetOf("finalizing")).toBe("final");
    expect(targetOf("publishing")).toBe("published");
    expect(targetOf("open")).toBeUndefined();
    expect(stepOf("finalizing")).toBe("final");
    expect(stepOf("explanation")).toBe("explanation");
    for (const state of PERIOD_STATES) expect(STEPS).toContain(stepOf(state));
    expect(STEPS.some(isTransient)).toBe(false);
  });

  test("a period waits on its job until the job fails or the period reaches the target", () => {
    expect(awaitsJob({ state: "closing", job: job("queued") })).toBe(true);
    expect(awaitsJob({ state: "closing", job: job("running") })).toBe(true);
    // Succeeded a moment before the state moved on: one more poll shows the target.
    expect(awaitsJob({ state: "publishing", job: job("succeeded", "publish") })).toBe(true);
    expect(awaitsJob({ state: "finalizing" })).toBe(true);
    expect(awaitsJob({ state: "finalizing", job: job("failed", "finalize") })).toBe(false);
    expect(awaitsJob({ state: "appraisal", job: job("succeeded") })).toBe(false);
    expect(awaitsJob({ state: "open" })).toBe(false);
  });

  test("a transient period offers no move, only running a failed job again", () => {
    for (const state of ["closing", "finalizing", "publishing"] as const) {
      expect(movesFrom(state)).toEqual([]);
      expect(retryTarget({ state, job: job("running") })).toBeUndefined();
      expect(retryTarget({ state, job: job("failed") })).toBe(targetOf(state));
    }
    expect(retryTarget({ state: "final", job: job("failed", "publish") })).toBeUndefined();
  });

  test("polls back off after failures, up to 15 s, and resume their pace after a success", () => {
    expect(pollDelay(0)).toBe(POLL_MS);
    expect(POLL_MS).toBeGreaterThanOrEqual(1000);
    expect(POLL_MS).toBeLessThanOrEqual(2000);
    expect(pollDelay(1)).toBe(2 * POLL_MS);
    expect(pollDelay(2)).toBe(4 * POLL_MS);
    expect(pollDelay(20)).toBe(15_000);
    expect(pollDelay(-1)).toBe(POLL_MS);
  });

  test("results once the close has finished; contests from the explanation round on", () => {
    for (const state of ["draft", "open", "closing"] as const) expect(hasResults(state)).toBe(false);
    expect(hasResults("appraisal")).toBe(true);
    expect(hasResults("finalizing")).toBe(true);
    expect(hasContests("appraisal")).toBe(false);
    expect(hasContests("finalizing")).toBe(true);
    expect(hasContests("publishing")).toBe(true);
  });
});

describe("the web's lifecycle agrees with the server's", () => {
  const allowed = (from: PeriodState, to: PeriodState) => {
    try {
      assertTransition(from, to);
      return true;
    } catch {
      return false;
    }
  };

  test("the same states, and the same target for each transient one", () => {
    expect([...PERIOD_STATES].sort()).toEqual([...SERVER_STATES].sort());
    for (const { during, target } of Object.values(JOB_STATES)) expect(targetOf(during)).toBe(target);
    expect(PERIOD_STATES.filter(isTransient).sort()).toEqual(
      Object.values(JOB_STATES)
        .map((s) => s.during)
        .sort(),
    );
  });

  test("every move the admin is offered, and only those, is one the server allows", () => {
    for (const from of PERIOD_STATES)
      for (const to of PERIOD_STATES) {
        const offered = isTransient(from)
          ? retryTarget({ state: from, job: job("failed") }) === to
          : (movesFrom(from) as readonly PeriodState[]).includes(to);
        expect(offered, `${from} → ${to}`).toBe(allowed(from, to));
      }
  });
});
