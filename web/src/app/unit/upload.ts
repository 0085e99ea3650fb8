import { t } from "../../i18n/index.ts";
import { ApiError, paths, post } from "../api.ts";
import type { Evidence } from "../types.ts";
import { EVIDENCE_TYPES, MAX_EVIDENCE_BYTES } from "../values.ts";
import {
  clearResume,
  idsOfUploadKey,
  loadResume,
  MULTIPART_FROM,
  PARALLEL_PARTS,
  PART_TRIES,
  type PartsAnswer,
  partRange,
  partsToSend,
  type ResumeState,
  resumeKey,
  saveResume,
} from "./multipart.ts";

/** What is wrong with a file before anything is sent: its type or its size (null when fine). */
export function fileProblem(file: File): string | null {
  const extension = file.name.toLowerCase().split(".").pop() ?? "";
  if (!EVIDENCE_TYPES[extension])
    return t("upload.badType", {
      name: file.name,
      types: Object.keys(EVIDENCE_TYPES).join(", ").toUpperCase(),
    });
  if (file.size === 0) return t("upload.empty", { name: file.name });
  if (file.size > MAX_EVIDENCE_BYTES)
    return t("upload.tooBig", { name: file.name, max: Math.floor(MAX_EVIDENCE_BYTES / 1024 / 1024) });
  return null;
}

/** The declared type: the one the API accepts for the file's extension (browsers often give none). */
export const contentTypeOf = (file: File) =>
  EVIDENCE_TYPES[file.name.toLowerCase().split(".").pop() ?? ""] ?? file.type;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type PresignedPost = { url: string; fields: Record<string, string> };

/**
 * Adds the file's evidence item (answered with its presigned POST), or, when this file's resumable
 * upload to the same leaves was cut off (a reload, a lost connection), answers with that item again,
 * so that postToStorage goes on with it instead of starting over.
 */
export async function addOrResume(
  periodId: string,
  unitId: string,
  codes: string[],
  file: File,
): Promise<{ evidence: Pick<Evidence, "id">; upload: PresignedPost }> {
  const kept = file.size > MULTIPART_FROM ? loadResume(storage(), resumeKey(file)) : undefined;
  if (
    kept &&
    kept.periodId === periodId &&
    kept.unitId === unitId &&
    kept.codes.join(" ") === codes.join(" ")
  ) {
    const key = `evidence/uploads/${periodId}/${unitId}/${kept.evidenceId}`;
    return { evidence: { id: kept.evidenceId }, upload: { url: "", fields: { key } } };
  }
  const added = await post<{ evidence: Evidence; upload: PresignedPost }>(paths.evidence(periodId, unitId), {
    indicatorCodes: codes,
    fileName: file.name,
    contentType: contentTypeOf(file),
    size: file.size,
  });
  if (file.size > MULTIPART_FROM)
    // Kept before the first byte goes: a reload at any point finds this item again.
    saveResume(storage(), resumeKey(file), {
      periodId,
      unitId,
      evidenceId: added.evidence.id,
      uploadId: "",
      codes,
      done: [],
      startedAt: new Date().toISOString(),
    });
  return added;
}

/**
 * Sends the file to storage, reporting progress from 0 to 1: a large file in resumable parts
 * (sendInParts), a small one by the presigned POST.
 */
export function postToStorage(
  upload: PresignedPost,
  file: File,
  contentType: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const ids = idsOfUploadKey(upload.fields.key);
  if (file.size > MULTIPART_FROM && ids) return sendInParts(ids, file, onProgress, signal);
  return postForm(upload, file, contentType, onProgress, signal);
}

/** The presigned POST (policy fields first, then the file). XMLHttpRequest: fetch has no upload progress. */
function postForm(
  upload: PresignedPost,
  file: File,
  contentType: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    if (!("Content-Type" in upload.fields) && !("content-type" in upload.fields))
      form.append("Content-Type", contentType);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1];
        const tooLarge = code === "EntityTooLarge";
        reject(
          new UploadError(
            xhr.status,
            tooLarge
              ? t("upload.storageTooBig")
              : t("upload.storageRefused", { status: xhr.status, code: code ?? "" }),
          ),
        );
      }
    };
    xhr.onerror = () => reject(new UploadError(0, t("upload.network")));
    xhr.onabort = () => reject(new UploadError(-1, t("upload.cancelled")));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(form);
  });
}

const storage = (): Storage | undefined => {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
};

/**
 * A resumable upload (multipart.ts): starts or resumes the item's multipart upload, sends the parts
 * storage does not have, PARALLEL_PARTS at a time, each tried PART_TRIES times, then completes it.
 * A failure leaves the upload where it is: trying again (or reloading) sends only what is missing.
 */
