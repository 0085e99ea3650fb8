import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseBundle } from "../../../shared/engine/bundle.ts";
import {
  type GroupScore,
  type PeriodScore,
  type ScoringInput,
  scorePeriod,
  type UnitScore,
} from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { type Framework, isLeaf, METHOD_TYPES } from "../../../shared/model/framework.ts";
import { parseFramework } from "../../../shared/model/framework-rules.ts";
import {
  commune,
  communeGroup,
  leaf,
  levels,
  pillar,
  pillarOfOne,
  submitted,
  testFramework,
} from "../../support/fixtures.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8"));

const framework = testFramework;

/** A framework of one group ("commune") with these top-level nodes. */
const oneGroup = (nodes: unknown[], options: Record<string, unknown> = {}): Framework =>
  testFramework({ ...options, groups: [communeGroup(nodes, { name: "Xã, phường, thị trấn" })] });

const unit = commune;
const done = submitted;
const ratio = (numerator: number, denominator: number) => ({ numerator, denominator });

function score(input: Partial<ScoringInput> & Pick<ScoringInput, "framework">): PeriodScore {
  return scorePeriod({ units: [], submissions: {}, ...input });
}

function resultOf(period: PeriodScore, unitId: string): { group: GroupScore; unit: UnitScore } {
  for (const group of period.groups) {
    const found = group.units.find((u) => u.unit.id === unitId);
    if (found) return { group, unit: found };
  }
  throw new Error(`unit ${unitId} not scored`);
}

/** Full-precision score of one leaf of one unit. */
function leafPoints(period: PeriodScore, unitId: string, code: string): number {
  const { group, unit: result } = resultOf(period, unitId);
  const at = group.compiled.leaves.findIndex(({ leaf }) => leaf.code === code);
  if (at < 0) throw new Error(`no leaf ${code}`);
  return result.leafScores[at] as number;
}

const nodeOf = (period: PeriodScore, unitId: string, code: string) =>
  resultOf(period, unitId).unit.nodes.find((n) => n.code === code);

describe("the all-methods fixture", () => {
  test("scores to the hand-computed snapshot (all-methods-expected.md)", () => {
    const bundle = parseBundle(fixture("all-methods-bundle.json"));
    if (!bundle.ok) throw new Error(JSON.stringify(bundle.issues));
    expect(toSnapshot(scorePeriod(bundle.value), bundle.value)).toStrictEqual(
      fixture("all-methods-expected.json"),
    );
  });

  test("the bundle embeds the framework fixture, which covers every method, a cap, a 0 node and bands", () => {
    const input = fixture("all-methods-framework.json");
    expect((fixture("all-methods-bundle.json") as { framework: unknown }).framework).toStrictEqual(input);
    const parsed = parseFramework(input);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const leaves = parsed.value.groups.flatMap((g) => {
      const all: unknown[] = [];
      const walk = (nodes: (typeof g.nodes)[number][]) => {
        for (const node of nodes) {
          if (isLeaf(node)) all.push(node);
          else walk(node.children);
        }
      };
      walk(g.nodes);
      return all as { method: { type: string; whenZero?: string; target?: number } }[];
    });
    expect(new Set(leaves.map((l) => l.method.type))).toStrictEqual(new Set(METHOD_TYPES));
    const ratios = leaves.filter((l) => l.method.type === "ratio").map((l) => l.method);
    expect(new Set(ratios.map((m) => m.whenZero))).toStrictEqual(new Set(["full", "zero", "exclude"]));
    expect(ratios.some((m) => (m.target ?? 1) < 1)).toBe(true);
  });
});

describe("order of inputs", () => {
  test("shuffled units, submissions, answers and evidence give byte-identical results", () => {
    const bundle = parseBundle(fixture("all-methods-bundle.json"));
    if (!bundle.ok) throw new Error(JSON.stringify(bundle.issues));
    const input = bundle.value;
    const reversedSubmissions = Object.fromEntries(
      Object.entries(input.submissions)
        .reverse()
        .map(([id, s]) => [
          id,
          {
            submitted: s.submitted,
            answers: Object.fromEntries(Object.entries(s.answers).reverse()),
            evidence: [...s.evidence].reverse(),
          },
        ]),
    );
    const shuffled = { ...input, units: [...input.units].reverse(), submissions: reversedSubmissions };
    expect(JSON.stringify(toSnapshot(scorePeriod(shuffled), shuffled))).toBe(
      JSON.stringify(toSnapshot(scorePeriod(input), input)),
    );
  });
});

