/**
 * Resumable uploads of large files (shared/services/multipart.ts): the file goes to storage in parts
 * on presigned PUT URLs, a few at a time, each retried; the upload id and the parts sent are kept in
 * localStorage under the file's name, size and date, so a dropped connection or a reload resumes it:
 * storage says which parts it has (the API lists them) and only the rest are sent.
 */

/** Files above this go in parts (the API's part size, 8 MiB); smaller ones keep the single POST. */
export const MULTIPART_FROM = 8 * 1024 * 1024;
/** Parts in flight at once: enough to fill a link, few enough that a drop loses little. */
export const PARALLEL_PARTS = 3;
/** Tries of one part before the upload stops (and can be resumed). */
export const PART_TRIES = 3;

/** What is kept between page loads for one file. */
export interface ResumeState {
  periodId: string;
  unitId: string;
  evidenceId: string;
  uploadId: string;
  /** The leaves the file was added to (a resume is for the same leaves). */
  codes: string[];
  /** Parts known to be sent (storage's own list wins on resume). */
  done: number[];
  /** When the upload started: S3 aborts an unfinished upload after a day (infra lifecycle rule). */
  startedAt: string;
}

const PREFIX = "chiso.upload:";
/** A resume older than this is dropped: the bucket's lifecycle rule aborts the upload after a day. */
const RESUME_HOURS = 20;

/** The key a file's upload is kept under: its name, size and last modification. */
export const resumeKey = (file: { name: string; size: number; lastModified: number }) =>
  `${PREFIX}${file.name}|${file.size}|${file.lastModified}`;

export function loadResume(
  storage: Storage | undefined,
  key: string,
  now = new Date(),
): ResumeState | undefined {
  try {
    const raw = storage?.getItem(key);
    if (!raw) return undefined;
    const state = JSON.parse(raw) as ResumeState;
    const age = now.getTime() - Date.parse(state.startedAt);
    // No uploadId yet: the item was added, its upload not started (a reload in between).
    if (!state.evidenceId || !(age >= 0 && age < RESUME_HOURS * 3_600_000)) {
      storage?.removeItem(key);
      return undefined;
    }
    return state;
  } catch {
    return undefined;
  }
}

export function saveResume(storage: Storage | undefined, key: string, state: ResumeState): void {
  try {
    storage?.setItem(key, JSON.stringify(state));
  } catch {
    // Storage full or disabled: the upload still goes, it only cannot be resumed after a reload.
  }
}

export function clearResume(storage: Storage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // nothing kept
  }
}

/** The part numbers still to send: every planned part storage does not have at its planned size. */
export function partsToSend(
  size: number,
  partSize: number,
  partCount: number,
  uploaded: readonly { partNumber: number; size: number }[],
): number[] {
  const have = new Map(uploaded.map((p) => [p.partNumber, p.size]));
  const todo: number[] = [];
  for (let n = 1; n <= partCount; n++) {
    const [start, end] = partRange(n, partSize, size);
    if (have.get(n) !== end - start) todo.push(n);
  }
  return todo;
}

/** A part's bytes in the file: [start, end). */
export const partRange = (partNumber: number, partSize: number, size: number): [number, number] => [
  (partNumber - 1) * partSize,
  Math.min(size, partNumber * partSize),
];

/** The ids in an upload key (evidence/uploads/<period>/<unit>/<evidence>), as add's form names it. */
export function idsOfUploadKey(
  key: string | undefined,
): { periodId: string; unitId: string; evidenceId: string } | undefined {
  const m = /^evidence\/uploads\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(key ?? "");
  return m ? { periodId: m[1] as string, unitId: m[2] as string, evidenceId: m[3] as string } : undefined;
}

/** The parts answer (shared/api/multipart.ts). */
export interface PartsAnswer {
  uploadId: string;
  partSize: number;
  partCount: number;
  parts: { partNumber: number; url: string }[];
  uploaded: { partNumber: number; etag: string; size: number }[];
}
