import type { RankingSnapshot } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import { roundIndex } from "./rounding.ts";

/** A unit as ranked in the previous snapshot: its rank, index and whether it had submitted there. */
interface PreviousEntry {
  rank: number;
  index: number;
  submitted: boolean;
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
  private readonly byGroup = new Map<string, Map<string, PreviousEntry>>();

  constructor(previous: RankingSnapshot | undefined) {
    for (const group of previous?.groups ?? []) {
      this.byGroup.set(
        group.id,
        new Map(
          group.units.map((u) => [
            u.unitId,
            // The snapshot keeps no "submitted" field: a non-submitter carries the one flag.
            { rank: u.rank, index: u.index, submitted: !u.flags.includes("not-submitted") },
          ]),
        ),
      );
    }
  }

  rankChange(groupId: string, unit: Unit, rank: number, submitted: boolean): number | null {
    if (!submitted) return null;
    const previous = this.previousRank(groupId, unit);
    return previous === null ? null : previous - rank;
  }

  private previousRank(groupId: string, unit: Unit): number | null {
    const group = this.byGroup.get(groupId);
    if (!group) return null;
    const own = group.get(unit.id);
    if (own) return own.submitted ? own.rank : null;
    const ranked = (unit.predecessorIds ?? []).filter((id) => group.has(id));
    const counted = ranked.filter((id) => group.get(id)?.submitted);
    if (counted.length === 0) return null;
    const mean = roundIndex(
      counted.reduce((sum, id) => sum + (group.get(id)?.index ?? 0), 0) / counted.length,
    );
    // Every predecessor (submitted or not) is left out of the units the mean is placed among.
    let higher = 0;
    for (const [id, entry] of group) if (!ranked.includes(id) && entry.index > mean) higher++;
    return higher + 1;
  }
}
