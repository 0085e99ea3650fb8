import type { LeafPoints, RankingSnapshot, SnapshotUnit } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import { type RestatedGroup, restateSnapshot } from "./restate.ts";
import { roundIndex } from "./rounding.ts";

/**
 * What a unit compares with in the previous snapshot (DOMAIN.md §5 "Rank change"): its own entry, or
 * — a merged unit absent there — its predecessors that had submitted (`counted`, whose mean is the
 * previous figure); `ranked` lists every predecessor ranked in that group, submitted or not.
 */
export interface Comparable {
  merged: boolean;
  counted: readonly SnapshotUnit[];
  ranked: ReadonlySet<string>;
}

/** The snapshot keeps no "submitted" field: a non-submitter carries the one flag. */
const hadSubmitted = (entry: SnapshotUnit): boolean => !entry.flags.includes("not-submitted");

/**
 * The previous published snapshot by group, and who in it a unit compares with: the one source for
 * both the rank change and `change` (shared/engine/change.ts), so one is null exactly when the other is.
 */
export class PreviousSnapshot {
  private readonly byGroup = new Map<string, Map<string, SnapshotUnit>>();

  constructor(readonly snapshot: RankingSnapshot | undefined) {
    for (const group of snapshot?.groups ?? [])
      this.byGroup.set(group.id, new Map(group.units.map((u) => [u.unitId, u])));
  }

  /** The units of a previous group by id; undefined when it had no such group. */
  group(groupId: string): ReadonlyMap<string, SnapshotUnit> | undefined {
    return this.byGroup.get(groupId);
  }

  /**
   * Null unless the unit submitted now and has a previous figure: its own entry in the same group,
   * submitted there; or, absent there, predecessors ranked there of which at least one had submitted.
   */
  comparable(groupId: string, unit: Unit, submitted: boolean): Comparable | null {
    if (!submitted) return null;
    const group = this.byGroup.get(groupId);
    if (!group) return null;
    const own = group.get(unit.id);
    if (own) return hadSubmitted(own) ? { merged: false, counted: [own], ranked: new Set() } : null;
    const ranked = (unit.predecessorIds ?? []).flatMap((id) => group.get(id) ?? []);
    const counted = ranked.filter(hadSubmitted);
    if (counted.length === 0) return null;
    return { merged: true, counted, ranked: new Set(ranked.map((u) => u.unitId)) };
  }
}

/**
 * Rank change against the previous published period (DOMAIN.md §5): previous rank − current rank,
 * positive when the unit moved up. Shown only when the unit submitted in both periods: null when it
 * did not submit now, was not ranked there in the same group, or had not submitted there (a
 * non-submitter's 0 is no result to move from or to).
 *
 * A merged unit absent from the previous period compares with the mean index of its predecessors that
 * were ranked there and had submitted, placed among the other units of that previous group: its
 * previous rank is 1 + the number of them whose (4-decimal) index is higher than that mean. With no
 * predecessor that submitted there, null.
 */
export class PreviousRanks {
  readonly previous: PreviousSnapshot;

  constructor(previous: RankingSnapshot | PreviousSnapshot | undefined) {
    this.previous = previous instanceof PreviousSnapshot ? previous : new PreviousSnapshot(previous);
  }

  rankChange(groupId: string, unit: Unit, rank: number, submitted: boolean): number | null {
    const comparable = this.previous.comparable(groupId, unit, submitted);
    if (!comparable) return null;
    if (!comparable.merged) return (comparable.counted[0] as SnapshotUnit).rank - rank;
    const { counted, ranked } = comparable;
    const mean = roundIndex(counted.reduce((sum, u) => sum + u.index, 0) / counted.length);
    // Every predecessor (submitted or not) is left out of the units the mean is placed among.
    let higher = 0;
    for (const [id, entry] of this.previous.group(groupId) ?? [])
      if (!ranked.has(id) && entry.index > mean) higher++;
    return higher + 1 - rank;
  }
}

/**
 * Whether a period's units differ from the previous snapshot's (DOMAIN.md §5 "Rank change across a
 * reform"): a unit of the period has predecessors, or a unit of the snapshot is not in the period.
 */
export function boundariesChanged(previous: RankingSnapshot, units: readonly Unit[]): boolean {
  if (units.some((u) => (u.predecessorIds?.length ?? 0) > 0)) return true;
  const ids = new Set(units.map((u) => u.id));
  return previous.groups.some((g) => g.units.some((u) => !ids.has(u.unitId)));
}

/** Restated on the period's units when `previous.restatedFrom` is set (restate.ts). */
export interface ComparedPrevious {
  previous?: RankingSnapshot;
  previousLeaves?: LeafPoints;
}

/**
 * The previous snapshot a period compares with: as published when its units are the period's, else
 * restated on them (restate.ts: each unit the mean of its predecessors' published figures, ranks
 * recomputed), with its leaf points likewise (the plain mean of the predecessors' rows). A mapping the
 * restatement refuses (predecessors in two groups, a predecessor claimed twice …) leaves the snapshot
 * as published: each merged unit then compares by the per-unit rule above.
 */
export function comparePrevious(
  units: readonly Unit[],
  previous: RankingSnapshot | undefined,
  previousLeaves?: LeafPoints,
): ComparedPrevious {
  const asPublished = {
    ...(previous ? { previous } : {}),
    ...(previousLeaves ? { previousLeaves } : {}),
  };
  if (!previous || !boundariesChanged(previous, units)) return asPublished;
  const restated = restateSnapshot(previous, units);
  if (!restated.ok) return asPublished;
  const { snapshot } = restated.value;
  return {
    previous: snapshot,
    ...(previousLeaves ? { previousLeaves: restateLeaves(previousLeaves, snapshot.groups) } : {}),
  };
}

/** Each restated unit's leaf points: the plain mean of its predecessors' rows (left out if one lacks a row). */
function restateLeaves(leaves: LeafPoints, groups: readonly RestatedGroup[]): LeafPoints {
  return {
    ...leaves,
    groups: leaves.groups.map((group) => {
      const units: Record<string, number[]> = {};
      for (const unit of groups.find((g) => g.id === group.id)?.units ?? []) {
        const rows = unit.predecessors.map((p) => group.units[p.unitId]);
        if (rows.length === 0 || rows.some((row) => row === undefined)) continue;
        units[unit.unitId] = group.codes.map(
          (_, i) => rows.reduce((sum, row) => sum + ((row as number[])[i] ?? 0), 0) / rows.length,
        );
      }
      return { ...group, units };
    }),
  };
}
