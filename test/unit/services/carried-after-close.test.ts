import { describe, expect, it } from "vitest";
import { appraise } from "../../../shared/services/appraisal.ts";
import { carryOver } from "../../../shared/services/carry-over.ts";
import { periodExport } from "../../../shared/services/period-scoring.ts";
import { CARRIED_UNCONFIRMED, periodResults } from "../../../shared/services/results.ts";
import { getSubmission, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import {
  DEPARTMENT_ANSWERS,
  departmentsPeriod,
  openLaterPeriod,
  runQueuedJobs,
} from "../../support/fakes/scenarios.ts";
import { by, DAY } from "../../support/fakes/world.ts";

/**
 * so-1 answered everything in p1; in p2 it carried those answers over, confirmed 2.1 and 1.1 only, and
 * submitted; p2 then closed (in appraisal).
 */
async function closedWithCarried() {
  const ports = memoryPorts();
  await departmentsPeriod(ports, { periodId: "p1", closesIn: 2 * DAY });
  await saveAnswers(ports, by.editor("so-1"), "p1", "so-1", { answers: DEPARTMENT_ANSWERS }, undefined);
  await openLaterPeriod(ports, "p2", ["so-1", "so-2"]);
  const open = await carryOver(ports, by.editor("so-1"), "p2", "so-1");
  const confirm = { "2.1": { value: 12.5 }, "1.1": { value: true } };
  await saveAnswers(ports, by.editor("so-1"), "p2", "so-1", { answers: confirm }, undefined);
  await submit(ports, by.approver("so-1"), "p2", "so-1");
  const submitted = await getSubmission(ports, by.editor("so-1"), "p2", "so-1");
  await transitionPeriod(ports, by.admin(), "p2", { to: "appraisal" });
  await runQueuedJobs(ports);
  return { ports, open, submitted };
}

describe("a carried answer never confirmed, after the close", () => {
  it("shows in the unit's view with its value until the lock, then as no value with its mark", async () => {
    const { ports, open, submitted } = await closedWithCarried();
    expect(open.answers["1.2"]).toMatchObject({ value: "deputy", note: "Quyết định 12/QĐ", carried: true });
    // Submitted but not locked: the unit may still withdraw and confirm it.
    expect(submitted.answers["1.2"]).toMatchObject({ value: "deputy", carried: true });
    for (const ctx of [by.editor("so-1"), by.reviewer()]) {
      const locked = await getSubmission(ports, ctx, "p2", "so-1");
      expect(locked.state).toBe("locked");
      expect(locked.answers["1.2"]).toMatchObject({ value: null, note: null, carried: true });
      expect(locked.answers["2.1"]).toMatchObject({ value: 12.5 });
      expect(locked.answers["2.1"]).not.toHaveProperty("carried");
      expect(locked.answers["1.1"]).toMatchObject({ value: true });
    }
  });

  it("has no value in the results' ledger, flagged carried-unconfirmed, and scores nothing", async () => {
    const { ports } = await closedWithCarried();
    const { items } = await periodResults(ports, by.reviewer(), "p2", { limit: 10 }, { unitId: "so-1" });
    const leaves = new Map(items[0]?.leaves.map((l) => [l.code, l]));
    const carried = leaves.get("1.2");
    expect(carried?.self).toMatchObject({ value: null, note: null, by: null, at: null, score: 0 });
    expect(carried?.self.flags).toEqual(["unanswered", CARRIED_UNCONFIRMED]);
    expect(carried?.final).toMatchObject({ value: null, score: 0 });
    expect(leaves.get("2.1")?.self).toMatchObject({ value: 12.5 });
    expect(leaves.get("2.1")?.self.flags).not.toContain(CARRIED_UNCONFIRMED);
    expect(leaves.get("2.1")?.self.score).toBe(12.5);
    // The unit's own view, the same ledger.
    const own = await periodResults(ports, by.editor("so-1"), "p2", { limit: 10 }, {});
    expect(own.items[0]?.leaves.find((l) => l.code === "1.2")?.self.value).toBeNull();
  });

  it("is no answer to accept: the reviewer's acceptance records no value, and it still scores nothing", async () => {
    const { ports } = await closedWithCarried();
    const accepted = await appraise(ports, by.reviewer(), "p2", "so-1", "1.2", { accept: true });
    expect(accepted).toMatchObject({ code: "1.2", value: null, accepted: true });
    const own = await appraise(ports, by.reviewer(), "p2", "so-1", "2.1", { accept: true });
    expect(own).toMatchObject({ value: 12.5, accepted: true });
  });

  it("is not in the exported scoring bundle", async () => {
    const { ports } = await closedWithCarried();
    const bundle = await periodExport(ports, "p2", "provisional");
    expect(bundle.submissions["so-1"]?.answers).toEqual({ "1.1": true, "2.1": 12.5 });
  });
});
