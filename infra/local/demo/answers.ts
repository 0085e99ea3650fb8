import type { CompiledGroup } from "../../../shared/engine/compile.ts";
import { tallyUnit } from "../../../shared/engine/score-unit.ts";
import type { AnswerValue } from "../../../shared/model/answer.ts";
import { type Framework, type Leaf, measuredSourceOf } from "../../../shared/model/framework.ts";

/**
 * Real result ranges of Tuyên Quang 2023, published 23/5/2024 (DOMAIN.md §7), as points per group:
 * the demo's published period is generated to fall inside them, so the public page looks true.
 */
export const REAL_RANGES: Record<string, [number, number]> = {
  department: [264.36, 407.64],
  district: [434.21, 513.65],
  commune: [100.44, 304.31],
};

export interface DemoAnswers {
  answers: Record<string, AnswerValue>;
  /** Leaves whose evidence the unit uploads. */
  evidence: string[];
  points: number;
}

/**
 * A unit's answers whose self-score lands inside [low, high]: each leaf is answered at an attainment
 * scattered around a target, and the target is nudged until the engine's own tally is in range.
 */
export function calibratedAnswers(
  framework: Framework,
  group: CompiledGroup,
  [low, high]: [number, number],
  random: () => number,
): DemoAnswers {
  const goal = low + random() * (high - low);
  let target = goal / group.maxPoints;
  let best: DemoAnswers | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    const answers: Record<string, AnswerValue> = {};
    const evidence: string[] = [];
    for (const { leaf } of group.leaves) {
      // A measured leaf's value comes from its data source, not from the unit.
      if (measuredSourceOf(leaf)) continue;
      const attainment = Math.min(1, Math.max(0, target + (random() - 0.5) * 0.6));
      answers[leaf.code] = answerAt(leaf, attainment, random);
      if (leaf.evidence.required && random() > 0.03) evidence.push(leaf.code);
    }
    const { points } = tallyUnit(
      group,
      framework,
      { submitted: true, answers, evidence },
      undefined,
      new Map(),
    );
    const candidate = { answers, evidence, points };
    if (!best || Math.abs(points - goal) < Math.abs(best.points - goal)) best = candidate;
    if (points >= low && points <= high) return candidate;
    target = Math.min(1, Math.max(0.01, target * (goal / Math.max(points, 1))));
  }
  return best as DemoAnswers;
}

/** An answer that earns about `attainment` of the leaf's maximum. */
function answerAt(leaf: Leaf, attainment: number, random: () => number): AnswerValue {
  const method = leaf.method;
  switch (method.type) {
    case "yesno":
      return random() < attainment;
    case "level":
      return [...method.options].sort(
        (a, b) => Math.abs(a.fraction - attainment) - Math.abs(b.fraction - attainment),
      )[0]?.id as string;
    case "ratio": {
      const denominator = 2 + Math.floor(random() * 40);
      return {
        numerator: Math.min(denominator, Math.round(attainment * method.target * denominator)),
        denominator,
      };
    }
    case "steps": {
      const reachable = method.steps.filter((s) => s.points <= attainment * leaf.maxPoints + 1e-9);
      return reachable.length === 0 ? 0 : Math.max(...reachable.map((s) => s.min));
    }
    case "count":
      return Math.round((attainment * leaf.maxPoints) / method.pointsEach);
    case "points":
      return Math.round(attainment * leaf.maxPoints * 4) / 4;
    case "relative":
      return Math.round(attainment * 100);
    case "info":
      return random() < 0.5 ? "Có" : "Chưa";
  }
}
