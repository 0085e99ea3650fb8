import { describe, expect, test } from "vitest";
import { boundariesChanged, comparePrevious } from "../../../shared/engine/rank-change.ts";
import { type ScoringInput, scorePeriod } from "../../../shared/engine/score-period.ts";
import type { SubmissionFacts } from "../../../shared/engine/score-unit.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { rankingSnapshotSchema, type SnapshotUnit } from "../../../shared/model/snapshot.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { leafPointsOf } from "../../../shared/services/leaf-points.ts";
import { commune, communeGroup, leaf, pillar, submitted, testFramework } from "../../support/fixtures.ts";

// DOMAIN.md §5 "Rank change across a reform": the previous snapshot restated on this period's units.

const framework = testFramework({
  groups: [
    communeGroup([
      pillar("1", "Hạ tầng", 60, [leaf("1.1", "A", 30), leaf("1.2", "B", 30)]),
      pillar("2", "Kinh tế", 40, [leaf("2.1", "C", 40)]),
    ]),
  ],
});
const NOT_SUBMITTED: SubmissionFacts = { submitted: false, answers: {}, evidence: [] };
const merged = (id: string, predecessorIds: string[]): Unit => ({ ...commune(id), predecessorIds });

/** 2022, as published: a 90 (1st), p1 60 (2nd), b 50 (3rd), p2 30 (4th), q did not submit (5th). */
function earlier(q: SubmissionFacts = NOT_SUBMITTED): ScoringInput {
  return {
    framework,
    units: ["a", "b", "p1", "p2", "q"].map((id) => commune(id)),
    submissions: {
      a: submitted({ "1.1": 30, "1.2": 30, "2.1": 30 }),
      b: submitted({ "1.1": 20, "1.2": 10, "2.1": 20 }),
      p1: submitted({ "1.1": 30, "1.2": 10, "2.1": 20 }),
      p2: submitted({ "1.1": 10, "1.2": 10, "2.1": 10 }),
      q,
    },
  };
}
const published = (q?: SubmissionFacts) => {
  const score = scorePeriod(earlier(q));
  const snapshot = toSnapshot(score, { period: { id: "2022", name: "Năm 2022" }, publishedAt: null });
  return { snapshot, leaves: leafPointsOf(score, { periodId: "2022", version: 1 }) };
};

/** 2026 on the new units: m formed from p1 and p2; q's successor n from q alone. */
function later(units: Unit[], submissions: Record<string, SubmissionFacts>, q?: SubmissionFacts) {
  const { snapshot, leaves } = published(q);
  const compared = comparePrevious(units, snapshot, leaves);
  const snap = toSnapshot(scorePeriod({ framework, units, submissions, previous: compared.previous }), {
    period: { id: "2026", name: "Năm 2026" },
    ...(compared.previousLeaves ? { previousLeaves: compared.previousLeaves } : {}),
  });
  const unit = (id: string) => snap.groups[0]?.units.find((u) => u.unitId === id) as SnapshotUnit;
  return { compared, snap, unit };
}

const now = {
  a: submitted({ "1.1": 20, "1.2": 20, "2.1": 10 }), // 50
  b: submitted({ "1.1": 30, "1.2": 30, "2.1": 30 }), // 90
  m: submitted({ "1.1": 30, "1.2": 20, "2.1": 20 }), // 70
};

