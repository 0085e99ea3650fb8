import { useState } from "preact/hooks";
import { MAX_NOTE_LENGTH } from "../../../../shared/model/limits.ts";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync, useTitle } from "../../ui/common.tsx";
import { errorText } from "../api.ts";
import { loadUnitContext, nodeScore, type UnitContext } from "../context.ts";
import { LeafInput } from "../LeafInput.tsx";
import { type FrameworkNode, isLeaf, type Leaf, type Submission } from "../types.ts";
import { SubmissionBadge } from "../ui.tsx";
import { flagText, formatValue, methodHint } from "../values.ts";
import { CarriedMark, CarryOverButton } from "./CarryOver.tsx";
import { EvidenceList, LeafEvidence, type Uploads, useUploads } from "./Evidence.tsx";
import { MissingSummary, ReadOnlyNote, SaveIndicator } from "./FormNotes.tsx";
import { tr } from "./messages.ts";
import { SubmissionHistory } from "./SubmissionHistory.tsx";
import { SubmitPanel } from "./SubmitPanel.tsx";
import { type SubmissionState, useSubmission } from "./useSubmission.ts";

/** The self-assessment form of the signed-in user's unit. */
export function UnitForm({ periodId }: { periodId: string }) {
  const session = useSession();
  const unitId = session?.unitId ?? "";
  const context = useAsync(() => loadUnitContext(periodId, unitId), [periodId, unitId]);
  useTitle(t("form.title"));
  if (!unitId) return <p class="notice notice-error">{t("form.noUnit")}</p>;
  if (context.loading && !context.data) return <Loading />;
  if (context.error !== undefined)
    return <ErrorNote error={new Error(errorText(context.error))} retry={context.reload} />;
  if (!context.data) return null;
  return <FormBody context={context.data} approver={hasRole(session, "unit-approver")} />;
}

/** Leaves that still need something: an answer (info leaves are optional) or their evidence. */
export function missingOf(context: UnitContext, submission: Submission) {
  const unanswered: Leaf[] = [];
  const noEvidence: Leaf[] = [];
  for (const leaf of context.leaves) {
    const flags = submission.preview.leaves[leaf.code]?.flags ?? [];
    if (flags.includes("unanswered") && leaf.method.type !== "info") unanswered.push(leaf);
    if (flags.includes("missing-evidence")) noEvidence.push(leaf);
  }
  return { unanswered, noEvidence };
}

function FormBody({ context, approver }: { context: UnitContext; approver: boolean }) {
  const { period, group, leaves } = context;
  const unitId = context.submission.unitId;
  const state = useSubmission(period.id, unitId, context.submission);
  const uploads = useUploads(period.id, unitId, state);
  const sub = state.submission;
  const editable = sub.editable;
  const missing = missingOf(context, sub);
  const leafScore = (code: string) => sub.preview.leaves[code]?.score ?? 0;

  return (
    <>
      <h1>
        {t("form.title")} <span class="muted">· {period.name}</span>
      </h1>
      <p class="muted">
        {context.unit ? localName(context.unit) : unitId} · {localName(group)} ·{" "}
        {t("form.deadline", { date: fmt.dateTime(sub.closesAt) })} · <SubmissionBadge state={sub.state} />
      </p>

      <div class="form-bar">
        <p class="form-total">
          <strong>
            {t("form.total", {
              points: fmt.points(sub.preview.points),
              max: fmt.points(sub.preview.maxPoints),
            })}
          </strong>{" "}
          <span class="muted">· {t("form.index", { index: fmt.index(sub.preview.index) })}</span>
          {sub.preview.pendingPoints > 0 && (
            <span class="pending-points">
              {" "}
              · {tr("points.pendingTotal", { points: fmt.points(sub.preview.pendingPoints) })}
            </span>
          )}
        </p>
        <SaveIndicator status={state.status} pending={state.pending.size} />
      </div>

      {state.status.kind === "conflict" && (
        <div class="notice notice-error" role="alert">
          <p>
            <strong>{t("form.conflictTitle")}</strong>
          </p>
          <p>{t("form.conflictText", { n: state.pending.size })}</p>
          <p class="button-row">
            <button type="button" class="btn btn-primary" onClick={() => void state.keepMine()}>
              {t("form.conflictKeep")}
            </button>
            <button type="button" class="btn" onClick={() => void state.discardMine()}>
              {t("form.conflictDiscard")}
            </button>
          </p>
        </div>
      )}
      {state.status.kind === "closed" && (
        <p class="notice notice-warn" role="alert">
          {t("form.closed")} <span class="muted">({state.status.message})</span>
        </p>
      )}
      <ReadOnlyNote context={context} submission={sub} />

      <SubmitPanel context={context} state={state} approver={approver} missing={missing} />
      <SubmissionHistory context={context} submission={sub} />

      <MissingSummary missing={missing} editable={editable} />
      <CarryOverButton state={state} />

      <nav class="toc" aria-label={t("form.contents")}>
        <ol>
          {group.nodes.map((node) => (
            <li key={node.code}>
              <a href={`#node-${node.code}`}>
                {node.code}. {localName(node)}
              </a>{" "}
              <span class="muted">
                {fmt.points(nodeScore(node, leafScore))}/{fmt.points(node.maxPoints)}
              </span>
            </li>
          ))}
        </ol>
      </nav>

      {group.nodes.map((node) => (
        <NodeSection
          key={`${node.code}-${state.generation}`}
          node={node}
          depth={2}
          context={context}
          state={state}
          uploads={uploads}
          editable={editable}
          leafScore={leafScore}
        />
      ))}

      {/* Each file is listed under its leaves; this overview stays folded so it is not a second list. */}
      <details class="all-evidence">
        <summary>
          <h2 id="all-evidence">{tr("evidence.allSummary", { n: sub.evidence.length })}</h2>
        </summary>
        {sub.evidence.length === 0 ? (
          <p class="muted">{t("evidence.none")}</p>
        ) : (
          <EvidenceList
            items={sub.evidence}
            leaves={leaves}
            periodId={period.id}
            unitId={unitId}
            state={state}
            editable={editable}
            showCodes
          />
        )}
      </details>
    </>
  );
}

