import { describe, expect, it } from "vitest";
import { extendUnitDeadline } from "../../../shared/services/periods.ts";
import type { StoredSubmission, SubmissionHead } from "../../../shared/services/ports.ts";
import { listSubmissions } from "../../../shared/services/submission-list.ts";
import { historyOf, keptHistory } from "../../../shared/services/submission-view.ts";
import { getSubmission, saveAnswers, submit, withdraw } from "../../../shared/services/submissions.ts";
import type { UnitScope } from "../../../shared/services/unit-scope.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { DEPARTMENT_ANSWERS, departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

async function openPeriod() {
  const ports = memoryPorts();
  const world = await departmentsPeriod(ports, { units: 3 });
  return { ports, ...world };
}

describe("saving answers", () => {
  it("saves answers, bumps the version, keeps the self-score on the head and audits each answer", async () => {
    const { ports, periodId } = await openPeriod();
    const view = await saveAnswers(
      ports,
      by.editor("so-1"),
      periodId,
      "so-1",
      { answers: { "1.4": { value: 2 }, "1.5": { value: 3, note: "ba nền tảng" } } },
      undefined,
    );
    expect(view).toMatchObject({ state: "draft", version: 1, editable: true });
    expect(view.answers["1.5"]).toMatchObject({ value: 3, note: "ba nền tảng", updatedBy: "editor.so-1" });
    expect(view.preview.points).toBe(11);
    const { head } = await ports.submissions.load(periodId, "so-1", "department");
    expect(head).toMatchObject({ version: 1, points: 11 });
    expect(ports.audit.actions(`submission#${periodId}#so-1`)).toEqual(["answer.save", "answer.save"]);
    const again = await getSubmission(ports, by.editor("so-1"), periodId, "so-1");
    expect(again.answers["1.4"]).toMatchObject({ value: 2, note: null });
  });

  it("keeps a note when only the value changes, and clears it with null", async () => {
    const { ports, periodId } = await openPeriod();
    const save = (answers: unknown) =>
      saveAnswers(ports, by.editor("so-1"), periodId, "so-1", { answers }, undefined);
    await save({ "1.5": { value: 1, note: "ghi chú" } });
    expect((await save({ "1.5": { value: 2 } })).answers["1.5"]).toMatchObject({ value: 2, note: "ghi chú" });
    expect((await save({ "1.5": { note: null } })).answers["1.5"]).toMatchObject({ value: 2, note: null });
  });

  it("refuses unknown leaves and values outside a leaf's domain (422), with every problem", async () => {
    const { ports, periodId } = await openPeriod();
    const error = await saveAnswers(
      ports,
      by.editor("so-1"),
      periodId,
      "so-1",
      { answers: { "9.9": { value: 1 }, "1.1": { value: 7 }, "1.4": {} } },
      undefined,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid-answer" });
    expect((error as { details: { path: string }[] }).details.map((d) => d.path)).toEqual([
      "answers.9.9",
      "answers.1.1.value",
      "answers.1.4",
    ]);
  });

  it("refuses reviewers (403), other units (404), and stale If-Match versions (412)", async () => {
    const { ports, periodId } = await openPeriod();
    const body = { answers: { "1.4": { value: 1 } } };
    expect(await refusal(saveAnswers(ports, by.reviewer(), periodId, "so-1", body, undefined))).toBe(
      "forbidden/forbidden",
    );
    expect(await refusal(saveAnswers(ports, by.editor("so-2"), periodId, "so-1", body, undefined))).toBe(
      "not-found/not-found",
    );
    await saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, 0);
    expect(await refusal(saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, 0))).toBe(
      "precondition-failed/stale-version",
    );
  });

  it("without If-Match, a save that lost a race reads again and lands; with it, the loser gets 412", async () => {
    const { ports, periodId } = await openPeriod();
    const write = ports.submissions.write.bind(ports.submissions);
    let raced = false;
    ports.submissions.write = async (change) => {
      if (!raced) {
        raced = true; // another editor's save lands between this one's read and its write
        await write({ ...change, answers: [], audit: [] });
      }
      return write(change);
    };
    const body = { answers: { "1.4": { value: 4 } } };
    expect((await saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, undefined)).version).toBe(2);
    raced = false;
    expect(await refusal(saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, 2))).toBe(
      "precondition-failed/stale-version",
    );
  });

  it("refuses writes after the deadline (409) unless the unit's own deadline is later", async () => {
    const { ports, periodId } = await openPeriod();
    const late = at(3 * DAY);
    const body = { answers: { "1.4": { value: 1 } } };
    expect(
      await refusal(saveAnswers(ports, by.editor("so-1", late), periodId, "so-1", body, undefined)),
    ).toBe("conflict/deadline-passed");
    await extendUnitDeadline(ports, by.admin(), periodId, "so-1", { closesAt: at(4 * DAY).toISOString() });
    const saved = await saveAnswers(ports, by.editor("so-1", late), periodId, "so-1", body, undefined);
    expect(saved).toMatchObject({ version: 1, editable: true });
    expect(
      await refusal(saveAnswers(ports, by.editor("so-2", late), periodId, "so-2", body, undefined)),
    ).toBe("conflict/deadline-passed");
  });

  it("turns a write the period refuses in its own transaction into the period's refusal", async () => {
    const { ports, periodId } = await openPeriod();
    const stored = ports.periods.stored.get(periodId);
    if (!stored) throw new Error("no period");
    const load = ports.submissions.load.bind(ports.submissions);
    ports.submissions.load = async (...args) => {
      const read = await load(...args);
      stored.state = "closing"; // the close began after the read
      return read;
    };
    const body = { answers: { "1.4": { value: 1 } } };
    expect(await refusal(saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, undefined))).toBe(
      "conflict/period-not-open",
    );
  });
});

