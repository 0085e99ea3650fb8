import { previewSubmission } from "../engine/preview.ts";
import { roundIndex, roundPoints } from "../engine/rounding.ts";
import { confirmedCodes } from "../model/evidence.ts";
import type { StoredSubmission } from "./ports.ts";
import { deadlineOf, isEditable, type UnitScope } from "./unit-scope.ts";
import { evidenceFor } from "./views.ts";

/** The submission as API.md shows it, with the live score preview (points 2 decimals, index 4). */
export function submissionView(scope: UnitScope, stored: StoredSubmission, now: Date) {
  const preview = scoreOf(scope, stored);
  const answers: Record<string, unknown> = {};
  for (const [code, a] of stored.answers)
    answers[code] = { value: a.value, note: a.note ?? null, updatedAt: a.updatedAt, updatedBy: a.updatedBy };
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
    answers,
    evidence: stored.evidence.map(evidenceFor),
    preview: {
      points: roundPoints(preview.points),
      maxPoints: roundPoints(preview.maxPoints),
      index: roundIndex(preview.index),
      leaves: Object.fromEntries(
        Object.entries(preview.leaves).map(([code, leaf]) => [
          code,
          { score: leaf.score === null ? null : roundPoints(leaf.score), flags: leaf.flags },
        ]),
      ),
    },
  };
}

export function scoreOf(scope: UnitScope, stored: StoredSubmission) {
  const answers: Record<string, unknown> = {};
  for (const [code, a] of stored.answers) answers[code] = a.value;
  return previewSubmission(scope.framework, scope.groupId, {
    answers,
    evidence: confirmedCodes(stored.evidence),
  });
}

/** What the head keeps of the preview, so the period's list of submissions needs no scoring. */
export function headScore(scope: UnitScope, stored: StoredSubmission) {
  const preview = scoreOf(scope, stored);
  return { points: roundPoints(preview.points), index: roundIndex(preview.index) };
}
