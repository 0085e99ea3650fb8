import { previewSubmission } from "../engine/preview.ts";
import { roundIndex, roundPoints } from "../engine/rounding.ts";
import { confirmedCodes } from "../model/evidence.ts";
import { measurementView } from "../model/measurement.ts";
import { countedAnswers } from "./counted.ts";
import type { StoredSubmission, SubmissionHead } from "./ports.ts";
import { deadlineOf, isEditable, type UnitScope } from "./unit-scope.ts";
import { evidenceFor } from "./views.ts";

/** The submission as API.md shows it, with the live score preview (points 2 decimals, index 4). */
export function submissionView(scope: UnitScope, stored: StoredSubmission, now: Date) {
  const preview = scoreOf(scope, stored);
  // The same answers as if every leaf had its evidence: what uploading the missing evidence would give.
  const proven = scoreOf(scope, stored, [...scope.leaves.keys()]);
  const answers: Record<string, unknown> = {};
  // Once locked, a carried answer the unit never confirmed is no answer (DOMAIN.md §6.4): it keeps
  // only its mark, so the form can say why the leaf is empty.
  const locked = stored.head.state === "locked";
  for (const [code, a] of stored.answers)
    answers[code] =
      a.carried && locked
        ? { value: null, note: null, updatedAt: a.updatedAt, updatedBy: a.updatedBy, carried: true }
        : {
            value: a.value,
            note: a.note ?? null,
            updatedAt: a.updatedAt,
            updatedBy: a.updatedBy,
            ...(a.carried ? { carried: true } : {}),
          };
  return {
    periodId: scope.period.id,
    unitId: scope.unitId,
    groupId: scope.groupId,
    state: stored.head.state,
    version: stored.head.version,
    closesAt: deadlineOf(scope, stored),
    editable: isEditable(scope, stored, now),
    ...(stored.head.submittedAt
      ? { submittedAt: stored.head.submittedAt, submittedBy: stored.head.submittedBy }
      : {}),
    supplement: stored.head.supplement ?? null,
    history: historyOf(scope, stored),
    answers,
    measured: Object.fromEntries([...(stored.measured ?? [])].map(([code, m]) => [code, measurementView(m)])),
    evidence: stored.evidence.map((e) => evidenceFor(e)),
    preview: {
      points: roundPoints(preview.points),
      maxPoints: roundPoints(preview.maxPoints),
      index: roundIndex(preview.index),
      pendingPoints: roundPoints(Math.max(0, proven.points - preview.points)),
      leaves: Object.fromEntries(
        Object.entries(preview.leaves).map(([code, leaf]) => {
          const withEvidence = proven.leaves[code]?.score;
          return [
            code,
            {
              score: leaf.score === null ? null : roundPoints(leaf.score),
              flags: leaf.flags,
              ...(leaf.flags.includes("missing-evidence") && typeof withEvidence === "number"
                ? { withEvidence: roundPoints(withEvidence) }
                : {}),
            },
          ];
        }),
      ),
    },
  };
}

/** The self-score; `evidence` overrides the leaves counted as proven (all of them: the pending points). */
export function scoreOf(scope: UnitScope, stored: StoredSubmission, evidence?: string[]) {
  return previewSubmission(scope.framework, scope.groupId, {
    answers: countedAnswers(stored),
    evidence: evidence ?? confirmedCodes(stored.evidence),
  });
}

/** Most submit/withdraw moves kept on the head (older ones stay in the audit log). */
export const MAX_HISTORY = 50;

export interface HistoryEvent {
  action: "submit" | "withdraw" | "lock";
  by: string | null;
  at: string;
}

/** What the head keeps beyond SubmissionHead: its moves, and when the close locked it. */
type HeadWithHistory = SubmissionHead & { history?: HistoryEvent[]; lockedAt?: string };

/**
 * The submit/withdraw moves kept on the head, oldest first (a copy). A head written before the
 * history was kept has only its last submission (submittedAt/By).
 */
export function keptHistory(head: SubmissionHead): HistoryEvent[] {
  const { history } = head as HeadWithHistory;
  if (history) return [...history];
  return head.submittedAt ? [{ action: "submit", by: head.submittedBy ?? null, at: head.submittedAt }] : [];
}

/**
 * Submit → withdraw → resubmit, oldest first, then the lock by the close: when the close locked this
 * head, or the period's close time for a head that did not record it.
 */
export function historyOf(scope: UnitScope, stored: StoredSubmission): HistoryEvent[] {
  const events = keptHistory(stored.head);
  const lockedAt = (stored.head as HeadWithHistory).lockedAt ?? scope.period.closedAt;
  if (stored.head.state === "locked" && lockedAt) events.push({ action: "lock", by: null, at: lockedAt });
  return events;
}

/** What the head keeps of the preview, so the period's list of submissions needs no scoring. */
export function headScore(scope: UnitScope, stored: StoredSubmission) {
  const preview = scoreOf(scope, stored);
  return { points: roundPoints(preview.points), index: roundIndex(preview.index) };
}
