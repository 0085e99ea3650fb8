import { describe, expect, test } from "vitest";
import { canMoveClose, deadlineChanges } from "../../../web/src/app/admin/Deadlines.tsx";
import { newestFirst, newPeriodForm, periodBody, periodPath } from "../../../web/src/app/admin/Periods.tsx";
import { groupProgress } from "../../../web/src/app/admin/Progress.tsx";
import { transitionLabel } from "../../../web/src/app/admin/Transitions.tsx";
import { daysFrom, toLocalInput } from "../../../web/src/app/admin/times.ts";
import { byName, needsUnit, userBody } from "../../../web/src/app/admin/Users.tsx";
import type { Framework, Period, SubmissionRow, Unit } from "../../../web/src/app/types.ts";

const period = (over: Partial<Period> = {}): Period => ({
  id: "2024",
  name: "Năm 2024",
  frameworkId: "dti",
  opensAt: "2024-01-01T01:00:00.000Z",
  closesAt: "2024-03-01T10:00:00.000Z",
  state: "open",
  version: 1,
  counts: { units: 3, submitted: 1, draft: 2 },
  createdAt: "2024-01-01T01:00:00.000Z",
  updatedAt: "2024-01-01T01:00:00.000Z",
  ...over,
});

describe("times in Vietnam", () => {
  test("an instant reads as the Vietnam wall clock (UTC+7), to the minute", () => {
    expect(toLocalInput("2024-03-01T10:00:00.000Z")).toBe("2024-03-01T17:00");
    expect(toLocalInput("2024-12-31T20:30:59.000Z")).toBe("2025-01-01T03:30");
  });

  test("no instant is an empty input", () => {
    expect(toLocalInput(undefined)).toBe("");
  });

  test("days after now", () => {
    const now = Date.parse("2024-01-01T00:00:00.000Z");
    expect([daysFrom(now, 0), daysFrom(now, 30)]).toEqual(["2024-01-01T07:00", "2024-01-31T07:00"]);
  });
});

describe("the deadlines form", () => {
  const p = period({ explanationClosesAt: "2024-04-01T10:00:00.000Z" });
  const unchanged = { name: "Năm 2024", closesAt: "2024-03-01T17:00", explanation: "2024-04-01T17:00" };

  test("sends nothing when nothing changed (spaces around the name do not count)", () => {
    expect(deadlineChanges(p, { ...unchanged, name: " Năm 2024 " })).toEqual({});
  });

  test("sends only what changed; an emptied explanation deadline is removed", () => {
    expect(deadlineChanges(p, { ...unchanged, closesAt: "2024-03-05T17:00", explanation: "" })).toEqual({
      closesAt: "2024-03-05T17:00",
      explanationClosesAt: null,
    });
  });

  test("the closing time moves only while the period is a draft or open", () => {
    expect([canMoveClose(period({ state: "draft" })), canMoveClose(period({ state: "appraisal" }))]).toEqual([
      true,
      false,
    ]);
    const closed = period({ state: "appraisal" });
    expect(deadlineChanges(closed, { name: "Mới", closesAt: "2030-01-01T00:00", explanation: "" })).toEqual({
      name: "Mới",
    });
  });
});

describe("the new account", () => {
  test("the body trims the name and names the unit only when chosen", () => {
    const form = { username: " can-bo ", password: "Secret#123", roles: ["reviewer"], unitId: "" };
    expect(userBody(form)).toEqual({ username: "can-bo", password: "Secret#123", roles: ["reviewer"] });
    expect(userBody({ ...form, unitId: "so-noi-vu" })).toMatchObject({ unitId: "so-noi-vu" });
  });

  test("a unit's roles need a unit, the others do not", () => {
    expect([needsUnit(["unit-approver"]), needsUnit(["reviewer", "admin"]), needsUnit([])]).toEqual([
      true,
      false,
      false,
    ]);
  });

  test("units are offered by name in Vietnamese order", () => {
    const unit = (name: string): Unit => ({ id: name, code: name, name, kind: "commune" });
    expect(byName([unit("Yên Sơn"), unit("Ấp Bắc"), unit("An Tường")]).map((u) => u.name)).toEqual([
      "An Tường",
      "Ấp Bắc",
      "Yên Sơn",
    ]);
  });
});

describe("the periods", () => {
  test("newest first, by opening", () => {
    const list = [
      period({ id: "a", opensAt: "2023-01-01T00:00:00Z" }),
      period({ id: "b", opensAt: "2024-01-01T00:00:00Z" }),
    ];
    expect(newestFirst(list).map((p) => p.id)).toEqual(["b", "a"]);
    expect(list[0]?.id).toBe("a");
  });

  test("a new period opens now, closes in 30 days, takes explanations for 45", () => {
    const form = newPeriodForm(Date.parse("2024-01-01T00:00:00.000Z"));
    expect([form.opensAt, form.closesAt, form.explanationClosesAt]).toEqual([
      "2024-01-01T07:00",
      "2024-01-31T07:00",
      "2024-02-15T07:00",
    ]);
  });

  test("the new period's body trims id and name and leaves out an empty explanation deadline", () => {
    const form = { ...newPeriodForm(0), id: " 2024 ", name: " Năm 2024 ", frameworkId: "dti" };
    expect(periodBody(form)).toEqual({
      id: "2024",
      name: "Năm 2024",
      frameworkId: "dti",
      opensAt: form.opensAt,
      closesAt: form.closesAt,
      explanationClosesAt: form.explanationClosesAt,
    });
    expect(periodBody({ ...form, explanationClosesAt: "" })).not.toHaveProperty("explanationClosesAt");
  });

  test("a period's admin address is escaped", () => {
    expect(periodPath("2024 quý/1")).toBe("/app/admin/periods/2024%20qu%C3%BD%2F1");
  });

  test("progress per group leaves out the groups without units; after the close a locked unit counts as submitted only if it had submitted", () => {
    const framework = {
      groups: [
        { id: "department", name: "Sở" },
        { id: "commune", name: "Xã" },
        { id: "empty", name: "Trống" },
      ],
    } as unknown as Framework;
    const row = (groupId: string, state: SubmissionRow["state"], submitted = false) =>
      ({
        groupId,
        state,
        submitted,
        submittedAt: submitted ? "2026-12-01T10:00:00+07:00" : null,
      }) as SubmissionRow;
    const rows = [
      row("department", "submitted", true),
      row("department", "draft"),
      row("commune", "locked", true),
      row("commune", "locked"),
      row("commune", "locked"),
    ];
    expect(groupProgress(framework, rows).map(({ group, ...counts }) => [group.id, counts])).toEqual([
      ["department", { units: 2, submitted: 1, draft: 1 }],
      ["commune", { units: 3, submitted: 1, draft: 2 }],
    ]);
    // The row's own `submitted` decides, not its state or submittedAt.
    const said = { ...row("commune", "locked"), submitted: true };
    expect(groupProgress(framework, [said]).map((g) => g.submitted)).toEqual([1]);
  });

  test("the moves' words: closing an open period is early, leaving publication reopens", () => {
    expect(transitionLabel("open", "appraisal")).toBe("Đóng sớm, chuyển sang thẩm định");
    expect(transitionLabel("published", "appraisal")).toBe("Mở lại để đính chính");
    expect(transitionLabel("explanation", "appraisal")).toBe("Chuyển sang thẩm định");
    expect(transitionLabel("appraisal", "published")).toBe("Công bố");
  });
});
