import { useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, errorText, get, paths, post } from "../api.ts";
import { loadUnitContext, type UnitContext } from "../context.ts";
import type { Evidence, LedgerLeaf, ResultScore, UnitResult } from "../types.ts";
import { Dialog, DialogFooter, InlineError, TextAreaField } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { EVIDENCE_ACCEPT, evidenceName, flagText, formatValue } from "../values.ts";
import { uploadContestFile } from "./contest-upload.ts";
import { tr } from "./messages.ts";
import "./unit.css";

/** The unit's per-leaf ledger (self → appraised → final) and, in the explanation round, its contests. */
export function UnitResults({ periodId }: { periodId: string }) {
  const session = useSession();
  const unitId = session?.unitId ?? "";
  useTitle(t("results.title"));
  const data = useAsync(async () => {
    const context = await loadUnitContext(periodId, unitId);
    try {
      const results = await get<{ items: UnitResult[] }>(
        `${paths.results(periodId)}?unitId=${encodeURIComponent(unitId)}`,
      );
      return { context, result: results.items.find((r) => r.unitId === unitId) };
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) return { context, result: undefined };
      throw error;
    }
  }, [periodId, unitId]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined)
    return <ErrorNote error={new Error(errorText(data.error))} retry={data.reload} />;
  if (!data.data) return null;
  const { context, result } = data.data;
  return (
    <>
      <h1>
        {t("results.title")} <span class="muted">· {context.period.name}</span>
      </h1>
      <p class="muted">{context.unit ? localName(context.unit) : unitId}</p>
      {/* Published (its documents not known to be missing): the unit's official scorecard. */}
      {context.period.publication && context.period.publication.documents !== false && (
        <p>
          <a
            href={`/public/rankings/${encodeURIComponent(periodId)}/units/${encodeURIComponent(unitId)}.pdf`}
          >
            {t("unit.scorecard")}
          </a>
        </p>
      )}
      {!result ? (
        <p class="notice notice-info">{t("results.notYet")}</p>
      ) : (
        <Ledger
          context={context}
          result={result}
          canContest={hasRole(session, "unit-approver") && context.period.state === "explanation"}
          reload={data.reload}
        />
      )}
    </>
  );
}

function Score({ label, score }: { label: string; score: ResultScore | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        {score ? (
          <>
            {fmt.points(score.points)} <span class="muted">· {fmt.index(score.index)}</span>
            <span class="stat-sub">
              {t("results.rankBand", { rank: score.rank, band: score.band ?? "—" })}
            </span>
          </>
        ) : (
          "—"
        )}
      </dd>
    </div>
  );
}

