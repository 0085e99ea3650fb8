import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { forbidden, unprocessable } from "../errors.ts";
import { capped, codeSchema, dateSchema, idSchema, lineSchema, nameSchema } from "../model/common.ts";
import type { Issue } from "../model/issues.ts";
import { type Unit, unitValidOn } from "../model/unit.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { parseBody } from "./validate.ts";

export const MAX_REFORM_UNITS = 5000;

export const reformUnitSchema = z.strictObject({
  /** The new unit's id; absent: derived from its code and the effective date (reform-id). */
  id: idSchema.optional(),
  code: codeSchema,
  name: nameSchema,
  kind: z.string().min(1).max(64),
  /** A unit of this reform or one that exists on the effective date. */
  parentCode: codeSchema.optional(),
  email: z.email().max(254).optional(),
  /** Codes of the units (existing the day before) it is formed from; empty: a unit with no lineage. */
  fromCodes: z.array(codeSchema).max(200),
});

export const reformBodySchema = z.strictObject({
  /** The resolution or decision, e.g. "1684/NQ-UBTVQH15". */
  decision: lineSchema(100),
  /** The first day the new units exist; the units they replace end the day before. */
  effectiveDate: dateSchema,
  units: capped(MAX_REFORM_UNITS, z.array(reformUnitSchema), `at most ${MAX_REFORM_UNITS} units`),
  /** Codes of units that end on the day before with no successor (a district, for example). */
  ended: z.array(codeSchema).max(MAX_REFORM_UNITS).optional(),
});

export type ReformBody = z.infer<typeof reformBodySchema>;

export interface ReformResult {
  decision: string;
  effectiveDate: string;
  created: number;
  updated: number;
  unchanged: number;
  /** The new units by code, with their ids and predecessors. */
  units: { code: string; id: string; predecessorIds: string[] }[];
  /** Ids of the units that end the day before (merged or ended). */
  ended: string[];
}

