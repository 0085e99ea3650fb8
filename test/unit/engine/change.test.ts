import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { changeOf, type Figures } from "../../../shared/engine/change.ts";
import { roundIndex, roundPoints } from "../../../shared/engine/rounding.ts";
import { type ScoringInput, scorePeriod } from "../../../shared/engine/score-period.ts";
import type { SubmissionFacts } from "../../../shared/engine/score-unit.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import type { LeafPoints, RankingSnapshot, SnapshotUnit } from "../../../shared/model/snapshot.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { leafPointsOf } from "../../../shared/services/leaf-points.ts";
import { commune, communeGroup, leaf, pillar, submitted, testFramework } from "../../support/fixtures.ts";

// DOMAIN.md §5 "Change": this period's published figures minus the previous one's, non-null exactly
// when the rank change is. Every expected number below is computed by hand.

const framework = testFramework({
  groups: [
    communeGroup([
      pillar("1", "Hạ tầng", 30, [leaf("1.1", "A", 10), leaf("1.2", "B", 10), leaf("1.3", "C", 10)]),
      pillar("2", "Chính quyền", 40, [
        leaf("2.1", "D", 10),
        leaf("2.2", "E", 10),
        leaf("2.3", "F", 10),
        leaf("2.4", "G", 10),
      ]),
      pillar("3", "Kinh tế", 30, [leaf("3.1", "H", 30)]),
    ]),
  ],
});

const NOT_SUBMITTED: SubmissionFacts = { submitted: false, answers: {}, evidence: [] };
const merged: Unit = { ...commune("m"), predecessorIds: ["p1", "p2", "q"] };

/** The earlier period, as published: a 52 points (1st), p1 40, p2 19, c 5, b 1 (5th); d and q did not submit. */
const before: ScoringInput = {
  framework,
  units: ["a", "b", "c", "d", "p1", "p2", "q"].map((id) => commune(id)),
  submissions: {
    a: submitted({ "1.1": 2, "1.2": 3, "1.3": 1, "2.1": 4, "2.2": 8, "2.3": 9, "2.4": 5, "3.1": 20 }),
    b: submitted({ "1.1": 1 }),
    c: submitted({ "1.1": 5 }),
    d: NOT_SUBMITTED,
    p1: submitted({ "1.1": 10, "3.1": 30 }),
    p2: submitted({ "1.1": 4, "3.1": 15 }),
    q: NOT_SUBMITTED,
  },
};
const beforeScore = scorePeriod(before);
const previous = toSnapshot(beforeScore, { period: { id: "2021-h2", name: "Kỳ trước" }, publishedAt: null });
const previousLeaves = leafPointsOf(beforeScore, { periodId: "2021-h2", version: 1 });

/** This period: a falls to 51, b rises to 60, c does not submit, d submits, m (merged) 33. */
const now: ScoringInput = {
  framework,
  units: [commune("a"), commune("b"), commune("c"), commune("d"), merged],
  submissions: {
    a: submitted({ "1.1": 7, "1.2": 5, "1.3": 6, "2.1": 5, "2.2": 5, "2.3": 6, "2.4": 4, "3.1": 13 }),
    b: submitted({ "1.1": 10, "1.2": 10, "1.3": 10, "3.1": 30 }),
    c: NOT_SUBMITTED,
    d: submitted({ "2.1": 10 }),
    m: submitted({ "1.1": 8, "3.1": 25 }),
  },
  previous,
};

/** The snapshot of `input` (null: the previous version kept no leaf points); its units by id. */
function published(input: ScoringInput, leaves: LeafPoints | null = previousLeaves) {
  const snapshot = toSnapshot(scorePeriod(input), {
    period: { id: "2022-h1", name: "Kỳ này" },
    ...(leaves ? { previousLeaves: leaves } : {}),
  });
  return (id: string) => snapshot.groups[0]?.units.find((u) => u.unitId === id) as SnapshotUnit;
}

