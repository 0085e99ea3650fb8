import * as z from "zod";
import { hasRole, ROLES, UNIT_ROLES } from "../access/roles.ts";
import { forbidden, unprocessable } from "../errors.ts";
import { idSchema } from "../model/common.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { parseBody } from "./validate.ts";

export const createUserSchema = z
  .strictObject({
    username: z
      .string()
      .min(3)
      .max(128)
      .regex(/^[a-zA-Z0-9._@-]+$/, "letters, digits and . _ @ - only"),
    // The user pool's policy (infra and the local pool): 8+ characters with upper, lower, digit, symbol.
    password: z
      .string()
      .min(8)
      .max(256)
      .refine((p) => /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p), {
        message: "needs an upper-case and a lower-case letter, a digit and a symbol",
      }),
    roles: z.array(z.enum(ROLES)).min(1),
    unitId: idSchema.optional(),
    /** A reviewer's field: the groups and top-level node codes they appraise (all when absent). */
    scope: z
      .strictObject({
        groups: z.array(idSchema).min(1).max(20).optional(),
        nodes: z
          .array(z.string().regex(/^[A-Za-z0-9._-]+$/))
          .min(1)
          .max(50)
          .optional(),
      })
      .optional(),
  })
  .superRefine((user, ctx) => {
    const unitRole = user.roles.some((r) => UNIT_ROLES.includes(r));
    if (unitRole && !user.unitId)
      ctx.addIssue({
        code: "custom",
        path: ["unitId"],
        message: "a unit role (unit-editor, unit-approver) needs unitId",
      });
    if (!unitRole && user.unitId && !user.roles.includes("reviewer"))
      ctx.addIssue({
        code: "custom",
        path: ["unitId"],
        message: "unitId goes with a unit role (or a reviewer's own unit)",
      });
    if (user.scope && !user.roles.includes("reviewer"))
      ctx.addIssue({ code: "custom", path: ["scope"], message: "a scope limits a reviewer only" });
  });

export async function createUser(ports: Ports, ctx: RequestContext, body: unknown) {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin creates users");
  const user = parseBody(createUserSchema, body, "user");
  if (user.unitId) {
    const found = await ports.units.getMany([user.unitId]);
    if (!found.has(user.unitId))
      throw unprocessable("unknown-unit", `unit "${user.unitId}" does not exist`, [
        { path: "unitId", message: "unknown unit" },
      ]);
  }
  await ports.users.create(user);
  const summary = {
    username: user.username,
    roles: user.roles,
    ...(user.unitId ? { unitId: user.unitId } : {}),
  };
  await ports.audit.append(auditEntry(ctx, `user#${user.username}`, "user.create", undefined, summary));
  return summary;
}
