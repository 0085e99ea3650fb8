import { useRef, useState } from "preact/hooks";
import { fmt, t } from "../../i18n/index.ts";
import { ApiError, del, errorText, paths, post } from "../api.ts";
import type { Evidence, Leaf } from "../types.ts";
import { InlineError, ToggleButton } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { EVIDENCE_ACCEPT } from "../values.ts";
import { EvidenceList } from "./EvidenceList.tsx";
import { tr } from "./messages.ts";
import { shrinkForUpload } from "./shrink.ts";
import { addOrResume, contentTypeOf, fileProblem, postToStorage, UploadError } from "./upload.ts";
import type { SubmissionState } from "./useSubmission.ts";

export { EvidenceList };

export interface Upload {
  id: number;
  codes: string[];
  file: File;
  progress: number;
  phase: "preparing" | "requesting" | "uploading" | "confirming" | "done" | "failed";
  /** The photo's size before it was shrunk in the browser. */
  shrunkFrom?: number;
  error?: string;
  /** Whether trying again can help (not for a file of a refused type or size). */
  retryable: boolean;
  evidenceId?: string;
  upload?: { url: string; fields: Record<string, string> };
}

let nextUploadId = 1;

/** Uploads in progress, for the whole form: ask the API, post to storage with progress, confirm. */
export function useUploads(periodId: string, unitId: string, state: SubmissionState) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const update = (id: number, change: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...change } : u)));

  const attempt = async (item: Upload) => {
    let { evidenceId, upload } = item;
    try {
      if (!evidenceId || !upload) {
        update(item.id, { phase: "requesting", error: undefined, progress: 0 });
        // A large file's cut-off upload is resumed (upload.ts), else the item is added as before.
        const reply = await state.write(() => addOrResume(periodId, unitId, item.codes, item.file));
        evidenceId = reply.evidence.id;
        upload = reply.upload;
        update(item.id, { evidenceId, upload });
      }
      update(item.id, { phase: "uploading", error: undefined });
      await postToStorage(upload, item.file, contentTypeOf(item.file), (fraction) =>
        update(item.id, { progress: fraction }),
      );
      update(item.id, { phase: "confirming", progress: 1 });
      const confirmed = await state.write(() =>
        post<{ evidence: Evidence; duplicateOf?: string }>(
          paths.confirm(periodId, unitId, evidenceId as string),
        ),
      );
      update(item.id, {
        phase: "done",
        ...(confirmed.duplicateOf ? { error: t("upload.duplicate") } : {}),
      });
      window.setTimeout(() => setUploads((list) => list.filter((u) => u.id !== item.id)), 6000);
    } catch (error) {
      let message = errorText(error);
      let retryable = true;
      if (error instanceof ApiError) {
        if (error.status === 413) message = t("upload.tooBigServer", { detail: error.message });
        if (error.status === 415) message = t("upload.badTypeServer", { detail: error.message });
        if (error.status === 413 || error.status === 415) retryable = false;
        if (error.code === "upload-rejected") {
          message = t("upload.rejected", { detail: error.details[0]?.message ?? error.message });
          retryable = false;
        }
      }
      if (error instanceof UploadError) {
        message = error.message;
        // The presigned POST has expired or was refused: the next try asks for a new one.
        if (error.status === 403 || error.status === 400) upload = undefined;
      }
      update(item.id, { phase: "failed", error: message, retryable, evidenceId, upload });
    }
  };

  /** Shrinks a photo first (shrink.ts), then checks and sends what will actually go. */
  const prepare = async (item: Upload) => {
    const file = await shrinkForUpload(item.file);
    const problem = fileProblem(file);
    const ready: Upload = {
      ...item,
      file,
      ...(file !== item.file ? { shrunkFrom: item.file.size } : {}),
      phase: problem ? "failed" : "requesting",
      retryable: !problem,
      ...(problem ? { error: problem } : {}),
    };
    setUploads((list) => list.map((u) => (u.id === item.id ? ready : u)));
    if (!problem) await attempt(ready);
  };

  const start = (codes: string[], files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const item: Upload = {
        id: nextUploadId++,
        codes,
        file,
        progress: 0,
        phase: "preparing",
        retryable: true,
      };
      setUploads((list) => [...list, item]);
      void prepare(item);
    }
  };

  const retry = async (item: Upload) => {
    if (item.evidenceId && !item.upload) {
      // A new presigned POST needs a new evidence item: the stale pending one goes first.
      const stale = item.evidenceId;
      await state.write(() => del(paths.evidenceItem(periodId, unitId, stale))).catch(() => undefined);
      item = { ...item, evidenceId: undefined } as Upload;
      update(item.id, { evidenceId: undefined });
    }
    void attempt(item);
  };

  const dismiss = (id: number) => setUploads((list) => list.filter((u) => u.id !== id));
  return { uploads, start, retry, dismiss };
}

export type Uploads = ReturnType<typeof useUploads>;