function NodeSection({
  node,
  depth,
  context,
  state,
  uploads,
  editable,
  leafScore,
}: {
  node: FrameworkNode;
  depth: number;
  context: UnitContext;
  state: SubmissionState;
  uploads: Uploads;
  editable: boolean;
  leafScore: (code: string) => number;
}) {
  if (isLeaf(node))
    return <LeafBlock leaf={node} context={context} state={state} uploads={uploads} editable={editable} />;
  const Heading = (depth <= 2 ? "h2" : depth === 3 ? "h3" : "h4") as "h2";
  return (
    <section
      class={`node node-depth-${depth}`}
      id={`node-${node.code}`}
      aria-labelledby={`node-${node.code}-title`}
    >
      <Heading id={`node-${node.code}-title`} class="node-title">
        <span>
          {node.code}. {localName(node)}
        </span>
        <span class="node-score">
          {t("form.nodeScore", {
            points: fmt.points(nodeScore(node, leafScore)),
            max: fmt.points(node.maxPoints),
          })}
        </span>
      </Heading>
      {node.guidance && <p class="muted">{node.guidance}</p>}
      {node.children.map((child) => (
        <NodeSection
          key={child.code}
          node={child}
          depth={depth + 1}
          context={context}
          state={state}
          uploads={uploads}
          editable={editable}
          leafScore={leafScore}
        />
      ))}
    </section>
  );
}

