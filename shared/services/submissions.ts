import * as z from "zod";
import { canApproveUnit, canEditUnit } from "../access/roles.ts";
import { excerpt, forbidden, Refusal, unprocessable } from "../errors.ts";
import {
  assertEditable,
  assertPeriodAcceptsWrites,
  assertReopened,
  type SubmissionState,
  type WriteWindow,
  writeWindow,
} from "../lifecycle.ts";
import { answerProblem } from "../model/answer.ts";
import { capped } from "../model/common.ts";
import { measuredSourceOf } from "../model/framework.ts";
import type { Issue } from "../model/issues.ts";
import { MAX_NOTE_LENGTH } from "../model/limits.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import type { StoredAnswer, StoredSubmission, SubmissionWrite } from "./ports.ts";
import { type HistoryEvent, headScore, keptHistory, MAX_HISTORY, submissionView } from "./submission-view.ts";
import { openUnit, type UnitScope, withSubmission } from "./unit-scope.ts";
import { parseBody } from "./validate.ts";

/** Each answer is written with its audit record in one transaction of at most 100 items. */
export const MAX_ANSWERS_PER_SAVE = 40;
export { MAX_NOTE_LENGTH };

export const answersBodySchema = z.strictObject({
  // The count is checked before any answer is: a body of 200,000 keys is refused at once.
  answers: capped(
    MAX_ANSWERS_PER_SAVE,
    z
      .record(
        z.string().max(64),
        z.strictObject({
          value: z.unknown().optional(),
          note: z.string().max(MAX_NOTE_LENGTH).nullable().optional(),
        }),
      )
      .refine((a) => Object.keys(a).length > 0, "no answers given"),
    `at most ${MAX_ANSWERS_PER_SAVE} answers per save`,
  ),
});

export async function getSubmission(ports: Ports, ctx: RequestContext, periodId: string, unitId: string) {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  const stored = await ports.submissions.load(periodId, unitId, scope.groupId);
  return submissionView(scope, stored, ctx.now);
}

/** Saves answers (DOMAIN.md §4: a value outside its method's domain is refused, never clamped). */
export async function saveAnswers(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  body: unknown,
  ifMatch: number | undefined,
) {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  if (!canEditUnit(ctx.actor, unitId)) throw forbidden("only the unit's editors and approver save answers");
  const { answers } = parseBody(answersBodySchema, body, "answers");
  const issues: Issue[] = [];
  for (const [code, answer] of Object.entries(answers)) {
    const leaf = scope.leaves.get(code);
    if (!leaf)
      issues.push({
        path: `answers.${code}`,
        message: `"${excerpt(code)}" is not an indicator of this unit's index set`,
      });
    else if (!("value" in answer) && answer.note === undefined)
      issues.push({ path: `answers.${code}`, message: "give a value, a note or both" });
    else if ("value" in answer && measuredSourceOf(leaf) !== undefined)
      issues.push({
        path: `answers.${code}.value`,
        message: `${code} is measured by the data source "${measuredSourceOf(leaf)}": the unit gives only a note`,
      });
    else if ("value" in answer) {
      const problem = answerProblem(leaf, answer.value);
      if (problem) issues.push({ path: `answers.${code}.value`, message: `${code}: ${problem}` });
    }
  }
  if (issues.length > 0) throw unprocessable("invalid-answer", "some answers are not valid", issues);

  return withSubmission(ports, ctx, scope, ifMatch, async (stored, version) => {
    const window = writeWindow(scope.period, stored.head, ctx.now);
    assertReopened(window, stored.head, Object.keys(answers));
    const time = ctx.now.toISOString();
    const next = new Map(stored.answers);
    const audit = [];
    for (const [code, answer] of Object.entries(answers)) {
      const before = stored.answers.get(code);
      const value = "value" in answer ? (answer.value ?? null) : (before?.value ?? null);
      const note = answer.note === undefined ? before?.note : (answer.note ?? undefined);
      const saved: StoredAnswer = {
        code,
        value,
        ...(note ? { note } : {}),
        updatedAt: time,
        updatedBy: ctx.actor.username,
      };
      next.set(code, saved);
      audit.push(
        auditEntry(
          ctx,
          entityOf(scope),
          "answer.save",
          before ? { code, value: before.value, note: before.note } : { code },
          { code, value, note },
        ),
      );
    }
    const updated = bumped(stored, version, time, { answers: next });
    await writeOwnChange(ports, ctx, { scope, stored, version, window }, updated, {
      answers: Object.keys(answers).map((code) => next.get(code) as StoredAnswer),
      audit,
    });
    return submissionView(scope, updated, ctx.now);
  });
}

/** Where a unit's own write lands: the self-assessment, its supplement, or the contest evidence. */
export type OwnWindow = WriteWindow | "contest";

/**
 * Writes a unit's own change to its answers or evidence, in the self-assessment, its supplement or
 * (evidence only) the explanation round, with the self-score of the submission as it will be
 * (`updated`) kept on the head.
 */
