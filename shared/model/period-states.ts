/**
 * The period lifecycle's states, moves and jobs: plain data with no imports, shared by the server
 * (shared/lifecycle.ts) and the web app, so the screens offer exactly the moves the server allows.
 *
 * `closing`, `finalizing` and `publishing` are transient: the period is in one while a job does the long
 * work of the move to `appraisal` (the close), `final` and `published`; it shows the target state only
 * once that job has succeeded.
 */
export const PERIOD_STATES = [
  "draft",
  "open",
  "closing",
  "appraisal",
  "explanation",
  "finalizing",
  "final",
  "publishing",
  "published",
] as const;
export type PeriodState = (typeof PERIOD_STATES)[number];

/** The long work of a move, done by a job rather than inside the admin's request. */
export const JOB_KINDS = ["close", "finalize", "publish"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The transient state a job holds the period in, and the state it moves it to on success. */
export const JOB_STATES = {
  close: { during: "closing", target: "appraisal" },
  finalize: { during: "finalizing", target: "final" },
  publish: { during: "publishing", target: "published" },
} as const satisfies Record<JobKind, { during: PeriodState; target: PeriodState }>;

export type TransientState = (typeof JOB_STATES)[JobKind]["during"];
export type SteadyState = Exclude<PeriodState, TransientState>;

/** The moves the lifecycle allows from each state. */
export const MOVES: Record<PeriodState, readonly PeriodState[]> = {
  draft: ["open"],
  open: ["appraisal"],
  appraisal: ["explanation", "final"],
  explanation: ["final"],
  final: ["published"],
  // A correction after publication: back to appraisal, then final and published again as v{n+1}.
  published: ["appraisal"],
  // A transient state moves on only to its target, by its job (asking for it again re-runs a failed job).
  closing: ["appraisal"],
  finalizing: ["final"],
  publishing: ["published"],
};

/** A state a job holds the period in (closing, finalizing, publishing). */
export const isTransient = (state: PeriodState): state is TransientState =>
  Object.values(JOB_STATES).some((s) => s.during === state);

export type JobStatus = "queued" | "running" | "succeeded" | "failed";

/** The period's job, as the admin sees it: one at a time per period. */
export interface PeriodJob {
  kind: JobKind;
  status: JobStatus;
  /** Steps done so far, out of `total`: units read and written; files for a publication. */
  done: number;
  total: number;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why the last attempt failed; it is retried, and the admin may run it again. */
  error?: string;
  /** Attempts started so far. */
  attempts: number;
  /** Internal: the attempt holding the job, and until when without a sign of life. */
  runId?: string;
  leaseUntil?: string;
}
