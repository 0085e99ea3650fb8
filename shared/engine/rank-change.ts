import type { RankingSnapshot } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import { roundIndex } from "./rounding.ts";

/**
 * Rank change against the previous published period (DOMAIN.md §5): previous rank − current rank,
 * positive when the unit moved up, null when it was not ranked there in the same group.
 *
 * A merged unit absent from the previous period compares with the mean index of its predecessors that
 * were ranked there, placed among the other units of that previous group: its previous rank is
 * 1 + the number of them whose (4-decimal) index is higher than that mean.
 */
export class PreviousRanks {
  private readonly byGroup = new Map<string, Map<string, { rank: number; index: number }>>();

  constructor(previous: RankingSnapshot | undefined) {
    for (const group of previous?.groups ?? []) {
      this.byGroup.set(
        group.id,
        new Map(group.units.map((u) => [u.unitId, { rank: u.rank, index: u.index }])),
      );
    }
  }

  rankChange(groupId: string, unit: Unit, rank: number): number | null {
    const previous = this.previousRank(groupId, unit);
    return previous === null ? null : previous - rank;
  }

  private previousRank(groupId: string, unit: Unit): number | null {
    const group = this.byGroup.get(groupId);
    if (!group) return null;
    const own = group.get(unit.id);
    if (own) return own.rank;
    const predecessors = (unit.predecessorIds ?? []).filter((id) => group.has(id));
    if (predecessors.length === 0) return null;
    const mean = roundIndex(
      predecessors.reduce((sum, id) => sum + (group.get(id)?.index ?? 0), 0) / predecessors.length,
    );
    let higher = 0;
    for (const [id, entry] of group) if (!predecessors.includes(id) && entry.index > mean) higher++;
    return higher + 1;
  }
}
