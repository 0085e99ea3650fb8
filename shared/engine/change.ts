import type { LeafPoints, SnapshotChange, SnapshotUnit } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import type { PreviousSnapshot } from "./rank-change.ts";
import { roundIndex, roundPoints } from "./rounding.ts";

/** The most moved indicators listed each way (DOMAIN.md §5 "Change"). */
export const LEAVES_EACH_WAY = 3;

/** A unit's published (rounded) figures, as its snapshot entry has them. */
export interface Figures {
  points: number;
  index: number;
  nodes: readonly { code: string; points: number; value: number | null }[];
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * The change of one unit (DOMAIN.md §5 "Change"), a pure function of rounded figures: this period's
 * minus the previous figure — the unit's own entry, or the plain mean of its counted predecessors'
 * entries — rounded like them (points 2 decimals, index and values 4, half away from zero).
 *
 * `nodeCodes`: the pillars in both snapshots' group. `leaves`: per indicator present in both, this
 * period's points and each counted entry's (same order as `previous`); undefined when the previous
 * version kept no leaf points, which gives `leaves: []`.
 */
export function changeOf(
  current: Figures,
  previous: readonly Figures[],
  nodeCodes: ReadonlySet<string>,
  leaves?: readonly { code: string; points: number; previous: readonly number[] }[],
): SnapshotChange {
  const nodes: SnapshotChange["nodes"] = [];
  for (const node of current.nodes) {
    if (!nodeCodes.has(node.code)) continue;
    const before = previous.map((p) => p.nodes.find((n) => n.code === node.code));
    if (before.some((n) => n === undefined)) continue;
    const values = before.map((n) => n?.value ?? null);
    nodes.push({
      code: node.code,
      points: roundPoints(node.points - mean(before.map((n) => n?.points ?? 0))),
      value:
        node.value === null || values.includes(null)
          ? null
          : roundIndex(node.value - mean(values as number[])),
    });
  }
  return {
    points: roundPoints(current.points - mean(previous.map((p) => p.points))),
    index: roundIndex(current.index - mean(previous.map((p) => p.index))),
    nodes,
    leaves: mostMoved(
      (leaves ?? []).map(({ code, points, previous }, at) => ({
        code,
        points: roundPoints(points - mean(previous)),
        at,
      })),
    ),
  };
}

/** The up to 3 largest rises (largest first), then the up to 3 largest falls (largest first); ties in framework order. */
function mostMoved(moves: { code: string; points: number; at: number }[]): SnapshotChange["leaves"] {
  const rises = moves.filter((m) => m.points > 0).sort((a, b) => b.points - a.points || a.at - b.at);
  const falls = moves.filter((m) => m.points < 0).sort((a, b) => a.points - b.points || a.at - b.at);
  return [...rises.slice(0, LEAVES_EACH_WAY), ...falls.slice(0, LEAVES_EACH_WAY)].map(({ code, points }) => ({
    code,
    points,
  }));
}

/**
 * One group's comparison with the previous snapshot, built once per group: which pillars and which
 * indicators both sides have, and where each indicator sits in the previous leaf points.
 */
export class GroupChanges {
  private readonly nodeCodes: ReadonlySet<string>;
  /** Per current leaf (framework order): its position in the previous version's row, or −1. */
  private readonly leafAt: Int32Array;
  private readonly previousRows: Readonly<Record<string, readonly number[]>> | undefined;

  constructor(
    private readonly previous: PreviousSnapshot,
    private readonly groupId: string,
    leafCodes: readonly string[],
    previousLeaves: LeafPoints | undefined,
  ) {
    const group = previous.snapshot?.groups.find((g) => g.id === groupId);
    this.nodeCodes = new Set(group?.nodes.map((n) => n.code));
    const leafGroup = previousLeaves?.groups.find((g) => g.id === groupId);
    const position = new Map(leafGroup?.codes.map((code, i) => [code, i]));
    this.leafAt = Int32Array.from(leafCodes, (code) => position.get(code) ?? -1);
    this.previousRows = leafGroup?.units;
  }

  /**
   * The unit's change, or null exactly when its rank change is (the same PreviousSnapshot decides).
   * `leafScores`: this period's leaf scores (framework order), rounded here like the leaf points file.
   */
  change(
    unit: Unit,
    submitted: boolean,
    current: Figures,
    leafCodes: readonly string[],
    leafScores: ArrayLike<number>,
  ): SnapshotChange | null {
    const comparable = this.previous.comparable(this.groupId, unit, submitted);
    if (!comparable) return null;
    return changeOf(
      current,
      comparable.counted,
      this.nodeCodes,
      this.leaves(comparable.counted, leafCodes, leafScores),
    );
  }

  private leaves(
    counted: readonly SnapshotUnit[],
    leafCodes: readonly string[],
    leafScores: ArrayLike<number>,
  ) {
    if (!this.previousRows) return undefined;
    const rows = counted.map((u) => this.previousRows?.[u.unitId]);
    // A counted unit the file does not list (it should list every one): no leaf comparison rather than a partial one.
    if (rows.some((row) => row === undefined)) return undefined;
    const out: { code: string; points: number; previous: number[] }[] = [];
    for (let i = 0; i < this.leafAt.length; i++) {
      const at = this.leafAt[i] as number;
      if (at < 0) continue;
      const before = rows.map((row) => row?.[at]);
      if (before.some((p) => typeof p !== "number")) continue;
      out.push({
        code: leafCodes[i] as string,
        points: roundPoints(leafScores[i] as number),
        previous: before as number[],
      });
    }
    return out;
  }
}
