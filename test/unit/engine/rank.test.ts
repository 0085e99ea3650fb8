import { describe, expect, test } from "vitest";
import {
  bandOf,
  compareRankables,
  competitionRanks,
  type Rankable,
  ranksOf,
} from "../../../shared/engine/rank.ts";
import { PreviousRanks } from "../../../shared/engine/rank-change.ts";
import { type PeriodScore, scorePeriod } from "../../../shared/engine/score-period.ts";
import type { SubmissionFacts } from "../../../shared/engine/score-unit.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import type { Band, Framework } from "../../../shared/model/framework.ts";
import type { RankingSnapshot } from "../../../shared/model/snapshot.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { communeGroup, leaf, pillar, pillarOfOne, submitted, testFramework } from "../../support/fixtures.ts";

/** One group of communes; node "1" (max 100) is a single points leaf, so the index is points / 100. */
function pointsFramework(options: Record<string, unknown> = {}, bands?: Band[]): Framework {
  const nodes = [pillar("1", "Điểm", 100, [leaf("1.1", "A", 50), leaf("1.2", "B", 50)])];
  return testFramework({
    id: "rank-test",
    name: "Xếp hạng",
    ...options,
    groups: [communeGroup(nodes, bands ? { bands } : {})],
  });
}

let codes = 0;
const commune = (id: string, name: string, extra: Partial<Unit> = {}): Unit => ({
  id,
  code: `X${String(++codes).padStart(2, "0")}`,
  name,
  kind: "commune",
  ...extra,
});

/** Units with their points (split over the two leaves to stay within 50 each). */
function scoreByPoints(
  entries: [Unit, number][],
  framework = pointsFramework(),
  previous?: RankingSnapshot,
): PeriodScore {
  const submissions: Record<string, SubmissionFacts> = {};
  for (const [unit, points] of entries) {
    const first = Math.min(50, points);
    submissions[unit.id] = {
      submitted: true,
      answers: { "1.1": first, "1.2": points - first },
      evidence: [],
    };
  }
  return scorePeriod({
    framework,
    units: entries.map(([u]) => u),
    submissions,
    ...(previous ? { previous } : {}),
  });
}

const listed = (period: PeriodScore) => period.groups[0]?.units.map((u) => [u.unit.name, u.rank]);

describe("competitionRanks", () => {
  test("equal keys share a rank and the next rank is skipped: 1, 2, 2, 4", () => {
    expect(competitionRanks([0.9, 0.8, 0.8, 0.7])).toStrictEqual([1, 2, 2, 4]);
    expect(competitionRanks([0.5, 0.5, 0.4, 0.4, 0.4, 0.3])).toStrictEqual([1, 1, 3, 3, 3, 6]);
    expect(competitionRanks([0.2, 0.2, 0.2])).toStrictEqual([1, 1, 1]);
    expect(competitionRanks([])).toStrictEqual([]);
  });
});

describe("ranksOf", () => {
  test("rank = 1 + how many are higher, without reordering; null stays unranked", () => {
    expect(ranksOf([0.7, null, 0.9, 0.7, 0.1])).toStrictEqual([2, null, 1, 2, 4]);
    expect(ranksOf([null, null])).toStrictEqual([null, null]);
  });
});