describe("inner nodes", () => {
  // 1 caps 20 + 20 at 30; 2 caps (2.1 = 5 + 5 capped at 6) + 5 at 10. Maximum 40.
  const fw = oneGroup([
    pillar("1", "Hạ tầng số", 30, [leaf("1.1", "A", 20), leaf("1.2", "B", 20)]),
    pillar("2", "Chính quyền số", 10, [
      pillar("2.1", "C", 6, [leaf("2.1.1", "C1", 5), leaf("2.1.2", "C2", 5)]),
      leaf("2.2", "D", 5),
    ]),
  ]);
  const period = score({
    framework: fw,
    units: [unit("a"), unit("b")],
    submissions: {
      a: done({ "1.1": 20, "1.2": 15, "2.1.1": 5, "2.1.2": 4, "2.2": 5 }),
      b: done({ "1.1": 10, "1.2": 5, "2.1.1": 2, "2.1.2": 1, "2.2": 2 }),
    },
  });

  test("a node scores min(maxPoints, Σ children), at every depth", () => {
    // a: node 1 = min(30, 35) = 30; 2.1 = min(6, 9) = 6; node 2 = min(10, 6 + 5) = 10.
    expect(nodeOf(period, "a", "1")).toMatchObject({ points: 30, maxPoints: 30, value: 1 });
    expect(nodeOf(period, "a", "2")).toMatchObject({ points: 10, maxPoints: 10, value: 1 });
    expect(resultOf(period, "a").unit).toMatchObject({ points: 40, maxPoints: 40, index: 1 });
  });

  test("below the caps, a node is the plain sum", () => {
    // b: node 1 = 15; 2.1 = 3; node 2 = 5. Index 20/40.
    expect(nodeOf(period, "b", "1")).toMatchObject({ points: 15, value: 0.5 });
    expect(nodeOf(period, "b", "2")).toMatchObject({ points: 5, value: 0.5 });
    expect(resultOf(period, "b").unit).toMatchObject({ points: 20, maxPoints: 40, index: 0.5 });
  });

  test("the group's maximum is the sum of its top-level nodes, not of its leaves", () => {
    expect(period.groups[0]?.compiled.maxPoints).toBe(40);
  });
});

describe("info leaves and nodes of maximum 0", () => {
  const fw = oneGroup([
    pillar("1", "Hạ tầng số", 10, [
      leaf("1.1", "A", 10, { type: "yesno" }),
      leaf("1.2", "Số máy tính", 0, { type: "info" }),
    ]),
    pillarOfOne("2", "Đô thị thông minh", 0, "Ghi chú", { type: "info" }),
  ]);
  const period = score({
    framework: fw,
    units: [unit("a"), unit("b")],
    submissions: {
      a: done({ "1.1": true, "1.2": 25, "2.1": "Đã có đề án" }),
      b: done({ "1.1": true }),
    },
  });

  test("an info leaf scores nothing and adds nothing to the maximum", () => {
    expect(leafPoints(period, "a", "1.2")).toBe(0);
    expect(resultOf(period, "a").unit).toMatchObject({ points: 10, maxPoints: 10, index: 1 });
  });

  test("an info leaf is never flagged, answered or not", () => {
    expect(resultOf(period, "a").unit.flags).toStrictEqual([]);
    expect(resultOf(period, "b").unit.flags).toStrictEqual([]);
  });

  test("a node of maximum 0 has value null and is not ranked", () => {
    for (const id of ["a", "b"]) {
      expect(nodeOf(period, id, "2")).toStrictEqual({
        code: "2",
        points: 0,
        maxPoints: 0,
        value: null,
        rank: null,
      });
    }
  });
});

