import { useState } from "preact/hooks";
import { fmt, t } from "../../i18n/index.ts";
import { call, paths } from "../api.ts";
import type { UnitContext } from "../context.ts";
import type { Leaf, Submission } from "../types.ts";
import { Dialog, DialogFooter } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { tr } from "./messages.ts";
import type { SubmissionState } from "./useSubmission.ts";

/** The approver's submit (after a confirmation that lists what is missing) or withdraw. */
export function SubmitPanel({
  context,
  state,
  approver,
  missing,
}: {
  context: UnitContext;
  state: SubmissionState;
  approver: boolean;
  missing: { unanswered: Leaf[]; noEvidence: Leaf[] };
}) {
  const [open, setOpen] = useState(false);
  const [withdrawing, setWithdrawing] = useState(false);
  const [done, setDone] = useState<string>();
  const sub = state.submission;
  const { period } = context;
  const act = useAction(async (what: "submit" | "withdraw") => {
    if (what === "submit" && !(await state.flush())) throw new Error(t("submit.unsaved"));
    await state.write(async () => {
      const path =
        what === "submit" ? paths.submit(period.id, sub.unitId) : paths.withdraw(period.id, sub.unitId);
      const { data } = await call<Submission>(
        "POST",
        path,
        {},
        { "if-match": `"${state.submission.version}"` },
      );
      state.apply(data);
    }, false);
    setDone(what === "submit" ? t("submit.done") : t("submit.withdrawn"));
    setOpen(false);
    setWithdrawing(false);
  });
  const beforeDeadline = period.state === "open" && Date.now() < Date.parse(sub.closesAt);
  if (!approver) {
    if (sub.state === "draft" && sub.editable) return <p class="muted">{t("submit.editorNote")}</p>;
    return null;
  }
  const canSubmit = sub.state === "draft" && sub.editable && !sub.supplement;
  const canWithdraw = sub.state === "submitted" && beforeDeadline;
  if (!canSubmit && !canWithdraw)
    return done ? (
      <p class="notice notice-ok" role="status">
        {done}
      </p>
    ) : null;

  return (
    <section class="submit-panel" aria-labelledby="submit-title">
      <h2 id="submit-title">{canSubmit ? t("submit.title") : t("submit.withdrawTitle")}</h2>
      {done && (
        <p class="notice notice-ok" role="status">
          {done}
        </p>
      )}
      {canSubmit && (
        <>
          <p>{t("submit.intro")}</p>
          <button type="button" class="btn btn-primary" onClick={() => setOpen(true)}>
            {t("submit.open")}
          </button>
        </>
      )}
      {canWithdraw && (
        <>
          <p>{t("submit.withdrawIntro")}</p>
          <button type="button" class="btn" disabled={act.busy} onClick={() => setWithdrawing(true)}>
            {t("submit.withdraw")}
          </button>
        </>
      )}
      {/* Mounted only while open: two closed dialogs would share the id of their title. */}
      {withdrawing && (
        <Dialog open title={tr("withdraw.title")} onClose={() => setWithdrawing(false)}>
          <p>{tr("withdraw.what", { deadline: fmt.dateTime(sub.closesAt) })}</p>
          <p class="muted">{tr("withdraw.history")}</p>
          <DialogFooter
            label={tr("withdraw.confirm")}
            cancelLabel={tr("withdraw.cancel")}
            onConfirm={() => void act.run("withdraw")}
            onCancel={() => setWithdrawing(false)}
            busy={act.busy}
            error={act.error}
          />
        </Dialog>
      )}
      {act.error && !open && !withdrawing && (
        <p class="notice notice-error" role="alert">
          {act.error}
        </p>
      )}
      {open && (
        <Dialog open title={t("submit.confirmTitle")} onClose={() => setOpen(false)}>
          <p>
            {t("form.total", {
              points: fmt.points(sub.preview.points),
              max: fmt.points(sub.preview.maxPoints),
            })}{" "}
            · {t("form.index", { index: fmt.index(sub.preview.index) })}
          </p>
          {missing.unanswered.length === 0 && missing.noEvidence.length === 0 ? (
            <p class="notice notice-ok">{t("missing.none")}</p>
          ) : (
            <div class="notice notice-warn">
              <p>
                <strong>{t("submit.missingLead")}</strong>
              </p>
              {missing.unanswered.length > 0 && (
                <p>
                  {t("missing.unanswered", { n: missing.unanswered.length })}{" "}
                  {missing.unanswered.map((l) => l.code).join(", ")}
                </p>
              )}
              {missing.noEvidence.length > 0 && (
                <p>
                  {t("missing.evidence", { n: missing.noEvidence.length })}{" "}
                  {missing.noEvidence.map((l) => l.code).join(", ")}
                </p>
              )}
              <p>{t("submit.missingNote")}</p>
            </div>
          )}
          {state.pending.size > 0 && <p>{t("submit.willSave", { n: state.pending.size })}</p>}
          <DialogFooter
            label={t("submit.confirm")}
            busyLabel={t("submit.busy")}
            cancelLabel={t("common.back")}
            onConfirm={() => void act.run("submit")}
            onCancel={() => setOpen(false)}
            busy={act.busy}
            error={act.error}
          />
        </Dialog>
      )}
    </section>
  );
}
