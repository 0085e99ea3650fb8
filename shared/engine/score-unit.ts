import { type Framework, needsEvidence } from "../model/framework.ts";
import { cappedPoints } from "../model/limits.ts";
import type { CompiledGroup } from "./compile.ts";
import { EXCLUDED, leafScore } from "./leaf-score.ts";

/** What the engine needs to know of one unit's submission. */
export interface SubmissionFacts {
  submitted: boolean;
  /** Leaf code → answer value; null or absent: unanswered. */
  answers: Readonly<Record<string, unknown>>;
  /** Codes of the leaves backed by confirmed evidence (a file or a URL). */
  evidence: readonly string[];
}

/** Leaf code → appraised value. An appraised value replaces the answer and lifts the evidence rule. */
export type AppraisedValues = Readonly<Record<string, unknown>>;

/** Leaf flags, as bits so a national period keeps them in one byte per leaf. */
export const LeafFlag = { unanswered: 1, missingEvidence: 2, excluded: 4 } as const;

export const LEAF_FLAG_NAMES: readonly [bit: number, name: string][] = [
  [LeafFlag.excluded, "excluded"],
  [LeafFlag.missingEvidence, "missing-evidence"],
  [LeafFlag.unanswered, "unanswered"],
];

/** One unit's scores at full precision, before ranking. Arrays are aligned with compiled.leaves / slots. */
export interface UnitTally {
  leafScores: Float64Array;
  leafFlags: Uint8Array;
  /** Per slot: points and applicable maximum. */
  slotPoints: Float64Array;
  slotMax: Float64Array;
  points: number;
  maxPoints: number;
}

/** The record's own, non-empty value for key, else null. One keyed load; hasOwn only for a hit. */
const ownValue = (record: Readonly<Record<string, unknown>>, key: string): unknown => {
  const value = record[key];
  return value !== undefined && value !== null && Object.hasOwn(record, key) ? value : null;
};

/** The value that counts for a leaf: the appraised one when an appraiser set it, else the unit's answer. */
export function effectiveValue(
  code: string,
  answers: Readonly<Record<string, unknown>>,
  appraised: AppraisedValues | undefined,
): { value: unknown; appraised: boolean } {
  const value = appraised === undefined ? null : ownValue(appraised, code);
  if (value !== null) return { value, appraised: true };
  return { value: ownValue(answers, code), appraised: false };
}

/**
 * Scores one submitted unit (DOMAIN.md §4–5): each leaf by its method, then the evidence rule, then
 * every inner node as min(maxPoints, Σ children) with its applicable maximum likewise.
 *
 * The evidence rule applies to answers that would change the result (a positive score, or an
 * exclusion): a "no" needs no proof. A leaf zeroed for missing evidence counts in the maximum: an
 * unproven "nothing arose" does not exclude the leaf. Info leaves are never flagged, nor measured ones
 * (their provenance is the evidence).
 */
export function tallyUnit(
  compiled: CompiledGroup,
  framework: Framework,
  submission: SubmissionFacts,
  appraised: AppraisedValues | undefined,
  bestOf: ReadonlyMap<string, number>,
): UnitTally {
  const leafCount = compiled.leaves.length;
  const leafScores = new Float64Array(leafCount);
  const leafFlags = new Uint8Array(leafCount);
  const slotPoints = new Float64Array(compiled.slotCount);
  const slotMax = new Float64Array(compiled.slotCount);
  // Leaves with confirmed evidence, marked by position: no Set built per unit.
  const proven = new Uint8Array(leafCount);
  for (const code of submission.evidence) {
    const k = compiled.leafIndex.get(code);
    if (k !== undefined) proven[k] = 1;
  }
  const zeroUnproven = framework.missingEvidence === "zero";

  for (let i = 0; i < leafCount; i++) {
    const { leaf, slot } = compiled.leaves[i] as CompiledGroup["leaves"][number];
    slotMax[slot] = leaf.maxPoints;
    if (leaf.method.type === "info") continue;
    const { value, appraised: isAppraised } = effectiveValue(leaf.code, submission.answers, appraised);
    if (value === null || value === undefined) {
      leafFlags[i] = LeafFlag.unanswered;
      continue;
    }
    let score = leafScore(leaf, value, leaf.method.type === "relative" ? (bestOf.get(leaf.code) ?? 0) : 0);
    let flags = 0;
    if (needsEvidence(leaf) && !isAppraised && score !== 0 && proven[i] === 0) {
      flags |= LeafFlag.missingEvidence;
      if (zeroUnproven) score = 0;
    }
    if (score === EXCLUDED) {
      flags |= LeafFlag.excluded;
      slotMax[slot] = 0;
      score = 0;
    }
    leafScores[i] = score;
    slotPoints[slot] = score;
    leafFlags[i] = flags;
  }

  // Backwards over pre-order slots: each node is complete before it is capped and added to its parent.
  const { parent, maxPointsOf } = compiled;
  let points = 0;
  let maxPoints = 0;
  for (let slot = compiled.slotCount - 1; slot >= 0; slot--) {
    const cap = maxPointsOf[slot] as number;
    const nodePoints = cappedPoints(slotPoints[slot] as number, cap);
    const nodeMax = cappedPoints(slotMax[slot] as number, cap);
    slotPoints[slot] = nodePoints;
    slotMax[slot] = nodeMax;
    const up = parent[slot] as number;
    if (up === -1) {
      points += nodePoints;
      maxPoints += nodeMax;
    } else {
      slotPoints[up] = (slotPoints[up] as number) + nodePoints;
      slotMax[up] = (slotMax[up] as number) + nodeMax;
    }
  }
  return { leafScores, leafFlags, slotPoints, slotMax, points, maxPoints };
}
