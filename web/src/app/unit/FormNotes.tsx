import { fmt, t } from "../../i18n/index.ts";
import type { UnitContext } from "../context.ts";
import { hasResults } from "../lifecycle.ts";
import type { Leaf, Submission } from "../types.ts";
import type { SaveStatus } from "./useSubmission.ts";

// The self-assessment form's notes: the save state, why it cannot be edited, and what is missing.

const TONE: Record<SaveStatus["kind"], "" | "ok" | "warn" | "error"> = {
  idle: "",
  unsaved: "",
  saving: "",
  saved: "ok",
  offline: "warn",
  closed: "warn",
  invalid: "error",
  conflict: "error",
  error: "error",
};

/** What the save indicator says about a status, and its tone. */
export function saveNote(status: SaveStatus, pending: number): { text: string; tone: string } {
  // Edits made since the last save outweigh "saved" and "nothing to save".
  if (pending > 0 && (status.kind === "idle" || status.kind === "saved"))
    return { text: t("save.unsaved"), tone: "" };
  const text =
    status.kind === "saved"
      ? t("save.saved", { time: fmt.time(status.at) })
      : status.kind === "error"
        ? t("save.error", { message: status.message })
        : t(`save.${status.kind}`);
  return { text, tone: TONE[status.kind] };
}

/** Where saving stands: saved, saving, offline, a conflict … (a status line). */
export function SaveIndicator({ status, pending }: { status: SaveStatus; pending: number }) {
  const { text, tone } = saveNote(status, pending);
  return (
    <p class={`save-status ${tone}`} role="status" data-save={status.kind}>
      {text}
    </p>
  );
}

export function ReadOnlyNote({ context, submission }: { context: UnitContext; submission: Submission }) {
  if (submission.editable) {
    if (submission.supplement)
      return (
        <p class="notice notice-info">
          {t("form.supplement", {
            codes: submission.supplement.codes.join(", "),
            until: fmt.dateTime(submission.supplement.until),
          })}
        </p>
      );
    return null;
  }
  const { period } = context;
  let text: string;
  if (submission.state === "submitted" && period.state === "open")
    text = t("form.readOnlySubmitted", {
      who: submission.submittedBy ?? "",
      at: submission.submittedAt ? fmt.dateTime(submission.submittedAt) : "",
    });
  else if (period.state === "draft") text = t("form.readOnlyDraft");
  else if (period.state === "open") text = t("form.readOnlyDeadline");
  else text = t("form.readOnlyClosed", { state: t(`periodState.${period.state}`) });
  return (
    <div class="notice notice-info">
      <p>{text}</p>
      {hasResults(period.state) && (
        <p>
          <a href={`/app/periods/${encodeURIComponent(period.id)}/results`}>{t("form.seeResults")}</a>
        </p>
      )}
    </div>
  );
}

/** A line of leaves, each a link to its place in the form (nothing when there are none). */
function LeafLinks({ lead, leaves }: { lead: string; leaves: Leaf[] }) {
  if (leaves.length === 0) return null;
  return (
    <p>
      {lead}{" "}
      {leaves.map((l, i) => (
        <span key={l.code}>
          {i > 0 && ", "}
          <a href={`#leaf-${l.code}`}>{l.code}</a>
        </span>
      ))}
    </p>
  );
}

/** What the form still lacks: unanswered leaves and missing evidence, linked to their places. */
export function MissingSummary({
  missing,
  editable,
}: {
  missing: { unanswered: Leaf[]; noEvidence: Leaf[] };
  editable: boolean;
}) {
  if (!editable) return null;
  const { unanswered, noEvidence } = missing;
  if (unanswered.length === 0 && noEvidence.length === 0)
    return <p class="notice notice-ok">{t("missing.none")}</p>;
  return (
    <section class="notice notice-warn missing" aria-labelledby="missing-title">
      <h2 id="missing-title">{t("missing.title")}</h2>
      <LeafLinks lead={t("missing.unanswered", { n: unanswered.length })} leaves={unanswered} />
      <LeafLinks lead={t("missing.evidence", { n: noEvidence.length })} leaves={noEvidence} />
    </section>
  );
}
