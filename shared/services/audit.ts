import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { forbidden } from "../errors.ts";
import { idSchema } from "../model/common.ts";
import type { Ports, RequestContext } from "./context.ts";
import type { AuditRecord, Page, PageRequest } from "./ports.ts";
import { parseQuery } from "./validate.ts";

/** The longest span of days one listing walks (one query per day). */
export const MAX_AUDIT_DAYS = 92;

const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: "not a date",
    },
  );

const DAY_MS = 86_400_000;

export const auditQuerySchema = z
  .strictObject({
    entity: z.string().min(1).max(300).optional().describe('e.g. "period#2022-y"'),
    day: dayText.optional().describe("YYYY-MM-DD: one day (UTC)"),
    from: dayText.optional().describe("YYYY-MM-DD: the first day (UTC)"),
    to: dayText
      .optional()
      .describe(`YYYY-MM-DD: the last day (UTC); at most ${MAX_AUDIT_DAYS} days after from`),
    actor: z.string().min(1).max(128).optional().describe("the user name who made the change"),
    action: z
      .string()
      .regex(/^[a-z][a-z.-]{0,63}$/)
      .optional()
      .describe('an action or its prefix: "user." is every account change'),
    periodId: idSchema.optional().describe("the period's record and its submissions'"),
    unitId: idSchema.optional().describe("the unit's record and its submissions'"),
  })
  .superRefine((q, ctx) => {
    if (q.day && (q.from || q.to))
      ctx.addIssue({ code: "custom", path: ["day"], message: "either day or from/to, not both" });
    if (q.from && q.to) {
      const span = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
      if (span < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "to is before from" });
      else if (span >= MAX_AUDIT_DAYS)
        ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_AUDIT_DAYS} days` });
    }
    if (q.from && !q.to && !q.entity)
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: "from needs to (the days are walked one by one)",
      });
  });

/** GET /api/audit: the query checked (400 `bad-query` naming the field), then the log's listing. */
export async function listAudit(
  ports: Ports,
  ctx: RequestContext,
  query: Record<string, string | undefined>,
  page: PageRequest,
): Promise<Page<AuditRecord>> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin reads the audit log");
  return ports.audit.list(parseQuery(auditQuerySchema, query), page);
}