describe("exclusion (ratio 0/0 with whenZero exclude)", () => {
  const excludable = (code: string, maxPoints: number) => ({
    code,
    name: `Tỷ lệ ${code}`,
    maxPoints,
    method: { type: "ratio", whenZero: "exclude" },
  });
  // Maximum 30 + 30 + 40 = 100; node 2 caps 20 + 20 + 10 = 50 at 30.
  const fw = oneGroup([
    pillar("1", "Một", 30, [excludable("1.1", 10), leaf("1.2", "Có", 20, { type: "yesno" })]),
    pillar("2", "Hai", 30, [excludable("2.1", 20), excludable("2.2", 20), excludable("2.3", 10)]),
    pillar("3", "Ba", 40, [excludable("3.1", 40)]),
  ]);
  const period = score({
    framework: fw,
    units: [unit("x"), unit("y"), unit("z")],
    submissions: {
      // x: 1.1, 2.1, 2.3 excluded.
      x: done({
        "1.1": ratio(0, 0),
        "1.2": true,
        "2.1": ratio(0, 0),
        "2.2": ratio(1, 2),
        "2.3": ratio(0, 0),
        "3.1": ratio(1, 4),
      }),
      // y: 2.3 and 3.1 excluded.
      y: done({
        "1.1": ratio(1, 1),
        "1.2": false,
        "2.1": ratio(1, 1),
        "2.2": ratio(1, 1),
        "2.3": ratio(0, 0),
        "3.1": ratio(0, 0),
      }),
      // z: a draft with exclusions does not count.
      z: { submitted: false, answers: { "1.1": ratio(0, 0), "3.1": ratio(0, 0) }, evidence: [] },
    },
  });

  test("an excluded leaf leaves both the points and the applicable maximum", () => {
    // x: node 1 = 20 of min(30, 0 + 20) = 20; node 2 = 10 of min(30, 0 + 20 + 0) = 20; node 3 = 10 of 40.
    expect(leafPoints(period, "x", "1.1")).toBe(0);
    expect(nodeOf(period, "x", "1")).toMatchObject({ points: 20, maxPoints: 20, value: 1 });
    expect(nodeOf(period, "x", "2")).toMatchObject({ points: 10, maxPoints: 20, value: 0.5 });
    expect(nodeOf(period, "x", "3")).toMatchObject({ points: 10, maxPoints: 40, value: 0.25 });
    expect(resultOf(period, "x").unit).toMatchObject({ points: 40, maxPoints: 80, index: 0.5 });
    expect(resultOf(period, "x").unit.flags).toStrictEqual(["excluded"]);
  });

  test("a capping node keeps its maximum while the remaining children still reach it", () => {
    // y: node 2 = min(30, 20 + 20) = 30 of min(30, 20 + 20 + 0) = 30.
    expect(nodeOf(period, "y", "2")).toMatchObject({ points: 30, maxPoints: 30, value: 1 });
  });

  test("a pillar whose every leaf is excluded has maximum 0, value null and no rank", () => {
    // y: 10 + 30 + 0 over 30 + 30 + 0 = 60.
    expect(nodeOf(period, "y", "3")).toStrictEqual({
      code: "3",
      points: 0,
      maxPoints: 0,
      value: null,
      rank: null,
    });
    expect(resultOf(period, "y").unit).toMatchObject({ points: 40, maxPoints: 60, index: 40 / 60 });
  });

  test("the index (points / applicable maximum) decides the rank, not the points", () => {
    // Both have 40 points: y 40/60 = 0.6667 ranks above x 40/80 = 0.5.
    expect(resultOf(period, "y").unit.rank).toBe(1);
    expect(resultOf(period, "x").unit.rank).toBe(2);
    // Pillar 3: x 0.25 and the non-submitted z 0 are ranked; y is not.
    expect(nodeOf(period, "x", "3")?.rank).toBe(1);
    expect(nodeOf(period, "z", "3")?.rank).toBe(2);
  });

  test("a draft's exclusions do not count for a unit that did not submit", () => {
    expect(resultOf(period, "z").unit).toMatchObject({ points: 0, maxPoints: 100, index: 0, rank: 3 });
    expect(resultOf(period, "z").unit.flags).toStrictEqual(["not-submitted"]);
  });
});

