import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { compileFramework } from "../engine/compile.ts";
import { conflict, excerpt, forbidden, notFound, Refusal, unprocessable } from "../errors.ts";
import { closeTime, isTransient } from "../lifecycle.ts";
import type { Issue } from "../model/issues.ts";
import {
  createPeriodSchema,
  deadlineSchema,
  PERIOD_STATES,
  type Period,
  patchPeriodSchema,
} from "../model/period.ts";
import { type Unit, unitValidOn } from "../model/unit.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { armFromStored, periodView, retryOnPeriodChange } from "./jobs.ts";
import type { Members, Page, PageRequest } from "./ports.ts";
import { carriedUnits } from "./reforms.ts";
import { parseBody } from "./validate.ts";
import { periodFor } from "./views.ts";

const requireAdmin = (ctx: RequestContext, what: string) => {
  if (!hasRole(ctx.actor, "admin")) throw forbidden(`only an admin ${what}`);
};

/** Creates a period in draft: binds a framework and its participants (every eligible unit by default). */
export async function createPeriod(ports: Ports, ctx: RequestContext, body: unknown): Promise<Period> {
  requireAdmin(ctx, "creates periods");
  const input = parseBody(createPeriodSchema, body, "period");
  const previous = input.from === undefined ? undefined : await previousOf(ports, input.from, input.closesAt);
  const frameworkId = input.frameworkId ?? previous?.period.frameworkId ?? "";
  const framework = await ports.frameworks.get(frameworkId);
  if (!framework)
    throw unprocessable("unknown-framework", `framework "${frameworkId}" does not exist`, [
      { path: "frameworkId", message: "unknown framework" },
    ]);
  const { groupOfKind } = compileFramework(framework);
  const members: Members = new Map();
  const issues: Issue[] = [];
  if (input.unitIds) {
    const units = await ports.units.getMany(input.unitIds);
    input.unitIds.forEach((id, i) => {
      const unit = units.get(id);
      const group = unit && groupOfKind.get(unit.kind);
      if (!unit) issues.push({ path: `unitIds.${i}`, message: `unit "${id}" does not exist` });
      else if (!group)
        issues.push({ path: `unitIds.${i}`, message: `no group of the framework ranks kind "${unit.kind}"` });
      else members.set(id, group.group.id);
    });
  } else {
    // Every unit valid on the closing day; from a previous period, only its units carried through
    // the reforms since (carriedUnits) and the units that started since.
    const closingDay = input.closesAt.slice(0, 10); // already in Vietnam time
    const all = await ports.units.all();
    for (const unit of previous ? carriedFrom(previous, closingDay, all) : all) {
      const group = groupOfKind.get(unit.kind);
      if (group && unitValidOn(unit, closingDay)) members.set(unit.id, group.group.id);
    }
    if (members.size === 0)
      issues.push(
        previous
          ? { path: "from", message: `no unit of "${input.from}" goes on to closesAt in this framework` }
          : { path: "unitIds", message: "no unit valid at closesAt is ranked by this framework" },
      );
  }
  if (issues.length > 0)
    throw unprocessable("invalid-participants", "the period's units are not valid", issues);

  const now = ctx.now.toISOString();
  const { unitIds: _unitIds, from: _from, decision, ...fields } = input;
  const period: Period = {
    ...fields,
    frameworkId,
    ...(decision && Object.keys(decision).length > 0 ? { decision } : {}),
    state: "draft",
    version: 1,
    counts: { units: members.size, submitted: 0, draft: members.size },
    createdAt: now,
    updatedAt: now,
  };
  await ports.periods.create(
    period,
    members,
    auditEntry(ctx, `period#${period.id}`, "period.create", undefined, period),
  );
  return period;
}

/** The period a new one is created from, with its members; it must close before the new one. */
async function previousOf(ports: Ports, id: string, closesAt: string) {
  const period = await ports.periods.get(id);
  if (!period)
    throw unprocessable("unknown-period", `period "${id}" does not exist`, [
      { path: "from", message: "unknown period" },
    ]);
  if (Date.parse(period.closesAt) >= Date.parse(closesAt))
    throw unprocessable("from-not-earlier", `period "${id}" does not close before the new one`, [
      { path: "from", message: `closes at ${period.closesAt}, not before closesAt` },
    ]);
  return { period, members: await ports.periods.members(id) };
}

/** A previous period's units carried through the reforms up to `day`, and the units started since it closed. */
function carriedFrom(previous: { period: Period; members: Members }, day: string, all: readonly Unit[]) {
  const since = previous.period.closesAt.slice(0, 10);
  return [
    ...carriedUnits(previous.members.keys(), day, all),
    ...all.filter((u) => u.validFrom !== undefined && u.validFrom > since),
  ];
}

export const getPeriod = async (ports: Ports, ctx: RequestContext, id: string): Promise<Period> =>
  periodFor(ctx.actor, await ports.periods.require(id), ctx.now);

const stateFilter = z.enum(PERIOD_STATES).optional();

