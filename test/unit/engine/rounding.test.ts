import { describe, expect, test } from "vitest";
import {
  roundHalfAwayFromZero,
  roundIndex,
  roundPoints,
  withoutNoise,
} from "../../../shared/engine/rounding.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { communeGroup, pillarOfOne, submitted, testFramework } from "../../support/fixtures.ts";

describe("roundHalfAwayFromZero", () => {
  test("halves written in decimal round up, though their doubles lie just below", () => {
    // toFixed and Math.round get these wrong: 1.005 is stored as 1.00499999999999989…
    expect(roundHalfAwayFromZero(1.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(2.675, 2)).toBe(2.68);
    expect(roundHalfAwayFromZero(1.255, 2)).toBe(1.26);
    expect(roundHalfAwayFromZero(0.285, 2)).toBe(0.29);
    expect(roundHalfAwayFromZero(407.645, 2)).toBe(407.65);
    expect(roundHalfAwayFromZero(0.79175, 4)).toBe(0.7918);
  });

  test("0.12345 → 0.1235 at 4 decimals", () => {
    expect(roundHalfAwayFromZero(0.12345, 4)).toBe(0.1235);
  });

  test("below a half rounds down, above rounds up", () => {
    expect(roundHalfAwayFromZero(1.0049, 2)).toBe(1);
    expect(roundHalfAwayFromZero(0.12344, 4)).toBe(0.1234);
    expect(roundHalfAwayFromZero(0.123451, 4)).toBe(0.1235);
    expect(roundHalfAwayFromZero(2.6751, 2)).toBe(2.68);
  });

  test("whole halves go away from zero (not to even)", () => {
    expect(roundHalfAwayFromZero(0.5, 0)).toBe(1);
    expect(roundHalfAwayFromZero(2.5, 0)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5, 0)).toBe(-3);
    expect(roundHalfAwayFromZero(0.125, 2)).toBe(0.13);
  });

  test("negative values round away from zero", () => {
    expect(roundHalfAwayFromZero(-1.005, 2)).toBe(-1.01);
    expect(roundHalfAwayFromZero(-0.12345, 4)).toBe(-0.1235);
    expect(roundHalfAwayFromZero(-0.12344, 4)).toBe(-0.1234);
  });

  test("a tiny negative value rounds to 0, not -0", () => {
    expect(Object.is(roundHalfAwayFromZero(-0.00004, 4), 0)).toBe(true);
  });

  test("carries through every digit", () => {
    expect(roundHalfAwayFromZero(0.99995, 4)).toBe(1);
    expect(roundHalfAwayFromZero(9.995, 2)).toBe(10);
    expect(roundHalfAwayFromZero(99.999, 2)).toBe(100);
  });

  test("values already at the precision are unchanged", () => {
    expect(roundHalfAwayFromZero(0, 2)).toBe(0);
    expect(roundHalfAwayFromZero(407, 2)).toBe(407);
    expect(roundHalfAwayFromZero(0.4076, 4)).toBe(0.4076);
    expect(roundHalfAwayFromZero(1000, 4)).toBe(1000);
  });

  test("representation noise of sums is not mistaken for a digit", () => {
    expect(roundHalfAwayFromZero(0.1 + 0.2, 2)).toBe(0.3);
    expect(roundHalfAwayFromZero(1 + 0.005, 2)).toBe(1.01);
    expect(roundHalfAwayFromZero(0.7 + 0.275, 2)).toBe(0.98);
    expect(roundHalfAwayFromZero(1.1 + 2.2, 4)).toBe(3.3);
  });
});

describe("presentation precisions", () => {
  test("points to 2 decimals, indexes to 4", () => {
    expect(roundPoints(1.005)).toBe(1.01);
    expect(roundPoints(2.675)).toBe(2.68);
    expect(roundPoints(53.333333333333336)).toBe(53.33);
    expect(roundIndex(0.12345)).toBe(0.1235);
    expect(roundIndex(0.8002)).toBe(0.8002);
    expect(roundIndex(60 / 90)).toBe(0.6667);
  });

  test("withoutNoise keeps 12 decimals: equal sums compare equal, real differences stay", () => {
    expect(withoutNoise(0.1 + 0.2)).toBe(withoutNoise(0.3));
    expect(withoutNoise(0.533333)).not.toBe(withoutNoise(0.5333));
    expect(withoutNoise(160 / 300)).toBe(0.533333333333);
  });
});

describe("the snapshot rounds what it shows", () => {
  test("points, indexes and pillar values", () => {
    const framework = testFramework({
      id: "rounding",
      name: "Làm tròn",
      groups: [
        communeGroup([pillarOfOne("1", "Một", 10, "Điểm")]),
        { id: "ward", name: "Phường", unitKinds: ["ward"], nodes: [pillarOfOne("1", "Một", 1, "Điểm")] },
      ],
    });
    const units = [
      { id: "a", code: "A", name: "Xã A", kind: "commune" },
      { id: "b", code: "B", name: "Xã B", kind: "commune" },
      { id: "p", code: "P", name: "Phường P", kind: "ward" },
    ];
    const submissions = {
      a: submitted({ "1.1": 2.675 }),
      b: submitted({ "1.1": 1.005 }),
      p: submitted({ "1.1": 0.12345 }),
    };
    const snapshot = toSnapshot(scorePeriod({ framework, units, submissions }), {
      period: { id: "p", name: "Kỳ" },
    });
    const shown = snapshot.groups.flatMap((g) =>
      g.units.map((u) => [u.unitId, u.points, u.index, u.nodes[0]?.points, u.nodes[0]?.value]),
    );
    expect(shown).toStrictEqual([
      ["a", 2.68, 0.2675, 2.68, 0.2675],
      ["b", 1.01, 0.1005, 1.01, 0.1005],
      ["p", 0.12, 0.1235, 0.12, 0.1235],
    ]);
  });
});