/** The calendar day before an ISO date. */
export function dayBefore(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** A new unit's id when none is given: its code as a slug and the effective date, e.g. 02509-2025-07-01. */
export const reformUnitId = (code: string, effectiveDate: string) =>
  `${code.toLowerCase().replace(/[._]/g, "-")}-${effectiveDate}`;

/**
 * What a reform writes, from the request and the units as stored: the new units and the ends of the
 * old ones, or every problem by path. Deterministic and tolerant of its own earlier, partial writes
 * (a predecessor already ended on the day before, a new unit already stored by this decision), so a
 * rerun after a crash computes the same units and converges.
 */
export function planReform(
  input: ReformBody,
  stored: readonly Unit[],
):
  | { made: Unit[]; ends: Unit[]; result: Omit<ReformResult, "created" | "updated" | "unchanged"> }
  | { issues: Issue[] } {
  const { decision, effectiveDate } = input;
  const eve = dayBefore(effectiveDate);
  const issues: Issue[] = [];
  const byId = new Map(stored.map((u) => [u.id, u]));
  // Old units by code as they stood the day before (one ended by an earlier attempt still stood then).
  const before = new Map<string, Unit[]>();
  for (const u of stored) if (unitValidOn(u, eve)) before.set(u.code, [...(before.get(u.code) ?? []), u]);
  const oldByCode = (code: string, path: string): Unit | undefined => {
    const found = before.get(code) ?? [];
    if (found.length === 1) return found[0];
    const ended = stored.find((u) => u.code === code && u.validTo !== undefined && u.validTo < eve);
    issues.push({
      path,
      message:
        found.length > 1
          ? `code "${code}" names ${found.length} units on ${eve}: ${found.map((u) => u.id).join(", ")}`
          : ended
            ? `unit "${code}" (${ended.id}) already ended on ${ended.validTo}, before ${effectiveDate}`
            : `no unit with code "${code}" exists on ${eve}`,
    });
    return undefined;
  };

  const mappedAt = new Map<string, string>(); // old code → the path that first names it
  const claim = (code: string, path: string) => {
    const first = mappedAt.get(code);
    if (first) issues.push({ path, message: `code "${code}" is already mapped at ${first}` });
    else mappedAt.set(code, path);
    return !first;
  };

  const ending = new Map<string, Unit>(); // id → old unit that ends
  const newCodes = new Map<string, number>();
  const newIds = new Map<string, number>();
  const plans = input.units.map((row, i) => {
    const path = `units.${i}`;
    const firstCode = newCodes.get(row.code);
    if (firstCode !== undefined)
      issues.push({ path: `${path}.code`, message: `code "${row.code}" repeats units.${firstCode}` });
    else newCodes.set(row.code, i);
    const id = row.id ?? reformUnitId(row.code, effectiveDate);
    const firstId = newIds.get(id);
    if (firstId !== undefined)
      issues.push({ path: `${path}.id`, message: `id "${id}" repeats units.${firstId}` });
    else newIds.set(id, i);
    const existing = byId.get(id);
    // Only an earlier attempt of this same reform may have stored it.
    if (existing && (existing.reform?.decision !== decision || existing.validFrom !== effectiveDate))
      issues.push({
        path: `${path}.id`,
        message: `id "${id}" belongs to an existing unit (${existing.name})`,
      });
    const predecessors: Unit[] = [];
    row.fromCodes.forEach((code, j) => {
      if (!claim(code, `${path}.fromCodes.${j}`)) return;
      const old = oldByCode(code, `${path}.fromCodes.${j}`);
      if (old) {
        predecessors.push(old);
        ending.set(old.id, old);
      }
    });
    return { row, id, predecessors };
  });
  (input.ended ?? []).forEach((code, j) => {
    if (!claim(code, `ended.${j}`)) return;
    const old = oldByCode(code, `ended.${j}`);
    if (old) ending.set(old.id, old);
  });

  // The units that go on past the reform untouched by it.
  const goingOn = stored.filter(
    (u) => unitValidOn(u, effectiveDate) && !ending.has(u.id) && !newIds.has(u.id),
  );
  // A parent is a unit of this reform, or one that goes on.
  const after = new Map(goingOn.map((u) => [u.code, u]));
  const parentOf = (code: string, path: string): string | undefined => {
    const i = newCodes.get(code);
    if (i !== undefined) return plans[i]?.id;
    const parent = after.get(code);
    if (!parent) issues.push({ path, message: `no parent with code "${code}" exists on ${effectiveDate}` });
    return parent?.id;
  };
  // An old unit (on the day before) that each new unit's code would collide with, when it goes on.
  for (const [code, i] of newCodes) {
    const clash = (before.get(code) ?? []).find((u) => !ending.has(u.id) && unitValidOn(u, effectiveDate));
    if (clash)
      issues.push({
        path: `units.${i}.code`,
        message: `code "${code}" is used by ${clash.id}, which goes on: list it in fromCodes or ended`,
      });
  }
  const made: Unit[] = plans.map(({ row, id, predecessors }, i) => {
    const parentId = row.parentCode ? parentOf(row.parentCode, `units.${i}.parentCode`) : undefined;
    return {
      id,
      code: row.code,
      name: row.name,
      kind: row.kind,
      ...(parentId ? { parentId } : {}),
      validFrom: effectiveDate,
      ...(row.email ? { email: row.email } : {}),
      ...(predecessors.length > 0 ? { predecessorIds: predecessors.map((p) => p.id) } : {}),
      reform: { decision, effectiveDate },
    };
  });
  // A unit that goes on must not keep a parent that ends: the reform would leave it dangling.
  for (const u of goingOn)
    if (u.parentId && ending.has(u.parentId))
      issues.push({
        path: "units",
        message: `unit "${u.code}" (${u.id}) goes on under "${ending.get(u.parentId)?.code}", which ends: list it in the reform`,
      });
  if (issues.length > 0) return { issues };

  return {
    made,
    // The old units end the day before; one already ended by an earlier attempt is written unchanged.
    ends: [...ending.values()].map((old) => ({ ...old, validTo: eve })),
    result: {
      decision,
      effectiveDate,
      units: made.map((u) => ({ code: u.code, id: u.id, predecessorIds: u.predecessorIds ?? [] })),
      ended: [...ending.keys()],
    },
  };
}

/**
 * Applies a reorganisation in one request: creates the new units (from the effective date, with their
 * predecessors and the decision), ends the old ones the day before. All or nothing as to validation
 * (every problem named by path, nothing written); the writes go in batches, so a rerun of the same
 * request after a failure part-way converges to the same units (planReform). Audited per unit, and
 * once for the reform.
 */
export async function applyReform(ports: Ports, ctx: RequestContext, body: unknown): Promise<ReformResult> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin applies a reform");
  const input = parseBody(reformBodySchema, body, "reform");
  if (input.units.length === 0 && (input.ended ?? []).length === 0)
    throw unprocessable("empty-reform", "a reform creates or ends at least one unit", [
      { path: "units", message: "no unit created or ended" },
    ]);
  const plan = planReform(input, await ports.units.all());
  if ("issues" in plan) throw unprocessable("invalid-reform", "the reform is not valid", plan.issues);
  // New units first: an interruption then leaves both old and new, never a unit ended with no successor.
  const { entity: _e, action: _a, ...audit } = auditEntry(ctx, "units", "reform.units");
  const { made, ends } = plan;
  const none = { created: 0, updated: 0, unchanged: 0 };
  const first = made.length > 0 ? await ports.units.upsert(made, audit) : none;
  const second = ends.length > 0 ? await ports.units.upsert(ends, audit) : none;
  const counts = {
    created: first.created + second.created,
    updated: first.updated + second.updated,
    unchanged: first.unchanged + second.unchanged,
  };
  const result = { ...plan.result, ...counts };
  await ports.audit.append(
    auditEntry(ctx, `reform#${input.effectiveDate}#${input.decision}`, "reform.apply", undefined, {
      decision: input.decision,
      effectiveDate: input.effectiveDate,
      units: result.units.length,
      ended: result.ended.length,
    }),
  );
  return result;
}

/**
 * A period's units carried to a later day through every reform effective by then: a unit valid on
 * `day` stays; one that ended is replaced by its successors (the units that name it as predecessor),
 * followed on through later reforms; a unit that ended with none drops out. Deduplicated, in order.
 */
export function carriedUnits(ids: Iterable<string>, day: string, units: readonly Unit[]): Unit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const successors = new Map<string, Unit[]>();
  for (const u of units)
    for (const p of u.predecessorIds ?? []) successors.set(p, [...(successors.get(p) ?? []), u]);
  const out = new Map<string, Unit>();
  const seen = new Set<string>();
  const walk = (unit: Unit) => {
    if (seen.has(unit.id)) return;
    seen.add(unit.id);
    if (unitValidOn(unit, day)) out.set(unit.id, unit);
    else if (unit.validTo !== undefined && unit.validTo < day)
      for (const s of successors.get(unit.id) ?? []) walk(s);
  };
  for (const id of ids) {
    const unit = byId.get(id);
    if (unit) walk(unit);
  }
  return [...out.values()];
}
