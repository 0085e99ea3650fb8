// @vitest-environment node
import { describe, expect, test } from "vitest";
import { explainChange, pillarLine } from "../../web/src/public/change.ts";
import type {
  Appearance,
  PublishedPeriod,
  Snapshot,
  SnapshotGroup,
  SnapshotUnit,
} from "../../web/src/public/data.ts";

// Across versions of the index set (DOMAIN.md §3 "Versions of an index set"): the unit page states what
// is compared, and a pillar's line follows the map.

const node = (code: string, points: number, maxPoints: number) => ({
  code,
  points,
  maxPoints,
  value: points / maxPoints,
  rank: 1,
});
const unit = (nodes: ReturnType<typeof node>[], extra: Partial<SnapshotUnit> = {}): SnapshotUnit => ({
  unitId: "a",
  code: "A",
  name: "Xã A",
  rank: 1,
  points: nodes.reduce((s, n) => s + n.points, 0),
  maxPoints: 100,
  index: 0.5,
  band: null,
  rankChange: null,
  flags: [],
  nodes,
  ...extra,
});
const comparability = {
  frameworkChanged: true,
  previousFrameworkId: "v1",
  mapped: { "1": ["2"], "2": ["3", "4"] },
  notComparable: { pillars: ["3"], leaves: ["3.1", "3.2"] },
  dropped: { pillars: ["1"], leaves: ["1.1"] },
};
const group = (units: SnapshotUnit[], extra: object = {}): SnapshotGroup => ({
  id: "commune",
  name: "Xã, phường",
  maxPoints: 100,
  nodes: [
    { code: "1", name: "Nhận thức số", maxPoints: 40 },
    { code: "2", name: "Hạ tầng số", maxPoints: 40 },
    { code: "3", name: "Nền tảng số", maxPoints: 20 },
  ],
  units,
  ...extra,
});
const period = (periodId: string): PublishedPeriod => ({ periodId, name: periodId }) as PublishedPeriod;

describe("a changed index set on the unit page", () => {
  test("the method note says what is compared and what is not", () => {
    const now = unit([node("1", 30, 40), node("2", 20, 40), node("3", 10, 20)], {
      rankChange: 1,
      change: { points: 5, index: 0.05, nodes: [{ code: "2", points: 4, value: 0.1 }], leaves: [] },
    });
    const g = group([now], { comparability });
    const snapshot = {
      period: { id: "2025", name: "Năm 2025", framework: { id: "v2" } },
      groups: [g],
    } as Snapshot;
    const words = explainChange({ unit: now, group: g, snapshot });
    expect(words.setChanged).toBe(true);
    expect(words.note).toBe(
      "Bộ chỉ số thay đổi giữa hai kỳ: so sánh chỉ số tổng và các trụ cột tương đương; chỉ tiêu mới, tách (2) và bỏ (1) không so sánh.",
    );
    expect(words.text).toBe("Lên 1 bậc so với kỳ trước: Hạ tầng số +4 điểm");
  });

  test("one index set: no note", () => {
    const now = unit([node("1", 30, 40)], { change: { points: 0, index: 0, nodes: [], leaves: [] } });
    const g = group([now]);
    const snapshot = {
      period: { id: "2025", name: "Năm 2025", framework: { id: "v2" } },
      groups: [g],
    } as Snapshot;
    expect(explainChange({ unit: now, group: g, snapshot }).note).toBeUndefined();
  });

  test("a renumbered pillar continues its line, a merged one sums its old ones, a new one starts", () => {
    const before = unit([node("1", 5, 10), node("2", 10, 40), node("3", 6, 20), node("4", 9, 10)]);
    const now = unit([node("1", 30, 40), node("2", 20, 40), node("3", 10, 20)]);
    const appearances: Appearance[] = [
      { period: period("2024"), group: group([before]), unit: before },
      { period: period("2025"), group: group([now], { comparability }), unit: now },
    ];
    expect(pillarLine(appearances, "1")).toEqual([0.25, 0.75]);
    // (6 + 9) / (20 + 10).
    expect(pillarLine(appearances, "2")).toEqual([0.5, 0.5]);
    expect(pillarLine(appearances, "3")).toEqual([null, 0.5]);
  });
});