describe("evidence", () => {
  const required = { required: true, kinds: ["file", "url"] };
  const proven = { evidence: required };
  const nodes = [
    pillar("1", "Nhận thức số", 60, [
      leaf("1.1", "Kế hoạch", 10, { type: "yesno" }, proven),
      leaf("1.2", "Tỷ lệ", 10, { type: "ratio", whenZero: "exclude" }, proven),
      leaf("1.3", "Tổ trưởng", 10, levels(["head", "Chủ tịch", 1], ["none", "Không", 0]), proven),
      leaf("1.4", "Điểm", 20, { type: "points" }, proven),
      leaf("1.5", "Không cần", 10, { type: "yesno" }),
    ]),
  ];
  const units = ["a", "b", "c", "d", "e"].map((id) => unit(id));
  const submissions = {
    // Every positive answer proven.
    a: done({ "1.1": true, "1.2": ratio(1, 2), "1.3": "head", "1.4": 20, "1.5": true }, [
      "1.1",
      "1.2",
      "1.3",
      "1.4",
    ]),
    // Nothing proven: positive answers and the exclusion are unproven; 1.5 needs no evidence.
    b: done({ "1.1": true, "1.2": ratio(0, 0), "1.3": "head", "1.4": 8, "1.5": true }, []),
    // Answers that score 0 need no evidence.
    c: done({ "1.1": false, "1.2": ratio(0, 5), "1.3": "none", "1.4": 0, "1.5": false }, []),
    // Evidence for another leaf does not prove 1.1.
    d: done({ "1.1": true, "1.4": 5 }, ["1.4"]),
    // Appraised values lift the rule, replace the answer, and fill an unanswered leaf.
    e: done({ "1.1": true, "1.3": "head", "1.4": 20 }, []),
  };
  const appraisals = { e: { "1.1": true, "1.3": "none", "1.2": ratio(0, 0), "1.5": true } };
  const period = score({ framework: oneGroup(nodes), units, submissions, appraisals });

  test("proven answers keep their scores", () => {
    expect(resultOf(period, "a").unit).toMatchObject({ points: 55, maxPoints: 60 });
    expect(resultOf(period, "a").unit.flags).toStrictEqual([]);
  });

  test("an answer that would score without its required evidence scores 0 and is flagged", () => {
    expect(leafPoints(period, "b", "1.1")).toBe(0);
    expect(leafPoints(period, "b", "1.3")).toBe(0);
    expect(leafPoints(period, "b", "1.4")).toBe(0);
    expect(leafPoints(period, "b", "1.5")).toBe(10);
    expect(resultOf(period, "b").unit.flags).toStrictEqual(["missing-evidence"]);
  });

  test("an unproven exclusion is zeroed, not excluded: the leaf stays in the maximum", () => {
    expect(leafPoints(period, "b", "1.2")).toBe(0);
    expect(resultOf(period, "b").unit).toMatchObject({ points: 10, maxPoints: 60 });
    expect(resultOf(period, "b").unit.flags).not.toContain("excluded");
  });

  test("answers scoring 0 need no evidence: no flag", () => {
    expect(resultOf(period, "c").unit).toMatchObject({ points: 0, maxPoints: 60 });
    expect(resultOf(period, "c").unit.flags).toStrictEqual([]);
  });

  test("evidence counts only for the leaves it is linked to", () => {
    expect(leafPoints(period, "d", "1.1")).toBe(0);
    expect(leafPoints(period, "d", "1.4")).toBe(5);
    expect(resultOf(period, "d").unit.flags).toStrictEqual(["missing-evidence", "unanswered"]);
  });

  test("an appraised value needs no evidence and replaces the answer", () => {
    // e: 1.1 appraised yes → 10; 1.2 appraised 0/0 → excluded; 1.3 appraised none → 0;
    // 1.4 unappraised, unproven → 0; 1.5 appraised (was unanswered) → 10.
    expect(leafPoints(period, "e", "1.1")).toBe(10);
    expect(leafPoints(period, "e", "1.3")).toBe(0);
    expect(leafPoints(period, "e", "1.4")).toBe(0);
    expect(leafPoints(period, "e", "1.5")).toBe(10);
    expect(resultOf(period, "e").unit).toMatchObject({ points: 20, maxPoints: 50 });
    expect(resultOf(period, "e").unit.flags).toStrictEqual(["excluded", "missing-evidence"]);
  });

  test('with missingEvidence "keep", unproven answers keep their scores and are still flagged', () => {
    const kept = score({
      framework: oneGroup(nodes, { missingEvidence: "keep" }),
      units,
      submissions,
      appraisals,
    });
    // b: 10 + excluded + 10 + 8 + 10 = 38 of 60 − 10.
    expect(leafPoints(kept, "b", "1.1")).toBe(10);
    expect(leafPoints(kept, "b", "1.4")).toBe(8);
    expect(resultOf(kept, "b").unit).toMatchObject({ points: 38, maxPoints: 50 });
    expect(resultOf(kept, "b").unit.flags).toStrictEqual(["excluded", "missing-evidence"]);
    expect(resultOf(kept, "d").unit).toMatchObject({ points: 15, maxPoints: 60 });
    expect(resultOf(kept, "d").unit.flags).toStrictEqual(["missing-evidence", "unanswered"]);
    // Proven and zero answers are unchanged.
    expect(resultOf(kept, "a").unit).toMatchObject({ points: 55, maxPoints: 60 });
    expect(resultOf(kept, "c").unit.flags).toStrictEqual([]);
  });
});

