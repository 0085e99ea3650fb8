import type { RatioValue } from "../model/answer.ts";
import type { Leaf } from "../model/framework.ts";

/** Marks a leaf that leaves both the unit's points and its applicable maximum (ratio, 0/0, "exclude"). */
export const EXCLUDED = -1;

/**
 * The score one valid, non-empty answer earns on one leaf (DOMAIN.md §4), before the evidence rule.
 * `best` is the group's largest value of a relative leaf in the period (0 when none is above 0).
 * Values are assumed valid: answerProblem() has checked them at the edge.
 */
export function leafScore(leaf: Leaf, value: unknown, best: number): number {
  const max = leaf.maxPoints;
  const method = leaf.method;
  switch (method.type) {
    case "yesno":
      return value === true ? max : 0;
    case "level": {
      const option = method.options.find((o) => o.id === value);
      return option ? max * option.fraction : 0;
    }
    case "ratio": {
      const { numerator, denominator } = value as RatioValue;
      if (denominator === 0) {
        if (method.whenZero === "exclude") return EXCLUDED;
        return method.whenZero === "full" ? max : 0;
      }
      // max·n/(d·t) in one division: exact for the usual whole-point maxima when t = 1.
      return Math.min(max, (max * numerator) / (denominator * method.target));
    }
    case "steps": {
      // The step with the highest threshold the value reaches; steps may be listed in any order.
      let points = 0;
      let reached = Number.NEGATIVE_INFINITY;
      for (const step of method.steps) {
        if ((value as number) >= step.min && step.min > reached) {
          reached = step.min;
          points = step.points;
        }
      }
      return points;
    }
    case "count":
      return Math.min(max, (value as number) * method.pointsEach);
    case "points":
      return value as number;
    case "relative":
      if (best <= 0) return 0;
      // The best unit earns exactly max (max·v/v can fall one rounding step short).
      return (value as number) >= best ? max : (max * (value as number)) / best;
    case "info":
      return 0;
  }
}
