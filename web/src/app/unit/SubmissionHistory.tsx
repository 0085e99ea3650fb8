import { useEffect, useState } from "preact/hooks";
import { fmt, localName, t } from "../../i18n/index.ts";
import type { UnitContext } from "../context.ts";
import type { Submission } from "../types.ts";
import { tr } from "./messages.ts";
import "./unit.css";

type HistoryEvent = Submission["history"][number];

/** Submit → withdraw → resubmit (who, when), and the receipt of the last submission. */
export function SubmissionHistory({ context, submission }: { context: UnitContext; submission: Submission }) {
  const [receipt, setReceipt] = useState(false);
  const history = submission.history;
  const last = lastSubmit(history);
  if (history.length === 0) return null;
  return (
    <section class="submission-history" aria-labelledby="history-title">
      <h2 id="history-title" class="history-title">
        {tr("history.title")}
      </h2>
      <ol class="history-list">
        {history.map((event, i) => (
          <li key={`${event.action}-${event.at}-${i}`} data-action={event.action}>
            <strong>{tr(`history.${event.action}`)}</strong> ·{" "}
            <time dateTime={event.at}>{fmt.dateTime(event.at)}</time>{" "}
            <span class="muted">{tr("history.by", { by: event.by ?? tr("history.system") })}</span>
          </li>
        ))}
      </ol>
      {last && (submission.state === "submitted" || submission.state === "locked") && (
        <button type="button" class="btn btn-small" onClick={() => setReceipt(true)}>
          {tr("receipt.open")}
        </button>
      )}
      {receipt && last && (
        <Receipt context={context} submission={submission} event={last} onClose={() => setReceipt(false)} />
      )}
    </section>
  );
}

/** The last submit that was not withdrawn after it: what a receipt attests. */
function lastSubmit(history: HistoryEvent[]): HistoryEvent | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i] as HistoryEvent;
    if (event.action === "withdraw") return undefined;
    if (event.action === "submit") return event;
  }
  return undefined;
}

/**
 * A print-friendly receipt: while it is open the page prints it alone (unit.css, @media print).
 * Counts come from the submission as stored: answered leaves, confirmed evidence items.
 */
function Receipt({
  context,
  submission,
  event,
  onClose,
}: {
  context: UnitContext;
  submission: Submission;
  event: HistoryEvent;
  onClose: () => void;
}) {
  useEffect(() => {
    document.body.classList.add("print-receipt");
    return () => document.body.classList.remove("print-receipt");
  }, []);
  const answered = Object.values(submission.answers).filter((a) => a.value !== null).length;
  const files = submission.evidence.filter((e) => e.status === "confirmed").length;
  const rows: [string, string][] = [
    [
      tr("receipt.unit"),
      context.unit ? `${localName(context.unit)} (${context.unit.code})` : submission.unitId,
    ],
    [tr("receipt.period"), context.period.name],
    [tr("receipt.at"), fmt.dateTime(event.at)],
    [tr("receipt.by"), event.by ?? "—"],
    [
      tr("receipt.total"),
      `${t("form.total", {
        points: fmt.points(submission.preview.points),
        max: fmt.points(submission.preview.maxPoints),
      })} · ${t("form.index", { index: fmt.index(submission.preview.index) })}`,
    ],
    [tr("receipt.answers"), `${fmt.number(answered)} / ${fmt.number(context.leaves.length)}`],
    [tr("receipt.files"), fmt.number(files)],
    [tr("receipt.version"), String(submission.version)],
  ];
  return (
    <section class="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title">{tr("receipt.title")}</h2>
      <dl class="receipt-fields">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted">{tr("receipt.note", { at: fmt.dateTime(new Date().toISOString()) })}</p>
      <p class="button-row no-print">
        <button type="button" class="btn btn-primary" onClick={() => window.print()}>
          {tr("receipt.print")}
        </button>
        <button type="button" class="btn" onClick={onClose}>
          {tr("receipt.close")}
        </button>
      </p>
    </section>
  );
}