describe("change against the previous published period", () => {
  const unit = published(now);

  test("a unit that fell: its figures minus its own previous ones, the indicators that moved most", () => {
    // Pillar 3: 13/30 = 0.4333 − 20/30 = 0.6667 → −0.2334 from the rounded figures (−0.2333 unrounded).
    expect(unit("a")).toMatchObject({ points: 51, rankChange: -1 });
    expect(unit("a").change).toEqual({
      points: -1,
      index: -0.01,
      nodes: [
        { code: "1", points: 12, value: 0.4 },
        { code: "2", points: -6, value: -0.15 },
        { code: "3", points: -7, value: -0.2334 },
      ],
      // Rises 1.1 +5, 1.3 +5 (a tie: framework order), 1.2 +2 (2.1 +1 is the fourth: left out);
      // falls 3.1 −7, then 2.2 −3 and 2.3 −3 (a tie), 2.4 −1 left out.
      leaves: [
        { code: "1.1", points: 5 },
        { code: "1.3", points: 5 },
        { code: "1.2", points: 2 },
        { code: "3.1", points: -7 },
        { code: "2.2", points: -3 },
        { code: "2.3", points: -3 },
      ],
    });
  });

  test("a unit that rose: only rises listed, largest first", () => {
    expect(unit("b")).toMatchObject({ points: 60, rank: 1, rankChange: 4 });
    expect(unit("b").change).toEqual({
      points: 59,
      index: 0.59,
      nodes: [
        { code: "1", points: 29, value: 0.9667 },
        { code: "2", points: 0, value: 0 },
        { code: "3", points: 30, value: 1 },
      ],
      leaves: [
        { code: "3.1", points: 30 },
        { code: "1.2", points: 10 },
        { code: "1.3", points: 10 },
      ],
    });
  });

  test("null for a non-submitter now, and for one that had not submitted before (like the rank change)", () => {
    expect(unit("c")).toMatchObject({ rankChange: null, change: null });
    expect(unit("d")).toMatchObject({ rankChange: null, change: null });
  });

  test("a merged unit: the mean of its predecessors that had submitted (q did not)", () => {
    // Previous: mean of p1 (40; pillars 10, 0, 30) and p2 (19; 4, 0, 15) → 29.5, index 0.295.
    // Pillar 1 value: 0.2667 − mean(0.3333, 0.1333) = 0.0334; pillar 3: 0.8333 − mean(1, 0.5) = 0.0833.
    expect(unit("m").rankChange).not.toBeNull();
    expect(unit("m").change).toEqual({
      points: 3.5,
      index: 0.035,
      nodes: [
        { code: "1", points: 1, value: 0.0334 },
        { code: "2", points: 0, value: 0 },
        { code: "3", points: 2.5, value: 0.0833 },
      ],
      leaves: [
        { code: "3.1", points: 2.5 },
        { code: "1.1", points: 1 },
      ],
    });
    // With no predecessor that had submitted, neither is given.
    const alone = published({
      ...now,
      units: [{ ...commune("m"), predecessorIds: ["q", "d"] }],
    });
    expect(alone("m")).toMatchObject({ rankChange: null, change: null });
  });

  test("no leaf points file for the previous version (published before they were kept): leaves []", () => {
    const change = published(now, null)("a").change;
    expect(change).toMatchObject({ points: -1, index: -0.01, leaves: [] });
    expect(change?.nodes).toHaveLength(3);
  });

  test("a pillar code only on one side is left out", () => {
    const without3: RankingSnapshot = {
      ...previous,
      groups: previous.groups.map((g) => ({ ...g, nodes: g.nodes.filter((n) => n.code !== "3") })),
    };
    const change = published({ ...now, previous: without3 })("a").change;
    expect(change?.nodes.map((n) => n.code)).toEqual(["1", "2"]);
    // The totals still compare: the index set changed, and the page says so from the frameworks.
    expect(change?.points).toBe(-1);
  });

  test("an indicator absent from the previous version's leaf points is not listed", () => {
    const withoutLeaf31: LeafPoints = {
      ...previousLeaves,
      groups: previousLeaves.groups.map((g) => ({
        ...g,
        codes: g.codes.filter((c) => c !== "3.1"),
        units: Object.fromEntries(Object.entries(g.units).map(([id, row]) => [id, row.slice(0, 7)])),
      })),
    };
    const leaves = published(now, withoutLeaf31)("a").change?.leaves;
    expect(leaves?.map((l) => l.code)).toEqual(["1.1", "1.3", "1.2", "2.2", "2.3", "2.4"]);
  });
});