describe("compareRankables", () => {
  const item = (name: string, key = 0.5, code = "X", id = "x"): Rankable => ({ key, name, code, id });
  const sortNames = (items: Rankable[]) => [...items].sort(compareRankables).map((i) => i.name);

  test("a higher key first, whatever the name", () => {
    expect(sortNames([item("Xã An Khang", 0.4), item("Xã Yên Lập", 0.6)])).toStrictEqual([
      "Xã Yên Lập",
      "Xã An Khang",
    ]);
  });

  test("equal keys by Vietnamese name: Â after A, Đ after every D", () => {
    const names = ["Xã Đà Vị", "Xã Bình Yên", "Xã Ân Tình", "Xã Dương Quang", "Xã An Tường"];
    // Code-point order would put Ân after Bình; a root collation would put Ân Tình before An Tường
    // and Đà Vị before Dương Quang.
    expect(sortNames(names.map((n) => item(n)))).toStrictEqual([
      "Xã An Tường",
      "Xã Ân Tình",
      "Xã Bình Yên",
      "Xã Dương Quang",
      "Xã Đà Vị",
    ]);
    expect(sortNames([item("Xã Bình"), item("Xã Ân")])).toStrictEqual(["Xã Ân", "Xã Bình"]);
    expect(sortNames([item("Xã Đa"), item("Xã Dz")])).toStrictEqual(["Xã Dz", "Xã Đa"]);
  });

  test("equal names by code, then by id", () => {
    const sorted = [
      item("Xã Tân An", 0.5, "B", "a"),
      item("Xã Tân An", 0.5, "A", "z"),
      item("Xã Tân An", 0.5, "A", "m"),
    ].sort(compareRankables);
    expect(sorted.map((i) => `${i.code}/${i.id}`)).toStrictEqual(["A/m", "A/z", "B/a"]);
  });
});

describe("bandOf", () => {
  const egdi: Band[] = [
    { minIndex: 0.75, label: "Rất cao" },
    { minIndex: 0.5, label: "Cao" },
    { minIndex: 0.25, label: "Trung bình" },
    { minIndex: 0, label: "Thấp" },
  ];
  test("the highest band whose minIndex the index reaches; exactly at a boundary takes that band", () => {
    expect(bandOf(1, egdi)).toBe("Rất cao");
    expect(bandOf(0.75, egdi)).toBe("Rất cao");
    expect(bandOf(0.7499, egdi)).toBe("Cao");
    expect(bandOf(0.5, egdi)).toBe("Cao");
    expect(bandOf(0.25, egdi)).toBe("Trung bình");
    expect(bandOf(0.2499, egdi)).toBe("Thấp");
    expect(bandOf(0, egdi)).toBe("Thấp");
  });

  test("below every band, or without bands: null", () => {
    expect(bandOf(0.2499, egdi.slice(0, 3))).toBeNull();
    expect(bandOf(0, egdi.slice(0, 3))).toBeNull();
    expect(bandOf(0.9, [])).toBeNull();
  });
});

