import { roundPoints } from "../engine/rounding.ts";
import type { PeriodScore } from "../engine/score-period.ts";
import type { Period, Publication, SnapshotRef } from "../model/period.ts";
import { type LeafPoints, leafPointsSchema } from "../model/snapshot.ts";
import type { Ports } from "./context.ts";
import { comparedRef } from "./previous.ts";

/** Where a published version's leaf points are kept: beside its snapshot, immutable like it. */
export const leafPointsKey = (ref: SnapshotRef): string =>
  `public/rankings/${ref.periodId}/v${ref.version}.leaves.json`;

/**
 * The leaf points file of a published version (API.md "Published files"): every unit's final points of
 * every leaf, 2 decimals, in framework order (a non-submitter's all 0), for the next period's
 * `change.leaves`.
 */
export function leafPointsOf(score: PeriodScore, ref: SnapshotRef): LeafPoints {
  return {
    periodId: ref.periodId,
    version: ref.version,
    groups: score.groups.map(({ compiled, units }) => ({
      id: compiled.group.id,
      codes: compiled.leaves.map(({ leaf }) => leaf.code),
      units: Object.fromEntries(
        units.map((u) => [u.unit.id, Array.from(u.leafScores, (points) => roundPoints(points))]),
      ),
    })),
  };
}

/**
 * The leaf points of the version a publication compares with (comparedRef); undefined when there is none, or when that version was published before they were kept.
 */
export async function comparedLeafPoints(
  ports: Ports,
  period: Period,
  publication: Publication,
): Promise<LeafPoints | undefined> {
  const ref = await comparedRef(ports, period, publication);
  if (!ref) return undefined;
  const body = await ports.published.get(leafPointsKey(ref));
  if (!body) return undefined;
  return leafPointsSchema.parse(JSON.parse(new TextDecoder().decode(body)));
}
