import { useState } from "preact/hooks";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, type ErrorDetail, errorText, get, getAll, patch, paths, post } from "../api.ts";
import { getFramework } from "../context.ts";
import type { Framework, Period, PeriodState, SubmissionRow } from "../types.ts";
import { Details, Dialog, PeriodBadge } from "../ui.tsx";
import { toLocalInput } from "./AdminHome.tsx";

/** The lifecycle's moves (DOMAIN.md §6), as the server allows them. */
const NEXT: Record<PeriodState, PeriodState[]> = {
  draft: ["open"],
  open: ["appraisal"],
  appraisal: ["explanation", "final"],
  explanation: ["final"],
  final: ["published"],
  published: ["appraisal"],
};

/** One period for the organiser: deadlines, progress per group, the moves through to publication. */
export function AdminPeriod({ periodId }: { periodId: string }) {
  const data = useAsync(async () => {
    const period = await get<Period>(paths.period(periodId));
    const [framework, rows] = await Promise.all([
      getFramework(period.frameworkId),
      period.state === "draft"
        ? Promise.resolve([] as SubmissionRow[])
        : getAll<SubmissionRow>(paths.submissions(periodId)),
    ]);
    return { period, framework, rows };
  }, [periodId]);
  useTitle(data.data?.period.name ?? t("admin.period"));
  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined)
    return <ErrorNote error={new Error(errorText(data.error))} retry={data.reload} />;
  if (!data.data) return null;
  const { period, framework, rows } = data.data;
  return (
    <>
      <p>
        <a href="/app/admin">← {t("admin.title")}</a>
      </p>
      <h1>
        {period.name} <PeriodBadge state={period.state} />
      </h1>
      <p class="muted">
        <code>{period.id}</code> · {localName(framework)}
      </p>
      <p class="links">
        {period.state !== "draft" && (
          <a href={`/app/review/${encodeURIComponent(period.id)}`}>{t("home.units")}</a>
        )}
        {period.publication && (
          <a href={`/?period=${encodeURIComponent(period.id)}`}>
            {t("admin.publicPage", { version: period.publication.version })}
          </a>
        )}
      </p>
      <Transitions period={period} onDone={data.reload} />
      <Progress period={period} framework={framework} rows={rows} />
      <Deadlines period={period} onDone={data.reload} />
    </>
  );
}

function Transitions({ period, onDone }: { period: Period; onDone: () => void }) {
  const [target, setTarget] = useState<PeriodState>();
  const [error, setError] = useState<{ text: string; details: ErrorDetail[] }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  const label = (to: PeriodState) =>
    period.state === "open" && to === "appraisal"
      ? t("transition.closeEarly")
      : period.state === "published" && to === "appraisal"
        ? t("transition.reopen")
        : t(`transition.${to}`);
  return (
    <section aria-labelledby="transitions" class="admin-section">
      <h2 id="transitions">{t("admin.lifecycle")}</h2>
      <ol class="lifecycle">
        {(["draft", "open", "appraisal", "explanation", "final", "published"] as const).map((s) => (
          <li
            key={s}
            aria-current={s === period.state ? "step" : undefined}
            class={s === period.state ? "current" : ""}
          >
            {t(`periodState.${s}`)}
          </li>
        ))}
      </ol>
      <p class="muted">{t(`transitionHelp.${period.state}`)}</p>
      <div class="button-row">
        {NEXT[period.state].map((to) => (
          <button key={to} type="button" class="btn btn-primary" onClick={() => setTarget(to)}>
            {label(to)}
          </button>
        ))}
      </div>
      {done && (
        <p class="notice notice-ok" role="status">
          {done}
        </p>
      )}
      {error && !target && (
        <div class="notice notice-error" role="alert">
          <p>{error.text}</p>
          <Details details={error.details} />
        </div>
      )}
      <Dialog open={!!target} title={target ? label(target) : ""} onClose={() => setTarget(undefined)}>
        {target && <p>{t(`transitionConfirm.${target}`, { name: period.name })}</p>}
        {error && (
          <p class="notice notice-error" role="alert">
            {error.text}
          </p>
        )}
        <div class="dialog-actions">
          <button
            type="button"
            class="btn btn-primary"
            disabled={busy}
            onClick={async () => {
              if (!target) return;
              setBusy(true);
              setError(undefined);
              try {
                const next = await post<Period>(paths.transitions(period.id), { to: target });
                setDone(t("admin.moved", { state: t(`periodState.${next.state}`) }));
                setTarget(undefined);
                onDone();
              } catch (e) {
                setError({ text: errorText(e), details: e instanceof ApiError ? e.details : [] });
              } finally {
                setBusy(false);
              }
            }}
          >
            {busy ? t("common.working") : t("common.confirm")}
          </button>
          <button type="button" class="btn" onClick={() => setTarget(undefined)}>
            {t("common.cancel")}
          </button>
        </div>
      </Dialog>
    </section>
  );
}

