import type { LeafPoints, RankingSnapshot, SnapshotUnit } from "../model/snapshot.ts";
import { GroupChanges } from "./change.ts";
import { PreviousSnapshot } from "./rank-change.ts";
import { roundIndex, roundPoints } from "./rounding.ts";
import type { PeriodScore } from "./score-period.ts";

export interface SnapshotMeta {
  period: { id: string; name: string };
  /** Snapshot number; 1 unless re-published after a correction. */
  version?: number;
  /** Publication time; null for a provisional ranking. */
  publishedAt?: string | null;
  /** The previous published version's leaf points (its v{n}.leaves.json), for `change.leaves`. */
  previousLeaves?: LeafPoints;
}

/**
 * The public ranking file (API.md "Ranking snapshot"): points to 2 decimals, indexes to 4; each unit's
 * `change` against the snapshot its rank change was computed against (shared/engine/change.ts).
 */
export function toSnapshot(score: PeriodScore, meta: SnapshotMeta): RankingSnapshot {
  const { framework } = score;
  const previous = score.previous ?? new PreviousSnapshot(undefined);
  return {
    period: {
      id: meta.period.id,
      name: meta.period.name,
      framework: { id: framework.id, name: framework.name, decision: framework.decision ?? null },
    },
    version: meta.version ?? 1,
    publishedAt: meta.publishedAt ?? null,
    groups: score.groups.map(({ compiled, units }) => {
      const leafCodes = compiled.leaves.map(({ leaf }) => leaf.code);
      const changes = new GroupChanges(previous, compiled.group.id, leafCodes, meta.previousLeaves);
      return {
        id: compiled.group.id,
        name: compiled.group.name,
        maxPoints: roundPoints(compiled.maxPoints),
        nodes: compiled.topNodes.map((node) => ({
          code: node.code,
          name: node.name,
          maxPoints: node.maxPoints,
        })),
        units: units.map((u): SnapshotUnit => {
          const points = roundPoints(u.points);
          const index = roundIndex(u.index);
          const nodes = u.nodes.map((n) => ({
            code: n.code,
            points: roundPoints(n.points),
            maxPoints: roundPoints(n.maxPoints),
            value: n.value === null ? null : roundIndex(n.value),
            rank: n.rank,
          }));
          return {
            unitId: u.unit.id,
            code: u.unit.code,
            name: u.unit.name,
            rank: u.rank,
            points,
            maxPoints: roundPoints(u.maxPoints),
            index,
            band: u.band,
            rankChange: u.rankChange,
            change: changes.change(u.unit, u.submitted, { points, index, nodes }, leafCodes, u.leafScores),
            flags: u.flags,
            nodes,
          };
        }),
      };
    }),
  };
}
