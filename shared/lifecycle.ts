import { conflict } from "./errors.ts";
import { isTransient, type JobKind, MOVES, type Period, type PeriodState } from "./model/period.ts";

/**
 * The period lifecycle and the rule that guards every unit write: the period is open, its deadline
 * (or the unit's extended one) has not passed, and the submission is a draft.
 */
export function assertTransition(from: PeriodState, to: PeriodState): void {
  if (!MOVES[from].includes(to))
    throw conflict(
      "transition-not-allowed",
      isTransient(from)
        ? `the period is ${from}: it moves on when that work has finished`
        : `a period in state "${from}" cannot move to "${to}"`,
    );
}

/** The job that does the long work of a move, if it has one. */
export function jobOfMove(from: PeriodState, to: PeriodState): JobKind | undefined {
  if (to === "appraisal") return from === "open" || from === "closing" ? "close" : undefined;
  if (to === "final") return "finalize";
  if (to === "published") return "publish";
  return undefined;
}

export { isTransient };

export type SubmissionState = "draft" | "submitted" | "locked";

/**
 * Whether a unit counts as submitted: what the close recorded on its (locked) head, or its state while
 * the period is open. No head is a draft.
 */
export const headSubmitted = (head: { state: SubmissionState; submitted?: boolean } | undefined): boolean =>
  head?.submitted ?? head?.state === "submitted";

/** The explanation round takes contests and their evidence until it closes (server time decides). */
export function assertExplanationOpen(period: Pick<Period, "explanationClosesAt">, now: Date): void {
  if (period.explanationClosesAt && now.getTime() >= Date.parse(period.explanationClosesAt))
    throw conflict("deadline-passed", `the explanation round closed at ${period.explanationClosesAt}`);
}

/** When the period's self-assessment closes: its deadline, or the latest one extended to a unit. */
export function closeTime(period: Pick<Period, "closesAt" | "lastUnitDeadline">): string {
  return unitDeadline(period, period.lastUnitDeadline);
}

/** The deadline that applies to one unit: the period's, or the unit's own extension if later. */
export function unitDeadline(period: Pick<Period, "closesAt">, extendedUntil?: string): string {
  return extendedUntil && Date.parse(extendedUntil) > Date.parse(period.closesAt)
    ? extendedUntil
    : period.closesAt;
}

/** The period accepts unit writes now: open and before the unit's deadline (server time decides). */
export function assertPeriodAcceptsWrites(
  period: Pick<Period, "state" | "closesAt">,
  now: Date,
  extendedUntil?: string,
): void {
  if (period.state !== "open") throw conflict("period-not-open", `the period is ${period.state}, not open`);
  const deadline = unitDeadline(period, extendedUntil);
  if (now.getTime() >= Date.parse(deadline))
    throw conflict("deadline-passed", `the deadline (${deadline}) has passed`);
}

export function assertEditable(
  period: Pick<Period, "state" | "closesAt">,
  submission: { state: SubmissionState; extendedUntil?: string },
  now: Date,
): void {
  assertPeriodAcceptsWrites(period, now, submission.extendedUntil);
  if (submission.state !== "draft")
    throw conflict("not-a-draft", `the submission is ${submission.state}; withdraw it to edit`);
}

/**
 * Where a unit write may land: the self-assessment (open, before the deadline, a draft), or — during
 * appraisal — the one supplement a reviewer granted, for the leaves it reopened until its date.
 */
export type WriteWindow = "self-assessment" | "supplement";

export function writeWindow(
  period: Pick<Period, "state" | "closesAt">,
  head: { state: SubmissionState; extendedUntil?: string; supplement?: { codes: string[]; until: string } },
  now: Date,
): WriteWindow {
  if (period.state === "appraisal" && head.supplement && now.getTime() < Date.parse(head.supplement.until))
    return "supplement";
  assertEditable(period, head, now);
  return "self-assessment";
}

/** In a supplement, only the reopened leaves may change. */
export function assertReopened(
  window: WriteWindow,
  head: { supplement?: { codes: string[] } },
  codes: readonly string[],
): void {
  if (window !== "supplement") return;
  const closed = codes.filter((code) => !head.supplement?.codes.includes(code));
  if (closed.length > 0)
    throw conflict(
      "not-reopened",
      `the supplement reopened ${head.supplement?.codes.join(", ")}, not ${closed.join(", ")}`,
    );
}
