import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { forbidden, unprocessable } from "../errors.ts";
import { unitSchema } from "../model/unit.ts";
import type { UpsertCounts } from "../store/units.ts";
import { auditEntry, type RequestContext, type Services } from "./context.ts";
import { parseBody } from "./validate.ts";

export const MAX_UNITS_PER_IMPORT = 20_000;

const unitsBodySchema = z.strictObject({ units: z.array(unitSchema).min(1).max(MAX_UNITS_PER_IMPORT) });

export async function upsertUnits(
  services: Services,
  ctx: RequestContext,
  body: unknown,
): Promise<UpsertCounts> {
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
  return services.units.upsert(units, audit);
}
