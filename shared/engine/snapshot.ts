import type { RankingSnapshot, SnapshotUnit } from "../model/snapshot.ts";
import { roundIndex, roundPoints } from "./rounding.ts";
import type { PeriodScore } from "./score-period.ts";

export interface SnapshotMeta {
  period: { id: string; name: string };
  /** Snapshot number; 1 unless re-published after a correction. */
  version?: number;
  /** Publication time; null for a provisional ranking. */
  publishedAt?: string | null;
}

/** The public ranking file (API.md "Ranking snapshot"): points to 2 decimals, indexes to 4. */
export function toSnapshot(score: PeriodScore, meta: SnapshotMeta): RankingSnapshot {
  const { framework } = score;
  return {
    period: {
      id: meta.period.id,
      name: meta.period.name,
      framework: { id: framework.id, name: framework.name, decision: framework.decision ?? null },
    },
    version: meta.version ?? 1,
    publishedAt: meta.publishedAt ?? null,
    groups: score.groups.map(({ compiled, units }) => ({
      id: compiled.group.id,
      name: compiled.group.name,
      maxPoints: roundPoints(compiled.maxPoints),
      nodes: compiled.topNodes.map((node) => ({
        code: node.code,
        name: node.name,
        maxPoints: node.maxPoints,
      })),
      units: units.map(
        (u): SnapshotUnit => ({
          unitId: u.unit.id,
          code: u.unit.code,
          name: u.unit.name,
          rank: u.rank,
          points: roundPoints(u.points),
          maxPoints: roundPoints(u.maxPoints),
          index: roundIndex(u.index),
          band: u.band,
          rankChange: u.rankChange,
          flags: u.flags,
          nodes: u.nodes.map((n) => ({
            code: n.code,
            points: roundPoints(n.points),
            maxPoints: roundPoints(n.maxPoints),
            value: n.value === null ? null : roundIndex(n.value),
            rank: n.rank,
          })),
        }),
      ),
    })),
  };
}
