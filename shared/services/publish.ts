import { scorePeriod } from "../engine/score-period.ts";
import { toSnapshot } from "../engine/snapshot.ts";
import type { Publication } from "../model/period.ts";
import { DOCX, documentSteps, PDF, publishDocuments, ZIP } from "./documents.ts";
import type { JobWork } from "./jobs.ts";
import { leafPointsKey, leafPointsOf } from "./leaf-points.ts";
import { methodFile } from "./method-file.ts";
import { downloadName, rankingRows, toCsv, toXlsx } from "./open-data.ts";
import { comparedPrevious, periodBundle, scoreAndRecord } from "./period-scoring.ts";
import { writeIndex } from "./previous.ts";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const JSON_TYPE = "application/json; charset=utf-8";
const CSV = "text/csv; charset=utf-8";
/** The Content-Types publication writes (the infra tests check CloudFront compresses the text ones). */
export const PUBLISHED_TYPES = {
  json: JSON_TYPE,
  csv: CSV,
  xlsx: XLSX,
  pdf: PDF,
  docx: DOCX,
  zip: ZIP,
} as const;

/**
 * Final scoring's work, run by the finalize job once the period is `finalizing` (from then on every
 * appraisal, contest and decision is refused in its own transaction, so nothing accepted is left
 * out): the ranking over appraised values, each unit's result kept on its head. The bundle scored is
 * kept under the period (named by finalizedAt), so the publication scores exactly it without reading
 * every submission again.
 */
export const finalizeWork: JobWork = async (ports, ctx, period, progress) => {
  const finalizedAt = ctx.now.toISOString();
  const { bests } = await scoreAndRecord(ports, period, "final", { keepBundleAt: finalizedAt, progress });
  return {
    changes: { finalizedAt, bests: { ...period.bests, final: bests } },
    audit: { action: "period.transition", after: { state: "final" } },
  };
};

/**
 * Publication's work, run by the publish job once the period is `publishing` with the version and
 * time recorded (by the request that asked for it, before any file is written: an attempt run again
 * writes the same bytes): the immutable snapshot v{n} (JSON, CSV, XLSX), then the pointers
 * ({periodId}.json/.csv/.xlsx), then index.json — so a pointer never names a missing file. Then the
 * official documents (documents.ts), once the ranking is public; the period turns `published` only with
 * them, and the index says `documents: true` once they are written.
 * Publishing after a correction makes v{n+1}.
 */
export const publishWork: JobWork = async (ports, _ctx, period, progress) => {
  const pending = period.nextPublication;
  if (!pending) throw new Error(`period ${period.id} is publishing without a recorded version`);
  const { version, publishedAt } = pending;
  const meta = { version, publishedAt };
  // The bundle final scoring kept; read from the submissions only for a period finalized before it
  // was kept (or whose bundle is incomplete).
  const kept = period.finalizedAt
    ? await ports.periods.kept(period.id, "final", period.finalizedAt)
    : undefined;
  const read = kept ? { ...kept, ...meta } : (await periodBundle(ports, period, "final", meta)).bundle;
  // The previous version's leaf points (absent before they were kept) explain the indicators in `change`;
  // both restated on this period's units when they differ (a reform between the two).
  const { previous, previousLeaves } = await comparedPrevious(ports, period, pending, read.units);
  const bundle = previous ? { ...read, previous } : read;
  const score = scorePeriod(bundle);
  const snapshot = toSnapshot(score, { ...bundle, ...(previousLeaves ? { previousLeaves } : {}) });
  const leafPoints = `${JSON.stringify(leafPointsOf(score, { periodId: period.id, version }))}\n`;
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
  // The index set as ranked, for the public method page: beside the ranking, not inside it (small first screen).
  const method = `${JSON.stringify(methodFile(bundle.framework, bundle.period))}\n`;
  const units = snapshot.groups.reduce((n, g) => n + g.units.length, 0);
  progress.setTotal(files.length * 2 + 3 + documentSteps(units) + 1);
  // Saved as xep-hang-<period>-v<n>.<ext>, the pointer too (it holds v{n}'s bytes).
  for (const [ext, body, type] of files) {
    const name = downloadName(period.id, version, ext);
    await ports.published.put(`${base}/v${version}.${ext}`, body, type, "immutable", name);
    await progress.add(1);
  }
  await ports.published.put(
    leafPointsKey({ periodId: period.id, version }),
    leafPoints,
    JSON_TYPE,
    "immutable",
  );
  await progress.add(1);
  for (const [ext, body, type] of files) {
    await ports.published.put(`${base}.${ext}`, body, type, "pointer", downloadName(period.id, version, ext));
    await progress.add(1);
  }
  await ports.published.put(`${base}.method.json`, method, JSON_TYPE, "pointer");
  await progress.add(1);
  // The pointers are live at v{n}: recorded before the index is written, so that any publication
  // writing the index from now on lists this one at v{n} (two periods may publish at once).
  const publication = pending;
  await ports.periods.recordPublication(period.id, period.job?.runId ?? "", publication);
  await writeIndex(ports, { ...period, publication });
  await progress.add(1);
  await ports.published.invalidate([
    ...files.map(([ext]) => `${base}.${ext}`),
    `${base}.method.json`,
    "public/rankings/index.json",
  ]);
  // The documents (appendix, scorecards, ZIP) after the ranking is public, before the job ends.
  const documentPointers = await publishDocuments(
    ports,
    period,
    snapshot,
    bundle.framework,
    previous,
    version,
    progress,
  );
  const withDocuments: Publication = { ...pending, documents: true };
  await ports.periods.recordPublication(period.id, period.job?.runId ?? "", withDocuments);
  await writeIndex(ports, { ...period, publication: withDocuments });
  await progress.add(1);
  await ports.published.invalidate([...documentPointers, "public/rankings/index.json"]);
  return {
    changes: { publication: withDocuments, nextPublication: undefined },
    audit: { action: "period.publish", after: { state: "published", version, publishedAt } },
  };
};