describe("changeOf, the arithmetic", () => {
  const figures = (points: number, index: number, nodes: Figures["nodes"] = []): Figures => ({
    points,
    index,
    nodes,
  });
  const codes = new Set(["1", "2"]);

  test("rounds a .xx5 difference half away from zero, up and down (a mean of two predecessors)", () => {
    const twins = [figures(10.01, 0.1001), figures(10.02, 0.1002)];
    expect(changeOf(figures(10.03, 0.1003), twins, codes)).toMatchObject({ points: 0.02, index: 0.0002 });
    expect(changeOf(figures(10, 0.1), twins, codes)).toMatchObject({ points: -0.02, index: -0.0002 });
  });

  test("a node's value is null when either side's is null; its points still compare", () => {
    const current = figures(5, 0.5, [
      { code: "1", points: 0, value: null },
      { code: "2", points: 5, value: 0.5 },
    ]);
    const earlier = figures(4, 0.4, [
      { code: "1", points: 0, value: 0 },
      { code: "2", points: 4, value: null },
    ]);
    expect(changeOf(current, [earlier], codes).nodes).toEqual([
      { code: "1", points: 0, value: null },
      { code: "2", points: 1, value: null },
    ]);
  });

  test("no leaf figures: leaves []; equal leaves are not listed", () => {
    expect(changeOf(figures(1, 0.1), [figures(1, 0.1)], codes).leaves).toEqual([]);
    expect(
      changeOf(figures(1, 0.1), [figures(1, 0.1)], codes, [{ code: "1.1", points: 2, previous: [2] }]).leaves,
    ).toEqual([]);
  });
});

describe("property: an own unit's change is the difference of the two published tables", () => {
  const small = testFramework({
    groups: [
      communeGroup([
        pillar("1", "Hạ tầng", 30, [leaf("1.1", "A", 10), leaf("1.2", "B", 20)]),
        pillar("2", "Chính quyền", 40, [leaf("2.1", "C", 40)]),
      ]),
    ],
  });
  const ids = ["u1", "u2", "u3", "u4"];
  const quarter = (max: number) => fc.integer({ min: 0, max: max * 4 }).map((n) => n / 4);
  const answersArb = fc.option(fc.record({ "1.1": quarter(10), "1.2": quarter(20), "2.1": quarter(40) }), {
    freq: 5,
  });
  const periodArb = fc.tuple(...ids.map(() => answersArb));
  const scored = (answers: (Record<string, number> | null)[], previousSnapshot?: RankingSnapshot) => {
    const input: ScoringInput = {
      framework: small,
      units: ids.map((id) => commune(id)),
      submissions: Object.fromEntries(
        ids.map((id, i) => [
          id,
          answers[i] ? submitted(answers[i] as Record<string, number>) : NOT_SUBMITTED,
        ]),
      ),
      ...(previousSnapshot ? { previous: previousSnapshot } : {}),
    };
    const score = scorePeriod(input);
    return { score, snapshot: toSnapshot(score, { period: { id: "p", name: "Kỳ" } }) };
  };

  test("change.points = round2(points − previous points), index and pillars likewise; null iff rankChange is", () => {
    fc.assert(
      fc.property(periodArb, periodArb, (first, second) => {
        const earlier = scored(first).snapshot;
        const later = scored(second, earlier).snapshot;
        const then = new Map(earlier.groups[0]?.units.map((u) => [u.unitId, u]));
        for (const u of later.groups[0]?.units ?? []) {
          expect(u.change === null).toBe(u.rankChange === null);
          const p = then.get(u.unitId) as SnapshotUnit;
          if (!u.change) continue;
          expect(u.change.points).toBe(roundPoints(u.points - p.points));
          expect(u.change.index).toBe(roundIndex(u.index - p.index));
          u.change.nodes.forEach((n, j) => {
            expect(n.points).toBe(roundPoints((u.nodes[j]?.points ?? 0) - (p.nodes[j]?.points ?? 0)));
          });
        }
      }),
      { numRuns: 60 },
    );
  });
});
