import { scorePeriod } from "../engine/score-period.ts";
import { toSnapshot } from "../engine/snapshot.ts";
import { type Period, toVietnamTime } from "../model/period.ts";
import { auditEntry, type RequestContext, type Services } from "./context.ts";
import { rankingRows, toCsv, toXlsx } from "./open-data.ts";
import { periodBundle, scoreAndRecord } from "./period-scoring.ts";
import { previousSnapshot, publishedPeriods } from "./previous.ts";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const JSON_TYPE = "application/json; charset=utf-8";
const CSV = "text/csv; charset=utf-8";

/**
 * Final scoring (DOMAIN.md §6): the ranking over appraised values; the results are then frozen. The
 * bundle scored is kept under the period (named by finalizedAt), so the publication scores exactly
 * it without reading every submission again.
 */
export async function finalizePeriod(
  services: Services,
  ctx: RequestContext,
  period: Period,
): Promise<Period> {
  const now = ctx.now.toISOString();
  const { bests } = await scoreAndRecord(services, period, "final", { keepBundleAt: now });
  const final: Period = {
    ...period,
    state: "final",
    finalizedAt: now,
    bests: { ...period.bests, final: bests },
    updatedAt: now,
  };
  await services.periods.update(
    final,
    { state: period.state },
    auditEntry(ctx, `period#${period.id}`, "period.transition", { state: period.state }, { state: "final" }),
  );
  return final;
}

/**
 * Publishes the final ranking as open data: the immutable snapshot v{n} (JSON, CSV, XLSX), then the
 * pointers ({periodId}.json/.csv/.xlsx), then index.json — so a pointer never names a missing file.
 * The version and time are recorded on the period before any file is written: a publication that
 * dies half-way, run again, writes the same bytes. Publishing after a correction makes v{n+1}.
 */
export async function publishPeriod(
  services: Services,
  ctx: RequestContext,
  period: Period,
): Promise<Period> {
  let current = period;
  if (!current.publishing) {
    const publishing = {
      version: (current.publication?.version ?? 0) + 1,
      publishedAt: toVietnamTime(ctx.now.getTime()),
    };
    const next: Period = { ...current, publishing, updatedAt: ctx.now.toISOString() };
    await services.periods.update(
      next,
      { state: "final", updatedAt: current.updatedAt },
      auditEntry(ctx, `period#${period.id}`, "period.publishing", undefined, publishing),
    );
    current = next;
  }
  const { version, publishedAt } = current.publishing as NonNullable<Period["publishing"]>;
  const previous = await previousSnapshot(services, current);
  const meta = { ...(previous ? { previous } : {}), version, publishedAt };
  // The bundle final scoring kept; read from the submissions only for a period finalized before it
  // was kept (or whose bundle is incomplete).
  const kept = current.finalizedAt
    ? await services.periods.keptBundle(current.id, "final", current.finalizedAt)
    : undefined;
  const bundle = kept ? { ...kept, ...meta } : (await periodBundle(services, current, "final", meta)).bundle;
  const snapshot = toSnapshot(scorePeriod(bundle), bundle);
  const json = `${JSON.stringify(snapshot, null, 2)}\n`;
  const table = rankingRows(snapshot);
  const csv = toCsv(table);
  const xlsx = toXlsx(table);

  const base = `public/rankings/${period.id}`;
  const files: [string, Uint8Array | string, string][] = [
    ["json", json, JSON_TYPE],
    ["csv", csv, CSV],
    ["xlsx", xlsx, XLSX],
  ];
  for (const [ext, body, type] of files)
    await services.published.put(`${base}/v${version}.${ext}`, body, type, "immutable");
  for (const [ext, body, type] of files)
    await services.published.put(`${base}.${ext}`, body, type, "pointer");
  const index = await publicationIndex(services, { ...current, publication: { version, publishedAt } });
  await services.published.put(
    "public/rankings/index.json",
    `${JSON.stringify(index, null, 2)}\n`,
    JSON_TYPE,
    "pointer",
  );
  await services.published.invalidate([
    ...files.map(([ext]) => `${base}.${ext}`),
    "public/rankings/index.json",
  ]);

  const { publishing: _publishing, ...rest } = current;
  const published: Period = {
    ...rest,
    state: "published",
    publication: { version, publishedAt },
    updatedAt: ctx.now.toISOString(),
  };
  await services.periods.update(
    published,
    { state: "final" },
    auditEntry(
      ctx,
      `period#${period.id}`,
      "period.publish",
      { state: "final" },
      { state: "published", version, publishedAt },
    ),
  );
  return published;
}

/** Every published period, newest first, with the latest version of each. */
async function publicationIndex(services: Services, publishing: Period) {
  const periods = (await publishedPeriods(services)).filter((p) => p.id !== publishing.id);
  return {
    periods: [publishing, ...periods]
      .filter((p) => p.publication)
      .sort(newestFirst)
      .map((p) => ({
        periodId: p.id,
        name: p.name,
        version: p.publication?.version,
        publishedAt: p.publication?.publishedAt,
        url: `/public/rankings/${p.id}.json`,
      })),
  };
}

/** By publication time (to the second), then by deadline: two periods published in one second keep their order. */
function newestFirst(a: Period, b: Period): number {
  const at = (p: Period) => Date.parse(p.publication?.publishedAt ?? "") || 0;
  return at(b) - at(a) || Date.parse(b.closesAt) - Date.parse(a.closesAt) || (a.id < b.id ? -1 : 1);
}
