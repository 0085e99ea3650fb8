import type { LeafPoints, SnapshotChange, SnapshotUnit } from "../model/snapshot.ts";
import type { Unit } from "../model/unit.ts";
import { type GroupComparability, isComparable } from "./comparability.ts";
import type { PreviousSnapshot } from "./rank-change.ts";
import { roundIndex, roundPoints } from "./rounding.ts";

/** The most moved indicators listed each way (DOMAIN.md §5 "Change"). */
export const LEAVES_EACH_WAY = 3;

/** A unit's published (rounded) figures, as its snapshot entry has them. */
export interface Figures {
  points: number;
  index: number;
  nodes: readonly { code: string; points: number; value: number | null; maxPoints?: number }[];
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * A pillar compared across versions of the index set: the old pillars it comes from (one, or several
 * merged) and `scale`, its maximum over theirs, by which old points are put on the new scale.
 */
export interface PillarMatch {
  from: readonly string[];
  scale: number;
}
/** The pillars compared: codes found on both sides (one version), or new code → match. */
export type PillarMatches = ReadonlySet<string> | ReadonlyMap<string, PillarMatch>;

type Node = Figures["nodes"][number];
/** One counted entry's figure for a match: its points on the new scale and its value (null: none). */
function before(entry: Figures, match: PillarMatch): { points: number; value: number | null } | undefined {
  const nodes = match.from.map((code) => entry.nodes.find((n) => n.code === code));
  if (nodes.length === 0 || nodes.some((n) => n === undefined)) return undefined;
  const found = nodes as Node[];
  if (found.length === 1) {
    const only = found[0] as Node;
    return { points: only.points * match.scale, value: only.value };
  }
  // Merged: the sum of the old points over the sum of their applicable maxima.
  const points = found.reduce((s, n) => s + n.points, 0);
  const max = found.reduce((s, n) => s + (n.maxPoints ?? 0), 0);
  const value = found.some((n) => n.value === null) || max === 0 ? null : points / max;
  return { points: points * match.scale, value };
}

/**
 * The change of one unit (DOMAIN.md §5 "Change"), a pure function of rounded figures: this period's
 * minus the previous figure — the unit's own entry, or the plain mean of its counted predecessors'
 * entries — rounded like them (points 2 decimals, index and values 4, half away from zero).
 *
 * `pillars`: the pillars compared (comparability.ts; keyed by this version's codes). `leaves`: per
 * indicator compared, this period's points and each counted entry's (same order as `previous`; a merged
 * one's the sum of its old ones); undefined when the previous version kept no leaf points, which gives
 * `leaves: []`. `scale`: the group's maximum over the previous one's (1 within one index set): old
 * points are put on the new scale; the index, a 0–1 value, compares as it is.
 */
export function changeOf(
  current: Figures,
  previous: readonly Figures[],
  pillars: PillarMatches,
  leaves?: readonly { code: string; points: number; previous: readonly number[] }[],
  scale = 1,
): SnapshotChange {
  const nodes: SnapshotChange["nodes"] = [];
  for (const node of current.nodes) {
    const match =
      pillars instanceof Set
        ? pillars.has(node.code)
          ? { from: [node.code], scale: 1 }
          : undefined
        : (pillars as ReadonlyMap<string, PillarMatch>).get(node.code);
    if (!match) continue;
    const figures = previous.map((p) => before(p, match));
    if (figures.some((n) => n === undefined)) continue;
    const values = figures.map((n) => n?.value ?? null);
    nodes.push({
      code: node.code,
      points: roundPoints(node.points - mean(figures.map((n) => n?.points ?? 0))),
      value:
        node.value === null || values.includes(null)
          ? null
          : roundIndex(node.value - mean(values as number[])),
    });
  }
  return {
    points: roundPoints(current.points - mean(previous.map((p) => p.points)) * scale),
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
 * indicators both sides have, and where each indicator sits in the previous leaf points. Across versions
 * of the index set (`versions`), only what comparability.ts finds comparable, keyed by the new codes.
 */
export class GroupChanges {
  private readonly pillars: PillarMatches;
  /** Per current leaf (framework order): the positions of the old leaves it compares with in the previous version's row, or null. */
  private readonly leafAt: (readonly number[] | null)[];
  private readonly previousRows: Readonly<Record<string, readonly number[]>> | undefined;
  private readonly scale: number;

  constructor(
    private readonly previous: PreviousSnapshot,
    private readonly groupId: string,
    leafCodes: readonly string[],
    previousLeaves: LeafPoints | undefined,
    versions?: { links: GroupComparability; pillarMax: ReadonlyMap<string, number>; maxPoints: number },
  ) {
    const group = previous.snapshot?.groups.find((g) => g.id === groupId);
    const leafGroup = previousLeaves?.groups.find((g) => g.id === groupId);
    const position = new Map(leafGroup?.codes.map((code, i) => [code, i]));
    this.previousRows = leafGroup?.units;
    if (!versions) {
      this.pillars = new Set(group?.nodes.map((n) => n.code));
      this.leafAt = leafCodes.map((code) => (position.has(code) ? [position.get(code) as number] : null));
      this.scale = 1;
      return;
    }
    const oldMax = new Map(group?.nodes.map((n) => [n.code, n.maxPoints]));
    const pillars = new Map<string, PillarMatch>();
    for (const [code, link] of versions.links.links.pillar) {
      const from = link.from.map((c) => oldMax.get(c));
      if (!isComparable(link) || from.some((m) => m === undefined)) continue;
      const sum = from.reduce<number>((s, m) => s + (m ?? 0), 0);
      if (sum > 0) pillars.set(code, { from: link.from, scale: (versions.pillarMax.get(code) ?? sum) / sum });
    }
    this.pillars = pillars;
    this.leafAt = leafCodes.map((code) => {
      const link = versions.links.links.leaf.get(code);
      if (!isComparable(link)) return null;
      const at = link.from.map((c) => position.get(c));
      return at.some((p) => p === undefined) ? null : (at as number[]);
    });
    this.scale = group && group.maxPoints > 0 ? versions.maxPoints / group.maxPoints : 1;
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
      this.pillars,
      this.leaves(comparable.counted, leafCodes, leafScores),
      this.scale,
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
      const at = this.leafAt[i];
      if (!at) continue;
      // A merged indicator compares with the sum of its old ones (equal maxima: framework-rules.ts).
      const before = rows.map((row) => (at.length === 1 ? row?.[at[0] as number] : sumAt(row, at)));
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

function sumAt(row: readonly number[] | undefined, at: readonly number[]): number | undefined {
  let sum = 0;
  for (const i of at) {
    const p = row?.[i];
    if (typeof p !== "number") return undefined;
    sum += p;
  }
  return roundPoints(sum);
}
