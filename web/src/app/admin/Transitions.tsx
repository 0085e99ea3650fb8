import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { ApiError, errorText, get, paths, post } from "../api.ts";
import { awaitsJob, isTransient, movesFrom, pollDelay, retryTarget, STEPS, stepOf } from "../lifecycle.ts";
import type { Period, PeriodJob, PeriodState, SteadyState } from "../types.ts";
import { Dialog, DialogFooter } from "../ui.tsx";
import { useAction } from "../useAction.ts";
import { Consequences } from "./Consequences.tsx";
import { JobProgress } from "./JobProgress.tsx";
import { OutcomeNote } from "./outcome.tsx";

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

/** The button's words for a move: closing an open period is "early"; leaving publication reopens. */
export function transitionLabel(from: PeriodState, to: SteadyState): string {
  if (to === "appraisal" && from === "open") return t("transition.closeEarly");
  if (to === "appraisal" && from === "published") return t("transition.reopen");
  return t(`transition.${to}`);
}

/** The period's steps, where it stands, its job, and the moves it can make (each confirmed first). */
export function Transitions({
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
  const move = useAction(async (to: SteadyState) => {
    setFollowed(undefined);
    const next = await post<Period>(paths.transitions(period.id), { to }).catch((error: unknown) => {
      // Someone else has started the job meanwhile: show it.
      if (error instanceof ApiError && error.code === "job-running") onDone();
      throw error;
    });
    setTarget(undefined);
    if (isTransient(next.state)) {
      // Accepted (202): a job does the work, followed from here until it has.
      setDone(t("admin.started", { state: t(`periodState.${next.state}`) }));
      onPeriod(next);
    } else {
      setDone(moved(next.state));
      onDone();
    }
  });
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
          <button
            type="button"
            class="btn btn-primary"
            disabled={move.busy}
            onClick={() => void move.run(retry)}
          >
            {move.busy ? t("common.working") : t("job.retry")}
          </button>
        </div>
      )}
      <div class="button-row">
        {movesFrom(period.state).map((to) => (
          <button key={to} type="button" class="btn btn-primary" onClick={() => setTarget(to)}>
            {transitionLabel(period.state, to)}
          </button>
        ))}
      </div>
      <OutcomeNote ok={done} error={target ? null : move.error} failure={move.failure} />
      <Dialog
        open={!!target}
        title={target ? transitionLabel(period.state, target) : ""}
        onClose={() => setTarget(undefined)}
      >
        {target && <Consequences period={period} to={target} />}
        <DialogFooter
          label={t("common.confirm")}
          busyLabel={t("common.working")}
          busy={move.busy}
          error={move.error}
          onConfirm={() => {
            if (target) void move.run(target);
          }}
          onCancel={() => setTarget(undefined)}
        />
      </Dialog>
    </section>
  );
}
