import { useCallback, useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, errorText, get, paths, put } from "../api.ts";
import { loadUnitContext, nodeScore, type UnitContext } from "../context.ts";
import { NewValueInput } from "../LeafInput.tsx";
import { hasResults } from "../lifecycle.ts";
import { type FrameworkNode, isLeaf, type Leaf, type LedgerLeaf, type UnitResult } from "../types.ts";
import { InlineError, SubmissionBadge, TextAreaField, ToggleButton } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { evidenceName, flagText, formatValue, methodHint } from "../values.ts";
import { EvidencePanel, type Shown } from "./EvidencePanel.tsx";
import { queryString, readQuery } from "./list-model.ts";
import { NextUnit } from "./NextUnit.tsx";
import "./review.css";

async function loadLedger(periodId: string, unitId: string): Promise<UnitResult | undefined> {
  try {
    const page = await get<{ items: UnitResult[] }>(
      `${paths.results(periodId)}?unitId=${encodeURIComponent(unitId)}`,
    );
    return page.items.find((r) => r.unitId === unitId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return undefined; // not closed yet
    throw error;
  }
}

/**
 * What "accept the rest" accepts: the open leaves not flagged missing-evidence. Accepting keeps the
 * evidence rule (DOMAIN.md §6.5), so such a leaf would stay at 0: it is left for a reviewer to adjust
 * with a reason, and counted as skipped.
 */
export function acceptRestPlan<L extends { code: string }>(
  open: readonly L[],
  flagsOf: (code: string) => readonly string[],
): { acceptable: L[]; skipped: number } {
  const acceptable = open.filter((l) => !flagsOf(l.code).includes("missing-evidence"));
  return { acceptable, skipped: open.length - acceptable.length };
}

/** The message once "accept the rest" is done: how many it accepted, and how many it skipped. */
export const acceptRestDone = (accepted: number, skipped: number): string =>
  skipped > 0
    ? t("appraise.bulkDoneSkipped", { n: accepted, m: skipped })
    : t("appraise.bulkDone", { n: accepted });

/** A unit's appraisal: each leaf's answer, note and evidence; accept it or adjust it with a reason. */
export function Appraise({
  periodId,
  unitId,
  query,
}: {
  periodId: string;
  unitId: string;
  /** The list's query (filter, sort): "back" and "next unit" keep it. */
  query: URLSearchParams;
}) {
  const session = useSession();
  const [shown, setShown] = useState<Shown>();
  const closePanel = useCallback(() => {
    setShown((was) => {
      was?.opener?.focus();
      return undefined;
    });
  }, []);
  const context = useAsync(() => loadUnitContext(periodId, unitId), [periodId, unitId]);
  const ledger = useAsync(() => loadLedger(periodId, unitId), [periodId, unitId]);
  const [onlyOpen, setOnlyOpen] = useState(false);
  const [bulkDone, setBulkDone] = useState<string>();
  useTitle(context.data?.unit ? `${t("appraise.title")}: ${context.data.unit.name}` : t("appraise.title"));
  if ((context.loading && !context.data) || (ledger.loading && !ledger.data && !ledger.error))
    return <Loading />;
  if (context.error !== undefined)
    return <ErrorNote error={new Error(errorText(context.error))} retry={context.reload} />;
  if (ledger.error !== undefined)
    return <ErrorNote error={new Error(errorText(ledger.error))} retry={ledger.reload} />;
  if (!context.data) return null;
  const ctx = context.data;
  const { period, submission: sub, group } = ctx;
  const rows = new Map((ledger.data?.leaves ?? []).map((r) => [r.code, r]));
  const canAppraise = hasRole(session, "reviewer") && period.state === "appraisal";
  const finalScore = (code: string) => rows.get(code)?.final.score ?? sub.preview.leaves[code]?.score ?? 0;
  const open = ctx.leaves.filter((l) => !rows.get(l.code)?.appraisal);
  const { acceptable, skipped } = acceptRestPlan(
    open,
    (code) => rows.get(code)?.self.flags ?? sub.preview.leaves[code]?.flags ?? [],
  );

  // The ledger is read again whatever happened: the leaves accepted before a failure count.
  const acceptRest = useAction(async () => {
    setBulkDone(undefined);
    try {
      for (const leaf of acceptable)
        await put(paths.appraisal(periodId, unitId, leaf.code), { accept: true });
    } finally {
      ledger.reload();
    }
    setBulkDone(acceptRestDone(acceptable.length, skipped));
  });
  const bulk = acceptRest.busy ? t("appraise.bulkBusy") : bulkDone;

  const closed = hasResults(period.state);
  return (
    <div class={shown ? "appraise-layout with-panel" : "appraise-layout"}>
      <div class="appraise-main">
        <nav class="next-unit" aria-label={t("appraise.back")}>
          <a href={`/app/review/${encodeURIComponent(periodId)}${queryString(readQuery(query))}`}>
            ← {t("appraise.back")}
          </a>
          {closed && <NextUnit periodId={periodId} unitId={unitId} query={query} />}
        </nav>
        <h1>
          {t("appraise.title")}: {ctx.unit ? localName(ctx.unit) : unitId}
        </h1>
        <p class="muted">
          {period.name} · {localName(group)} · <SubmissionBadge state={sub.state} />
          {sub.submittedAt &&
            ` · ${t("appraise.submittedAt", { at: fmt.dateTime(sub.submittedAt), by: sub.submittedBy ?? "" })}`}
        </p>
        <dl class="stats">
          <div>
            <dt>{t("appraise.selfTotal")}</dt>
            <dd>{fmt.points(ledger.data ? ledger.data.totals.self.points : sub.preview.points)}</dd>
          </div>
          <div>
            <dt>{t("appraise.appraisedTotal")}</dt>
            <dd>{ledger.data ? fmt.points(ledger.data.totals.appraised.points) : "—"}</dd>
          </div>
          <div>
            <dt>{t("appraise.progress")}</dt>
            <dd>
              {ctx.leaves.length - open.length}/{ctx.leaves.length}
            </dd>
          </div>
        </dl>
        {!canAppraise && (
          <p class="notice notice-info">
            {hasRole(session, "reviewer")
              ? t("appraise.notNow", { state: t(`periodState.${period.state}`) })
              : t("appraise.readOnly")}
          </p>
        )}
        <div class="toolbar">
          <label class="choice">
            <input
              type="checkbox"
              checked={onlyOpen}
              onChange={(e) => setOnlyOpen(e.currentTarget.checked)}
            />
            {t("appraise.onlyOpen")}
          </label>
          {canAppraise && acceptable.length > 0 && (
            <button
              type="button"
              class="btn"
              disabled={acceptRest.busy}
              onClick={() => void acceptRest.run()}
            >
              {t("appraise.acceptRest", { n: acceptable.length })}
            </button>
          )}
        </div>
        {bulk && (
          <p class="notice notice-info" role="status">
            {bulk}
          </p>
        )}
        <InlineError error={acceptRest.error} />
        {group.nodes.map((node) => (
          <AppraiseNode
            key={node.code}
            node={node}
            depth={2}
            ctx={ctx}
            rows={rows}
            canAppraise={canAppraise}
            onlyOpen={onlyOpen}
            score={finalScore}
            onChanged={ledger.reload}
            onShow={setShown}
          />
        ))}
      </div>
      {shown && <EvidencePanel periodId={periodId} unitId={unitId} shown={shown} onClose={closePanel} />}
    </div>
  );
}

function AppraiseNode(props: {
  node: FrameworkNode;
  depth: number;
  ctx: UnitContext;
  rows: Map<string, LedgerLeaf>;
  canAppraise: boolean;
  onlyOpen: boolean;
  score: (code: string) => number;
  onChanged: () => void;
  onShow: (shown: Shown) => void;
}) {
  const { node, depth, ctx, rows, canAppraise, onlyOpen, score, onChanged, onShow } = props;
  if (isLeaf(node)) {
    if (onlyOpen && rows.get(node.code)?.appraisal) return null;
    return (
      <AppraiseLeaf
        leaf={node}
        ctx={ctx}
        row={rows.get(node.code)}
        canAppraise={canAppraise}
        onChanged={onChanged}
        onShow={onShow}
      />
    );
  }
  const Heading = (depth <= 2 ? "h2" : depth === 3 ? "h3" : "h4") as "h2";
  return (
    <section class={`node node-depth-${depth}`} aria-labelledby={`an-${node.code}`}>
      <Heading id={`an-${node.code}`} class="node-title">
        <span>
          {node.code}. {localName(node)}
        </span>
        <span class="node-score">
          {t("form.nodeScore", {
            points: fmt.points(nodeScore(node, score)),
            max: fmt.points(node.maxPoints),
          })}
        </span>
      </Heading>
      {node.children.map((child) => (
        <AppraiseNode key={child.code} {...props} node={child} depth={depth + 1} />
      ))}
    </section>
  );
}

function AppraiseLeaf({
  leaf,
  ctx,
  row,
  canAppraise,
  onChanged,
  onShow,
}: {
  leaf: Leaf;
  ctx: UnitContext;
  row: LedgerLeaf | undefined;
  canAppraise: boolean;
  onChanged: () => void;
  onShow: (shown: Shown) => void;
}) {
  const sub = ctx.submission;
  const answer = sub.answers[leaf.code];
  const evidence = sub.evidence.filter(
    (e) => e.indicatorCodes.includes(leaf.code) && e.status === "confirmed",
  );
  const appraisal = row?.appraisal ?? null;
  const [adjusting, setAdjusting] = useState(false);
  const [value, setValue] = useState<unknown>(
    appraisal && !appraisal.accepted ? appraisal.value : (answer?.value ?? null),
  );
  const [reason, setReason] = useState(appraisal?.reason ?? "");
  const idBase = `ap-${leaf.code.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const selfFlags = row?.self.flags ?? sub.preview.leaves[leaf.code]?.flags ?? [];

  const send = useAction(async (body: unknown) => {
    await put(paths.appraisal(ctx.period.id, sub.unitId, leaf.code), body);
    setAdjusting(false);
    onChanged();
  });

  return (
    <article
      class={`leaf appraise-leaf${appraisal ? " appraised" : ""}`}
      aria-labelledby={`${idBase}-legend`}
      data-code={leaf.code}
    >
      <h3 class="leaf-title" id={`${idBase}-legend`}>
        <span class="leaf-code">{leaf.code}</span> {localName(leaf)}
      </h3>
      <p class="leaf-meta">
        {t("form.max", { max: fmt.points(leaf.maxPoints) })} · {methodHint(leaf)}
      </p>
      <dl class="appraise-facts">
        <div>
          <dt>{t("appraise.answer")}</dt>
          <dd>
            <strong>{formatValue(leaf, answer?.value ?? null)}</strong>
            {answer?.note && <span class="cell-sub">“{answer.note}”</span>}
          </dd>
        </div>
        <div>
          <dt>{t("appraise.selfScore")}</dt>
          <dd>
            {fmt.points(row?.self.score ?? sub.preview.leaves[leaf.code]?.score ?? 0)}
            {selfFlags.map((f) => (
              <span key={f} class={`flag flag-${f}`}>
                {flagText(f)}
              </span>
            ))}
          </dd>
        </div>
        <div>
          <dt>{t("appraise.evidence")}</dt>
          <dd>
            {evidence.length === 0 ? (
              <span class="muted">{leaf.evidence.required ? t("appraise.noEvidenceRequired") : "—"}</span>
            ) : (
              <ul class="evidence-list">
                {evidence.map((e) => (
                  <li key={e.id}>
                    <button
                      type="button"
                      class="link"
                      onClick={(event) =>
                        onShow({ evidence: e, code: leaf.code, opener: event.currentTarget })
                      }
                    >
                      {evidenceName(e)}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>{t("appraise.status")}</dt>
          <dd>
            {appraisal ? (
              <>
                <strong>
                  {appraisal.accepted
                    ? t("results.accepted")
                    : t("appraise.adjustedTo", { value: formatValue(leaf, appraisal.value) })}
                </strong>
                {appraisal.reason && <span class="cell-sub">“{appraisal.reason}”</span>}
                <span class="cell-sub muted">
                  {appraisal.by} · {fmt.dateTime(appraisal.at)} ·{" "}
                  {t("results.points", { points: fmt.points(row?.final.score ?? 0) })}
                </span>
              </>
            ) : (
              <span class="muted">{t("appraise.notYet")}</span>
            )}
          </dd>
        </div>
      </dl>
      {canAppraise && (
        <div class="appraise-actions">
          <button
            type="button"
            class="btn btn-small"
            disabled={send.busy}
            onClick={() => void send.run({ accept: true })}
          >
            {t("appraise.accept")}
            <span class="sr-only"> {leaf.code}</span>
          </button>
          <ToggleButton open={adjusting} onToggle={setAdjusting}>
            {t("appraise.adjust")}
            <span class="sr-only"> {leaf.code}</span>
          </ToggleButton>
        </div>
      )}
      {canAppraise && adjusting && (
        <fieldset class="adjust">
          <legend>{t("appraise.adjustLegend", { code: leaf.code })}</legend>
          <NewValueInput leaf={leaf} value={value} idBase={`${idBase}-adj`} onChange={setValue} />
          <TextAreaField
            id={`${idBase}-reason`}
            label={t("appraise.reason")}
            value={reason}
            onInput={setReason}
          />
          <button
            type="button"
            class="btn btn-primary btn-small"
            disabled={send.busy || reason.trim() === "" || value === null || value === undefined}
            onClick={() => void send.run({ value, reason: reason.trim() })}
          >
            {t("appraise.saveAdjust")}
          </button>
        </fieldset>
      )}
      <InlineError error={send.error} />
    </article>
  );
}
