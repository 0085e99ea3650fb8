import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { forbidden, unprocessable } from "../errors.ts";
import { capped } from "../model/common.ts";
import { type Unit, unitSchema } from "../model/unit.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import type { Page, PageRequest, UpsertCounts } from "./ports.ts";
import { parseBody } from "./validate.ts";
import { unitFor } from "./views.ts";

export const MAX_UNITS_PER_IMPORT = 20_000;

export const unitsBodySchema = z.strictObject({
  units: capped(MAX_UNITS_PER_IMPORT, z.array(unitSchema).min(1), `at most ${MAX_UNITS_PER_IMPORT} units`),
});

export async function upsertUnits(ports: Ports, ctx: RequestContext, body: unknown): Promise<UpsertCounts> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin imports units");
  const { units } = parseBody(unitsBodySchema, body, "unit list");
  const seen = new Map<string, number>();
  const issues = units.flatMap((unit, i) => {
    const first = seen.get(unit.id);
    seen.set(unit.id, first ?? i);
    return first === undefined
      ? []
      : [{ path: `units.${i}.id`, message: `unit id "${unit.id}" repeats units.${first}` }];
  });
  if (issues.length > 0) throw unprocessable("duplicate-unit", "unit ids must be unique", issues);
  const { entity: _entity, action: _action, ...audit } = auditEntry(ctx, "units", "units.upsert");
  return ports.units.upsert(units, audit);
}

/** The unit list as the caller may read it (reminder e-mails to admins only). */
export async function listUnits(ports: Ports, ctx: RequestContext, page: PageRequest): Promise<Page<Unit>> {
  const result = await ports.units.list(page);
  return { ...result, items: result.items.map((u) => unitFor(ctx.actor, u)) };
}
