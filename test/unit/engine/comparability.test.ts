import { describe, expect, test } from "vitest";
import {
  comparability,
  sideOfFramework,
  sideOfSnapshot,
  summaryOf,
} from "../../../shared/engine/comparability.ts";
import { type ScoringInput, scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import type { SnapshotUnit } from "../../../shared/model/snapshot.ts";
import { leafPointsOf } from "../../../shared/services/leaf-points.ts";
import { commune, communeGroup, leaf, pillar, submitted, testFramework } from "../../support/fixtures.ts";

// DOMAIN.md §3 "Versions of an index set": what compares across two versions, and `change` keyed by
// the new codes. Every expected number below is computed by hand.

const v1 = testFramework({
  id: "v1",
  groups: [
    communeGroup([
      pillar("1", "Nhận thức", 30, [leaf("1.1", "A", 10), leaf("1.2", "B", 10), leaf("1.3", "C", 10)]),
      pillar("2", "Chính quyền", 40, [leaf("2.1", "D", 10), leaf("2.2", "E", 10), leaf("2.3", "F", 20)]),
      pillar("3", "Kinh tế", 30, [leaf("3.1", "G", 30)]),
    ]),
  ],
});

const map = [
  { group: "commune", code: "1", from: ["1"], relation: "renamed" },
  { group: "commune", code: "1.2", from: ["1.2", "1.3"], relation: "merged" },
  { group: "commune", code: "2", from: ["2", "3"], relation: "merged" },
  { group: "commune", code: "2.2", from: ["2.2"], relation: "renamed" },
  { group: "commune", code: "2.4", from: ["2.3"], relation: "split" },
  { group: "commune", code: "2.5", from: ["2.3"], relation: "split" },
  { group: "commune", code: "2.6", from: ["3.1"], relation: "same" },
];
const v2 = testFramework({
  id: "v2",
  predecessor: { frameworkId: "v1", map },
  groups: [
    communeGroup([
      pillar("1", "Nhận thức số", 30, [leaf("1.1", "A", 10), leaf("1.2", "B và C", 20)]),
      // 70 points of children capped at 60: the old pillars' 70 points are put on a scale of 60.
      pillar("2", "Chính quyền và kinh tế", 60, [
        leaf("2.1", "D", 10),
        leaf("2.2", "E mới", 10),
        leaf("2.4", "F1", 10),
        leaf("2.5", "F2", 10),
        leaf("2.6", "G", 30),
      ]),
      pillar("3", "Nền tảng số", 20, [leaf("3.9", "H", 20)]),
    ]),
  ],
});

describe("comparability of two versions", () => {
  const c = comparability(v2, sideOfFramework(v1));
  const group = c.groups.get("commune");

  test("each relation: same, renamed, merged compare; split and new do not; implicit same by code", () => {
    expect(c.frameworkChanged).toBe(true);
    expect(Object.fromEntries(group?.links.pillar ?? [])).toEqual({
      "1": { relation: "renamed", from: ["1"] },
      "2": { relation: "merged", from: ["2", "3"] },
      // Old pillar 3 went into the merged 2: the new 3 does not inherit it by its code.
      "3": { relation: "new", from: [] },
    });
    expect(Object.fromEntries(group?.links.leaf ?? [])).toEqual({
      "1.1": { relation: "same", from: ["1.1"] },
      "1.2": { relation: "merged", from: ["1.2", "1.3"] },
      "2.1": { relation: "same", from: ["2.1"] },
      "2.2": { relation: "renamed", from: ["2.2"] },
      "2.4": { relation: "split", from: ["2.3"] },
      "2.5": { relation: "split", from: ["2.3"] },
      "2.6": { relation: "same", from: ["3.1"] },
      "3.9": { relation: "new", from: [] },
    });
    expect(summaryOf(c, "commune")).toEqual({
      frameworkChanged: true,
      previousFrameworkId: "v1",
      mapped: { "2": ["2", "3"] },
      notComparable: { pillars: ["3"], leaves: ["2.4", "2.5", "3.9"] },
      dropped: { pillars: [], leaves: [] },
    });
  });

  test("a dropped line, and an old code left out of the map, are dropped; the same framework compares whole", () => {
    const v3 = testFramework({
      id: "v3",
      predecessor: { frameworkId: "v1", map: [{ group: "commune", from: ["3.1"], relation: "dropped" }] },
      groups: [communeGroup([pillar("1", "A", 30, [leaf("1.1", "A", 10), leaf("3.1", "X", 20)])])],
    });
    expect(summaryOf(comparability(v3, sideOfFramework(v1)), "commune")).toEqual({
      frameworkChanged: true,
      previousFrameworkId: "v1",
      mapped: {},
      // 3.1 named dropped: the new 3.1 is another indicator, not the old one under its code.
      notComparable: { pillars: [], leaves: ["3.1"] },
      dropped: { pillars: ["2", "3"], leaves: ["1.2", "1.3", "2.1", "2.2", "2.3", "3.1"] },
    });
    const same = comparability(v1, sideOfFramework(v1));
    expect(same.frameworkChanged).toBe(false);
    expect(summaryOf(same, "commune")).toBeUndefined();
  });

  test("compared with another ancestor than its predecessor: nothing but the index", () => {
    const other = { ...v1, id: "v0" };
    const summary = summaryOf(comparability(v2, sideOfFramework(other)), "commune");
    expect(summary?.notComparable.pillars).toEqual(["1", "2", "3"]);
    expect(summary?.mapped).toEqual({});
  });
});

describe("change across versions, keyed by the new codes", () => {
  const before: ScoringInput = {
    framework: v1,
    units: [commune("a"), commune("b")],
    submissions: {
      a: submitted({ "1.1": 5, "1.2": 4, "1.3": 6, "2.1": 10, "2.2": 2, "2.3": 10, "3.1": 15 }),
      b: submitted({ "1.1": 1 }),
    },
  };
  const beforeScore = scorePeriod(before);
  const previous = toSnapshot(beforeScore, { period: { id: "2024", name: "Năm 2024" }, publishedAt: null });
  const previousLeaves = leafPointsOf(beforeScore, { periodId: "2024", version: 1 });
  const now: ScoringInput = {
    framework: v2,
    units: [commune("a"), commune("b")],
    submissions: {
      a: submitted({ "1.1": 7, "1.2": 18, "2.1": 5, "2.2": 6, "2.4": 5, "2.5": 5, "2.6": 20, "3.9": 10 }),
      b: submitted({ "1.1": 1 }),
    },
    previous,
  };
  const snapshot = toSnapshot(scorePeriod(now), { period: { id: "2025", name: "Năm 2025" }, previousLeaves });
  const a = snapshot.groups[0]?.units.find((u) => u.unitId === "a") as SnapshotUnit;

  test("index as it is, points on the new scale, pillars by value, merged leaves against their sum", () => {
    // Before: pillars 15, 22, 15; 52 of 100. Now: 25 of 30, 41 of 60, 10 of 20; 76 of 110 = 0.6909.
    expect(a).toMatchObject({ points: 76, index: 0.6909 });
    expect(a.change).toEqual({
      // 76 − 52 × 110/100; 0.6909 − 0.52.
      points: 18.8,
      index: 0.1709,
      nodes: [
        // 25 − 15; 0.8333 − 0.5.
        { code: "1", points: 10, value: 0.3333 },
        // Merged 2+3: 41 − 37 × 60/70 = 9.2857; 0.6833 − 37/70 (0.528571) = 0.1547.
        { code: "2", points: 9.29, value: 0.1547 },
      ],
      // 1.2: 18 − (4 + 6); 2.6: 20 − 15 (old 3.1); 2.2: 6 − 2; 2.1: 5 − 10. Split 2.4, 2.5 and new 3.9 never.
      leaves: [
        { code: "1.2", points: 8 },
        { code: "2.6", points: 5 },
        { code: "2.2", points: 4 },
        { code: "2.1", points: -5 },
      ],
    });
    expect(snapshot.previous).toStrictEqual({ periodId: "2024", version: 1 });
    expect(snapshot.groups[0]?.comparability).toMatchObject({
      frameworkChanged: true,
      previousFrameworkId: v1.id,
      mapped: { "2": ["2", "3"] },
      notComparable: { pillars: ["3"], leaves: ["2.4", "2.5", "3.9"] },
    });
  });

  test("the snapshot side knows what the framework side knows of pillars and leaves", () => {
    const fromSnapshot = comparability(v2, sideOfSnapshot(previous, previousLeaves)).groups.get("commune");
    const fromFramework = comparability(v2, sideOfFramework(v1)).groups.get("commune");
    expect(fromSnapshot?.links.pillar).toEqual(fromFramework?.links.pillar);
    expect(fromSnapshot?.links.leaf).toEqual(fromFramework?.links.leaf);
  });

  test("one index set: no comparability in the snapshot, change as before", () => {
    const same = toSnapshot(scorePeriod({ ...before, previous }), {
      period: { id: "2025", name: "Năm 2025" },
    });
    expect(same.groups[0]?.comparability).toBeUndefined();
    expect(same.groups[0]?.units.find((u) => u.unitId === "a")?.change?.points).toBe(0);
  });
});
