import { appendixDocument } from "../documents/appendix.ts";
import { renderDocx, renderPdf } from "../documents/render.ts";
import { scorecardDocument } from "../documents/scorecard.ts";
import { ZipWriter } from "../documents/zip.ts";
import { compileFramework } from "../engine/compile.ts";
import { downloadName } from "../model/downloads.ts";
import type { Framework } from "../model/framework.ts";
import type { Period } from "../model/period.ts";
import type { RankingSnapshot } from "../model/snapshot.ts";
import type { Ports } from "./context.ts";
import { defaultWorkers, POOL_MIN_UNITS, type PoolStats, pooledScorecards, turn } from "./document-pool.ts";
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

export interface Scorecard {
  unitId: string;
  /** Its place in the organiser's ZIP: "{group}/{code name}" (without the extension). */
  path: string;
  pdf: Uint8Array;
  docx: Uint8Array;
}

/** A scorecard's two files: the public PDF, and the DOCX of the organiser's ZIP. */
export type CardFormat = "pdf" | "docx";

/** One unit's scorecard in one format. */
export interface CardFile {
  unitId: string;
  path: string;
  bytes: Uint8Array;
}

/** What writeDocuments needs: the appendix, and the scorecards as they are made (one at a time). */
export interface DocumentSource {
  appendix: { pdf: Uint8Array; docx: Uint8Array };
  /**
   * Every unit's scorecard in one format, in the snapshot's order: rendered in this thread (Iterable)
   * or also by a worker pool (AsyncIterable).
   */
  scorecards(format: CardFormat): Iterable<CardFile> | AsyncIterable<CardFile>;
  /** Dates the ZIP's entries. */
  publishedAt: string | null;
}

export type DocumentPeriod = Pick<Period, "bests" | "decision">;

/** Everything a scorecard is made from: what a worker of the pool receives once. */
export interface ScorecardInput {
  period: DocumentPeriod;
  snapshot: RankingSnapshot;
  framework: Framework;
  previous: RankingSnapshot | undefined;
  stored: ReadonlyMap<string, StoredSubmission>;
}

export interface DocumentOptions {
  /**
   * Worker threads rendering scorecards beside this thread: by default the available cores − 1 (at
   * least 1); 0 renders here only. Small publications render here only (POOL_MIN_UNITS).
   */
  workers?: number;
  /** Filled in by the pool as it renders (the bench's and tests' view of who rendered what). */
  stats?: PoolStats;
}

/**
 * The publication's documents, written as they are made (publishWork): every unit's stored submission
 * read once (bounded concurrency inside loadAll) for its final ledger, then the scorecards rendered
 * (here and by a worker pool) while the earlier ones are being written. Returns the paths to invalidate.
 */
export async function publishDocuments(
  ports: Ports,
  period: Period,
  snapshot: RankingSnapshot,
  framework: Framework,
  previous: RankingSnapshot | undefined,
  version: number,
  progress: JobProgress,
): Promise<string[]> {
  const members = await ports.periods.members(period.id);
  const stored = new Map(
    (await ports.submissions.loadAll(period.id, members)).map((s) => [s.head.unitId, s]),
  );
  return writeDocuments(
    ports,
    period.id,
    version,
    documentSource(period, snapshot, framework, previous, stored),
    progress,
  );
}

/**
 * The documents from data in hand (each unit's stored submission by unit id), made lazily: the
 * scorecards are rendered as the iterable is read. From the data alone (no clock): run again, the same
 * bytes, whichever thread rendered them.
 */
export function documentSource(
  period: DocumentPeriod,
  snapshot: RankingSnapshot,
  framework: Framework,
  previous: RankingSnapshot | undefined,
  stored: ReadonlyMap<string, StoredSubmission>,
  options: DocumentOptions = {},
): DocumentSource {
  const appendix = appendixDocument(snapshot, period.decision);
  const input: ScorecardInput = { period, snapshot, framework, previous, stored };
  const units = snapshot.groups.reduce((n, g) => n + g.units.length, 0);
  const workers = options.workers ?? defaultWorkers();
  return {
    appendix: { pdf: renderPdf(appendix), docx: renderDocx(appendix) },
    scorecards: (format) =>
      workers > 0 && units >= POOL_MIN_UNITS
        ? pooledScorecards(input, format, workers, options.stats)
        : scorecards(input, format),
    publishedAt: snapshot.publishedAt,
  };
}

