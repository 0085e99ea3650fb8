import { useState } from "preact/hooks";
import { fmt, t } from "../../i18n/index.ts";
import { del, patch, paths } from "../api.ts";
import { EvidenceLink } from "../EvidenceOpen.tsx";
import type { Evidence, Leaf } from "../types.ts";
import { Dialog, DialogFooter, InlineError } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { evidenceName } from "../values.ts";
import type { SubmissionState } from "./useSubmission.ts";

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
          const name = evidenceName(e);
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
                {e.carriedFrom && ` · ${t("evidence.carried")}`}
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
                    onClick={() => void remove.run(e, name)}
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
  const name = evidenceName(evidence);
  return (
    <Dialog open title={t("evidence.relinkTitle", { name })} onClose={onClose}>
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