describe("unanswered leaves", () => {
  const fw = oneGroup([
    pillar("1", "Một", 20, [
      leaf("1.1", "A", 10, { type: "yesno" }),
      leaf("1.2", "B", 10, { type: "count", pointsEach: 5 }),
    ]),
  ]);
  const period = score({
    framework: fw,
    units: [unit("a"), unit("b"), unit("c")],
    submissions: { a: done({ "1.1": true, "1.2": null }), b: done({ "1.1": true }), c: done({}) },
  });

  test("a null answer and an absent answer both score 0 and flag unanswered", () => {
    for (const id of ["a", "b"]) {
      expect(leafPoints(period, id, "1.2")).toBe(0);
      expect(resultOf(period, id).unit).toMatchObject({ points: 10, maxPoints: 20, index: 0.5 });
      expect(resultOf(period, id).unit.flags).toStrictEqual(["unanswered"]);
    }
  });

  test("a submitted unit with no answers is unanswered, not not-submitted", () => {
    expect(resultOf(period, "c").unit).toMatchObject({ points: 0, maxPoints: 20, submitted: true });
    expect(resultOf(period, "c").unit.flags).toStrictEqual(["unanswered"]);
  });
});

describe("units that did not submit", () => {
  const fw = oneGroup([
    pillarOfOne("1", "Một", 10, "A", { type: "yesno" }),
    pillarOfOne("2", "Hai", 10, "B"),
  ]);
  const period = score({
    framework: fw,
    units: [unit("a", "Xã Ân Tình"), unit("b", "Xã Bình Ca"), unit("c", "Xã Cấp Tiến")],
    submissions: {
      a: { submitted: false, answers: { "1.1": true, "2.1": 10 }, evidence: [] },
      c: done({ "2.1": 5 }),
    },
    appraisals: { a: { "2.1": 10 } },
  });

  test("score 0 over the full maximum, with only the flag not-submitted, whatever their draft or appraisal", () => {
    for (const id of ["a", "b"]) {
      const result = resultOf(period, id).unit;
      expect(result).toMatchObject({ submitted: false, points: 0, maxPoints: 20, index: 0 });
      expect(result.flags).toStrictEqual(["not-submitted"]);
    }
  });

  test("are ranked with 0 points, pillars included", () => {
    expect(period.groups[0]?.units.map((u) => [u.unit.id, u.rank])).toStrictEqual([
      ["c", 1],
      ["a", 2],
      ["b", 2],
    ]);
    expect(nodeOf(period, "a", "1")).toMatchObject({ points: 0, maxPoints: 10, value: 0, rank: 1 });
    expect(nodeOf(period, "b", "2")).toMatchObject({ points: 0, maxPoints: 10, value: 0, rank: 2 });
  });
});