function Ledger({
  context,
  result,
  canContest,
  reload,
}: {
  context: UnitContext;
  result: UnitResult;
  canContest: boolean;
  reload: () => void;
}) {
  const [contesting, setContesting] = useState<LedgerLeaf>();
  const { period } = context;
  const { self, appraised } = result.totals;
  return (
    <>
      <dl class="result-totals" aria-label={tr("results.totals")}>
        <div>
          <dt>{tr("results.selfTotal")}</dt>
          <dd data-total="self">
            {fmt.points(self.points)} <span class="muted">/ {fmt.points(self.max)}</span>
          </dd>
        </div>
        <div>
          <dt>{tr("results.appraisedTotal")}</dt>
          <dd data-total="appraised">
            {fmt.points(appraised.points)} <span class="muted">/ {fmt.points(appraised.max)}</span>
          </dd>
        </div>
      </dl>
      <dl class="stats">
        <Score label={t("results.provisional")} score={result.provisional} />
        <Score label={t("results.final")} score={result.final} />
      </dl>
      {period.state === "explanation" && (
        <p class="notice notice-info">
          {t("results.explanationOpen", {
            until: period.explanationClosesAt ? fmt.dateTime(period.explanationClosesAt) : "—",
          })}
        </p>
      )}
      <Scroll label={t("results.ledger")}>
        <table class="ledger ledger-cards">
          <caption class="sr-only">{t("results.ledger")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("results.leaf")}</th>
              <th scope="col">{t("results.self")}</th>
              <th scope="col">{t("results.appraised")}</th>
              <th scope="col">{t("results.contest")}</th>
              <th scope="col">{t("results.finalValue")}</th>
            </tr>
          </thead>
          <tbody>
            {result.leaves.map((row) => {
              const leaf = context.leafByCode.get(row.code);
              if (!leaf) return null;
              const changed = row.appraisal && !row.appraisal.accepted;
              return (
                <tr key={row.code} class={changed ? "row-changed" : ""}>
                  <th scope="row">
                    <span class="leaf-code">{row.code}</span> {localName(leaf)}
                  </th>
                  <td data-label={t("results.self")}>
                    {formatValue(leaf, row.self.value)}
                    <span class="cell-sub">
                      {t("results.points", { points: fmt.points(row.self.score) })}
                    </span>
                    {row.self.flags.map((f) => (
                      <span key={f} class={`flag flag-${f}`}>
                        {flagText(f)}
                      </span>
                    ))}
                  </td>
                  <td data-label={t("results.appraised")}>
                    {row.appraisal ? (
                      <>
                        {row.appraisal.accepted
                          ? t("results.accepted")
                          : formatValue(leaf, row.appraisal.value)}
                        {row.appraisal.reason && <span class="cell-sub">“{row.appraisal.reason}”</span>}
                        <span class="cell-sub muted">
                          {row.appraisal.by} · {fmt.dateTime(row.appraisal.at)}
                        </span>
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td data-label={t("results.contest")}>
                    {row.contest ? (
                      <>
                        <span class="cell-sub">“{row.contest.explanation}”</span>
                        {row.contest.decision ? (
                          <span class="cell-sub">
                            <strong>{t(`contest.outcome.${row.contest.decision.outcome}`)}</strong>
                            {row.contest.decision.outcome === "changed" &&
                              `: ${formatValue(leaf, row.contest.decision.value)}`}{" "}
                            — “{row.contest.decision.reason}”
                          </span>
                        ) : (
                          <span class="cell-sub muted">{t("contest.waiting")}</span>
                        )}
                      </>
                    ) : canContest ? (
                      <button type="button" class="btn btn-small" onClick={() => setContesting(row)}>
                        {t("contest.open")}
                        <span class="sr-only"> {row.code}</span>
                      </button>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td data-label={t("results.finalValue")}>
                    {formatValue(leaf, row.final.value)}
                    <span class="cell-sub">
                      <strong>{t("results.points", { points: fmt.points(row.final.score) })}</strong>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Scroll>
      {contesting && (
        <ContestDialog
          context={context}
          row={contesting}
          onClose={() => setContesting(undefined)}
          onDone={() => {
            setContesting(undefined);
            reload();
          }}
        />
      )}
    </>
  );
}

function ContestDialog({
  context,
  row,
  onClose,
  onDone,
}: {
  context: UnitContext;
  row: LedgerLeaf;
  onClose: () => void;
  onDone: () => void;
}) {
  const [explanation, setExplanation] = useState("");
  const [evidenceIds, setEvidenceIds] = useState<string[]>([]);
  const [added, setAdded] = useState<Evidence[]>([]);
  const [progress, setProgress] = useState<string>();
  const upload = useAction(async (file: File) => {
    setProgress(tr("contest.uploading", { name: file.name }));
    const evidence = await uploadContestFile(context.period.id, context.submission.unitId, row.code, file);
    setAdded((list) => [...list, evidence]);
    setEvidenceIds((ids) => [...ids, evidence.id]);
    setProgress(tr("contest.uploaded", { name: evidence.fileName ?? file.name }));
  });
  const send = useAction(async () => {
    await post(paths.contest(context.period.id, context.submission.unitId, row.code), {
      explanation: explanation.trim(),
      ...(evidenceIds.length ? { evidenceIds } : {}),
    });
    onDone();
  });
  const leaf = context.leafByCode.get(row.code);
  const evidence = [...context.submission.evidence, ...added].filter((e) => e.status === "confirmed");
  const takesFiles = leaf?.evidence.kinds.includes("file") ?? false;
  return (
    <Dialog open title={t("contest.title", { code: row.code })} onClose={onClose}>
      {leaf && <p>{localName(leaf)}</p>}
      <TextAreaField
        id="contest-explanation"
        label={t("contest.explanation")}
        rows={4}
        value={explanation}
        onInput={setExplanation}
      />
      {evidence.length > 0 && (
        <fieldset>
          <legend>{t("contest.evidence")}</legend>
          {evidence.map((e) => (
            <label key={e.id} class="choice">
              <input
                type="checkbox"
                checked={evidenceIds.includes(e.id)}
                onChange={(ev) =>
                  setEvidenceIds(
                    ev.currentTarget.checked
                      ? [...evidenceIds, e.id]
                      : evidenceIds.filter((id) => id !== e.id),
                  )
                }
              />
              {evidenceName(e)}
            </label>
          ))}
        </fieldset>
      )}
      {takesFiles && (
        <div class="field contest-upload">
          <label for="contest-file">{tr("contest.newEvidence")}</label>
          <input
            id="contest-file"
            type="file"
            accept={EVIDENCE_ACCEPT}
            disabled={upload.busy}
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              if (file) void upload.run(file);
              e.currentTarget.value = "";
            }}
          />
          <p class="muted">{tr("contest.newEvidenceNote")}</p>
          {progress && !upload.error && (
            <p class="muted" role="status">
              {progress}
            </p>
          )}
          <InlineError error={upload.error} />
        </div>
      )}
      <DialogFooter
        label={t("contest.send")}
        onConfirm={send.run}
        onCancel={onClose}
        busy={send.busy}
        disabled={explanation.trim() === ""}
        error={send.error}
      />
    </Dialog>
  );
}
