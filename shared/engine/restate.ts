import * as z from "zod";
import { type Checked, fromZodIssues, type Issue } from "../model/issues.ts";
import {
  type RankingSnapshot,
  rankingSnapshotSchema,
  type SnapshotGroup,
  type SnapshotNodeResult,
  type SnapshotUnit,
} from "../model/snapshot.ts";
import { unitSchema } from "../model/unit.ts";
import { compareRankables, competitionRanks, ranksOf } from "./rank.ts";
import { roundIndex, roundPoints } from "./rounding.ts";
import { LEAF_FLAG_NAMES } from "./score-unit.ts";

/**
 * Restating a published ranking on new unit boundaries (DOMAIN.md §5 "Restating a ranking on new
 * boundaries"): each new unit takes the (weighted) mean of its predecessors' published figures, and
 * every group is ranked again by the usual rules. Pure: the CLI (`score -- restate`) reads the files.
 */

/** The new unit set, as the units file has it; fields other than these are accepted and ignored. */
export const restateUnitsSchema = z.object({
  units: z.array(
    z.object({
      ...unitSchema.pick({ id: true, code: true, name: true, predecessorIds: true }).shape,
      /** Predecessor id → weight; when given, it names exactly the unit's predecessors. */
      predecessorWeights: z.record(z.string(), z.number().positive()).optional(),
    }),
  ),
});

export type NewUnit = z.infer<typeof restateUnitsSchema>["units"][number];

export interface Predecessor {
  unitId: string;
  /** Only when the unit's predecessors are weighted. */
  weight?: number;
}

export type RestatedUnit = SnapshotUnit & { predecessors: Predecessor[] };
export type RestatedGroup = Omit<SnapshotGroup, "units"> & { units: RestatedUnit[] };

export interface RestatedSnapshot extends Omit<RankingSnapshot, "groups"> {
  restatedFrom: { periodId: string; version: number; rule: "mean" | "weighted-mean" };
  groups: RestatedGroup[];
}

export interface Restatement {
  snapshot: RestatedSnapshot;
  /** New units none of whose predecessors is in the snapshot: not in the restated ranking. */
  leftOut: string[];
}

/** Flags in the order the engine writes them; any other flag follows in the order first met. */
const FLAG_ORDER = ["not-submitted", ...LEAF_FLAG_NAMES.map(([, name]) => name)];

/** Both files as read from JSON: the snapshot's and the units' shapes checked, then restated. */
export function restateFromJson(snapshot: unknown, units: unknown): Checked<Restatement> {
  const source = rankingSnapshotSchema.safeParse(snapshot, { reportInput: true });
  const set = restateUnitsSchema.safeParse(units, { reportInput: true });
  const issues: Issue[] = [
    ...(source.success ? [] : fromZodIssues(source.error.issues, ["snapshot"])),
    ...(set.success ? [] : fromZodIssues(set.error.issues)),
  ];
  if (!source.success || !set.success) return { ok: false, issues };
  return restateSnapshot(source.data, set.data.units);
}

/** One new unit's predecessors, all in one group of the source snapshot. */
interface Plan {
  unit: NewUnit;
  groupIndex: number;
  entries: SnapshotUnit[];
  /** Aligned with entries; all 1 for a plain mean. */
  weights: number[];
  weighted: boolean;
}

export function restateSnapshot(source: RankingSnapshot, units: readonly NewUnit[]): Checked<Restatement> {
  const issues: Issue[] = [];
  const where = new Map<string, { groupIndex: number; entry: SnapshotUnit }>();
  source.groups.forEach((group, groupIndex) => {
    group.units.forEach((entry, i) => {
      if (where.has(entry.unitId))
        issues.push({
          path: `snapshot.groups.${groupIndex}.units.${i}.unitId`,
          message: `unit ${entry.unitId}: listed twice in the snapshot`,
        });
      else where.set(entry.unitId, { groupIndex, entry });
    });
  });

  const plans: Plan[] = [];
  const leftOut: string[] = [];
  const seen = new Set<string>();
  const claimedBy = new Map<string, string>();
  for (const [i, unit] of units.entries()) {
    if (seen.has(unit.id)) {
      issues.push({ path: `units.${i}.id`, message: `unit ${unit.id}: listed twice` });
      continue;
    }
    seen.add(unit.id);
    const plan = planUnit(unit, where, source, claimedBy);
    for (const problem of plan.problems)
      issues.push({ path: `units.${i}`, message: `unit ${unit.id}: ${problem}` });
    if (plan.leftOut) leftOut.push(unit.id);
    else if (plan.problems.length === 0) plans.push(plan as Plan);
  }
  if (issues.length > 0) return { ok: false, issues };

  const groups = source.groups.map(
    (group, groupIndex): RestatedGroup => ({
      ...group,
      units: rankGroup(plans.filter((p) => p.groupIndex === groupIndex).map((p) => restateUnit(group, p))),
    }),
  );
  const snapshot: RestatedSnapshot = {
    period: source.period,
    version: source.version,
    publishedAt: source.publishedAt,
    // Restated figures compare with nothing: rankChange and change are null.
    previous: null,
    restatedFrom: {
      periodId: source.period.id,
      version: source.version,
      rule: plans.some((p) => p.weighted) ? "weighted-mean" : "mean",
    },
    groups,
  };
  return { ok: true, value: { snapshot, leftOut: leftOut.sort() } };
}