export async function listPeriods(
  ports: Ports,
  ctx: RequestContext,
  page: PageRequest,
  state?: string,
): Promise<Page<Period>> {
  const parsed = stateFilter.safeParse(state || undefined);
  if (!parsed.success)
    throw new Refusal("bad-request", "bad-state", `unknown state "${excerpt(state)}"`, [
      { path: "state", message: "unknown state" },
    ]);
  const result = await ports.periods.list(page, parsed.data);
  return { ...result, items: result.items.map((p) => periodFor(ctx.actor, p, ctx.now)) };
}

/**
 * Renames a period, moves its deadlines or sets its announcing decision (as a whole; null clears it;
 * in any state but while a job holds the period). A self-assessment deadline moves only before the close.
 * The change is decided again on a fresh read when another write came first (it merges safely: a
 * close that came first refuses it), and the close schedule is armed from what was stored.
 */
export async function patchPeriod(
  ports: Ports,
  ctx: RequestContext,
  id: string,
  body: unknown,
): Promise<Period> {
  requireAdmin(ctx, "changes periods");
  const patch = parseBody(patchPeriodSchema, body, "period change");
  const stored = await retryOnPeriodChange(async () => {
    const period = await ports.periods.require(id);
    // The version it will have once written, so the audit record's "after" is what is stored.
    const next: Period = { ...period, version: period.version + 1, updatedAt: ctx.now.toISOString() };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.closesAt !== undefined) {
      if (period.state !== "draft" && period.state !== "open")
        throw conflict(
          "period-closed",
          `the self-assessment deadline cannot move once the period is ${period.state}`,
        );
      if (period.state === "open" && Date.parse(patch.closesAt) <= ctx.now.getTime())
        throw unprocessable(
          "deadline-in-past",
          "a new deadline must be in the future; close early with a transition",
          [{ path: "closesAt", message: "in the past" }],
        );
      next.closesAt = patch.closesAt;
    }
    if (patch.explanationClosesAt !== undefined) {
      if (patch.explanationClosesAt === null) delete next.explanationClosesAt;
      else next.explanationClosesAt = patch.explanationClosesAt;
    }
    if (patch.decision !== undefined) {
      // A job (the publication above all) reads the decision once: it changes only between jobs.
      if (isTransient(period.state))
        throw conflict("job-running", `the decision cannot change while the period is ${period.state}`);
      if (patch.decision === null || Object.keys(patch.decision).length === 0) delete next.decision;
      else next.decision = patch.decision;
    }
    checkOrder(next);
    return ports.periods.update(period, next, auditEntry(ctx, `period#${id}`, "period.update", period, next));
  });
  if (patch.closesAt !== undefined) await armFromStored(ports, id);
  return periodView(stored, ctx.now);
}

function checkOrder(period: Period): void {
  if (Date.parse(period.closesAt) <= Date.parse(period.opensAt))
    throw unprocessable("deadline-order", "closesAt must be after opensAt", [
      { path: "closesAt", message: "before opensAt" },
    ]);
  if (period.explanationClosesAt && Date.parse(period.explanationClosesAt) <= Date.parse(period.closesAt))
    throw unprocessable("deadline-order", "explanationClosesAt must be after closesAt", [
      { path: "explanationClosesAt", message: "before closesAt" },
    ]);
}

export const unitDeadlineSchema = z.strictObject({ closesAt: deadlineSchema });

/**
 * Extends the deadline for one unit when justified: while the period is open, to a time after the
 * period's deadline. Its writes stay accepted until then (the write guard reads the unit's own
 * deadline), the others' stop at the period's; the scheduled close waits for the latest. The unit's
 * extension and the period's latest deadline are one write, conditional on the period's version:
 * two extensions at once both land (the later deadline wins), and a close that came first refuses it.
 */
export async function extendUnitDeadline(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  body: unknown,
) {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin extends a deadline");
  const { closesAt } = parseBody(unitDeadlineSchema, body, "deadline");
  const groupId = (await ports.periods.members(periodId)).get(unitId);
  if (!groupId) throw notFound(`unit "${unitId}" in period "${periodId}"`);
  await retryOnPeriodChange(async () => {
    const period = await ports.periods.require(periodId);
    if (period.state !== "open") throw conflict("period-not-open", `the period is ${period.state}, not open`);
    if (Date.parse(closesAt) <= Math.max(Date.parse(period.closesAt), ctx.now.getTime()))
      throw unprocessable(
        "deadline-not-later",
        "a unit's deadline must be later than the period's and in the future",
        [{ path: "closesAt", message: `after ${period.closesAt} and now` }],
      );
    const later = Date.parse(closesAt) > Date.parse(closeTime(period));
    const next: Period = {
      ...period,
      ...(later ? { lastUnitDeadline: closesAt } : {}),
      updatedAt: ctx.now.toISOString(),
    };
    const extension = auditEntry(ctx, `submission#${periodId}#${unitId}`, "deadline.extend", undefined, {
      closesAt,
    });
    await ports.periods.update(
      period,
      next,
      auditEntry(ctx, `period#${periodId}`, "period.unit-deadline", undefined, { unitId, closesAt }),
      { extendUnit: { unitId, groupId, until: closesAt, audit: extension } },
    );
  });
  await armFromStored(ports, periodId);
  return { periodId, unitId, closesAt };
}