export function writeOwnChange(
  ports: Ports,
  ctx: RequestContext,
  read: { scope: UnitScope; stored: StoredSubmission; version: number; window: OwnWindow },
  updated: StoredSubmission,
  change: Pick<SubmissionWrite, "answers" | "evidence" | "removeEvidence" | "audit">,
): Promise<number> {
  const { scope, stored, version, window } = read;
  return ports.submissions.write({
    ...target(scope),
    expectVersion: version,
    expectState: window === "self-assessment" ? "draft" : "locked",
    head: headScore(scope, updated),
    period: guard(ctx, scope, stored, window),
    ...change,
  });
}

type ApproverMove = (
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  ifMatch?: number,
) => Promise<ReturnType<typeof submissionView>>;

/**
 * A move of the whole submission by the unit's approver: from one state to the other, with the
 * period's submitted count in the same write. `head` gives the head fields it sets (null removes one).
 */
function approverMove(move: {
  verb: string;
  from: SubmissionState;
  to: SubmissionState;
  delta: 1 | -1;
  action: string;
  check: (scope: UnitScope, stored: StoredSubmission, now: Date) => void;
  head: (scope: UnitScope, stored: StoredSubmission, time: string, by: string) => Record<string, unknown>;
}): ApproverMove {
  return async (ports, ctx, periodId, unitId, ifMatch) => {
    const scope = await openUnit(ports, ctx, periodId, unitId);
    if (!canApproveUnit(ctx.actor, unitId)) throw forbidden(`only the unit's approver ${move.verb}`);
    return withSubmission(ports, ctx, scope, ifMatch, async (stored, version) => {
      move.check(scope, stored, ctx.now);
      const time = ctx.now.toISOString();
      const head = move.head(scope, stored, time, ctx.actor.username);
      const kept = Object.entries({ ...stored.head, ...head }).filter(([, value]) => value !== null);
      const seen = { ...stored, head: Object.fromEntries(kept) as unknown as StoredSubmission["head"] };
      const updated = bumped(seen, version, time, {}, { state: move.to });
      await ports.submissions.write({
        ...target(scope),
        expectVersion: version,
        expectState: move.from,
        nextState: move.to,
        head,
        period: { ...guard(ctx, scope, stored), submittedDelta: move.delta },
        audit: [auditEntry(ctx, entityOf(scope), move.action, { state: move.from }, { state: move.to })],
      });
      return submissionView(scope, updated, ctx.now);
    });
  };
}

/** The approver submits a draft before the deadline. */
export const submit: ApproverMove = approverMove({
  verb: "submits",
  from: "draft",
  to: "submitted",
  delta: 1,
  action: "submission.submit",
  check: (scope, stored, now) => assertEditable(scope.period, stored.head, now),
  head: (scope, stored, time, by) => ({
    ...headScore(scope, stored),
    submittedAt: time,
    submittedBy: by,
    history: historyWith(stored, { action: "submit", by, at: time }),
  }),
});

/** Before the deadline a submitted unit may withdraw, edit and submit again (DOMAIN.md §6). */
export const withdraw: ApproverMove = approverMove({
  verb: "withdraws",
  from: "submitted",
  to: "draft",
  delta: -1,
  action: "submission.withdraw",
  check: (scope, stored, now) => {
    assertPeriodAcceptsWrites(scope.period, now, stored.head.extendedUntil);
    if (stored.head.state !== "submitted")
      throw new Refusal("conflict", "not-submitted", `the submission is ${stored.head.state}, not submitted`);
  },
  head: (_scope, stored, time, by) => ({
    submittedAt: null,
    submittedBy: null,
    history: historyWith(stored, { action: "withdraw", by, at: time }),
  }),
});

/** The head's submit/withdraw history with one more move (the oldest dropped past MAX_HISTORY). */
function historyWith(stored: StoredSubmission, event: HistoryEvent): HistoryEvent[] {
  return [...keptHistory(stored.head), event].slice(-MAX_HISTORY);
}

export const entityOf = (scope: UnitScope) => `submission#${scope.period.id}#${scope.unitId}`;

export const target = (scope: UnitScope) => ({
  periodId: scope.period.id,
  unitId: scope.unitId,
  groupId: scope.groupId,
});

/** The period guard of a unit write: open and before the deadline, or the unit's own later deadline. */
export function guard(
  ctx: RequestContext,
  scope: UnitScope,
  stored: StoredSubmission,
  window: OwnWindow = "self-assessment",
) {
  const extended =
    stored.head.extendedUntil !== undefined &&
    Date.parse(stored.head.extendedUntil) > Date.parse(scope.period.closesAt);
  return {
    nowMs: ctx.now.getTime(),
    extended: extended && window === "self-assessment",
    supplement: window === "supplement",
    ...(window === "contest" ? { contest: true } : {}),
  };
}

/** The submission as it will be after a write: one version up. */
export function bumped(
  stored: StoredSubmission,
  version: number,
  time: string,
  parts: Partial<Pick<StoredSubmission, "answers" | "evidence">>,
  head: Partial<StoredSubmission["head"]> = {},
): StoredSubmission {
  return { ...stored, ...parts, head: { ...stored.head, ...head, version: version + 1, updatedAt: time } };
}
