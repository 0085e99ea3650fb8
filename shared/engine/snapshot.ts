import { type Leaf, measuredSourceOf } from "../model/framework.ts";
import type { LeafPoints, RankingSnapshot, SnapshotUnit } from "../model/snapshot.ts";
import { GroupChanges } from "./change.ts";
import { comparability, sideOfSnapshot, summaryOf } from "./comparability.ts";
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
  // Another index set before: only what it maps compares (comparability.ts).
  const before = previous.snapshot;
  const versions =
    before && before.period.framework.id !== framework.id
      ? comparability(framework, sideOfSnapshot(before, meta.previousLeaves))
      : undefined;
  return {
    period: {
      id: meta.period.id,
      name: meta.period.name,
      framework: { id: framework.id, name: framework.name, decision: framework.decision ?? null },
    },
    version: meta.version ?? 1,
    publishedAt: meta.publishedAt ?? null,
    // Named, so a reader fetches exactly the version compared with instead of guessing it.
    previous: before
      ? {
          periodId: before.period.id,
          version: before.version,
          // Compared with that version restated on this period's units (rank-change.ts comparePrevious).
          ...(before.restatedFrom ? { restated: true as const } : {}),
        }
      : null,
    groups: score.groups.map(({ compiled, units }) => {
      const leafCodes = compiled.leaves.map(({ leaf }) => leaf.code);
      const links = versions?.groups.get(compiled.group.id);
      const summary = versions && summaryOf(versions, compiled.group.id);
      const changes = new GroupChanges(
        previous,
        compiled.group.id,
        leafCodes,
        meta.previousLeaves,
        links && {
          links,
          pillarMax: new Map(compiled.topNodes.map((n) => [n.code, n.maxPoints])),
          maxPoints: compiled.maxPoints,
        },
      );
      return {
        id: compiled.group.id,
        name: compiled.group.name,
        maxPoints: roundPoints(compiled.maxPoints),
        nodes: compiled.topNodes.map((node) => ({
          code: node.code,
          name: node.name,
          maxPoints: node.maxPoints,
        })),
        ...(summary ? { comparability: summary } : {}),
        ...measuredShareOf(compiled.leaves, units),
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

/**
 * `measuredShare`: the measured leaves' final points over all final points of the group's units (0
 * when nobody has a point yet); nothing when the group has no measured leaf.
 */
function measuredShareOf(
  leaves: readonly { leaf: Leaf }[],
  units: readonly { leafScores: ArrayLike<number> }[],
): { measuredShare?: number } {
  const measured = leaves.flatMap(({ leaf }, i) => (measuredSourceOf(leaf) === undefined ? [] : [i]));
  if (measured.length === 0) return {};
  let part = 0;
  let total = 0;
  for (const { leafScores } of units) {
    for (let i = 0; i < leafScores.length; i++) total += leafScores[i] as number;
    for (const i of measured) part += leafScores[i] as number;
  }
  return { measuredShare: total > 0 ? roundIndex(part / total) : 0 };
}