function Progress({
  period,
  framework,
  rows,
}: {
  period: Period;
  framework: Framework;
  rows: SubmissionRow[];
}) {
  const groups = framework.groups.map((g) => {
    const mine = rows.filter((r) => r.groupId === g.id);
    const submitted = mine.filter((r) => r.state !== "draft").length;
    return { group: g, units: mine.length, submitted, draft: mine.length - submitted };
  });
  return (
    <section aria-labelledby="progress" class="admin-section">
      <h2 id="progress">{t("admin.progress")}</h2>
      <p>
        {t("admin.progressTotal", {
          submitted: period.counts.submitted,
          units: period.counts.units,
          draft: period.counts.draft,
        })}
      </p>
      {rows.length > 0 && (
        <Scroll label={t("admin.progress")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("review.group")}</th>
                <th scope="col" class="num">
                  {t("admin.unitsCol")}
                </th>
                <th scope="col" class="num">
                  {t("admin.submittedCol")}
                </th>
                <th scope="col" class="num">
                  {t("admin.draftCol")}
                </th>
                <th scope="col">{t("admin.share")}</th>
              </tr>
            </thead>
            <tbody>
              {groups
                .filter((g) => g.units > 0)
                .map((g) => {
                  const share = g.units ? g.submitted / g.units : 0;
                  return (
                    <tr key={g.group.id}>
                      <th scope="row">{localName(g.group)}</th>
                      <td class="num">{g.units}</td>
                      <td class="num">{g.submitted}</td>
                      <td class="num">{g.draft}</td>
                      <td>
                        <progress max={100} value={Math.round(share * 100)} aria-label={localName(g.group)} />{" "}
                        {fmt.percent(share)}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}

function Deadlines({ period, onDone }: { period: Period; onDone: () => void }) {
  const [name, setName] = useState(period.name);
  const [closesAt, setClosesAt] = useState(toLocalInput(period.closesAt));
  const [explanation, setExplanation] = useState(toLocalInput(period.explanationClosesAt));
  const [outcome, setOutcome] = useState<{ ok?: string; error?: string; details?: ErrorDetail[] }>({});
  const [busy, setBusy] = useState(false);
  const canMoveClose = period.state === "draft" || period.state === "open";
  return (
    <section aria-labelledby="deadlines" class="admin-section">
      <h2 id="deadlines">{t("admin.deadlines")}</h2>
      <dl class="facts">
        <dt>{t("period.opensAt")}</dt>
        <dd>{fmt.dateTime(period.opensAt)}</dd>
        <dt>{t("period.closesAt")}</dt>
        <dd>{fmt.dateTime(period.closesAt)}</dd>
        <dt>{t("period.explanationClosesAt")}</dt>
        <dd>{period.explanationClosesAt ? fmt.dateTime(period.explanationClosesAt) : "—"}</dd>
      </dl>
      <form
        class="card grid-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const body: Record<string, unknown> = {};
          if (name.trim() !== period.name) body.name = name.trim();
          if (canMoveClose && closesAt !== toLocalInput(period.closesAt)) body.closesAt = closesAt;
          if (explanation !== toLocalInput(period.explanationClosesAt))
            body.explanationClosesAt = explanation || null;
          if (Object.keys(body).length === 0) {
            setOutcome({ error: t("admin.nothingChanged") });
            return;
          }
          setBusy(true);
          setOutcome({});
          try {
            await patch(paths.period(period.id), body);
            setOutcome({ ok: t("admin.saved") });
            onDone();
          } catch (error) {
            setOutcome({ error: errorText(error), details: error instanceof ApiError ? error.details : [] });
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="edit-name">{t("period.name")}</label>
          <input id="edit-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="edit-closes">{t("period.closesAt")}</label>
          <input
            id="edit-closes"
            type="datetime-local"
            value={closesAt}
            disabled={!canMoveClose}
            onInput={(e) => setClosesAt(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="edit-explanation">{t("period.explanationClosesAt")}</label>
          <input
            id="edit-explanation"
            type="datetime-local"
            value={explanation}
            onInput={(e) => setExplanation(e.currentTarget.value)}
          />
        </div>
        <p class="muted">{t("admin.timesVietnam")}</p>
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {t("admin.saveDeadlines")}
          </button>
        </div>
      </form>
      {outcome.ok && (
        <p class="notice notice-ok" role="status">
          {outcome.ok}
        </p>
      )}
      {outcome.error && (
        <div class="notice notice-error" role="alert">
          <p>{outcome.error}</p>
          <Details details={outcome.details ?? []} />
        </div>
      )}
    </section>
  );
}