async function sendInParts(
  ids: { periodId: string; unitId: string; evidenceId: string },
  file: File,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const key = resumeKey(file);
  const kept = loadResume(storage(), key);
  const resumable = kept?.evidenceId === ids.evidenceId && kept.uploadId ? kept : undefined;
  const ask = async (uploadId: string | undefined, partNumbers: number[]) => {
    try {
      return await post<PartsAnswer>(paths.parts(ids.periodId, ids.unitId, ids.evidenceId), {
        ...(uploadId ? { uploadId } : {}),
        partNumbers,
      });
    } catch (error) {
      // The upload is gone (finished, aborted, expired): the item must start afresh (a 400 does that).
      if (error instanceof ApiError && [404, 409, 422].includes(error.status)) {
        clearResume(storage(), key);
        throw new UploadError(400, error.message);
      }
      throw asUploadError(error);
    }
  };
  const first = await ask(resumable?.uploadId, []);
  const state: ResumeState = {
    periodId: ids.periodId,
    unitId: ids.unitId,
    evidenceId: ids.evidenceId,
    codes: kept?.codes ?? [],
    startedAt: kept?.startedAt ?? new Date().toISOString(),
    uploadId: first.uploadId,
    done: first.uploaded.map((p) => p.partNumber),
  };
  saveResume(storage(), key, state);
  const { partSize, partCount, uploadId } = first;
  const todo = partsToSend(file.size, partSize, partCount, first.uploaded);
  const sent = new Map<number, number>(
    first.uploaded.filter((p) => !todo.includes(p.partNumber)).map((p) => [p.partNumber, p.size]),
  );
  const report = () => onProgress([...sent.values()].reduce((a, b) => a + b, 0) / file.size);
  report();
  // Part URLs, asked for 20 at a time as the upload goes (one lasts 15 minutes); a retried part
  // asks for its own again. Workers waiting for the same batch share its request.
  const urls = new Map<number, Promise<string>>();
  const urlOf = (partNumber: number, fresh: boolean) => {
    if (fresh || !urls.has(partNumber)) {
      const batch = fresh ? [partNumber] : todo.filter((n) => n >= partNumber && !urls.has(n)).slice(0, 20);
      const answer = ask(uploadId, batch);
      for (const n of batch) {
        const url = answer.then((a) => a.parts.find((p) => p.partNumber === n)?.url as string);
        url.catch(() => undefined); // its worker sees the failure; no other may be waiting
        urls.set(n, url);
      }
      // A failed batch is asked for again by the next try.
      answer.catch(() => {
        for (const n of batch) urls.delete(n);
      });
    }
    return urls.get(partNumber) as Promise<string>;
  };
  const queue = [...todo];
  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const [start, end] = partRange(n, partSize, file.size);
      for (let attempt = 1; ; attempt++) {
        if (signal?.aborted) throw new UploadError(-1, t("upload.cancelled"));
        try {
          const partNumber = n;
          await putPart(await urlOf(n, attempt > 1), file.slice(start, end), signal, (loaded) => {
            sent.set(partNumber, loaded);
            report();
          });
          sent.set(n, end - start);
          report();
          state.done = [...new Set([...state.done, n])];
          saveResume(storage(), key, state);
          break;
        } catch (error) {
          sent.delete(n);
          if (attempt >= PART_TRIES || (error instanceof UploadError && error.status === -1)) throw error;
          await new Promise((resolve) => window.setTimeout(resolve, 500 * attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, todo.length) }, worker));
  try {
    await post(paths.complete(ids.periodId, ids.unitId, ids.evidenceId), { uploadId });
  } catch (error) {
    // "upload-unknown": completed by an earlier try whose answer was lost; confirm will tell.
    if (!(error instanceof ApiError && error.code === "upload-unknown")) {
      // Parts that do not make the file: the upload was aborted, the item starts afresh (a 400).
      if (error instanceof ApiError && (error.status === 422 || error.status === 404)) {
        clearResume(storage(), key);
        throw new UploadError(400, error.message);
      }
      throw asUploadError(error);
    }
  }
  clearResume(storage(), key);
  onProgress(1);
}

const asUploadError = (error: unknown) =>
  error instanceof UploadError
    ? error
    : new UploadError(0, error instanceof Error ? error.message : t("upload.network"));

/** One part's PUT on its presigned URL, with progress in bytes. */
function putPart(
  url: string,
  body: Blob,
  signal: AbortSignal | undefined,
  onLoaded: (bytes: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => onLoaded(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText)?.[1] ?? "";
        reject(new UploadError(xhr.status, t("upload.storageRefused", { status: xhr.status, code })));
      }
    };
    xhr.onerror = () => reject(new UploadError(0, t("upload.network")));
    xhr.onabort = () => reject(new UploadError(-1, t("upload.cancelled")));
    signal?.addEventListener("abort", () => xhr.abort());
    xhr.send(body);
  });
}
