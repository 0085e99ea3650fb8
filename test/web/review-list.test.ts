// @vitest-environment node
import { describe, expect, test } from "vitest";
import {
  appraisalState,
  nextUnit,
  periodProgress,
  queryString,
  type ReviewData,
  readQuery,
  visibleRows,
} from "../../web/src/app/review/list-model.ts";
import type { SubmissionRow } from "../../web/src/app/types.ts";

const row = (unitId: string, points: number, appraisal: SubmissionRow["appraisal"]): SubmissionRow => ({
  unitId,
  groupId: "department",
  state: "locked",
  submitted: appraisal !== null,
  version: 1,
  points,
  index: points / 100,
  submittedAt: appraisal ? "2026-11-01T00:00:00.000Z" : null,
  updatedAt: null,
  appraisal,
});

const data = {
  period: {},
  framework: { groups: [{ id: "department", name: "Sở" }] },
  units: new Map([
    ["a", { id: "a", code: "S01", name: "Sở Đà Vị" }],
    ["b", { id: "b", code: "S02", name: "Sở Dương Quang" }],
    ["c", { id: "c", code: "S03", name: "Sở An" }],
    ["d", { id: "d", code: "S04", name: "Sở Bắc" }],
  ]),
  rows: [
    row("a", 60, { done: 8, total: 8 }),
    row("b", 80, { done: 2, total: 8 }),
    row("c", 0, null),
    row("d", 40, { done: 0, total: 8 }),
  ],
} as unknown as ReviewData;

const order = (search: string) =>
  visibleRows(data, readQuery(new URLSearchParams(search))).map((r) => r.unitId);

describe("the reviewer's list as its URL query says", () => {
  test("filters by submitted and by appraisal state", () => {
    expect(order("?sub=yes").sort()).toEqual(["a", "b", "d"]);
    expect(order("?sub=no")).toEqual(["c"]);
    expect(order("?appr=partial")).toEqual(["b"]);
    expect(order("?appr=done")).toEqual(["a"]);
    expect(appraisalState(data.rows[2] as SubmissionRow)).toBeNull();
  });

  test("sorts by name in Vietnamese order, by points and by progress, either way", () => {
    // "Đà Vị" after "Dương Quang" (Intl.Collator("vi")).
    expect(order("?sort=name")).toEqual(["c", "d", "b", "a"]);
    expect(order("?sort=points&dir=desc")).toEqual(["b", "a", "d", "c"]);
    expect(order("?sort=progress")).toEqual(["c", "d", "b", "a"]);
    expect(order("")).toEqual(["b", "a", "d", "c"]); // group, then points, highest first
  });

  test("keeps the query for links, leaving defaults out", () => {
    expect(queryString(readQuery(new URLSearchParams("?sub=yes&sort=points&dir=desc&bogus=1")))).toBe(
      "?sub=yes&sort=points&dir=desc",
    );
    expect(queryString(readQuery(new URLSearchParams("?sort=nonsense")))).toBe("");
  });

  test("next unit: the next in order with leaves left, going round; none when all are done", () => {
    const rows = visibleRows(data, readQuery(new URLSearchParams("?sort=points&dir=desc")));
    expect(nextUnit(rows, "b")?.unitId).toBe("d");
    expect(nextUnit(rows, "d")?.unitId).toBe("b");
    expect(nextUnit(rows.slice(1, 2), "a")).toBeUndefined();
  });

  test("the period's progress over the units to appraise", () => {
    expect(periodProgress(data.rows)).toEqual({ done: 10, total: 24, units: 3, unitsDone: 1 });
  });
});
