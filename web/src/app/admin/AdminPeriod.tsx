import { useEffect, useRef, useState } from "preact/hooks";
import { fmt, localName, t } from "../../i18n/index.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { ApiError, type ErrorDetail, errorText, get, getAll, patch, paths, post } from "../api.ts";
import { getFramework } from "../context.ts";
import { awaitsJob, isTransient, movesFrom, pollDelay, retryTarget, STEPS, stepOf } from "../lifecycle.ts";
import type { Framework, Period, PeriodJob, PeriodState, SteadyState, SubmissionRow } from "../types.ts";
import { Details, Dialog, PeriodBadge } from "../ui.tsx";
import { toLocalInput } from "./AdminHome.tsx";

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
  const loaded = data.data;
  const { period, framework, rows } = loaded;
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
      <Transitions
        key={period.id}
        period={period}
        onPeriod={(next) => data.set({ ...loaded, period: next })}
        onDone={data.reload}
      />
      <Progress period={period} framework={framework} rows={rows} />
      <Deadlines period={period} onDone={data.reload} />
    </>
  );
}

/**
 * Follows a period while it waits on its job: asks for it every POLL_MS (less often after failed
 * polls, so a lost connection is not hammered) and hands each answer to `onPeriod`. Stops when the
 * job has ended or the screen is left. Returns the last poll's error, if it failed.
 */
function useFollowJob(period: Period, onPeriod: (next: Period) => void): string | undefined {
  const [trouble, setTrouble] = useState<string>();
  const latest = useRef(onPeriod);
  latest.current = onPeriod;
  const waiting = awaitsJob(period);
  const id = period.id;
  useEffect(() => {
    if (!waiting) return;
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const next = await get<Period>(paths.period(id));
        if (stopped) return;
        failures = 0;
        setTrouble(undefined);
        latest.current(next);
        if (!awaitsJob(next)) return;
      } catch (error) {
        if (stopped) return;
        failures += 1;
        setTrouble(errorText(error));
      }
      timer = setTimeout(poll, pollDelay(failures));
    };
    timer = setTimeout(poll, pollDelay(0));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, waiting]);
  return waiting ? trouble : undefined;
}

function Transitions({
  period,
  onPeriod,
  onDone,
}: {
  period: Period;
  /** The period as just answered, shown in place (a job's progress). */
  onPeriod: (next: Period) => void;
  /** Everything on the screen may have changed: load it again. */
  onDone: () => void;
}) {
  const [target, setTarget] = useState<SteadyState>();
  const [error, setError] = useState<{ text: string; details: ErrorDetail[] }>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string>();
  // The job this screen followed to its end stays in view once the period has moved on.
  const [followed, setFollowed] = useState<PeriodJob>();
  const moved = (state: PeriodState) => t("admin.moved", { state: t(`periodState.${state}`) });
  const trouble = useFollowJob(period, (next) => {
    onPeriod(next);
    if (awaitsJob(next)) return;
    // Failed: the alert below says so and offers to run it again.
    if (isTransient(next.state)) {
      setDone(undefined);
      return;
    }
    setFollowed(next.job);
    setDone(moved(next.state));
    onDone();
  });
  const label = (to: SteadyState) =>
    period.state === "open" && to === "appraisal"
      ? t("transition.closeEarly")
      : period.state === "published" && to === "appraisal"
        ? t("transition.reopen")
        : t(`transition.${to}`);
  const move = async (to: SteadyState) => {
    setBusy(true);
    setError(undefined);
    setFollowed(undefined);
    try {
      const next = await post<Period>(paths.transitions(period.id), { to });
      setTarget(undefined);
      if (isTransient(next.state)) {
        // Accepted (202): a job does the work, followed from here until it has.
        setDone(t("admin.started", { state: t(`periodState.${next.state}`) }));
        onPeriod(next);
      } else {
        setDone(moved(next.state));
        onDone();
      }
    } catch (e) {
      setError({ text: errorText(e), details: e instanceof ApiError ? e.details : [] });
      // Someone else has started the job meanwhile: show it.
      if (e instanceof ApiError && e.code === "job-running") onDone();
    } finally {
      setBusy(false);
    }
  };
  const step = stepOf(period.state);
  const entering = isTransient(period.state);
  const job = entering ? period.job : followed;
  const retry = retryTarget(period);
  return (
    <section aria-labelledby="transitions" class="admin-section">
      <h2 id="transitions">{t("admin.lifecycle")}</h2>
      <ol class="lifecycle">
        {STEPS.map((s) => (
          <li
            key={s}
            aria-current={s === step ? "step" : undefined}
            class={s !== step ? "" : entering ? "current entering" : "current"}
          >
            {t(`periodState.${s}`)}
            {s === step && entering && (
              <>
                <span class="spinner" aria-hidden="true" />
                <span class="sr-only"> ({t("job.entering")})</span>
              </>
            )}
          </li>
        ))}
      </ol>
      {!retry && <p class="muted">{t(`transitionHelp.${period.state}`)}</p>}
      {job && <JobProgress job={job} trouble={trouble} />}
      {retry && job && (
        <div class="notice notice-error" role="alert">
          <p>{t("job.failed", { kind: t(`job.kind.${job.kind}`) })}</p>
          {job.error && <p>{job.error}</p>}
          <p>{t("job.retryHelp", { state: t(`periodState.${period.state}`) })}</p>
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => void move(retry)}>
            {busy ? t("common.working") : t("job.retry")}
          </button>
        </div>
      )}
      <div class="button-row">
        {movesFrom(period.state).map((to) => (
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
            onClick={() => {
              if (target) void move(target);
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

/** A job's progress: what it does, where it is, how far it got, since when. */
function JobProgress({ job, trouble }: { job: PeriodJob; trouble: string | undefined }) {
  const kind = t(`job.kind.${job.kind}`);
  // Until the job has counted its work the bar has no value, which the browser shows as indeterminate
  // (a new element then, as a value once set cannot be taken back).
  const max = Math.max(job.total, 1);
  const value = job.status === "succeeded" ? max : job.total > 0 ? job.done : undefined;
  return (
    <div class={`card job job-${job.status}`}>
      <p>
        <strong>{kind}</strong> · <span class="job-status">{t(`job.status.${job.status}`)}</span>
      </p>
      <progress
        key={value === undefined ? "waiting" : "counting"}
        max={max}
        value={value}
        aria-label={kind}
      />
      {job.total > 0 && (
        <p>{t(job.kind === "publish" ? "job.files" : "job.units", { done: job.done, total: job.total })}</p>
      )}
      <p class="muted">
        {job.startedAt
          ? t("job.startedAt", { at: fmt.dateTime(job.startedAt) })
          : t("job.queuedAt", { at: fmt.dateTime(job.queuedAt) })}
        {job.finishedAt && ` · ${t("job.finishedAt", { at: fmt.dateTime(job.finishedAt) })}`}
        {job.attempts > 1 && ` · ${t("job.attempts", { n: job.attempts })}`}
      </p>
      {trouble && <p class="muted">{t("job.pollTrouble", { error: trouble })}</p>}
    </div>
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