describe("submitting and withdrawing", () => {
  it("submits a draft, counting it on the period; edits are refused until it is withdrawn", async () => {
    const { ports, periodId } = await openPeriod();
    const approver = by.approver("so-1");
    await saveAnswers(ports, approver, periodId, "so-1", { answers: DEPARTMENT_ANSWERS }, undefined);
    const sent = await submit(ports, approver, periodId, "so-1", 1);
    expect(sent).toMatchObject({ state: "submitted", version: 2, submittedBy: "approver.so-1" });
    expect((await ports.periods.require(periodId)).counts).toEqual({ units: 3, submitted: 1, draft: 2 });
    const body = { answers: { "1.4": { value: 1 } } };
    expect(await refusal(saveAnswers(ports, approver, periodId, "so-1", body, undefined))).toBe(
      "conflict/not-a-draft",
    );
    expect(await refusal(submit(ports, approver, periodId, "so-1"))).toBe("conflict/not-a-draft");
    const back = await withdraw(ports, approver, periodId, "so-1");
    expect(back).toMatchObject({ state: "draft", version: 3 });
    expect(back).not.toHaveProperty("submittedAt");
    expect((await ports.periods.require(periodId)).counts.submitted).toBe(0);
    expect(ports.audit.actions(`submission#${periodId}#so-1`).slice(-2)).toEqual([
      "submission.submit",
      "submission.withdraw",
    ]);
  });

  it("lets only the approver submit or withdraw (403); a draft cannot be withdrawn (409)", async () => {
    const { ports, periodId } = await openPeriod();
    expect(await refusal(submit(ports, by.editor("so-1"), periodId, "so-1"))).toBe("forbidden/forbidden");
    expect(await refusal(withdraw(ports, by.editor("so-1"), periodId, "so-1"))).toBe("forbidden/forbidden");
    expect(await refusal(withdraw(ports, by.approver("so-1"), periodId, "so-1"))).toBe(
      "conflict/not-submitted",
    );
    expect(await refusal(submit(ports, by.approver("so-1", at(3 * DAY)), periodId, "so-1"))).toBe(
      "conflict/deadline-passed",
    );
  });
});

describe("the list of submissions", () => {
  it("gives every unit by group then unit, filtered by state, to reviewers and admins only", async () => {
    const { ports, periodId } = await openPeriod();
    await saveAnswers(
      ports,
      by.approver("so-2"),
      periodId,
      "so-2",
      { answers: DEPARTMENT_ANSWERS },
      undefined,
    );
    await submit(ports, by.approver("so-2"), periodId, "so-2");
    const all = await listSubmissions(ports, by.reviewer(), periodId, { limit: 10 }, {});
    expect(all.items.map((r) => [r.unitId, r.state, r.version])).toEqual([
      ["so-1", "draft", 0],
      ["so-2", "submitted", 2],
      ["so-3", "draft", 0],
    ]);
    const sent = await listSubmissions(ports, by.admin(), periodId, { limit: 10 }, { state: "submitted" });
    expect(sent.items.map((r) => r.unitId)).toEqual(["so-2"]);
    expect(sent.items[0]?.points).toBeGreaterThan(0);
    const page = await listSubmissions(ports, by.admin(), periodId, { limit: 2 }, {});
    expect(page.nextCursor).not.toBeNull();
    expect(await refusal(listSubmissions(ports, by.editor("so-1"), periodId, { limit: 1 }, {}))).toBe(
      "forbidden/forbidden",
    );
    expect(await refusal(listSubmissions(ports, by.admin(), periodId, { limit: 1 }, { state: "odd" }))).toBe(
      "bad-request/bad-filter",
    );
  });
});

describe("a submission's history", () => {
  const head = (more: Record<string, unknown>) =>
    ({ periodId: "p", unitId: "u", groupId: "g", version: 3, ...more }) as unknown as SubmissionHead;
  const scope = { period: { closedAt: "2025-03-01T00:00:00.000Z" } } as unknown as UnitScope;

  it("keeps the moves, falls back to the last submission, and dates the lock by the head", () => {
    const moves = [
      { action: "submit" as const, by: "a", at: "2025-01-01T00:00:00.000Z" },
      { action: "withdraw" as const, by: "a", at: "2025-01-02T00:00:00.000Z" },
    ];
    const kept = head({ state: "draft", history: moves });
    expect(keptHistory(kept)).toEqual(moves);
    expect(keptHistory(kept)).not.toBe(moves);
    expect(keptHistory(head({ state: "submitted", submittedAt: "2025-01-03T00:00:00.000Z" }))).toEqual([
      { action: "submit", by: null, at: "2025-01-03T00:00:00.000Z" },
    ]);
    const locked = { head: head({ state: "locked", lockedAt: "2025-02-28T00:00:00.000Z" }) };
    expect(historyOf(scope, locked as StoredSubmission)).toEqual([
      { action: "lock", by: null, at: "2025-02-28T00:00:00.000Z" },
    ]);
    // A head locked without the time recorded: the period's close.
    expect(historyOf(scope, { head: head({ state: "locked" }) } as StoredSubmission)).toEqual([
      { action: "lock", by: null, at: "2025-03-01T00:00:00.000Z" },
    ]);
  });
});
