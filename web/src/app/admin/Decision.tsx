import { TextField, useFields } from "../../ui/fields.tsx";
import { patch, paths } from "../api.ts";
import { isTransient } from "../lifecycle.ts";
import type { Period } from "../types.ts";
import { td } from "./messages-decision.ts";
import { ActionForm, useOutcome } from "./outcome.tsx";

const FIELDS = ["issuer", "number", "date", "place", "signerTitle", "signerName"] as const;
type DecisionForm = Record<(typeof FIELDS)[number], string>;

/** The PATCH body: the decision as a whole, empty fields left out; null when every field is empty. */
export function decisionBody(form: DecisionForm): { decision: Record<string, string> | null } {
  const decision: Record<string, string> = {};
  for (const field of FIELDS) if (form[field].trim()) decision[field] = form[field].trim();
  return { decision: Object.keys(decision).length > 0 ? decision : null };
}

/** The decision announcing the ranking: the heading and signature of the appendix and the scorecards. */
export function Decision({ period, onDone }: { period: Period; onDone: () => void }) {
  const stored = period.decision ?? {};
  const { values, bind } = useFields<DecisionForm>(() => ({
    issuer: stored.issuer ?? "",
    number: stored.number ?? "",
    date: stored.date ?? "",
    place: stored.place ?? "",
    signerTitle: stored.signerTitle ?? "",
    signerName: stored.signerName ?? "",
  }));
  const busy = isTransient(period.state);
  const save = useOutcome(async () => {
    await patch(paths.period(period.id), decisionBody(values));
    onDone();
    return td("saved");
  });
  return (
    <section aria-labelledby="decision" class="admin-section">
      <h2 id="decision">{td("title")}</h2>
      <p class="muted">{busy ? td("busy") : td("help")}</p>
      <ActionForm action={save} submit={td("save")} incomplete={busy}>
        <TextField
          id="decision-issuer"
          label={td("issuer")}
          placeholder={td("issuerHint")}
          maxLength={200}
          {...bind("issuer")}
        />
        <TextField
          id="decision-number"
          label={td("number")}
          placeholder={td("numberHint")}
          maxLength={60}
          {...bind("number")}
        />
        <TextField id="decision-date" label={td("date")} type="date" {...bind("date")} />
        <TextField id="decision-place" label={td("place")} maxLength={100} {...bind("place")} />
        <TextField
          id="decision-signer-title"
          label={td("signerTitle")}
          placeholder={td("signerTitleHint")}
          maxLength={200}
          {...bind("signerTitle")}
        />
        <TextField
          id="decision-signer-name"
          label={td("signerName")}
          maxLength={200}
          {...bind("signerName")}
        />
      </ActionForm>
    </section>
  );
}

/** The published documents of the period's latest version, once written. */
export function DocumentLinks({ period }: { period: Period }) {
  const publication = period.publication;
  if (!publication) return null;
  const base = `/public/rankings/${encodeURIComponent(period.id)}`;
  return (
    <section aria-labelledby="documents" class="admin-section">
      <h2 id="documents">{td("documents", { version: publication.version })}</h2>
      {publication.documents ? (
        <ul>
          <li>
            <a href={`${base}.pdf`}>{td("appendixPdf")}</a>
          </li>
          <li>
            <a href={`${base}.docx`}>{td("appendixDocx")}</a>
          </li>
          <li>
            <a href={`${base}/phieu-ket-qua.zip`}>{td("scorecardsZip")}</a>
          </li>
        </ul>
      ) : (
        <p class="muted">{td("documentsPending")}</p>
      )}
    </section>
  );
}
