import { describe, expect, test } from "vitest";
import { EXCLUDED, leafScore } from "../../../shared/engine/leaf-score.ts";
import { type Leaf, leafSchema } from "../../../shared/model/framework.ts";
import { stepsMethod } from "../../support/fixtures.ts";

// Parsed like an imported framework, so method defaults (target 1, whenZero "full") apply.
function leaf(maxPoints: number, method: unknown): Leaf {
  return leafSchema.parse({ code: "1.1", name: "Chỉ số", maxPoints, method });
}

const ratio = (numerator: number, denominator: number) => ({ numerator, denominator });

describe("yesno", () => {
  const yesno = leaf(10, { type: "yesno" });
  test("true earns max, false earns 0", () => {
    expect(leafScore(yesno, true, 0)).toBe(10);
    expect(leafScore(yesno, false, 0)).toBe(0);
  });
});

describe("level", () => {
  const level = leaf(20, {
    type: "level",
    options: [
      { id: "head", label: "Chủ tịch", fraction: 1 },
      { id: "deputy", label: "Phó Chủ tịch", fraction: 0.5 },
      { id: "quarter", label: "Một phần tư", fraction: 0.25 },
      { id: "none", label: "Không có", fraction: 0 },
    ],
  });
  test("max × the option's fraction", () => {
    expect(leafScore(level, "head", 0)).toBe(20);
    expect(leafScore(level, "deputy", 0)).toBe(10);
    expect(leafScore(level, "quarter", 0)).toBe(5);
    expect(leafScore(level, "none", 0)).toBe(0);
  });
});

describe("ratio", () => {
  const plain = leaf(20, { type: "ratio" });
  const half = leaf(20, { type: "ratio", target: 0.5 });
  const quarterTarget = leaf(10, { type: "ratio", target: 0.25 });

  test("max × n/d with the default target 1", () => {
    expect(leafScore(plain, ratio(3, 4), 0)).toBe(15);
    expect(leafScore(plain, ratio(1, 8), 0)).toBe(2.5);
    expect(leafScore(plain, ratio(4, 4), 0)).toBe(20);
    expect(leafScore(plain, ratio(0, 7), 0)).toBe(0);
  });

  test("a target below 1: max × (n/d) / t", () => {
    // 20 × (1/4) / 0.5 = 10; 10 × (1/10) / 0.25 = 4
    expect(leafScore(half, ratio(1, 4), 0)).toBe(10);
    expect(leafScore(quarterTarget, ratio(1, 10), 0)).toBe(4);
  });

  test("exactly at the target earns max", () => {
    expect(leafScore(half, ratio(5, 10), 0)).toBe(20);
    expect(leafScore(quarterTarget, ratio(1, 4), 0)).toBe(10);
  });

  test("above the target is capped at max", () => {
    // 20 × 0.9 / 0.5 = 36 → 20
    expect(leafScore(half, ratio(9, 10), 0)).toBe(20);
    expect(leafScore(half, ratio(10, 10), 0)).toBe(20);
    expect(leafScore(quarterTarget, ratio(3, 4), 0)).toBe(10);
  });

  test("denominator 0: full by default", () => {
    expect(leafScore(plain, ratio(0, 0), 0)).toBe(20);
    expect(leafScore(leaf(20, { type: "ratio", whenZero: "full" }), ratio(0, 0), 0)).toBe(20);
    expect(leafScore(leaf(20, { type: "ratio", target: 0.5, whenZero: "full" }), ratio(0, 0), 0)).toBe(20);
  });

  test("denominator 0: zero", () => {
    expect(leafScore(leaf(20, { type: "ratio", whenZero: "zero" }), ratio(0, 0), 0)).toBe(0);
  });

  test("denominator 0: exclude", () => {
    const exclude = leaf(20, { type: "ratio", target: 0.5, whenZero: "exclude" });
    expect(leafScore(exclude, ratio(0, 0), 0)).toBe(EXCLUDED);
    // A real denominator is scored as usual.
    expect(leafScore(exclude, ratio(1, 5), 0)).toBe(8);
  });
});