/** One leaf of the form: its entry (or, measured, its source's value read-only), note, score, evidence. */
export function LeafBlock({
  leaf,
  context,
  state,
  uploads,
  editable,
}: {
  leaf: Leaf;
  context: UnitContext;
  state: SubmissionState;
  uploads: Uploads;
  editable: boolean;
}) {
  const sub = state.submission;
  const stored = sub.answers[leaf.code];
  const pending = state.pending.get(leaf.code);
  // A measured leaf's value comes from its data source: shown, never entered (the note stays).
  const measuredLeaf = typeof leaf.source === "object";
  const measured = sub.measured?.[leaf.code];
  const value = measuredLeaf
    ? (measured?.value ?? null)
    : pending && "value" in pending
      ? pending.value
      : (stored?.value ?? null);
  const note = pending && "note" in pending ? pending.note : (stored?.note ?? null);
  const preview = sub.preview.leaves[leaf.code];
  const flags = (preview?.flags ?? []).filter((f) => !(f === "unanswered" && leaf.method.type === "info"));
  const leafEditable = editable && (!sub.supplement || sub.supplement.codes.includes(leaf.code));
  const error = state.leafErrors[leaf.code];
  const idBase = `leaf-${leaf.code.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const [noteOpen, setNoteOpen] = useState(!!note);
  const [resets, setResets] = useState(0);
  return (
    <fieldset
      class={`leaf${flags.length ? " leaf-flagged" : ""}`}
      id={`leaf-${leaf.code}`}
      data-code={leaf.code}
    >
      <legend id={`${idBase}-legend`}>
        <span class="leaf-code">{leaf.code}</span> {localName(leaf)}
      </legend>
      <p class="leaf-meta">
        <span>{t("form.max", { max: fmt.points(leaf.maxPoints) })}</span> · <span>{methodHint(leaf)}</span>
        {leaf.source === "system" && <span> · {t("form.systemSource")}</span>}
      </p>
      {leaf.guidance && (
        <details class="guidance">
          <summary>{t("form.guidance")}</summary>
          <p>{leaf.guidance}</p>
        </details>
      )}
      {measuredLeaf ? (
        <div class="leaf-measured">
          <p class="leaf-answer">
            <span class="muted">{t("form.answer")}:</span> <AnswerText leaf={leaf} value={value} />
          </p>
          <p class="muted">
            {!measured
              ? t("form.measuredPending")
              : measured.importedBy
                ? tr("measured.imported", {
                    by: measured.importedBy,
                    file: measured.fileName ?? "",
                    asOf: fmt.date(measured.asOf),
                  })
                : t("form.measuredFrom", { source: measured.sourceName, asOf: fmt.date(measured.asOf) })}
            {measured?.reference && !measured.importedBy ? ` (${measured.reference})` : ""}
          </p>
          {leafEditable && <p class="muted">{t("form.measuredNote")}</p>}
        </div>
      ) : leafEditable ? (
        <LeafInput
          key={resets}
          leaf={leaf}
          value={value}
          idBase={idBase}
          dirty={!!pending && "value" in pending}
          onChange={(v) => state.change(leaf.code, { value: v })}
        />
      ) : (
        <p class="leaf-answer">
          <span class="muted">{t("form.answer")}:</span> <AnswerText leaf={leaf} value={value} />
        </p>
      )}
      <CarriedMark code={leaf.code} state={state} editable={leafEditable} />
      {error && (
        <p class="input-error" role="alert">
          {error}
        </p>
      )}
      {leafEditable ? (
        <div class="note">
          {noteOpen ? (
            <div class="field">
              <label for={`${idBase}-note`}>{t("form.note")}</label>
              <textarea
                id={`${idBase}-note`}
                rows={2}
                maxLength={MAX_NOTE_LENGTH}
                value={note ?? ""}
                onInput={(e) =>
                  state.change(leaf.code, {
                    note: e.currentTarget.value === "" ? null : e.currentTarget.value,
                  })
                }
              />
            </div>
          ) : (
            <button type="button" class="btn btn-small btn-quiet" onClick={() => setNoteOpen(true)}>
              {t("form.addNote")}
            </button>
          )}
          {!measuredLeaf && value !== null && value !== undefined && (
            <button
              type="button"
              class="btn btn-small btn-quiet"
              onClick={() => {
                state.change(leaf.code, { value: null });
                setResets((n) => n + 1);
              }}
            >
              {t("form.clear")}
            </button>
          )}
        </div>
      ) : (
        note && (
          <p class="leaf-note">
            <span class="muted">{t("form.note")}:</span> {note}
          </p>
        )
      )}
      <p class="leaf-score">
        <span>
          {t("form.leafScore")}:{" "}
          <strong>
            {preview?.score === null || preview?.score === undefined ? "—" : fmt.points(preview.score)}
          </strong>{" "}
          / {fmt.points(leaf.maxPoints)}
        </span>
        {preview?.withEvidence !== undefined && preview.withEvidence > 0 && (
          <span class="pending-points">
            {" "}
            — {tr("points.withEvidence", { points: fmt.points(preview.withEvidence) })}
          </span>
        )}
        {pending && <span class="muted"> · {t("form.pendingScore")}</span>}
        {flags.map((f) => (
          <span key={f} class={`flag flag-${f}`}>
            {flagText(f)}
          </span>
        ))}
      </p>
      {((!measuredLeaf && (leaf.evidence.required || leafEditable)) ||
        sub.evidence.some((e) => e.indicatorCodes.includes(leaf.code))) && (
        <LeafEvidence
          leaf={leaf}
          leaves={context.leaves}
          periodId={context.period.id}
          unitId={sub.unitId}
          state={state}
          uploads={uploads}
          editable={leafEditable}
        />
      )}
    </fieldset>
  );
}

export function AnswerText({ leaf, value }: { leaf: Leaf; value: unknown }) {
  return <span class="answer">{formatValue(leaf, value)}</span>;
}