describe("ranking a group", () => {
  test("competition ranks 1, 2, 2, 4", () => {
    const period = scoreByPoints([
      [commune("d", "Xã Dũng Tiến"), 70],
      [commune("a", "Xã An Khang"), 90],
      [commune("c", "Xã Cấp Tiến"), 80],
      [commune("b", "Xã Bình Yên"), 80],
    ]);
    expect(listed(period)).toStrictEqual([
      ["Xã An Khang", 1],
      ["Xã Bình Yên", 2],
      ["Xã Cấp Tiến", 2],
      ["Xã Dũng Tiến", 4],
    ]);
  });

  // Indexes (points / 100): four at 0.5333 after rounding, different further down; 0.53335 rounds up.
  const tied: [Unit, number][] = [
    [commune("da-vi", "Xã Đà Vị"), 53.334],
    [commune("duong-quang", "Xã Dương Quang"), 53.326],
    [commune("yen-lap", "Xã Yên Lập"), 10],
    [commune("binh-yen", "Xã Bình Yên"), 53.33],
    [commune("an-tinh", "Xã Ân Tình"), 53.3349],
    [commune("cap-tien", "Xã Cấp Tiến"), 53.335],
    [commune("an-khang", "Xã An Khang"), 90],
  ];

  test("indexes equal at 4 decimals share a rank, listed by Vietnamese name", () => {
    const period = scoreByPoints(tied);
    expect(listed(period)).toStrictEqual([
      ["Xã An Khang", 1],
      ["Xã Cấp Tiến", 2],
      ["Xã Ân Tình", 3],
      ["Xã Bình Yên", 3],
      ["Xã Dương Quang", 3],
      ["Xã Đà Vị", 3],
      ["Xã Yên Lập", 7],
    ]);
    // Full precision is kept inside; the snapshot shows 4 decimals.
    const units = period.groups[0]?.units ?? [];
    expect(units.find((u) => u.unit.id === "da-vi")?.index).toBeCloseTo(0.53334, 12);
    expect(
      toSnapshot(period, { period: { id: "p", name: "Kỳ" } }).groups[0]?.units.map((u) => u.index),
    ).toStrictEqual([0.9, 0.5334, 0.5333, 0.5333, 0.5333, 0.5333, 0.1]);
  });

  test('rankCompare "exact" ranks on full precision', () => {
    const period = scoreByPoints(tied, pointsFramework({ rankCompare: "exact" }));
    expect(listed(period)).toStrictEqual([
      ["Xã An Khang", 1],
      ["Xã Cấp Tiến", 2],
      ["Xã Ân Tình", 3],
      ["Xã Đà Vị", 4],
      ["Xã Bình Yên", 5],
      ["Xã Dương Quang", 6],
      ["Xã Yên Lập", 7],
    ]);
  });

  test('rankCompare "exact" still ties values equal but for floating-point noise', () => {
    // 10.1 + 20.2 is 30.299999999999997 in floating point; 30.3 + 0 is 30.3.
    const framework = pointsFramework({ rankCompare: "exact" });
    const units = [commune("b", "Xã Bình Yên"), commune("a", "Xã An Khang"), commune("c", "Xã Cấp Tiến")];
    const period = scorePeriod({
      framework,
      units,
      submissions: {
        a: { submitted: true, answers: { "1.1": 30.3, "1.2": 0 }, evidence: [] },
        b: { submitted: true, answers: { "1.1": 10.1, "1.2": 20.2 }, evidence: [] },
        c: { submitted: true, answers: { "1.1": 30.2 }, evidence: [] },
      },
    });
    expect(listed(period)).toStrictEqual([
      ["Xã An Khang", 1],
      ["Xã Bình Yên", 1],
      ["Xã Cấp Tiến", 3],
    ]);
  });

  test("equal names are listed by code, then id", () => {
    const period = scoreByPoints([
      [commune("tan-an-2", "Xã Tân An", { code: "X02" }), 50],
      [commune("tan-an-1", "Xã Tân An", { code: "X02" }), 50],
      [commune("tan-an-0", "Xã Tân An", { code: "X09" }), 50],
    ]);
    expect(period.groups[0]?.units.map((u) => u.unit.id)).toStrictEqual(["tan-an-1", "tan-an-2", "tan-an-0"]);
  });
});

describe("pillar ranks", () => {
  // Three pillars: "1" and "2" of 10 points (a points leaf each), "3" informational.
  const framework = testFramework({
    id: "pillars",
    name: "Trụ cột",
    groups: [
      communeGroup([
        pillarOfOne("1", "Một", 10, "A"),
        pillarOfOne("2", "Hai", 30, "B"),
        pillarOfOne("3", "Ba", 0, "C", { type: "info" }),
      ]),
    ],
  });
  const units = [commune("a", "Xã A"), commune("b", "Xã B"), commune("c", "Xã C"), commune("d", "Xã D")];
  const answers: Record<string, [number, number]> = {
    a: [10, 3], // 1.0, 0.1
    b: [5, 30], // 0.5, 1.0
    c: [5.00004, 15], // 0.500004 → 0.5000 ties b, 0.5
    d: [2, 15.0015], // 0.2, 0.50005 → 0.5001, above c
  };
  const period = scorePeriod({
    framework,
    units,
    submissions: Object.fromEntries(
      Object.entries(answers).map(([id, [one, two]]) => [id, submitted({ "1.1": one, "2.1": two })]),
    ),
  });
  const pillarRanks = (id: string) =>
    period.groups[0]?.units.find((u) => u.unit.id === id)?.nodes.map((n) => n.rank);

  test("each top-level node is ranked on its own value, at 4 decimals, competition style", () => {
    expect(pillarRanks("a")).toStrictEqual([1, 4, null]);
    expect(pillarRanks("b")).toStrictEqual([2, 1, null]);
    expect(pillarRanks("c")).toStrictEqual([2, 3, null]);
    expect(pillarRanks("d")).toStrictEqual([4, 2, null]);
  });

  test("the unit rank is on the whole index, not the pillars", () => {
    // a 13/40, b 35/40, c 20.00004/40, d 17.0015/40.
    expect(period.groups[0]?.units.map((u) => [u.unit.id, u.rank])).toStrictEqual([
      ["b", 1],
      ["c", 2],
      ["d", 3],
      ["a", 4],
    ]);
  });
});

