import { useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, errorText, get, paths, put } from "../api.ts";
import { getFramework } from "../context.ts";
import { EvidenceLink } from "../EvidenceOpen.tsx";
import { NewValueInput } from "../LeafInput.tsx";
import { type Leaf, type LedgerLeaf, leavesOf, type Period, type UnitResult } from "../types.ts";
import { InlineError, TextAreaField } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { formatValue } from "../values.ts";

interface Item {
  result: UnitResult;
  row: LedgerLeaf;
  leaf: Leaf;
}

/** Every contest of a period: the open ones to decide (upheld or changed, with a reason), then the decided. */
export function Contests({ periodId }: { periodId: string }) {
  const session = useSession();
  useTitle(t("contests.title"));
  const data = useAsync(async () => {
    const period = await get<Period>(paths.period(periodId));
    const framework = await getFramework(period.frameworkId);
    const results: UnitResult[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page: { items: UnitResult[]; nextCursor: string | null } = await get(
          `${paths.results(periodId)}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        results.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
    }
    const items: Item[] = [];
    for (const result of results) {
      const group = framework.groups.find((g) => g.id === result.groupId);
      const leaves = new Map(leavesOf(group?.nodes ?? []).map((l) => [l.code, l]));
      for (const row of result.leaves) {
        const leaf = leaves.get(row.code);
        if (row.contest && leaf) items.push({ result, row, leaf });
      }
    }
    return { period, items };
  }, [periodId]);
  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined)
    return <ErrorNote error={new Error(errorText(data.error))} retry={data.reload} />;
  if (!data.data) return null;
  const { period, items } = data.data;
  const open = items.filter((i) => !i.row.contest?.decision);
  const decided = items.filter((i) => i.row.contest?.decision);
  const canDecide = hasRole(session, "reviewer") && ["appraisal", "explanation"].includes(period.state);
  return (
    <>
      <p>
        <a href={`/app/review/${encodeURIComponent(periodId)}`}>← {t("appraise.back")}</a>
      </p>
      <h1>
        {t("contests.title")} <span class="muted">· {period.name}</span>
      </h1>
      <h2>{t("contests.open", { n: open.length })}</h2>
      {open.length === 0 && <p class="muted">{t("contests.none")}</p>}
      {open.map((item) => (
        <ContestCard
          key={`${item.result.unitId}-${item.row.code}`}
          item={item}
          period={period}
          canDecide={canDecide}
          onDone={data.reload}
        />
      ))}
      {decided.length > 0 && (
        <>
          <h2>{t("contests.decided", { n: decided.length })}</h2>
          {decided.map((item) => (
            <ContestCard
              key={`${item.result.unitId}-${item.row.code}`}
              item={item}
              period={period}
              canDecide={false}
              onDone={data.reload}
            />
          ))}
        </>
      )}
    </>
  );
}

function ContestCard({
  item,
  period,
  canDecide,
  onDone,
}: {
  item: Item;
  period: Period;
  canDecide: boolean;
  onDone: () => void;
}) {
  const { result, row, leaf } = item;
  const contest = row.contest;
  const [outcome, setOutcome] = useState<"upheld" | "changed">("upheld");
  const [value, setValue] = useState<unknown>(row.final.value);
  const [reason, setReason] = useState("");
  const decide = useAction(async () => {
    await put(paths.contest(period.id, result.unitId, row.code), {
      outcome,
      ...(outcome === "changed" ? { value } : {}),
      reason: reason.trim(),
    });
    onDone();
  });
  if (!contest) return null;
  const idBase = `ct-${result.unitId}-${row.code.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return (
    <article class="card contest" aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>
        {result.name ?? result.unitId} — <span class="leaf-code">{row.code}</span> {localName(leaf)}
      </h3>
      <dl class="appraise-facts">
        <div>
          <dt>{t("results.self")}</dt>
          <dd>{formatValue(leaf, row.self.value)}</dd>
        </div>
        <div>
          <dt>{t("results.appraised")}</dt>
          <dd>
            {row.appraisal
              ? row.appraisal.accepted
                ? t("results.accepted")
                : formatValue(leaf, row.appraisal.value)
              : "—"}
            {row.appraisal?.reason && <span class="cell-sub">“{row.appraisal.reason}”</span>}
          </dd>
        </div>
        <div>
          <dt>{t("contest.explanation")}</dt>
          <dd>
            “{contest.explanation}”
            <span class="cell-sub muted">
              {contest.by} · {fmt.dateTime(contest.at)}
            </span>
            {contest.evidenceIds.length > 0 && (
              <ul class="evidence-list">
                {contest.evidenceIds.map((id, i) => (
                  <li key={id}>
                    <EvidenceLink periodId={period.id} unitId={result.unitId} evidenceId={id}>
                      {t("contests.evidenceN", { n: i + 1 })}
                    </EvidenceLink>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        {contest.decision && (
          <div>
            <dt>{t("contests.decision")}</dt>
            <dd>
              <strong>{t(`contest.outcome.${contest.decision.outcome}`)}</strong>
              {contest.decision.outcome === "changed" && `: ${formatValue(leaf, contest.decision.value)}`} — “
              {contest.decision.reason}”
              <span class="cell-sub muted">
                {contest.decision.by} · {fmt.dateTime(contest.decision.at)}
              </span>
            </dd>
          </div>
        )}
      </dl>
      {canDecide && (
        <fieldset class="adjust">
          <legend>{t("contests.decide")}</legend>
          <div class="choices">
            {(["upheld", "changed"] as const).map((o) => (
              <label key={o} class="choice">
                <input
                  type="radio"
                  name={`${idBase}-outcome`}
                  checked={outcome === o}
                  onChange={() => setOutcome(o)}
                />
                {t(`contest.outcome.${o}`)}
              </label>
            ))}
          </div>
          {outcome === "changed" && (
            <NewValueInput leaf={leaf} value={value} idBase={`${idBase}-v`} onChange={setValue} />
          )}
          <TextAreaField
            id={`${idBase}-reason`}
            label={t("appraise.reason")}
            value={reason}
            onInput={setReason}
          />
          <InlineError error={decide.error} />
          <button
            type="button"
            class="btn btn-primary btn-small"
            disabled={decide.busy || reason.trim() === ""}
            onClick={decide.run}
          >
            {t("contests.save")}
          </button>
        </fieldset>
      )}
    </article>
  );
}
