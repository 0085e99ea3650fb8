import { isTransient, JOB_STATES, MOVES } from "../../../shared/model/period-states.ts";
import type { Period, PeriodState, SteadyState, TransientState } from "./types.ts";

/**
 * The period lifecycle as the screens need it: the steps shown, the moves offered, and when a period
 * is waiting on the server job that moves it through a transient state.
 */

/** Each transient state and the state its job moves the period to once it has succeeded. */
const TARGET = Object.fromEntries(Object.values(JOB_STATES).map((s) => [s.during, s.target])) as Record<
  TransientState,
  SteadyState
>;

export { isTransient };

/** The state a transient state leads to; undefined for a state that is not transient. */
export const targetOf = (state: PeriodState): SteadyState | undefined =>
  isTransient(state) ? TARGET[state] : undefined;

/** The lifecycle's steps. A transient state is no step of its own: it is the entry into its target. */
export const STEPS: readonly SteadyState[] = [
  "draft",
  "open",
  "appraisal",
  "explanation",
  "final",
  "published",
];

export const stepOf = (state: PeriodState): SteadyState => (isTransient(state) ? TARGET[state] : state);

/** None while a job holds the period: it moves on by itself, or is run again once it failed. */
export const movesFrom = (state: PeriodState): readonly SteadyState[] =>
  isTransient(state) ? [] : (MOVES[state] as readonly SteadyState[]);

/** The target to ask for again when the job of a transient period failed (the server re-runs it). */
export function retryTarget(period: Pick<Period, "state" | "job">): SteadyState | undefined {
  return period.job?.status === "failed" ? targetOf(period.state) : undefined;
}

/**
 * The period waits on its job: it is in a transient state and the job has not failed. That covers a
 * job queued or running, and one that has just succeeded a moment before the state moved on.
 */
export function awaitsJob(period: Pick<Period, "state" | "job">): boolean {
  return isTransient(period.state) && period.job?.status !== "failed";
}

/** How often a waiting period is asked for again. */
export const POLL_MS = 1500;
const POLL_MAX_MS = 15_000;

/** The wait before the next poll: doubled after each failed poll in a row, up to 15 s. */
export function pollDelay(failures: number): number {
  return Math.min(POLL_MS * 2 ** Math.max(0, failures), POLL_MAX_MS);
}

/** A unit's results exist once the close has finished. */
export const hasResults = (state: PeriodState): boolean =>
  state !== "draft" && state !== "open" && state !== "closing";

/** Contests exist from the explanation round on; the list stays readable afterwards. */
export const hasContests = (state: PeriodState): boolean =>
  ["explanation", "finalizing", "final", "publishing", "published"].includes(state);
