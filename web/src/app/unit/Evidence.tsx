import { useRef, useState } from "preact/hooks";
import { fmt, t } from "../../i18n/index.ts";
import { ApiError, del, errorText, patch, paths, post } from "../api.ts";
import { EvidenceLink } from "../EvidenceOpen.tsx";
import type { Evidence, Leaf } from "../types.ts";
import { Dialog, DialogFooter, InlineError, ToggleButton } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { EVIDENCE_ACCEPT } from "../values.ts";
import { contentTypeOf, fileProblem, postToStorage, UploadError } from "./upload.ts";
import type { SubmissionState } from "./useSubmission.ts";

export interface Upload {
  id: number;
  codes: string[];
  file: File;
  progress: number;
  phase: "requesting" | "uploading" | "confirming" | "done" | "failed";
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
        const reply = await state.write(() =>
          post<{ evidence: Evidence; upload: { url: string; fields: Record<string, string> } }>(
            paths.evidence(periodId, unitId),
            {
              indicatorCodes: item.codes,
              fileName: item.file.name,
              contentType: contentTypeOf(item.file),
              size: item.file.size,
            },
          ),
        );
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
          `${paths.evidenceItem(periodId, unitId, evidenceId as string)}/confirm`,
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

  const start = (codes: string[], files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const problem = fileProblem(file);
      const item: Upload = {
        id: nextUploadId++,
        codes,
        file,
        progress: 0,
        phase: problem ? "failed" : "requesting",
        retryable: !problem,
        ...(problem ? { error: problem } : {}),
      };
      setUploads((list) => [...list, item]);
      if (!problem) void attempt(item);
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
      </span>
      {item.phase !== "failed" && (
        <progress max={100} value={item.phase === "requesting" ? undefined : percent} aria-label={label} />
      )}
      <span class="upload-phase" role={item.phase === "failed" ? "alert" : "status"}>
        {item.phase === "failed" ? item.error : t(`upload.phase.${item.phase}`, { percent })}
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
  const items = state.submission.evidence.filter((e) => e.indicatorCodes.includes(leaf.code));
  const mine = uploads.uploads.filter((u) => u.codes.includes(leaf.code) && u.phase !== "done");
  const done = uploads.uploads.filter((u) => u.codes.includes(leaf.code) && u.phase === "done");
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

/** Evidence items with open, relink to other leaves and remove. */
export function EvidenceList({
  items,
  leaves,
  periodId,
  unitId,
  state,
  editable,
  showCodes,
}: {
  items: Evidence[];
  leaves: Leaf[];
  periodId: string;
  unitId: string;
  state?: SubmissionState;
  editable: boolean;
  showCodes?: boolean;
}) {
  const [relinking, setRelinking] = useState<Evidence>();
  const remove = useAction(async (item: Evidence, name: string) => {
    if (!state || !window.confirm(t("evidence.removeConfirm", { name }))) return;
    await state.write(() => del(paths.evidenceItem(periodId, unitId, item.id)));
  });
  return (
    <>
      <ul class="evidence-list">
        {items.map((e) => {
          const name = e.kind === "url" ? e.title || e.url : e.fileName;
          return (
            <li key={e.id}>
              {e.status === "confirmed" ? (
                <EvidenceLink periodId={periodId} unitId={unitId} evidenceId={e.id}>
                  {name}
                </EvidenceLink>
              ) : (
                <span>{name}</span>
              )}{" "}
              <span class="muted">
                {e.kind === "file" && e.size ? fmt.bytes(e.size) : t("evidence.link")}
                {e.status === "pending" && ` · ${t("evidence.pending")}`}
                {showCodes && ` · ${t("evidence.for", { codes: e.indicatorCodes.join(", ") })}`}
              </span>
              {editable && state && (
                <span class="evidence-item-actions">
                  {e.status === "confirmed" && (
                    <button type="button" class="btn btn-small btn-quiet" onClick={() => setRelinking(e)}>
                      {t("evidence.relink")}
                      <span class="sr-only"> {name}</span>
                    </button>
                  )}
                  <button
                    type="button"
                    class="btn btn-small btn-quiet"
                    onClick={() => void remove.run(e, name ?? "")}
                  >
                    {t("evidence.remove")}
                    <span class="sr-only"> {name}</span>
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <InlineError error={remove.error} />
      {state && relinking && (
        <RelinkDialog
          evidence={relinking}
          leaves={leaves}
          onClose={() => setRelinking(undefined)}
          onSave={(codes) =>
            state.write(() =>
              patch(paths.evidenceItem(periodId, unitId, relinking.id), { indicatorCodes: codes }),
            )
          }
        />
      )}
    </>
  );
}

function RelinkDialog({
  evidence,
  leaves,
  onClose,
  onSave,
}: {
  evidence: Evidence;
  leaves: Leaf[];
  onClose: () => void;
  onSave: (codes: string[]) => Promise<unknown>;
}) {
  const [codes, setCodes] = useState(new Set(evidence.indicatorCodes));
  const save = useAction(async () => {
    await onSave([...codes]);
    onClose();
  });
  const candidates = leaves.filter((l) => l.evidence.kinds.includes(evidence.kind));
  const name = evidence.kind === "url" ? evidence.title || evidence.url : evidence.fileName;
  return (
    <Dialog open title={t("evidence.relinkTitle", { name: name ?? "" })} onClose={onClose}>
      <fieldset class="relink">
        <legend>{t("evidence.relinkLegend")}</legend>
        <div class="relink-list">
          {candidates.map((l) => (
            <label key={l.code} class="choice">
              <input
                type="checkbox"
                checked={codes.has(l.code)}
                onChange={(e) => {
                  const next = new Set(codes);
                  if (e.currentTarget.checked) next.add(l.code);
                  else next.delete(l.code);
                  setCodes(next);
                }}
              />
              <span>
                <strong>{l.code}</strong> {l.name}
                {l.evidence.required && <span class="muted"> · {t("evidence.required")}</span>}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <DialogFooter
        label={t("common.save")}
        onConfirm={save.run}
        onCancel={onClose}
        busy={save.busy}
        disabled={codes.size === 0}
        error={save.error}
      />
    </Dialog>
  );
}