/** A unit's predecessors in the snapshot, or why they are refused; claims its predecessors. */
function planUnit(
  unit: NewUnit,
  where: ReadonlyMap<string, { groupIndex: number; entry: SnapshotUnit }>,
  source: RankingSnapshot,
  claimedBy: Map<string, string>,
): Partial<Plan> & { problems: string[]; leftOut?: true } {
  // A unit still in the snapshot is one of its own predecessors: the units listed merged into it.
  const ids = [...new Set([...(where.has(unit.id) ? [unit.id] : []), ...(unit.predecessorIds ?? [])])];
  if (!ids.some((id) => where.has(id))) return { problems: [], leftOut: true };
  const missing = ids.filter((id) => !where.has(id));
  if (missing.length > 0) return { problems: [`predecessors not in the snapshot: ${missing.join(", ")}`] };
  const groupOf = (id: string) => where.get(id)?.groupIndex as number;
  if (new Set(ids.map(groupOf)).size > 1) {
    const listed = ids.map((id) => `${id} (${source.groups[groupOf(id)]?.id})`).join(", ");
    return { problems: [`predecessors in different groups: ${listed}`] };
  }
  const problems: string[] = [];
  for (const id of ids) {
    const other = claimedBy.get(id);
    if (other === undefined) claimedBy.set(id, unit.id);
    else
      problems.push(
        `predecessor ${id} is also claimed by unit ${other}` +
          // The usual cause: the units file still lists a unit the reform ended.
          (id === other || id === unit.id
            ? ` (${id} is still in the units: leave out the units the reform ended)`
            : ""),
      );
  }
  const given = unit.predecessorWeights;
  if (given !== undefined) {
    const keys = Object.keys(given);
    if (keys.length !== ids.length || !ids.every((id) => Object.hasOwn(given, id)))
      problems.push(
        `predecessorWeights must name exactly its predecessors (${ids.join(", ")}), not ${keys.join(", ") || "none"}`,
      );
  }
  return {
    problems,
    unit,
    groupIndex: groupOf(ids[0] as string),
    entries: ids.map((id) => where.get(id)?.entry as SnapshotUnit),
    weights: ids.map((id) => given?.[id] ?? 1),
    weighted: given !== undefined,
  };
}

/** The weighted mean of the non-null values; null when every value is null. */
function mean(values: readonly (number | null)[], weights: readonly number[]): number | null {
  let sum = 0;
  let total = 0;
  values.forEach((value, i) => {
    if (value === null) return;
    sum += value * (weights[i] as number);
    total += weights[i] as number;
  });
  return total > 0 ? sum / total : null;
}

/** A new unit's figures, not yet ranked (rank 0, pillar ranks null). */
function restateUnit(group: SnapshotGroup, plan: Plan): RestatedUnit {
  const { unit, entries, weights } = plan;
  const meanOf = (pick: (e: SnapshotUnit) => number | null) => mean(entries.map(pick), weights);
  const nodes = group.nodes.map(({ code }): SnapshotNodeResult => {
    const of = entries.map((e) => e.nodes.find((n) => n.code === code));
    const pick = (f: (n: SnapshotNodeResult) => number | null) =>
      mean(
        of.map((n) => (n ? f(n) : null)),
        weights,
      );
    const value = pick((n) => n.value);
    return {
      code,
      points: roundPoints(pick((n) => n.points) ?? 0),
      maxPoints: roundPoints(pick((n) => n.maxPoints) ?? 0),
      value: value === null ? null : roundIndex(value),
      rank: null,
    };
  });
  const flags = new Set(entries.flatMap((e) => e.flags));
  const only = entries.length === 1 ? (entries[0] as SnapshotUnit) : undefined;
  return {
    unitId: unit.id,
    code: unit.code,
    name: unit.name,
    rank: 0,
    points: roundPoints(meanOf((e) => e.points) as number),
    maxPoints: roundPoints(meanOf((e) => e.maxPoints) as number),
    index: roundIndex(meanOf((e) => e.index) as number),
    // The thresholds are the framework's, not the snapshot's: a new index gets no band.
    band: only ? only.band : null,
    rankChange: null,
    change: null,
    flags: [...FLAG_ORDER.filter((f) => flags.has(f)), ...[...flags].filter((f) => !FLAG_ORDER.includes(f))],
    nodes,
    predecessors: entries.map((e, i) =>
      plan.weighted ? { unitId: e.unitId, weight: weights[i] as number } : { unitId: e.unitId },
    ),
  };
}

/** Ranks a group as the engine does (DOMAIN.md §5), on the 4-decimal figures: listed by rank. */
function rankGroup(units: RestatedUnit[]): RestatedUnit[] {
  const order = units
    .map((u) => ({ key: u.index, name: u.name, code: u.code, id: u.unitId, unit: u }))
    .sort(compareRankables);
  const ranks = competitionRanks(order.map((o) => o.key));
  const ranked = order.map(({ unit }, i) => ({ ...unit, rank: ranks[i] as number }));
  const pillars = ranked[0]?.nodes.length ?? 0;
  for (let j = 0; j < pillars; j++) {
    const column = ranksOf(ranked.map((u) => u.nodes[j]?.value ?? null));
    ranked.forEach((u, i) => {
      (u.nodes[j] as SnapshotNodeResult).rank = column[i] ?? null;
    });
  }
  return ranked;
}