describe("steps", () => {
  // DOMAIN.md's example: 4 meetings → 20, 3 → 15, 2 → 10, 1 → 5.
  const steps = leaf(20, stepsMethod([4, 20], [3, 15], [2, 10], [1, 5]));

  test("exactly at a step's min earns that step", () => {
    expect(leafScore(steps, 1, 0)).toBe(5);
    expect(leafScore(steps, 2, 0)).toBe(10);
    expect(leafScore(steps, 3, 0)).toBe(15);
    expect(leafScore(steps, 4, 0)).toBe(20);
  });

  test("just below a step's min earns the step beneath", () => {
    expect(leafScore(steps, 3.99, 0)).toBe(15);
    expect(leafScore(steps, 1.5, 0)).toBe(5);
  });

  test("below every step earns 0", () => {
    expect(leafScore(steps, 0.99, 0)).toBe(0);
    expect(leafScore(steps, 0, 0)).toBe(0);
  });

  test("above the top step earns the top step", () => {
    expect(leafScore(steps, 4.5, 0)).toBe(20);
    expect(leafScore(steps, 1000, 0)).toBe(20);
  });

  test("steps listed out of order", () => {
    const shuffled = leaf(10, {
      type: "steps",
      steps: [
        { min: 2, points: 5 },
        { min: 4, points: 10 },
        { min: 1, points: 2 },
      ],
    });
    expect(leafScore(shuffled, 0.5, 0)).toBe(0);
    expect(leafScore(shuffled, 1, 0)).toBe(2);
    expect(leafScore(shuffled, 2, 0)).toBe(5);
    expect(leafScore(shuffled, 3, 0)).toBe(5);
    expect(leafScore(shuffled, 4, 0)).toBe(10);
    expect(leafScore(shuffled, 9, 0)).toBe(10);
  });

  test("a step from 0 scores every value, 0 included", () => {
    const fromZero = leaf(10, {
      type: "steps",
      steps: [
        { min: 0, points: 2 },
        { min: 5, points: 10 },
      ],
    });
    expect(leafScore(fromZero, 0, 0)).toBe(2);
    expect(leafScore(fromZero, 5, 0)).toBe(10);
  });
});

describe("count", () => {
  const count = leaf(5, { type: "count", pointsEach: 1 });
  const byTwo = leaf(10, { type: "count", pointsEach: 2 });

  test("value × pointsEach", () => {
    expect(leafScore(count, 0, 0)).toBe(0);
    expect(leafScore(count, 3, 0)).toBe(3);
    expect(leafScore(byTwo, 4, 0)).toBe(8);
  });

  test("capped at max", () => {
    expect(leafScore(count, 5, 0)).toBe(5);
    expect(leafScore(count, 6, 0)).toBe(5);
    expect(leafScore(byTwo, 6, 0)).toBe(10);
    expect(leafScore(byTwo, 100, 0)).toBe(10);
  });

  test("a fractional pointsEach", () => {
    expect(leafScore(leaf(3, { type: "count", pointsEach: 0.5 }), 3, 0)).toBe(1.5);
    expect(leafScore(leaf(3, { type: "count", pointsEach: 0.5 }), 7, 0)).toBe(3);
  });
});

describe("points", () => {
  const points = leaf(30, { type: "points" });
  test("the value entered, from 0 to max", () => {
    expect(leafScore(points, 0, 0)).toBe(0);
    expect(leafScore(points, 12.5, 0)).toBe(12.5);
    expect(leafScore(points, 30, 0)).toBe(30);
  });
});

describe("relative", () => {
  const relative = leaf(15, { type: "relative" });

  test("max × value / best", () => {
    expect(leafScore(relative, 40, 120)).toBe(5);
    expect(leafScore(relative, 60, 120)).toBe(7.5);
    expect(leafScore(relative, 0, 120)).toBe(0);
  });

  test("the best unit earns max", () => {
    expect(leafScore(relative, 120, 120)).toBe(15);
  });

  test("best 0 earns 0 (no division by zero)", () => {
    expect(leafScore(relative, 0, 0)).toBe(0);
  });
});

describe("info", () => {
  const info = leaf(0, { type: "info" });
  test("never scores, whatever the answer", () => {
    expect(leafScore(info, "Đã có đề án", 0)).toBe(0);
    expect(leafScore(info, 12, 0)).toBe(0);
    expect(leafScore(info, true, 0)).toBe(0);
  });
});
