import { type Framework, needsEvidence } from "../model/framework.ts";
import type { RankingSnapshot } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import { type CompiledGroup, compileFramework } from "./compile.ts";
import { bandOf, compareRankables, competitionRanks, type Rankable, ranksOf } from "./rank.ts";
import { PreviousRanks, type PreviousSnapshot } from "./rank-change.ts";
import { roundIndex, withoutNoise } from "./rounding.ts";
import {
  type AppraisedValues,
  effectiveValue,
  LEAF_FLAG_NAMES,
  type SubmissionFacts,
  tallyUnit,
  type UnitTally,
} from "./score-unit.ts";

export interface ScoringInput {
  framework: Framework;
  units: readonly Unit[];
  /** Unit id → its submission; a unit without one, or with submitted: false, did not submit. */
  submissions: Readonly<Record<string, SubmissionFacts>>;
  /** Unit id → appraised values. */
  appraisals?: Readonly<Record<string, AppraisedValues>>;
  /** The previous published snapshot of the same framework lineage, for rank change. */
  previous?: RankingSnapshot;
}

export interface NodeScore {
  code: string;
  points: number;
  maxPoints: number;
  /** points / maxPoints; null when the applicable maximum is 0 (not ranked). */
  value: number | null;
  rank: number | null;
}

export type UnitFlag = "not-submitted" | "excluded" | "missing-evidence" | "unanswered";

/** One unit's result at full precision (rounding is presentation: see snapshot.ts). */
export interface UnitScore extends UnitTally {
  unit: Unit;
  submitted: boolean;
  index: number;
  rank: number;
  band: string | null;
  rankChange: number | null;
  flags: UnitFlag[];
  /** Top-level nodes (pillars), in framework order. */
  nodes: NodeScore[];
}

export interface GroupScore {
  compiled: CompiledGroup;
  /** Relative leaves' best values in the group (what their scores were divided by). */
  bests: ReadonlyMap<string, number>;
  /** By rank; ties by Vietnamese name. */
  units: UnitScore[];
}

export interface PeriodScore {
  framework: Framework;
  groups: GroupScore[];
  /** The previous snapshot the rank changes were computed against (toSnapshot's `change` uses the same). */
  previous?: PreviousSnapshot;
}

const NOT_SUBMITTED: SubmissionFacts = { submitted: false, answers: {}, evidence: [] };

/**
 * Scores and ranks a period (DOMAIN.md §4–5). A pure function: the same inputs, in any order, give
 * the same result. Units whose kind no group of the framework takes are not scored.
 *
 * A unit that did not submit is ranked with 0 points and carries the one flag "not-submitted": its
 * draft answers are not scored, so no leaf of it has a flag to add.
 */
