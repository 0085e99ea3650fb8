import type { Period, Publication, SnapshotRef } from "../model/period.ts";
import { type RankingSnapshot, rankingSnapshotSchema } from "../model/snapshot.ts";
import type { Ports } from "./context.ts";

/**
 * Every period with a published snapshot, whatever its state now: one reopened for a correction, or
 * publishing its next version, still has its last version on the public page.
 */
export async function publishedPeriods(ports: Ports): Promise<Period[]> {
  const out: Period[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.periods.list({ limit: 200, cursor });
    out.push(...page.items.filter((p) => p.publication));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * The snapshot a publication of `period` compares with (rank change): the latest version of the
 * previous published period of the same framework lineage; null when there is none.
 */
export async function previousRef(ports: Ports, period: Period): Promise<SnapshotRef | null> {
  const lineageOf = async (frameworkId: string) => {
    const framework = await ports.frameworks.get(frameworkId);
    return framework?.lineage ?? framework?.id;
  };
  const lineage = await lineageOf(period.frameworkId);
  const earlier = (await publishedPeriods(ports))
    .filter((p) => p.id !== period.id && Date.parse(p.closesAt) < Date.parse(period.closesAt))
    .sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt));
  for (const candidate of earlier) {
    if ((await lineageOf(candidate.frameworkId)) !== lineage || !candidate.publication) continue;
    return { periodId: candidate.id, version: candidate.publication.version };
  }
  return null;
}

/** A pinned snapshot (its immutable file), or undefined for none. */
export async function snapshotOf(
  ports: Ports,
  ref: SnapshotRef | null,
): Promise<RankingSnapshot | undefined> {
  if (!ref) return undefined;
  const body = await ports.published.get(`public/rankings/${ref.periodId}/v${ref.version}.json`);
  if (!body) throw new Error(`the snapshot ${ref.periodId} v${ref.version} to compare with is missing`);
  return rankingSnapshotSchema.parse(JSON.parse(new TextDecoder().decode(body)));
}

/**
 * The version a publication compares with: the one it pinned, or — for a publication made before
 * they were pinned — the previous period's latest version as published now.
 */
export async function comparedRef(
  ports: Ports,
  period: Period,
  publication: Publication,
): Promise<SnapshotRef | null> {
  return publication.previous !== undefined ? publication.previous : await previousRef(ports, period);
}

/** The snapshot a publication compares with (comparedRef). */
export async function comparedSnapshot(
  ports: Ports,
  period: Period,
  publication: Publication,
): Promise<RankingSnapshot | undefined> {
  return snapshotOf(ports, await comparedRef(ports, period, publication));
}