/**
 * The scorecard of the snapshot's i-th unit (groups in order, then their units), for i < count, in
 * one format: the same bytes in any thread.
 */
export function scorecardRenderer(
  input: ScorecardInput,
  format: CardFormat,
): { count: number; render(i: number): CardFile } {
  const { period, snapshot, framework, previous, stored } = input;
  const decision = period.decision;
  const compiled = compileFramework(framework);
  const previousUnits = new Map(
    previous?.groups.flatMap((g) => g.units.map((u) => [u.unitId, u] as const)) ?? [],
  );
  const positions = snapshot.groups.flatMap((group) => group.units.map((unit) => ({ group, unit })));
  const render = (i: number): CardFile => {
    const position = positions[i];
    if (!position) throw new RangeError(`no unit at position ${i} of ${positions.length}`);
    const { group, unit } = position;
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
    return { unitId: unit.unitId, path, bytes: format === "pdf" ? renderPdf(doc) : renderDocx(doc) };
  };
  return { count: positions.length, render };
}

/** Every unit's scorecard in one format, in the snapshot's order, rendered here when it is asked for. */
function* scorecards(input: ScorecardInput, format: CardFormat): Generator<CardFile> {
  const renderer = scorecardRenderer(input, format);
  for (let i = 0; i < renderer.count; i++) yield renderer.render(i);
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

  add(card: Scorecard): void {
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

export function organiserZip(scorecards: Iterable<Scorecard>, publishedAt: string | null): Uint8Array {
  const zip = new OrganiserZip(publishedAt);
  for (const card of scorecards) zip.add(card);
  return zip.finish();
}

/**
 * Writes in the background, at most `limit` tasks in flight; the first failure is kept and thrown by
 * the next `add` or by `drain` (nothing new starts after it).
 */
class Writes {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    this.check();
    const running: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.check();
  }

  check(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Writes the documents of publication v{n} while they are made: each scorecard's PDF is written as
 * soon as it is rendered (PUT_CONCURRENCY writes in flight at most; rendering waits when they are all
 * busy), so the storage's work overlaps the next scorecards' rendering. The public PDFs come first;
 * then each scorecard's DOCX is rendered for the organiser's ZIP, which takes both formats, unit by
 * unit, and is written last: it and the PDFs it waits for are what is held in memory (≈ 75 KiB a
 * unit). Each file's pointer is written after its own immutable file (a pointer never holds bytes its
 * version lacks). Returns the paths to invalidate. `progress` counts each write.
 */
export async function writeDocuments(
  ports: Ports,
  periodId: string,
  version: number,
  source: DocumentSource,
  progress: JobProgress,
): Promise<string[]> {
  const keys = documentKeys(periodId, version);
  const writes = new Writes(PUT_CONCURRENCY);
  const both = (file: string, pointer: string, body: Uint8Array, type: string, name: string) =>
    writes.add(async () => {
      await ports.published.put(file, body, type, "immutable", name);
      await progress.add(1);
      await ports.published.put(pointer, body, type, "pointer", name);
      await progress.add(1);
    });
  for (const ext of ["pdf", "docx"] as const) {
    const { file, pointer } = keys.appendix(ext);
    const name = documentNames.appendix(periodId, version, ext);
    await both(file, pointer, source.appendix[ext], ext === "pdf" ? PDF : DOCX, name);
  }
  const pdfs: (Uint8Array | undefined)[] = [];
  for await (const card of source.scorecards("pdf")) {
    const { file, pointer } = keys.scorecard(card.unitId);
    await both(file, pointer, card.bytes, PDF, documentNames.scorecard(periodId, version, card.unitId));
    pdfs.push(card.bytes);
    await turn();
    writes.check();
  }
  const zip = new OrganiserZip(source.publishedAt);
  let i = 0;
  for await (const { unitId, path, bytes } of source.scorecards("docx")) {
    zip.add({ unitId, path, pdf: pdfs[i] as Uint8Array, docx: bytes });
    pdfs[i++] = undefined;
    writes.check();
  }
  await both(keys.zip.file, keys.zip.pointer, zip.finish(), ZIP, documentNames.zip(periodId, version));
  await writes.drain();
  return [keys.appendix("pdf").pointer, keys.appendix("docx").pointer, keys.zip.pointer, keys.unitPointers];
}

/** The writes documents add to a publication's job (its progress total). */
export const documentSteps = (units: number) => 2 * (2 + units + 1);