export function scorePeriod(input: ScoringInput): PeriodScore {
  const compiledFramework = compileFramework(input.framework);
  const previous = new PreviousRanks(input.previous);
  const compareAt = input.framework.rankCompare === "exact" ? withoutNoise : roundIndex;
  const members = new Map<CompiledGroup, Unit[]>(compiledFramework.groups.map((g) => [g, []]));
  for (const unit of input.units) {
    const group = compiledFramework.groupOfKind.get(unit.kind);
    if (group) members.get(group)?.push(unit);
  }

  const groups = compiledFramework.groups.map((compiled) => {
    const units = members.get(compiled) ?? [];
    const submissionOf = (unit: Unit): SubmissionFacts => {
      const submission = input.submissions[unit.id];
      return submission?.submitted ? submission : NOT_SUBMITTED;
    };
    const bestOf = relativeBests(compiled, input.framework, units, submissionOf, input.appraisals);
    const notSubmittedTally = tallyUnit(compiled, input.framework, NOT_SUBMITTED, undefined, bestOf);
    notSubmittedTally.leafFlags.fill(0);

    const scored = units.map((unit) => {
      const submission = submissionOf(unit);
      const tally = submission.submitted
        ? tallyUnit(compiled, input.framework, submission, input.appraisals?.[unit.id], bestOf)
        : notSubmittedTally;
      const index = tally.maxPoints > 0 ? tally.points / tally.maxPoints : 0;
      const nodes = compiled.topSlots.map((slot, j): NodeScore => {
        const maxPoints = tally.slotMax[slot] as number;
        const points = tally.slotPoints[slot] as number;
        return {
          code: compiled.topNodes[j]?.code as string,
          points,
          maxPoints,
          value: maxPoints > 0 ? points / maxPoints : null,
          rank: null,
        };
      });
      return { unit, submitted: submission.submitted, tally, index, nodes, key: compareAt(index) };
    });

    const order: (Rankable & { at: number })[] = scored.map((s, at) => ({
      key: s.key,
      name: s.unit.name,
      code: s.unit.code,
      id: s.unit.id,
      at,
    }));
    order.sort(compareRankables);
    const ranks = competitionRanks(order.map((o) => o.key));

    compiled.topSlots.forEach((_, j) => {
      const column = ranksOf(
        scored.map((s) => (s.nodes[j]?.value == null ? null : compareAt(s.nodes[j]?.value as number))),
      );
      scored.forEach((s, i) => {
        (s.nodes[j] as NodeScore).rank = column[i] ?? null;
      });
    });

    const rankedUnits = order.map(({ at }, position): UnitScore => {
      const s = scored[at] as (typeof scored)[number];
      const rank = ranks[position] as number;
      // The tally's fields listed, not spread: {...s.tally} made this map and toSnapshot ~2× slower.
      const { leafScores, leafFlags, slotPoints, slotMax, points, maxPoints } = s.tally;
      return {
        leafScores,
        leafFlags,
        slotPoints,
        slotMax,
        points,
        maxPoints,
        unit: s.unit,
        submitted: s.submitted,
        index: s.index,
        rank,
        band: bandOf(roundIndex(s.index), compiled.bands),
        rankChange: previous.rankChange(compiled.group.id, s.unit, rank, s.submitted),
        flags: s.submitted ? leafFlagNames(s.tally.leafFlags) : ["not-submitted"],
        nodes: s.nodes,
      };
    });
    return { compiled, bests: bestOf, units: rankedUnits };
  });
  return { framework: input.framework, groups, previous: previous.previous };
}

/**
 * For each relative leaf, the largest value among the group's submitted units whose value counts:
 * answered, and not zeroed for missing evidence (an unproven claim must not lower everyone else).
 */
function relativeBests(
  compiled: CompiledGroup,
  framework: Framework,
  units: readonly Unit[],
  submissionOf: (unit: Unit) => SubmissionFacts,
  appraisals: ScoringInput["appraisals"],
): Map<string, number> {
  const bests = new Map<string, number>();
  const relativeLeaves = compiled.leaves.filter(({ leaf }) => leaf.method.type === "relative");
  if (relativeLeaves.length === 0) return bests;
  for (const { leaf } of relativeLeaves) bests.set(leaf.code, 0);
  for (const unit of units) {
    const submission = submissionOf(unit);
    if (!submission.submitted) continue;
    for (const { leaf } of relativeLeaves) {
      const { value, appraised } = effectiveValue(leaf.code, submission.answers, appraisals?.[unit.id]);
      if (typeof value !== "number") continue;
      const unproven =
        needsEvidence(leaf) &&
        !appraised &&
        framework.missingEvidence === "zero" &&
        !submission.evidence.includes(leaf.code);
      if (!unproven && value > (bests.get(leaf.code) as number)) bests.set(leaf.code, value);
    }
  }
  return bests;
}

function leafFlagNames(leafFlags: Uint8Array): UnitFlag[] {
  let all = 0;
  for (const flags of leafFlags) all |= flags;
  return LEAF_FLAG_NAMES.filter(([bit]) => (all & bit) !== 0).map(([, name]) => name as UnitFlag);
}
