import type { Period } from "../model/period.ts";
import { type RankingSnapshot, rankingSnapshotSchema } from "../model/snapshot.ts";
import type { Services } from "./context.ts";

/**
 * Every period with a published snapshot, whatever its state now: one reopened for a correction, or
 * publishing its next version, still has its last version on the public page.
 */
export async function publishedPeriods(services: Services): Promise<Period[]> {
  const out: Period[] = [];
  let cursor: string | undefined;
  do {
    const page = await services.periods.list({ limit: 200, cursor });
    out.push(...page.items.filter((p) => p.publication));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The latest snapshot of the previous published period of the same framework lineage (for rank change). */
export async function previousSnapshot(
  services: Services,
  period: Period,
): Promise<RankingSnapshot | undefined> {
  const lineageOf = async (frameworkId: string) => {
    const framework = await services.frameworks.get(frameworkId);
    return framework?.lineage ?? framework?.id;
  };
  const lineage = await lineageOf(period.frameworkId);
  const earlier = (await publishedPeriods(services))
    .filter((p) => p.id !== period.id && Date.parse(p.closesAt) < Date.parse(period.closesAt))
    .sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt));
  for (const candidate of earlier) {
    if ((await lineageOf(candidate.frameworkId)) !== lineage) continue;
    const body = await services.published.get(`public/rankings/${candidate.id}.json`);
    if (!body) continue;
    return rankingSnapshotSchema.parse(JSON.parse(new TextDecoder().decode(body)));
  }
  return undefined;
}
