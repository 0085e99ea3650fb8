import type { Framework } from "../model/framework.ts";
import { compileFramework } from "./compile.ts";
import { LEAF_FLAG_NAMES, type SubmissionFacts, tallyUnit } from "./score-unit.ts";

export interface SubmissionPreview {
  points: number;
  maxPoints: number;
  index: number;
  /** Leaf code → score and flags. A relative leaf's score is null: it depends on every unit's answer. */
  leaves: Record<string, { score: number | null; flags: string[] }>;
}

/**
 * The live score a unit sees while it fills in the form: the engine's own tally of this one
 * submission, as if submitted. Relative leaves count 0 here and are flagged "scored-at-close".
 */
export function previewSubmission(
  framework: Framework,
  groupId: string,
  submission: Omit<SubmissionFacts, "submitted">,
): SubmissionPreview {
  const compiled = compileFramework(framework).groups.find((g) => g.group.id === groupId);
  if (!compiled) throw new Error(`group "${groupId}" is not in framework "${framework.id}"`);
  const tally = tallyUnit(compiled, framework, { ...submission, submitted: true }, undefined, new Map());
  const leaves: SubmissionPreview["leaves"] = {};
  compiled.leaves.forEach(({ leaf }, i) => {
    const bits = tally.leafFlags[i] as number;
    const flags = LEAF_FLAG_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
    const relative = leaf.method.type === "relative" && !(bits & 1);
    if (relative) flags.push("scored-at-close");
    leaves[leaf.code] = { score: relative ? null : (tally.leafScores[i] as number), flags };
  });
  const index = tally.maxPoints > 0 ? tally.points / tally.maxPoints : 0;
  return { points: tally.points, maxPoints: tally.maxPoints, index, leaves };
}