describe("rank change across a reform", () => {
  const units = [commune("a"), commune("b"), merged("m", ["p1", "p2"])];

  test("a unit that did not merge compares with its rank among the restated units", () => {
    // Restated: a 0.9 (1st), b 0.5 (2nd), m = mean(0.6, 0.3) = 0.45 (3rd). Now b 0.9 is 1st: 2 → 1
    // (+1; among the old units it was 3rd, which would have said +2); a 1 → 3.
    const { compared, unit } = later(units, now);
    expect(compared.previous?.restatedFrom).toStrictEqual({ periodId: "2022", version: 1, rule: "mean" });
    expect(compared.previous?.groups[0]?.units.map((u) => [u.unitId, u.rank, u.index])).toStrictEqual([
      ["a", 1, 0.9],
      ["b", 2, 0.5],
      ["m", 3, 0.45],
    ]);
    expect([unit("b").rank, unit("b").rankChange, unit("b").change?.index]).toStrictEqual([1, 1, 0.4]);
    expect([unit("a").rank, unit("a").rankChange, unit("a").change?.index]).toStrictEqual([3, -2, -0.4]);
  });

  test("a merged unit compares with its restated figures: mean of its predecessors, its restated rank", () => {
    const { unit } = later(units, now);
    // m 0.7, 2nd now; restated 0.45, 3rd: +1, index +0.25, points 70 − mean(60, 30) = +25.
    expect(unit("m")).toMatchObject({ rank: 2, rankChange: 1, change: { points: 25, index: 0.25 } });
    // Pillar 1: 50/60 = 0.8333 − mean(0.6667, 0.3333) = 0.5 → +0.3333; leaves from the mean of the rows:
    // 1.1 30 − mean(30, 10) = +10, 1.2 20 − 10 = +10, 2.1 20 − 15 = +5.
    expect(unit("m").change?.nodes).toStrictEqual([
      { code: "1", points: 20, value: 0.3333 },
      { code: "2", points: 5, value: 0.125 },
    ]);
    expect(unit("m").change?.leaves).toStrictEqual([
      { code: "1.1", points: 10 },
      { code: "1.2", points: 10 },
      { code: "2.1", points: 5 },
    ]);
  });

  test("the snapshot says it compared with the restated version, and reads back with it", () => {
    const { snap } = later(units, now);
    expect(snap.previous).toStrictEqual({ periodId: "2022", version: 1, restated: true });
    const { compared } = later(units, now);
    // The score CLI reads the export's `previous` through the schema: the marker survives.
    const read = rankingSnapshotSchema.parse(JSON.parse(JSON.stringify(compared.previous)));
    expect(read.restatedFrom).toStrictEqual({ periodId: "2022", version: 1, rule: "mean" });
  });

  test("a non-submitter: now, or among a merged unit's predecessors then, gives null", () => {
    // n formed from q (did not submit in 2022), m2 from p2 and q: both restated as not-submitted.
    const reform = [commune("a"), merged("n", ["q"]), merged("m2", ["p2", "p1"]), commune("b")];
    const { unit } = later(reform, {
      a: NOT_SUBMITTED,
      n: submitted({ "1.1": 30 }),
      m2: submitted({ "1.1": 10 }),
      b: submitted({ "1.1": 10 }),
    });
    expect([unit("a").rankChange, unit("a").change]).toStrictEqual([null, null]); // did not submit now
    expect([unit("n").rankChange, unit("n").change]).toStrictEqual([null, null]); // its 0 is no result
    expect(unit("m2").rankChange).not.toBeNull(); // both predecessors submitted
    const withQ = later([merged("m3", ["p1", "q"]), commune("b")], {
      m3: submitted({ "1.1": 30 }),
      b: submitted({ "1.1": 10 }),
    });
    // The restated figure would count q's 0: no figure to move from, as for any non-submitter.
    expect(withQ.compared.previous?.groups[0]?.units.find((u) => u.unitId === "m3")?.flags).toContain(
      "not-submitted",
    );
    expect([withQ.unit("m3").rankChange, withQ.unit("m3").change]).toStrictEqual([null, null]);
  });

  test("the same units: the snapshot as published, nothing restated", () => {
    const { snapshot, leaves } = published();
    const same = ["a", "b", "p1", "p2", "q"].map((id) => commune(id));
    expect(boundariesChanged(snapshot, same)).toBe(false);
    const compared = comparePrevious(same, snapshot, leaves);
    expect(compared).toStrictEqual({ previous: snapshot, previousLeaves: leaves });
    expect(compared.previous?.restatedFrom).toBeUndefined();
    // A unit of the snapshot missing from the period is a change of boundaries too.
    expect(boundariesChanged(snapshot, same.slice(1))).toBe(true);
  });

  test("a mapping the restatement refuses: compared as published, by the per-unit rule", () => {
    const { snapshot } = published();
    // p1 claimed by two units: restate refuses, nothing is restated.
    const refused = comparePrevious([merged("m", ["p1", "p2"]), merged("k", ["p1"])], snapshot);
    expect(refused.previous?.restatedFrom).toBeUndefined();
    expect(refused.previous).toBe(snapshot);
  });
});