/** One upload's progress bar, its error and its retry. */
function UploadRow({ item, uploads }: { item: Upload; uploads: Uploads }) {
  const percent = Math.round(item.progress * 100);
  const label = t("upload.progressLabel", { name: item.file.name });
  return (
    <li class={`upload upload-${item.phase}`} data-phase={item.phase}>
      <span class="upload-name">
        {item.file.name} <span class="muted">({fmt.bytes(item.file.size)})</span>
        {item.shrunkFrom !== undefined && (
          <span class="muted upload-shrunk">
            {" "}
            · {tr("upload.shrunk", { from: fmt.bytes(item.shrunkFrom), to: fmt.bytes(item.file.size) })}
          </span>
        )}
      </span>
      {item.phase !== "failed" && item.phase !== "preparing" && (
        <progress max={100} value={item.phase === "requesting" ? undefined : percent} aria-label={label} />
      )}
      <span class="upload-phase" role={item.phase === "failed" ? "alert" : "status"}>
        {item.phase === "failed"
          ? item.error
          : item.phase === "preparing"
            ? tr("upload.preparing")
            : t(`upload.phase.${item.phase}`, { percent })}
        {item.phase === "done" && item.error ? ` ${item.error}` : ""}
      </span>
      {item.phase === "failed" && item.retryable && (
        <button type="button" class="btn btn-small" onClick={() => void uploads.retry(item)}>
          {t("upload.retry")}
        </button>
      )}
      {item.phase === "failed" && (
        <button type="button" class="btn btn-small btn-quiet" onClick={() => uploads.dismiss(item.id)}>
          {t("common.dismiss")}
        </button>
      )}
    </li>
  );
}

/** A leaf's evidence: the items backing it, uploads in progress, upload a file, add a link. */
export function LeafEvidence({
  leaf,
  leaves,
  periodId,
  unitId,
  state,
  uploads,
  editable,
}: {
  leaf: Leaf;
  leaves: Leaf[];
  periodId: string;
  unitId: string;
  state: SubmissionState;
  uploads: Uploads;
  editable: boolean;
}) {
  // One list: a file being uploaded shows as its upload row only (its record is still pending), and
  // once confirmed as its evidence item only (the finished row goes; a duplicate's note stays).
  const mine = uploads.uploads.filter((u) => u.codes.includes(leaf.code) && u.phase !== "done");
  const uploading = new Set(mine.flatMap((u) => (u.evidenceId ? [u.evidenceId] : [])));
  const items = state.submission.evidence.filter(
    (e) => e.indicatorCodes.includes(leaf.code) && !uploading.has(e.id),
  );
  const listed = new Set(items.map((e) => e.id));
  const done = uploads.uploads.filter(
    (u) => u.codes.includes(leaf.code) && u.phase === "done" && !(u.evidenceId && listed.has(u.evidenceId)),
  );
  const notes = uploads.uploads.filter(
    (u) => u.codes.includes(leaf.code) && u.phase === "done" && u.evidenceId && listed.has(u.evidenceId),
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const [linkOpen, setLinkOpen] = useState(false);
  const id = `ev-${leaf.code}`;
  const rule = leaf.evidence;
  return (
    <div class="evidence">
      <p class="evidence-rule">
        <strong>{rule.required ? t("evidence.required") : t("evidence.optional")}</strong>
        {rule.hint && <>: {rule.hint}</>}
      </p>
      {items.length > 0 && (
        <EvidenceList
          items={items}
          leaves={leaves}
          periodId={periodId}
          unitId={unitId}
          state={state}
          editable={editable}
        />
      )}
      {(mine.length > 0 || done.length > 0) && (
        <ul class="uploads">
          {[...mine, ...done].map((u) => (
            <UploadRow key={u.id} item={u} uploads={uploads} />
          ))}
        </ul>
      )}
      {notes.length > 0 && (
        <p class="muted upload-notes" role="status">
          {notes
            .map((u) =>
              [
                tr("upload.done"),
                u.shrunkFrom !== undefined
                  ? tr("upload.shrunk", { from: fmt.bytes(u.shrunkFrom), to: fmt.bytes(u.file.size) })
                  : "",
                u.error ?? "",
              ]
                .filter(Boolean)
                .join(" "),
            )
            .join(" · ")}
        </p>
      )}
      {editable && (
        <div class="evidence-actions">
          {rule.kinds.includes("file") && (
            <>
              <label class="btn btn-small" for={`${id}-file`}>
                {t("evidence.upload")}
              </label>
              <input
                ref={fileInput}
                id={`${id}-file`}
                class="file-input"
                type="file"
                multiple
                accept={EVIDENCE_ACCEPT}
                aria-label={t("evidence.uploadFor", { code: leaf.code })}
                onChange={(e) => {
                  const files = e.currentTarget.files;
                  if (files && files.length > 0) uploads.start([leaf.code], files);
                  e.currentTarget.value = "";
                }}
              />
            </>
          )}
          {rule.kinds.includes("url") && (
            <ToggleButton open={linkOpen} onToggle={setLinkOpen}>
              {t("evidence.addLink")}
            </ToggleButton>
          )}
        </div>
      )}
      {editable && linkOpen && (
        <LinkForm
          idBase={id}
          onAdd={(url, title) =>
            state.write(() =>
              post(paths.evidence(periodId, unitId), {
                indicatorCodes: [leaf.code],
                url,
                ...(title ? { title } : {}),
              }),
            )
          }
          onDone={() => setLinkOpen(false)}
        />
      )}
    </div>
  );
}

function LinkForm({
  idBase,
  onAdd,
  onDone,
}: {
  idBase: string;
  onAdd: (url: string, title: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const add = useAction(async () => {
    await onAdd(url.trim(), title.trim());
    onDone();
  });
  return (
    <div class="link-form">
      <div class="field">
        <label for={`${idBase}-url`}>{t("evidence.url")}</label>
        <input
          id={`${idBase}-url`}
          type="url"
          inputMode="url"
          value={url}
          placeholder="https://"
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${idBase}-title`}>{t("evidence.linkTitle")}</label>
        <input id={`${idBase}-title`} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </div>
      <InlineError error={add.error} />
      <button
        type="button"
        class="btn btn-small"
        disabled={add.busy || !/^https?:\/\/\S+$/.test(url.trim())}
        onClick={add.run}
      >
        {t("evidence.addLinkSave")}
      </button>
    </div>
  );
}
