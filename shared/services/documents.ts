import { appendixDocument } from "../documents/appendix.ts";
import { renderDocx, renderPdf } from "../documents/render.ts";
import { scorecardDocument } from "../documents/scorecard.ts";
import { ZipWriter } from "../documents/zip.ts";
import { compileFramework } from "../engine/compile.ts";
import { downloadName } from "../model/downloads.ts";
import type { Framework } from "../model/framework.ts";
import type { Period } from "../model/period.ts";
import type { RankingSnapshot } from "../model/snapshot.ts";
import { mapLimit } from "../store/batches.ts";
import type { Ports } from "./context.ts";
import type { JobProgress } from "./jobs.ts";
import type { StoredSubmission } from "./ports.ts";
import { unitResult } from "./results.ts";

export const PDF = "application/pdf";
export const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
export const ZIP = "application/zip";
/**
 * At most this many file writes in flight: below the SDK's 50 sockets, so none waits for one. Against
 * s3rver 16, 32 and 64 ran alike (it is bound by the emulator's CPU); against S3 each put waits on the
 * network, where more in flight help.
 */
export const PUT_CONCURRENCY = 32;

/** The names a browser saves the documents under: the ranking's scheme, prefixed with what they are. */
export const documentNames = {
  appendix: (periodId: string, version: number, ext: "pdf" | "docx") =>
    `phu-luc-${downloadName(periodId, version, ext)}`,
  scorecard: (periodId: string, version: number, unitId: string) =>
    `phieu-ket-qua-${periodId}-${unitId}-v${version}.pdf`,
  zip: (periodId: string, version: number) => `phieu-ket-qua-${periodId}-v${version}.zip`,
};

/** Where the documents of a period's version v{n} live (immutable) and their pointers. */
export function documentKeys(periodId: string, version: number) {
  const base = `public/rankings/${periodId}`;
  return {
    appendix: (ext: "pdf" | "docx") => ({ file: `${base}/v${version}.${ext}`, pointer: `${base}.${ext}` }),
    scorecard: (unitId: string) => ({
      file: `${base}/v${version}/units/${unitId}.pdf`,
      pointer: `${base}/units/${unitId}.pdf`,
    }),
    zip: { file: `${base}/v${version}/phieu-ket-qua.zip`, pointer: `${base}/phieu-ket-qua.zip` },
    /** One invalidation path for every unit's pointer (CloudFront allows a trailing wildcard). */
    unitPointers: `${base}/units/*`,
  };
}

/** A file name part safe in every ZIP reader and file system: no separators, no control characters. */
export function safeName(text: string): string {
  const cleaned = text
    .normalize("NFC")
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  return (cleaned || "_").slice(0, 120);
}

export interface BuiltDocuments {
  appendix: { pdf: Uint8Array; docx: Uint8Array };
  /** Every unit of the snapshot, in its order: its scorecard as PDF and DOCX. */
  scorecards: { unitId: string; path: string; pdf: Uint8Array; docx: Uint8Array }[];
  zip: Uint8Array;
}

/**
 * Builds the publication's documents in memory from the data alone (no clock): the appendix of the
 * decision, every unit's scorecard and the organiser's ZIP. Run again, it makes the same bytes; the
 * ZIP's entries are dated at the publication.
 */
export async function buildDocuments(
  ports: Ports,
  period: Period,
  snapshot: RankingSnapshot,
  framework: Framework,
  previous: RankingSnapshot | undefined,
): Promise<BuiltDocuments> {
  const members = await ports.periods.members(period.id);
  // Each unit's submission read once (bounded concurrency inside loadAll), for its final ledger.
  const stored = new Map(
    (await ports.submissions.loadAll(period.id, members)).map((s) => [s.head.unitId, s]),
  );
  return renderDocuments(period, snapshot, framework, previous, stored);
}

