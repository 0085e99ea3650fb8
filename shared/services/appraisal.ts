import { appraisalRefusal, canApproveUnit, hasRole } from "../access/roles.ts";
import { compileFramework, topNodeCode } from "../engine/compile.ts";
import { conflict, forbidden, notFound, unprocessable } from "../errors.ts";
import { assertExplanationOpen } from "../lifecycle.ts";
import { answerProblem } from "../model/answer.ts";
import {
  type Appraisal,
  appraisalBodySchema,
  type Contest,
  contestBodySchema,
  decisionBodySchema,
  supplementBodySchema,
} from "../model/appraisal.ts";
import type { Leaf } from "../model/framework.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { countedValue } from "./counted.ts";
import { entityOf } from "./submissions.ts";
import { openUnit, type UnitScope } from "./unit-scope.ts";
import { parseBody } from "./validate.ts";

/** The top-level node (pillar) a leaf belongs to: reviewer scopes are given by pillar. */
function topNodeOf(scope: UnitScope, code: string): string {
  const group = compileFramework(scope.framework).groups.find((g) => g.group.id === scope.groupId);
  const slot = group?.leaves.find(({ leaf }) => leaf.code === code)?.slot;
  return group && slot !== undefined ? topNodeCode(group, slot) : "";
}

async function leafScope(ports: Ports, ctx: RequestContext, periodId: string, unitId: string, code: string) {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  const leaf = scope.leaves.get(code);
  if (!leaf) throw notFound(`indicator "${code}"`);
  return { scope, leaf };
}

function assertMayAppraise(ctx: RequestContext, scope: UnitScope, code: string): void {
  const refusal = appraisalRefusal(ctx.actor, scope.unitId, scope.groupId, topNodeOf(scope, code));
  if (refusal) throw forbidden(refusal);
}

/** A value a reviewer sets: in the leaf's domain, and not empty (an appraisal never clears an answer). */
function checkedValue(leaf: Leaf, value: unknown): unknown {
  const problem = value === null ? "an appraised value cannot be empty" : answerProblem(leaf, value);
  if (problem)
    throw unprocessable("invalid-value", `${leaf.code}: ${problem}`, [{ path: "value", message: problem }]);
  return value;
}

/** A request about one leaf of a unit's submission, with a body. */
type LeafAction = (
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  code: string,
  body: unknown,
) => Promise<unknown>;

/** A reviewer accepts a leaf (the unit's value stands) or sets an appraised value with a reason. */
export const appraise = (async (ports, ctx, periodId, unitId, code, body) => {
  const { scope, leaf } = await leafScope(ports, ctx, periodId, unitId, code);
  assertMayAppraise(ctx, scope, code);
  const input = parseBody(appraisalBodySchema, body, "appraisal");
  if (scope.period.state !== "appraisal")
    throw conflict("appraisal-closed", `the period is ${scope.period.state}, not in appraisal`);
  const stored = await ports.submissions.load(periodId, unitId, scope.groupId);
  let value: unknown;
  // Accepting pins the value that counts as the unit's: a measured leaf's the reviewer saw (DOMAIN.md,
  // "Measured indicators"); none for a carried answer the unit never confirmed.
  if ("accept" in input) value = countedValue(stored, code);
  else value = checkedValue(leaf, input.value);
  const appraisal: Appraisal = {
    code,
    value,
    accepted: "accept" in input,
    ...(input.reason ? { reason: input.reason } : {}),
    by: ctx.actor.username,
    at: ctx.now.toISOString(),
  };
  await ports.appraisals.putAppraisal(
    periodId,
    unitId,
    appraisal,
    auditEntry(ctx, entityOf(scope), "appraisal.set", stored.appraisals.get(code), appraisal),
  );
  return appraisal;
}) satisfies LeafAction;

