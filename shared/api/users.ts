import * as z from "zod";
import { ROLES } from "../access/roles.ts";

/** An account as GET/PATCH /api/users answer it: never a password. */
export const userViewSchema = z
  .strictObject({
    username: z.string(),
    roles: z.array(z.enum(ROLES)),
    unitId: z.string().optional(),
    scope: z
      .strictObject({ groups: z.array(z.string()).optional(), nodes: z.array(z.string()).optional() })
      .optional()
      .describe("a reviewer's groups and top-level indicators; all when absent"),
    enabled: z.boolean().describe("false: the account cannot sign in"),
    status: z.string().describe("Cognito's UserStatus, e.g. CONFIRMED"),
    createdAt: z.string().optional(),
  })
  .meta({ id: "User" });

export type UserViewData = z.infer<typeof userViewSchema>;