describe("bands in a period", () => {
  const bands: Band[] = [
    { minIndex: 0.75, label: "Rất cao" },
    { minIndex: 0.5, label: "Cao" },
    { minIndex: 0.25, label: "Trung bình" },
  ];

  test("exactly at a boundary, on the rounded index, and below every band", () => {
    const period = scoreByPoints(
      [
        [commune("a", "Xã A"), 75],
        [commune("b", "Xã B"), 74.996], // index 0.74996 → 0.75: shown and banded as 0.75
        [commune("c", "Xã C"), 74.994], // 0.74994 → 0.7499
        [commune("d", "Xã D"), 25],
        [commune("e", "Xã E"), 24.99],
      ],
      pointsFramework({}, bands),
    );
    expect(period.groups[0]?.units.map((u) => [u.unit.id, u.band])).toStrictEqual([
      ["a", "Rất cao"],
      ["b", "Rất cao"],
      ["c", "Cao"],
      ["d", "Trung bình"],
      ["e", null],
    ]);
  });

  test("a group without bands gives null", () => {
    const period = scoreByPoints([[commune("a", "Xã A"), 100]]);
    expect(period.groups[0]?.units[0]?.band).toBeNull();
  });
});

describe("rank change", () => {
  function previousSnapshot(
    groupId: string,
    units: [id: string, rank: number, index: number][],
  ): RankingSnapshot {
    return {
      period: {
        id: "2023",
        name: "Năm 2023",
        framework: { id: "rank-test", name: "Xếp hạng", decision: null },
      },
      version: 1,
      publishedAt: "2024-05-23T09:00:00+07:00",
      groups: [
        {
          id: groupId,
          name: "Xã",
          maxPoints: 100,
          nodes: [],
          units: units.map(([unitId, rank, index]) => ({
            unitId,
            code: unitId.toUpperCase(),
            name: unitId,
            rank,
            points: index * 100,
            maxPoints: 100,
            index,
            band: null,
            rankChange: null,
            flags: [],
            nodes: [],
          })),
        },
      ],
    };
  }

  test("previous rank − current rank: up is positive, down negative; a new unit gets null", () => {
    const previous = previousSnapshot("commune", [
      ["a", 1, 0.9],
      ["b", 2, 0.8],
      ["c", 3, 0.7],
    ]);
    const period = scoreByPoints(
      [
        [commune("a", "Xã A"), 60],
        [commune("b", "Xã B"), 70],
        [commune("c", "Xã C"), 90],
        [commune("n", "Xã N"), 80],
      ],
      pointsFramework(),
      previous,
    );
    expect(period.groups[0]?.units.map((u) => [u.unit.id, u.rank, u.rankChange])).toStrictEqual([
      ["c", 1, 2],
      ["n", 2, null],
      ["b", 3, -1],
      ["a", 4, -3],
    ]);
  });

  test("without a previous snapshot every change is null; unchanged is 0", () => {
    const period = scoreByPoints([[commune("a", "Xã A"), 60]]);
    expect(period.groups[0]?.units[0]?.rankChange).toBeNull();
    const same = scoreByPoints(
      [[commune("a", "Xã A"), 60]],
      pointsFramework(),
      previousSnapshot("commune", [["a", 1, 0.5]]),
    );
    expect(same.groups[0]?.units[0]?.rankChange).toBe(0);
  });

  test("a unit ranked in another group of the previous period gets null", () => {
    const period = scoreByPoints(
      [[commune("a", "Xã A"), 60]],
      pointsFramework(),
      previousSnapshot("district", [["a", 3, 0.5]]),
    );
    expect(period.groups[0]?.units[0]?.rankChange).toBeNull();
  });

  describe("merged units compare with the mean index of their predecessors", () => {
    const previous = new PreviousRanks(
      previousSnapshot("commune", [
        ["a", 1, 0.8],
        ["p1", 2, 0.6],
        ["b", 3, 0.55],
        ["c", 4, 0.5],
        ["p2", 5, 0.4],
        ["d", 6, 0.3],
        ["q1", 7, 0.2],
        ["q2", 8, 0.1],
      ]),
    );
    const merged = (predecessorIds: string[]) => commune("m", "Xã Mới", { predecessorIds });

    test("placed among the other previous units: 1 + how many are higher than the mean", () => {
      // mean(0.6, 0.4) = 0.5: a 0.8 and b 0.55 are higher (c's 0.5 is equal) → previous rank 3.
      expect(previous.rankChange("commune", merged(["p1", "p2"]), 5, true)).toBe(-2);
      expect(previous.rankChange("commune", merged(["p1", "p2"]), 1, true)).toBe(2);
      // mean(0.2, 0.1) = 0.15: 6 others higher → 7.
      expect(previous.rankChange("commune", merged(["q1", "q2"]), 7, true)).toBe(0);
    });

    test("only predecessors ranked there count; none ranked gives null", () => {
      // Only p1 (0.6): a is higher → 2.
      expect(previous.rankChange("commune", merged(["p1", "gone"]), 4, true)).toBe(-2);
      expect(previous.rankChange("commune", merged(["gone", "also-gone"]), 1, true)).toBeNull();
      expect(previous.rankChange("commune", commune("m", "Xã Mới"), 1, true)).toBeNull();
    });

    test("the mean is compared at 4 decimals, half away from zero", () => {
      const near = new PreviousRanks(
        previousSnapshot("commune", [
          ["s", 1, 0.5335],
          ["r", 2, 0.5334],
          ["q1", 3, 0.5334],
          ["q2", 4, 0.5333],
        ]),
      );
      // mean(0.5334, 0.5333) = 0.53335 → 0.5334, equal to r: only s is higher → 2.
      expect(near.rankChange("commune", merged(["q1", "q2"]), 2, true)).toBe(0);
    });

    test("a unit ranked under its own id uses its own rank", () => {
      expect(
        previous.rankChange("commune", commune("b", "Xã B", { predecessorIds: ["p1", "p2"] }), 1, true),
      ).toBe(2);
    });

    test("in a scored period", () => {
      const snapshot = previousSnapshot("commune", [
        ["a", 1, 0.8],
        ["old-1", 2, 0.6],
        ["b", 3, 0.55],
        ["old-2", 4, 0.2],
      ]);
      const period = scoreByPoints(
        [
          [commune("a", "Xã A"), 90],
          [commune("b", "Xã B"), 30],
          [commune("m", "Xã Mới", { predecessorIds: ["old-1", "old-2"] }), 50],
        ],
        pointsFramework(),
        snapshot,
      );
      // m: mean(0.6, 0.2) = 0.4, below a and b → previous rank 3, now 2.
      expect(period.groups[0]?.units.map((u) => [u.unit.id, u.rank, u.rankChange])).toStrictEqual([
        ["a", 1, 0],
        ["m", 2, 1],
        ["b", 3, 0],
      ]);
    });
  });
});
