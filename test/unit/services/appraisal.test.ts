import { describe, expect, it } from "vitest";
import type { Actor } from "../../../shared/access/roles.ts";
import { appraise, contest, decideContest, requestSupplement } from "../../../shared/services/appraisal.ts";
import { patchPeriod } from "../../../shared/services/periods.ts";
import { getSubmission, saveAnswers } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { appraisalPeriod, departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { at, by, ctxOf, DAY, editorOf, refusal } from "../../support/fakes/world.ts";

async function inAppraisal() {
  const ports = memoryPorts();
  const world = await appraisalPeriod(ports);
  return { ports, ...world };
}

/** The period moved on to its explanation round. */
async function inExplanation() {
  const found = await inAppraisal();
  await patchPeriod(found.ports, by.admin(), found.periodId, {
    explanationClosesAt: at(10 * DAY).toISOString(),
  });
  await transitionPeriod(found.ports, by.admin(), found.periodId, { to: "explanation" });
  return found;
}

describe("appraising", () => {
  it("accepts the unit's value, or sets another with a reason, audited with what it replaced", async () => {
    const { ports, periodId } = await inAppraisal();
    const accepted = await appraise(ports, by.reviewer(), periodId, "so-1", "1.4", { accept: true });
    expect(accepted).toMatchObject({ code: "1.4", value: 2, accepted: true, by: "reviewer" });
    const changed = await appraise(ports, by.reviewer(), periodId, "so-1", "1.4", {
      value: 4,
      reason: "Có thêm hai buổi họp",
    });
    expect(changed).toMatchObject({ value: 4, accepted: false });
    const { appraisals } = await ports.submissions.load(periodId, "so-1", "department");
    expect(appraisals.get("1.4")).toEqual(changed);
    const records = ports.audit.records.filter((r) => r.action === "appraisal.set");
    expect(records.map((r) => [r.before === undefined, r.after])).toEqual([
      [true, accepted],
      [false, changed],
    ]);
  });

  it("refuses values outside the leaf's domain, unknown leaves, and appraisals outside appraisal", async () => {
    const { ports, periodId } = await inAppraisal();
    expect(
      await refusal(appraise(ports, by.reviewer(), periodId, "so-1", "1.1", { value: 3, reason: "sai" })),
    ).toBe("unprocessable/invalid-value");
    expect(
      await refusal(appraise(ports, by.reviewer(), periodId, "so-1", "1.1", { value: null, reason: "xoá" })),
    ).toBe("unprocessable/invalid-value");
    expect(await refusal(appraise(ports, by.reviewer(), periodId, "so-1", "9.9", { accept: true }))).toBe(
      "not-found/not-found",
    );
    const open = memoryPorts();
    const world = await departmentsPeriod(open);
    expect(
      await refusal(appraise(open, by.reviewer(), world.periodId, "so-1", "1.4", { accept: true })),
    ).toBe("conflict/appraisal-closed");
  });

  it("lets only reviewers in scope appraise: not units, not a reviewer's own unit, not other pillars", async () => {
    const { ports, periodId } = await inAppraisal();
    const pillarTwo: Actor = { username: "r2", roles: ["reviewer"], scope: { nodes: ["2"] } };
    const ownUnit: Actor = { username: "r-so-1", roles: ["reviewer"], unitId: "so-1" };
    for (const actor of [editorOf("so-1"), pillarTwo, ownUnit])
      expect(await refusal(appraise(ports, ctxOf(actor), periodId, "so-1", "1.4", { accept: true }))).toBe(
        "forbidden/forbidden",
      );
    expect(await appraise(ports, ctxOf(pillarTwo), periodId, "so-1", "2.1", { accept: true })).toMatchObject({
      code: "2.1",
    });
  });
});

describe("a supplement request", () => {
  it("reopens chosen leaves of a unit until a date: those change, others do not", async () => {
    const { ports, periodId } = await inAppraisal();
    const until = at(3 * DAY).toISOString();
    const request = { indicatorCodes: ["1.4"], until, message: "Bổ sung biên bản" };
    expect(await requestSupplement(ports, by.reviewer(), periodId, "so-2", request)).toMatchObject({
      codes: ["1.4"],
      by: "reviewer",
    });
    const editor = by.editor("so-2");
    const saved = await saveAnswers(
      ports,
      editor,
      periodId,
      "so-2",
      { answers: { "1.4": { value: 4 } } },
      undefined,
    );
    expect(saved).toMatchObject({ state: "locked", editable: true, answers: { "1.4": { value: 4 } } });
    expect(
      await refusal(
        saveAnswers(ports, editor, periodId, "so-2", { answers: { "1.5": { value: 1 } } }, undefined),
      ),
    ).toBe("conflict/not-reopened");
    expect(
      await refusal(
        saveAnswers(
          ports,
          by.editor("so-2", at(4 * DAY)),
          periodId,
          "so-2",
          { answers: { "1.4": { value: 1 } } },
          undefined,
        ),
      ),
    ).toBe("conflict/period-not-open");
    expect(await refusal(requestSupplement(ports, by.admin(), periodId, "so-2", request))).toBe(
      "conflict/supplement-used",
    );
  });

  it("refuses unknown leaves, a date in the past, and requests outside appraisal", async () => {
    const { ports, periodId } = await inAppraisal();
    const until = at(3 * DAY).toISOString();
    expect(
      await refusal(
        requestSupplement(ports, by.admin(), periodId, "so-1", { indicatorCodes: ["9.9"], until }),
      ),
    ).toBe("unprocessable/invalid-indicators");
    expect(
      await refusal(
        requestSupplement(ports, by.admin(), periodId, "so-1", {
          indicatorCodes: ["1.4"],
          until: at(-DAY).toISOString(),
        }),
      ),
    ).toBe("unprocessable/deadline-in-past");
    const open = memoryPorts();
    const world = await departmentsPeriod(open);
    expect(
      await refusal(
        requestSupplement(open, by.admin(), world.periodId, "so-1", { indicatorCodes: ["1.4"], until }),
      ),
    ).toBe("conflict/appraisal-closed");
  });
});

describe("contests", () => {
  it("the approver contests a leaf once in the explanation round; a reviewer decides it once", async () => {
    const { ports, periodId } = await inExplanation();
    const approver = by.approver("so-1");
    const opened = await contest(ports, approver, periodId, "so-1", "1.4", {
      explanation: "Đã họp bốn buổi",
    });
    expect(opened).toMatchObject({ code: "1.4", evidenceIds: [], by: "approver.so-1" });
    expect(await refusal(contest(ports, approver, periodId, "so-1", "1.4", { explanation: "Lần nữa" }))).toBe(
      "conflict/already-contested",
    );
    const decided = await decideContest(ports, by.reviewer(), periodId, "so-1", "1.4", {
      outcome: "changed",
      value: 4,
      reason: "Đồng ý",
    });
    expect(decided).toMatchObject({ code: "1.4", decision: { outcome: "changed", value: 4 } });
    expect(
      await refusal(
        decideContest(ports, by.reviewer(), periodId, "so-1", "1.4", { outcome: "upheld", reason: "Lại" }),
      ),
    ).toBe("conflict/no-open-contest");
    const { contests } = await ports.submissions.load(periodId, "so-1", "department");
    expect(contests.get("1.4")?.decision).toMatchObject({ outcome: "changed", value: 4, by: "reviewer" });
  });

  it("refuses editors, unknown evidence, out-of-domain decisions, and contests outside the round", async () => {
    const { ports, periodId } = await inExplanation();
    expect(
      await refusal(contest(ports, by.editor("so-1"), periodId, "so-1", "1.4", { explanation: "x" })),
    ).toBe("forbidden/forbidden");
    expect(
      await refusal(
        contest(ports, by.approver("so-1"), periodId, "so-1", "1.4", {
          explanation: "x",
          evidenceIds: ["4f9a43ba-87a1-4cf0-9c57-6ad7d46b4a01"],
        }),
      ),
    ).toBe("unprocessable/unknown-evidence");
    expect(
      await refusal(
        decideContest(ports, by.reviewer(), periodId, "so-1", "1.1", {
          outcome: "changed",
          value: 5,
          reason: "x",
        }),
      ),
    ).toBe("unprocessable/invalid-value");
    expect(
      await refusal(
        contest(ports, by.approver("so-1", at(11 * DAY)), periodId, "so-1", "1.4", {
          explanation: "x",
        }),
      ),
    ).toBe("conflict/deadline-passed");
    const early = await inAppraisal();
    expect(
      await refusal(
        contest(early.ports, by.approver("so-1"), early.periodId, "so-1", "1.4", { explanation: "x" }),
      ),
    ).toBe("conflict/not-explanation-round");
    expect(
      await refusal(
        decideContest(early.ports, by.reviewer(), early.periodId, "so-1", "1.4", {
          outcome: "upheld",
          reason: "x",
        }),
      ),
    ).toBe("conflict/no-open-contest");
  });

  it("shows the unit its locked submission, not editable without a supplement", async () => {
    const { ports, periodId } = await inExplanation();
    const view = await getSubmission(ports, by.approver("so-1"), periodId, "so-1");
    expect(view).toMatchObject({ state: "locked", editable: false, supplement: null });
  });
});
