import * as z from "zod";
import { ROLES } from "../access/roles.ts";
import { frameworkSchema } from "../model/framework.ts";
import { unitSchema } from "../model/unit.ts";

/** Frameworks, units and users: what the admin imports and every signed-in user reads. */
export const frameworkViewSchema = frameworkSchema.meta({ id: "Framework" });

export const frameworkSummarySchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    decision: z.string().optional(),
    createdAt: z.string(),
  })
  .meta({ id: "FrameworkSummary" });

/** A unit as every reader sees it: its reminder e-mail address is the admin's only. */
export const unitViewSchema = unitSchema.omit({ email: true }).meta({ id: "Unit" });
export const adminUnitSchema = unitSchema.meta({ id: "AdminUnit" });

export const upsertCountsSchema = z
  .strictObject({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
  .meta({ id: "UpsertCounts" });

/** The user created: never its password. */
export const userSummarySchema = z
  .strictObject({ username: z.string(), roles: z.array(z.enum(ROLES)), unitId: z.string().optional() })
  .meta({ id: "UserSummary" });

export type UnitView = z.infer<typeof unitViewSchema>;
export type FrameworkSummaryView = z.infer<typeof frameworkSummarySchema>;
