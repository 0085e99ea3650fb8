import { describe, expect, it } from "vitest";
import { appraise, contest, decideContest, requestSupplement } from "../../../shared/services/appraisal.ts";
import { appraisalValues } from "../../../shared/services/period-scoring.ts";
import { patchPeriod } from "../../../shared/services/periods.ts";
import { periodResults } from "../../../shared/services/results.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { appraisalPeriod, departmentsPeriod, runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { at, by, DAY } from "../../support/fakes/world.ts";

// The two rules of DOMAIN.md §6.5 and §5: accepting keeps the evidence rule; a rank change needs a
// submission in both periods. so-1 submitted every department answer with no evidence: its 1.1 (yes,
// 10 points, evidence required) self-scores 0, flagged missing-evidence.

async function inAppraisal() {
  const ports = memoryPorts();
  return { ports, ...(await appraisalPeriod(ports)) };
}

async function leafOf(ports: ReturnType<typeof memoryPorts>, periodId: string, code: string) {
  const page = await periodResults(ports, by.reviewer(), periodId, { limit: 5 }, { unitId: "so-1" });
  return page.items[0]?.leaves.find((l) => l.code === code);
}

async function finalPoints(ports: ReturnType<typeof memoryPorts>, periodId: string) {
  await transitionPeriod(ports, by.admin(), periodId, { to: "final" });
  await runQueuedJobs(ports);
  const stored = await ports.submissions.load(periodId, "so-1", "department");
  return { provisional: stored.head.provisional?.points, final: stored.head.final?.points };
}

describe("accepting keeps the evidence rule", () => {
  it("an accepted leaf without its required evidence stays at 0, flagged, in the ledger and in final scoring", async () => {
    const { ports, periodId } = await inAppraisal();
    const accepted = await appraise(ports, by.reviewer(), periodId, "so-1", "1.1", { accept: true });
    expect(accepted).toMatchObject({ code: "1.1", value: true, accepted: true });
    expect(await leafOf(ports, periodId, "1.1")).toMatchObject({
      self: { value: true, score: 0, flags: ["missing-evidence"] },
      appraisal: { accepted: true },
      final: { value: true, score: 0, flags: ["missing-evidence"] },
    });
    const stored = await ports.submissions.load(periodId, "so-1", "department");
    expect(appraisalValues(stored)).toEqual({});
    const points = await finalPoints(ports, periodId);
    expect(points.final).toBe(points.provisional);
  });

  it("an adjustment with a reason awards the points without the evidence (the reviewer vouches for it)", async () => {
    const { ports, periodId } = await inAppraisal();
    await appraise(ports, by.reviewer(), periodId, "so-1", "1.1", { value: true, reason: "Đã xem bản giấy" });
    expect(await leafOf(ports, periodId, "1.1")).toMatchObject({
      appraisal: { accepted: false, reason: "Đã xem bản giấy" },
      final: { value: true, score: 10, flags: [] },
    });
    const points = await finalPoints(ports, periodId);
    expect((points.final ?? 0) - (points.provisional ?? 0)).toBe(10);
  });

  it("a contest changed after an acceptance counts the decided value, which lifts the rule", async () => {
    const { ports, periodId } = await inAppraisal();
    await appraise(ports, by.reviewer(), periodId, "so-1", "1.1", { accept: true });
    await patchPeriod(ports, by.admin(), periodId, { explanationClosesAt: at(10 * DAY).toISOString() });
    await transitionPeriod(ports, by.admin(), periodId, { to: "explanation" });
    await contest(ports, by.approver("so-1"), periodId, "so-1", "1.1", { explanation: "Kế hoạch 5/KH" });
    await decideContest(ports, by.reviewer(), periodId, "so-1", "1.1", {
      outcome: "changed",
      value: true,
      reason: "Đã đối chiếu kế hoạch",
    });
    expect(await leafOf(ports, periodId, "1.1")).toMatchObject({ final: { score: 10, flags: [] } });
  });

  it("a value accepted before a supplement changed the answer still stands as accepted", async () => {
    const { ports, periodId } = await inAppraisal();
    await appraise(ports, by.reviewer(), periodId, "so-1", "1.4", { accept: true });
    await requestSupplement(ports, by.reviewer(), periodId, "so-1", {
      indicatorCodes: ["1.4"],
      until: at(3 * DAY).toISOString(),
    });
    await saveAnswers(
      ports,
      by.editor("so-1"),
      periodId,
      "so-1",
      { answers: { "1.4": { value: 4 } } },
      undefined,
    );
    const stored = await ports.submissions.load(periodId, "so-1", "department");
    expect(appraisalValues(stored)).toEqual({ "1.4": 2 });
  });
});

describe("a rank change needs a submission in both periods", () => {
  it("is null for a unit that did not submit then, a number for one that submitted both times", async () => {
    const ports = memoryPorts();
    // The first period: so-1 submitted, so-2 did not (it only saved a draft).
    const first = await appraisalPeriod(ports);
    for (const to of ["final", "published"] as const) {
      await transitionPeriod(ports, by.admin(), first.periodId, { to });
      await runQueuedJobs(ports);
    }
    const second = await departmentsPeriod(ports, { periodId: "ky-2026", closesIn: 30 * DAY });
    for (const [unitId, value] of [
      ["so-1", 1],
      ["so-2", 20],
    ] as const) {
      await saveAnswers(
        ports,
        by.approver(unitId),
        second.periodId,
        unitId,
        { answers: { "2.1": { value } } },
        undefined,
      );
      await submit(ports, by.approver(unitId), second.periodId, unitId);
    }
    for (const to of ["appraisal", "final", "published"] as const) {
      await transitionPeriod(ports, by.admin(), second.periodId, { to });
      await runQueuedJobs(ports);
    }
    const snapshot = JSON.parse(ports.published.text(`public/rankings/${second.periodId}.json`) ?? "");
    type Row = { unitId: string; rank: number; rankChange: number | null };
    expect(snapshot.groups[0].units.map((u: Row) => [u.unitId, u.rank, u.rankChange])).toEqual([
      ["so-2", 1, null], // did not submit in the first period (was "▲1" before the rule)
      ["so-1", 2, -1], // submitted both times: 1st → 2nd
    ]);
  });
});