/** The documents from data in hand: each unit's stored submission by unit id. */
export function renderDocuments(
  period: Pick<Period, "bests" | "decision">,
  snapshot: RankingSnapshot,
  framework: Framework,
  previous: RankingSnapshot | undefined,
  stored: ReadonlyMap<string, StoredSubmission>,
): BuiltDocuments {
  const decision = period.decision;
  const appendix = appendixDocument(snapshot, decision);
  const compiled = compileFramework(framework);
  const previousUnits = new Map(
    previous?.groups.flatMap((g) => g.units.map((u) => [u.unitId, u] as const)) ?? [],
  );
  const scorecards: BuiltDocuments["scorecards"] = [];
  // Each scorecard goes into the organiser's ZIP as soon as it is made.
  const zip = new OrganiserZip(snapshot.publishedAt);
  for (const group of snapshot.groups)
    for (const unit of group.units) {
      const submission = stored.get(unit.unitId);
      const ledger = submission
        ? {
            ...unitResult(period, framework, compiled, unit.unitId, group.id, undefined, submission),
            code: unit.code,
            name: unit.name,
          }
        : undefined;
      const doc = scorecardDocument({
        snapshot,
        group,
        unit,
        ledger,
        framework,
        ...(previous
          ? { previous: { periodName: previous.period.name, unit: previousUnits.get(unit.unitId) } }
          : {}),
        ...(decision ? { decision } : {}),
      });
      const path = `${safeName(group.name)}/${safeName(`${unit.code} ${unit.name}`)}`;
      const card = { unitId: unit.unitId, path, pdf: renderPdf(doc), docx: renderDocx(doc) };
      scorecards.push(card);
      zip.add(card);
    }
  return {
    appendix: { pdf: renderPdf(appendix), docx: renderDocx(appendix) },
    scorecards,
    zip: zip.finish(),
  };
}

/**
 * Every scorecard as "{group}/{code name}.pdf|.docx", both stored: a PDF's streams and a DOCX's parts
 * are compressed already (deflating them again saved 6–10% of their size for ~1 ms a unit). Entries
 * are dated at the publication, as its timestamp reads (Vietnam time), so a rerun writes the same bytes.
 */
class OrganiserZip {
  private readonly writer: ZipWriter;
  private readonly taken = new Set<string>();

  constructor(publishedAt: string | null) {
    this.writer = new ZipWriter(publishedAt ?? "2000-01-01T00:00:00Z");
  }

  add(card: BuiltDocuments["scorecards"][number]): void {
    // Two units of one group with the same code and name still get a file each.
    let path = card.path;
    for (let n = 2; this.taken.has(path); n++) path = `${card.path} (${n})`;
    this.taken.add(path);
    this.writer.add(`${path}.pdf`, card.pdf);
    this.writer.add(`${path}.docx`, card.docx);
  }

  finish(): Uint8Array {
    return this.writer.finish();
  }
}

export function organiserZip(
  scorecards: BuiltDocuments["scorecards"],
  publishedAt: string | null,
): Uint8Array {
  const zip = new OrganiserZip(publishedAt);
  for (const card of scorecards) zip.add(card);
  return zip.finish();
}

/**
 * Writes the documents of publication v{n}: every immutable file, then the pointers (so a pointer never
 * names a missing file). Returns the paths to invalidate. `progress` counts each write.
 */
export async function writeDocuments(
  ports: Ports,
  periodId: string,
  version: number,
  built: BuiltDocuments,
  progress: JobProgress,
): Promise<string[]> {
  const keys = documentKeys(periodId, version);
  type Put = [key: string, body: Uint8Array, type: string, name: string];
  const immutables: Put[] = [];
  const pointers: Put[] = [];
  for (const ext of ["pdf", "docx"] as const) {
    const { file, pointer } = keys.appendix(ext);
    const name = documentNames.appendix(periodId, version, ext);
    immutables.push([file, built.appendix[ext], ext === "pdf" ? PDF : DOCX, name]);
    pointers.push([pointer, built.appendix[ext], ext === "pdf" ? PDF : DOCX, name]);
  }
  for (const card of built.scorecards) {
    const { file, pointer } = keys.scorecard(card.unitId);
    const name = documentNames.scorecard(periodId, version, card.unitId);
    immutables.push([file, card.pdf, PDF, name]);
    pointers.push([pointer, card.pdf, PDF, name]);
  }
  const zipName = documentNames.zip(periodId, version);
  immutables.push([keys.zip.file, built.zip, ZIP, zipName]);
  pointers.push([keys.zip.pointer, built.zip, ZIP, zipName]);
  for (const [puts, cache] of [
    [immutables, "immutable"],
    [pointers, "pointer"],
  ] as const)
    await mapLimit(puts, PUT_CONCURRENCY, async ([key, body, type, name]) => {
      await ports.published.put(key, body, type, cache, name);
      await progress.add(1);
    });
  return [keys.appendix("pdf").pointer, keys.appendix("docx").pointer, keys.zip.pointer, keys.unitPointers];
}

/** The writes documents add to a publication's job (its progress total). */
export const documentSteps = (units: number) => 2 * (2 + units + 1);