/** In the explanation round the unit's approver contests a leaf, once, with an explanation. */
export const contest = (async (ports, ctx, periodId, unitId, code, body) => {
  const { scope } = await leafScope(ports, ctx, periodId, unitId, code);
  if (!canApproveUnit(ctx.actor, unitId)) throw forbidden("only the unit's approver contests");
  const input = parseBody(contestBodySchema, body, "contest");
  const { period } = scope;
  if (period.state !== "explanation")
    throw conflict("not-explanation-round", `the period is ${period.state}, not in the explanation round`);
  assertExplanationOpen(period, ctx.now);
  const stored = await ports.submissions.load(periodId, unitId, scope.groupId);
  const known = new Set(stored.evidence.map((e) => e.id));
  const unknown = (input.evidenceIds ?? []).flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `evidenceIds.${i}`, message: "not evidence of this unit" }],
  );
  if (unknown.length > 0)
    throw unprocessable("unknown-evidence", "some evidence does not belong to this unit", unknown);
  const record: Contest = {
    code,
    explanation: input.explanation,
    evidenceIds: input.evidenceIds ?? [],
    by: ctx.actor.username,
    at: ctx.now.toISOString(),
  };
  await ports.appraisals.putContest(
    periodId,
    unitId,
    record,
    auditEntry(ctx, entityOf(scope), "contest.open", undefined, record),
  );
  return record;
}) satisfies LeafAction;

/** A reviewer decides a contest: upheld (the appraisal stands) or changed to a new value, with a reason. */
export const decideContest = (async (ports, ctx, periodId, unitId, code, body) => {
  const { scope, leaf } = await leafScope(ports, ctx, periodId, unitId, code);
  assertMayAppraise(ctx, scope, code);
  const input = parseBody(decisionBodySchema, body, "decision");
  if (input.outcome === "changed") checkedValue(leaf, input.value);
  const decision = {
    outcome: input.outcome,
    ...(input.outcome === "changed" ? { value: input.value } : {}),
    reason: input.reason,
    by: ctx.actor.username,
    at: ctx.now.toISOString(),
  };
  await ports.appraisals.decide(
    periodId,
    unitId,
    code,
    decision,
    auditEntry(ctx, entityOf(scope), "contest.decide", undefined, { code, ...decision }),
  );
  return { code, decision };
}) satisfies LeafAction;

/** Reviewers and admins see every unit; others see nothing here. */
export const isStaff = (ctx: RequestContext) => hasRole(ctx.actor, "admin", "reviewer");

/**
 * One supplement request per unit (DOMAIN.md §6): during appraisal a reviewer (or admin) reopens
 * chosen leaves of the unit until a date; the unit may then change those answers and their evidence.
 */
export async function requestSupplement(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  body: unknown,
) {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  const input = parseBody(supplementBodySchema, body, "supplement request");
  if (!hasRole(ctx.actor, "admin"))
    for (const code of input.indicatorCodes) assertMayAppraise(ctx, scope, code);
  const unknown = input.indicatorCodes.flatMap((code, i) =>
    scope.leaves.has(code)
      ? []
      : [{ path: `indicatorCodes.${i}`, message: `"${code}" is not an indicator of this unit` }],
  );
  if (unknown.length > 0) throw unprocessable("invalid-indicators", "some indicators are unknown", unknown);
  if (Date.parse(input.until) <= ctx.now.getTime())
    throw unprocessable("deadline-in-past", "the supplement must end in the future", [
      { path: "until", message: "in the past" },
    ]);
  if (scope.period.state !== "appraisal")
    throw conflict("appraisal-closed", `the period is ${scope.period.state}, not in appraisal`);
  const supplement = {
    codes: input.indicatorCodes,
    until: input.until,
    ...(input.message ? { message: input.message } : {}),
    by: ctx.actor.username,
    at: ctx.now.toISOString(),
  };
  await ports.appraisals.requestSupplement(
    periodId,
    unitId,
    scope.groupId,
    supplement,
    auditEntry(ctx, entityOf(scope), "supplement.request", undefined, supplement),
  );
  return supplement;
}
