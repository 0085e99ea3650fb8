import { describe, expect, it } from "vitest";
import { answerProblem, MAX_INFO_TEXT } from "../../../shared/model/answer.ts";
import type { Leaf, Method } from "../../../shared/model/framework.ts";

const leafOf = (method: Method, maxPoints = 10): Leaf => ({
  code: "1.1",
  name: "Chỉ số thử",
  maxPoints,
  method,
  evidence: { required: false, kinds: ["file", "url"] },
});

const leaves = {
  yesno: leafOf({ type: "yesno" }),
  level: leafOf({
    type: "level",
    options: [
      { id: "head", label: "Người đứng đầu", fraction: 1 },
      { id: "deputy", label: "Cấp phó", fraction: 0.5 },
      { id: "none", label: "Không", fraction: 0 },
    ],
  }),
  ratio: leafOf({ type: "ratio", target: 1, whenZero: "full" }),
  steps: leafOf({
    type: "steps",
    steps: [
      { min: 1, points: 5 },
      { min: 2, points: 10 },
    ],
  }),
  count: leafOf({ type: "count", pointsEach: 1 }, 5),
  points: leafOf({ type: "points" }, 10),
  relative: leafOf({ type: "relative" }, 15),
  info: leafOf({ type: "info" }, 0),
} satisfies Record<Method["type"], Leaf>;

type Case = [method: keyof typeof leaves, value: unknown];

describe("answerProblem", () => {
  it.each(Object.keys(leaves) as (keyof typeof leaves)[])(
    "accepts null (a cleared answer) for %s",
    (type) => {
      expect(answerProblem(leaves[type], null)).toBeUndefined();
    },
  );

  it.each<Case>([
    ["yesno", true],
    ["yesno", false],
    ["level", "head"],
    ["level", "deputy"],
    ["level", "none"],
    ["ratio", { numerator: 3, denominator: 4 }],
    ["ratio", { numerator: 0, denominator: 0 }],
    ["ratio", { numerator: 7, denominator: 7 }],
    ["ratio", { denominator: 9, numerator: 2 }],
    ["steps", 0],
    ["steps", 3],
    ["steps", 2.5],
    ["steps", 1e6],
    ["count", 0],
    ["count", 4],
    ["count", 120],
    ["points", 0],
    ["points", 7.25],
    ["points", 10],
    ["relative", 0],
    ["relative", 1234.5],
    ["info", 42],
    ["info", -3.5],
    ["info", "Đã triển khai tại 12/12 xã"],
    ["info", ""],
    ["info", true],
    ["info", "x".repeat(MAX_INFO_TEXT)],
  ])("accepts %s %j", (type, value) => {
    expect(answerProblem(leaves[type], value)).toBeUndefined();
  });

  it.each<[...Case, RegExp]>([
    ["yesno", "true", /true or false/],
    ["yesno", 1, /true or false/],
    ["yesno", 0, /true or false/],
    ["yesno", {}, /true or false/],
    ["level", "chairman", /one of "head", "deputy", "none"/],
    ["level", "Head", /one of "head", "deputy", "none"/],
    ["level", 1, /one of "head", "deputy", "none"/],
    ["level", true, /one of/],
    ["ratio", { numerator: 5, denominator: 3 }, /numerator \(5\) must not exceed denominator \(3\)/],
    ["ratio", { numerator: -1, denominator: 3 }, /^numerator: expected a whole number ≥ 0/],
    ["ratio", { numerator: 1, denominator: -3 }, /^denominator: expected a whole number ≥ 0/],
    ["ratio", { numerator: 1.5, denominator: 3 }, /^numerator: expected a whole number/],
    ["ratio", { numerator: 1, denominator: 2.5 }, /^denominator: expected a whole number/],
    ["ratio", { numerator: "1", denominator: 3 }, /^numerator: expected a whole number/],
    ["ratio", { numerator: 1 }, /^denominator: expected a whole number/],
    ["ratio", { denominator: 3 }, /^numerator: expected a whole number/],
    ["ratio", { numerator: 1, denominator: 3, target: 1 }, /unknown field "target"/],
    ["ratio", 0.75, /expected \{"numerator": n, "denominator": d\}/],
    ["ratio", "3/4", /expected \{"numerator": n, "denominator": d\}/],
    ["ratio", [3, 4], /expected \{"numerator": n, "denominator": d\}/],
    ["steps", -1, /number ≥ 0/],
    ["steps", "3", /number ≥ 0/],
    ["steps", Number.NaN, /number ≥ 0/],
    ["steps", Number.POSITIVE_INFINITY, /number ≥ 0/],
    ["count", 1.5, /whole number ≥ 0/],
    ["count", -1, /whole number ≥ 0/],
    ["count", "2", /whole number ≥ 0/],
    ["count", 2 ** 60, /whole number ≥ 0/],
    ["points", 10.01, /from 0 to 10/],
    ["points", -0.5, /from 0 to 10/],
    ["points", "5", /from 0 to 10/],
    ["points", Number.NaN, /from 0 to 10/],
    ["relative", -2, /number ≥ 0/],
    ["relative", true, /number ≥ 0/],
    ["relative", Number.POSITIVE_INFINITY, /number ≥ 0/],
    ["info", { note: "x" }, /number, a text or true\/false/],
    ["info", [1, 2], /number, a text or true\/false/],
    ["info", Number.NaN, /number, a text or true\/false/],
    ["info", "x".repeat(MAX_INFO_TEXT + 1), new RegExp(`longer than ${MAX_INFO_TEXT}`)],
  ])("refuses %s %j: %s", (type, value, message) => {
    expect(answerProblem(leaves[type], value)).toMatch(message);
  });

  it("bounds points answers by each leaf's own maximum", () => {
    const leaf = leafOf({ type: "points" }, 2.5);
    expect(answerProblem(leaf, 2.5)).toBeUndefined();
    expect(answerProblem(leaf, 3)).toBe("expected a number from 0 to 2.5");
  });

  it("refuses undefined, which is not a JSON value, for every method", () => {
    for (const type of Object.keys(leaves) as (keyof typeof leaves)[])
      expect(answerProblem(leaves[type], undefined)).toEqual(expect.any(String));
  });
});