describe("relative leaves", () => {
  const relativeNodes = (evidenceRequired: boolean) => [
    {
      code: "1",
      name: "Thanh toán không dùng tiền mặt",
      maxPoints: 20,
      children: [
        {
          code: "1.1",
          name: "Số giao dịch",
          maxPoints: 20,
          method: { type: "relative" },
          evidence: { required: evidenceRequired },
        },
      ],
    },
  ];
  const units = ["a", "b", "c", "d"].map((id) => unit(id));

  test("best is the largest value among the group's submitted units only", () => {
    const period = score({
      framework: oneGroup(relativeNodes(false)),
      units,
      submissions: {
        a: done({ "1.1": 50 }),
        b: done({ "1.1": 25 }),
        c: { submitted: false, answers: { "1.1": 1000 }, evidence: [] },
        // d has no submission at all.
      },
    });
    // best = 50: a 20 × 50/50 = 20, b 20 × 25/50 = 10.
    expect(leafPoints(period, "a", "1.1")).toBe(20);
    expect(leafPoints(period, "b", "1.1")).toBe(10);
    expect(leafPoints(period, "c", "1.1")).toBe(0);
  });

  test("best ignores unproven values; they score 0", () => {
    const period = score({
      framework: oneGroup(relativeNodes(true)),
      units,
      submissions: {
        a: done({ "1.1": 40 }, ["1.1"]),
        b: done({ "1.1": 10 }, ["1.1"]),
        c: done({ "1.1": 400 }, []),
        d: done({ "1.1": 20 }, []),
      },
    });
    // best = 40 (c's 400 and d's 20 are unproven).
    expect(leafPoints(period, "a", "1.1")).toBe(20);
    expect(leafPoints(period, "b", "1.1")).toBe(5);
    expect(leafPoints(period, "c", "1.1")).toBe(0);
    expect(leafPoints(period, "d", "1.1")).toBe(0);
    expect(resultOf(period, "c").unit.flags).toStrictEqual(["missing-evidence"]);
  });

  test("an appraised value counts in best without evidence", () => {
    const period = score({
      framework: oneGroup(relativeNodes(true)),
      units,
      submissions: { a: done({ "1.1": 40 }, ["1.1"]), b: done({ "1.1": 10 }, []) },
      appraisals: { b: { "1.1": 80 } },
    });
    // best = 80: a 20 × 40/80 = 10, b 20.
    expect(leafPoints(period, "a", "1.1")).toBe(10);
    expect(leafPoints(period, "b", "1.1")).toBe(20);
  });

  test('with missingEvidence "keep", unproven values count in best and keep their scores', () => {
    const period = score({
      framework: oneGroup(relativeNodes(true), { missingEvidence: "keep" }),
      units,
      submissions: { a: done({ "1.1": 40 }, ["1.1"]), b: done({ "1.1": 160 }, []) },
    });
    // best = 160: a 20 × 40/160 = 5, b 20 (flagged).
    expect(leafPoints(period, "a", "1.1")).toBe(5);
    expect(leafPoints(period, "b", "1.1")).toBe(20);
    expect(resultOf(period, "b").unit.flags).toStrictEqual(["missing-evidence"]);
  });

  test("best 0: every unit scores 0, without flags", () => {
    const period = score({
      framework: oneGroup(relativeNodes(true)),
      units,
      submissions: { a: done({ "1.1": 0 }), b: done({ "1.1": 0 }, ["1.1"]) },
    });
    expect(leafPoints(period, "a", "1.1")).toBe(0);
    expect(leafPoints(period, "b", "1.1")).toBe(0);
    expect(resultOf(period, "a").unit.flags).toStrictEqual([]);
    expect(resultOf(period, "a").unit.index).toBe(0);
  });

  test("best is per group: another group's values do not count", () => {
    const groupOf = (id: string, kind: string) => ({
      id,
      name: id,
      unitKinds: [kind],
      nodes: relativeNodes(false),
    });
    const fw = framework({ groups: [groupOf("commune", "commune"), groupOf("district", "district")] });
    const period = score({
      framework: fw,
      units: [unit("a"), unit("b"), { id: "h", code: "H", name: "Huyện H", kind: "district" }],
      submissions: { a: done({ "1.1": 30 }), b: done({ "1.1": 15 }), h: done({ "1.1": 3000 }) },
    });
    expect(leafPoints(period, "a", "1.1")).toBe(20);
    expect(leafPoints(period, "b", "1.1")).toBe(10);
    expect(leafPoints(period, "h", "1.1")).toBe(20);
  });
});
