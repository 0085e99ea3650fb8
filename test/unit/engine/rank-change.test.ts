import { describe, expect, test } from "vitest";
import { PreviousRanks } from "../../../shared/engine/rank-change.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import type { SubmissionFacts } from "../../../shared/engine/score-unit.ts";
import type { RankingSnapshot } from "../../../shared/model/snapshot.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { communeGroup, leaf, pillar, testFramework } from "../../support/fixtures.ts";

// DOMAIN.md §5: a rank change is shown only when the unit submitted in both periods.

const framework = testFramework({
  id: "rank-change-test",
  name: "Xếp hạng",
  groups: [communeGroup([pillar("1", "Điểm", 100, [leaf("1.1", "A", 100)])])],
});

const commune = (id: string, predecessorIds?: string[]): Unit => ({
  id,
  code: id.toUpperCase(),
  name: `Xã ${id}`,
  kind: "commune",
  ...(predecessorIds ? { predecessorIds } : {}),
});

/** A previous snapshot of the commune group: [id, rank, index, submitted]. */
function previousSnapshot(
  units: [id: string, rank: number, index: number, submitted: boolean][],
): RankingSnapshot {
  return {
    period: {
      id: "2023",
      name: "Năm 2023",
      framework: { id: "rank-change-test", name: "Xếp hạng", decision: null },
    },
    version: 1,
    publishedAt: "2024-05-23T09:00:00+07:00",
    groups: [
      {
        id: "commune",
        name: "Xã",
        maxPoints: 100,
        nodes: [],
        units: units.map(([unitId, rank, index, submitted]) => ({
          unitId,
          code: unitId.toUpperCase(),
          name: unitId,
          rank,
          points: index * 100,
          maxPoints: 100,
          index,
          band: null,
          rankChange: null,
          flags: submitted ? [] : ["not-submitted"],
          nodes: [],
        })),
      },
    ],
  };
}

describe("rank change needs a submission in both periods", () => {
  const previous = previousSnapshot([
    ["a", 1, 0.9, true],
    ["b", 2, 0.5, true],
    ["z", 3, 0, false],
  ]);

  test("in a scored period: a non-submitter now, or then, gets null; one who submitted both times a change", () => {
    // Points now (null: did not submit): a 40, b 80, z 60, y (absent then) none.
    const now: [string, number | null][] = [
      ["a", 40],
      ["b", 80],
      ["z", 60],
      ["y", null],
    ];
    const submissions: Record<string, SubmissionFacts> = {};
    for (const [id, points] of now)
      submissions[id] =
        points === null
          ? { submitted: false, answers: {}, evidence: [] }
          : { submitted: true, answers: { "1.1": points }, evidence: [] };
    const period = scorePeriod({ framework, units: now.map(([id]) => commune(id)), submissions, previous });
    expect(period.groups[0]?.units.map((u) => [u.unit.id, u.rank, u.rankChange])).toStrictEqual([
      ["b", 1, 1], // submitted both times: 2 → 1
      ["z", 2, null], // did not submit then (was "▲1" before the rule)
      ["a", 3, -2], // submitted both times: 1 → 3
      ["y", 4, null], // not ranked then, and did not submit now
    ]);
  });

  test("a unit that did not submit now gets null even when it was ranked and submitted then", () => {
    const period = scorePeriod({
      framework,
      units: [commune("a"), commune("b")],
      submissions: { b: { submitted: true, answers: { "1.1": 10 }, evidence: [] } },
      previous,
    });
    const a = period.groups[0]?.units.find((u) => u.unit.id === "a");
    expect([a?.rank, a?.rankChange]).toStrictEqual([2, null]);
  });

  test("PreviousRanks: the current submission decides too", () => {
    const ranks = new PreviousRanks(previous);
    expect(ranks.rankChange("commune", commune("b"), 1, true)).toBe(1);
    expect(ranks.rankChange("commune", commune("b"), 1, false)).toBeNull();
    expect(ranks.rankChange("commune", commune("z"), 1, true)).toBeNull();
  });
});

describe("a merged unit counts only the predecessors that submitted", () => {
  const previous = new PreviousRanks(
    previousSnapshot([
      ["a", 1, 0.8, true],
      ["p1", 2, 0.6, true],
      ["b", 3, 0.55, true],
      ["c", 4, 0.5, true],
      ["d", 5, 0.3, true],
      ["p2", 6, 0, false],
      ["q1", 6, 0, false],
    ]),
  );

  test("the mean is over the predecessors that submitted; the others are still not among the compared units", () => {
    // mean(p1 0.6) = 0.6 (p2 did not submit): only a is higher → previous rank 2, now 3 → −1.
    expect(previous.rankChange("commune", commune("m", ["p1", "p2"]), 3, true)).toBe(-1);
  });

  test("no predecessor that submitted, or no submission now: null", () => {
    expect(previous.rankChange("commune", commune("m", ["p2", "q1"]), 1, true)).toBeNull();
    expect(previous.rankChange("commune", commune("m", ["p1", "p2"]), 1, false)).toBeNull();
  });
});
