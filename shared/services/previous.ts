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

// The index of published periods lives here, not in publish.ts, so a handler that only updates it
// (restatements.ts) does not load the document renderers.
const INDEX = "public/rankings/index.json";

/**
 * Writes index.json from the periods as stored, then reads both again until the file equals what the
 * periods say: of two publications writing it at once, the one that writes last sees the other's
 * recorded version on its next read and writes again, so the index converges on every publication.
 */
export async function writeIndex(ports: Ports, self: Period): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const body = `${JSON.stringify(await publicationIndex(ports, self), null, 2)}\n`;
    const current = await ports.published.get(INDEX);
    if (current && new TextDecoder().decode(current) === body) return;
    await ports.published.put(INDEX, body, "application/json; charset=utf-8", "pointer");
  }
  // Still changing after five rounds: fail the attempt, to be retried, rather than leave it stale.
  throw new Error("index.json kept changing under concurrent publications");
}

/**
 * Every published period, newest first, with the latest version of each. The list comes from an
 * index that lags behind writes: each period is read again (consistently), and the publishing one is
 * taken as this job knows it.
 */
async function publicationIndex(ports: Ports, self: Period) {
  const listed = (await publishedPeriods(ports)).filter((p) => p.id !== self.id);
  const fresh = await Promise.all([self, ...listed].map(async (p) => (await ports.periods.get(p.id)) ?? p));
  const periods = fresh
    .map((p) => (p.id === self.id ? { ...p, publication: self.publication } : p))
    .filter((p) => p.publication);
  return {
    periods: periods.sort(newestFirst).map((p) => ({
      periodId: p.id,
      name: p.name,
      version: p.publication?.version,
      publishedAt: p.publication?.publishedAt,
      url: `/public/rankings/${p.id}.json`,
      ...(p.publication?.documents ? { documents: true } : {}),
      // Second publications on later units (restatements.ts), oldest first.
      ...(p.restatements?.length
        ? {
            restatements: p.restatements.map(({ asOf, url, units, rule }) => ({ asOf, url, units, rule })),
          }
        : {}),
    })),
  };
}

/** By publication time (to the second), then by deadline: two periods published in one second keep their order. */
function newestFirst(a: Period, b: Period): number {
  const at = (p: Period) => Date.parse(p.publication?.publishedAt ?? "") || 0;
  return at(b) - at(a) || Date.parse(b.closesAt) - Date.parse(a.closesAt) || (a.id < b.id ? -1 : 1);
}
