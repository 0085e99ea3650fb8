import * as z from "zod";
import { hasRole, ROLES, type Role, UNIT_ROLES } from "../access/roles.ts";
import { forbidden, notFound, Refusal, unprocessable } from "../errors.ts";
import { idSchema } from "../model/common.ts";
import { type Page, type PageRequest, pageByKey } from "../store/page.ts";
import { auditEntry, type DirectoryUser, type Ports, type RequestContext } from "./context.ts";
import { parseBody, parseQuery } from "./validate.ts";

const USERNAME_CHARS = /^[a-zA-Z0-9._@-]+$/;

/** A user name: what Cognito keeps and the path parameter `username` (shared/api/params.ts) takes. */
export const usernameSchema = z
  .string()
  .min(3)
  .max(128)
  .regex(USERNAME_CHARS, "letters, digits and . _ @ - only");

// The user pool's policy (infra and the local pool): 8+ characters with upper, lower, digit, symbol.
const passwordSchema = z
  .string()
  .min(8)
  .max(256)
  .refine((p) => /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p), {
    message: "needs an upper-case and a lower-case letter, a digit and a symbol",
  });

/** A reviewer's field: the groups and top-level node codes they appraise (all when absent). */
const scopeSchema = z.strictObject({
  groups: z.array(idSchema).min(1).max(20).optional(),
  nodes: z
    .array(z.string().regex(/^[A-Za-z0-9._-]+$/))
    .min(1)
    .max(50)
    .optional(),
});

type Scope = z.infer<typeof scopeSchema>;

/** What an account's roles allow of its unit and scope: the same rule on create and update. */
function accountRules(
  user: { roles: readonly Role[]; unitId?: string | undefined; scope?: Scope | undefined },
  report: (path: string, message: string) => void,
): void {
  const unitRole = user.roles.some((r) => UNIT_ROLES.includes(r));
  if (unitRole && !user.unitId) report("unitId", "a unit role (unit-editor, unit-approver) needs unitId");
  if (!unitRole && user.unitId && !user.roles.includes("reviewer"))
    report("unitId", "unitId goes with a unit role (or a reviewer's own unit)");
  if (user.scope && !user.roles.includes("reviewer")) report("scope", "a scope limits a reviewer only");
}

export const createUserSchema = z
  .strictObject({
    username: usernameSchema,
    password: passwordSchema,
    roles: z.array(z.enum(ROLES)).min(1),
    unitId: idSchema.optional(),
    scope: scopeSchema.optional(),
  })
  .superRefine((user, ctx) =>
    accountRules(user, (path, message) => ctx.addIssue({ code: "custom", path: [path], message })),
  );

/** A change of an account: each field optional; null clears the unit or the scope. */
export const updateUserSchema = z
  .strictObject({
    roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length).optional(),
    unitId: idSchema.nullable().optional(),
    scope: scopeSchema.nullable().optional(),
    /** false: the account can no longer sign in (AdminDisableUser); true: it can again. */
    enabled: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "nothing to change", path: [] });

/**
 * A password set by an admin. Permanent by default: the web's sign-in has no "choose a new password"
 * step (Cognito's NEW_PASSWORD_REQUIRED), so a temporary one would lock the user out of the browser.
 */
export const passwordBodySchema = z.strictObject({ password: passwordSchema });

export const listUsersQuerySchema = z.strictObject({
  q: z.string().max(128).optional().describe("part of the user name, any case"),
  unitId: idSchema.optional(),
  role: z.enum(ROLES).optional(),
  enabled: z.enum(["true", "false"]).optional(),
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

/** An account as the API shows it: never a password. */
export interface UserView {
  username: string;
  roles: Role[];
  unitId?: string;
  scope?: Scope;
  enabled: boolean;
  status: string;
  createdAt?: string;
}

const list = (value: string | undefined) => (value ? value.split(",").filter(Boolean) : []);

export function userView(user: DirectoryUser): UserView {
  const groups = list(user.attributes.scopeGroups);
  const nodes = list(user.attributes.scopeNodes);
  const scope = { ...(groups.length ? { groups } : {}), ...(nodes.length ? { nodes } : {}) };
  return {
    username: user.username,
    roles: ROLES.filter((r) => user.roles.includes(r)),
    ...(user.attributes.unitId ? { unitId: user.attributes.unitId } : {}),
    ...(Object.keys(scope).length ? { scope } : {}),
    enabled: user.enabled,
    status: user.status,
    ...(user.createdAt ? { createdAt: user.createdAt } : {}),
  };
}

/**
 * Accounts by user name, filtered by a part of the name, a unit, a role or the state. The pool is read
 * whole (ListUsers pages by 60 at most, and Cognito filters neither custom attributes nor groups), then
 * paged here: the cursor is the last user name given.
 */
export async function listUsers(
  ports: Ports,
  ctx: RequestContext,
  query: Record<string, string | undefined>,
  page: PageRequest,
): Promise<Page<UserView>> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin lists users");
  const { q, unitId, role, enabled } = parseQuery(listUsersQuerySchema, query);
  const needle = q?.trim().toLowerCase();
  const rows = (await ports.users.list())
    .map(userView)
    .filter(
      (u) =>
        (!needle || u.username.toLowerCase().includes(needle)) &&
        (!unitId || u.unitId === unitId) &&
        (!role || u.roles.includes(role)) &&
        (!enabled || String(u.enabled) === enabled),
    );
  return pageByKey(rows, (u) => u.username, page, USERNAME_CHARS);
}

export async function getUser(ports: Ports, ctx: RequestContext, username: string): Promise<UserView> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin reads users");
  const user = await ports.users.get(username);
  if (!user) throw notFound("user");
  return userView(user);
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** What the audit log keeps of an account: its roles, unit, scope and state. */
const summary = (u: UserView) => ({
  roles: u.roles,
  ...(u.unitId ? { unitId: u.unitId } : {}),
  ...(u.scope ? { scope: u.scope } : {}),
  enabled: u.enabled,
});

/**
 * Changes an account's roles, unit, reviewer scope or state. An admin cannot disable or demote their
 * own account (409 `own-account`): the last admin could otherwise lock everyone out.
 */
export async function updateUser(
  ports: Ports,
  ctx: RequestContext,
  username: string,
  body: unknown,
): Promise<UserView> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin changes users");
  const change = parseBody(updateUserSchema, body, "change");
  const found = await ports.users.get(username);
  if (!found) throw notFound("user");
  const before = userView(found);
  if (sameName(found.username, ctx.actor.username)) {
    if (change.enabled === false)
      throw new Refusal("conflict", "own-account", "an admin cannot disable their own account", [
        { path: "enabled", message: "your own account" },
      ]);
    if (change.roles && !change.roles.includes("admin"))
      throw new Refusal("conflict", "own-account", "an admin cannot remove their own admin role", [
        { path: "roles", message: "your own account" },
      ]);
  }
  const roles = change.roles ?? before.roles;
  const unitId = change.unitId === undefined ? before.unitId : (change.unitId ?? undefined);
  // A scope left over from a reviewer role that is being removed goes with it.
  const keptScope = roles.includes("reviewer") ? before.scope : undefined;
  const scope = change.scope === undefined ? keptScope : (change.scope ?? undefined);
  const issues: { path: string; message: string }[] = [];
  accountRules({ roles, unitId, scope }, (path, message) => issues.push({ path, message }));
  if (issues.length) throw unprocessable("invalid-body", "the change is not valid", issues);
  if (unitId && unitId !== before.unitId) {
    const units = await ports.units.getMany([unitId]);
    if (!units.has(unitId))
      throw unprocessable("unknown-unit", `unit "${unitId}" does not exist`, [
        { path: "unitId", message: "unknown unit" },
      ]);
  }
  const name = found.username;
  const attributes: Record<string, string> = {};
  if ((unitId ?? "") !== (before.unitId ?? "")) attributes.unitId = unitId ?? "";
  const groups = (scope?.groups ?? []).join(",");
  const nodes = (scope?.nodes ?? []).join(",");
  if (groups !== (before.scope?.groups ?? []).join(",")) attributes.scopeGroups = groups;
  if (nodes !== (before.scope?.nodes ?? []).join(",")) attributes.scopeNodes = nodes;
  // Disable first and enable last, so that no moment has an enabled account with half its change.
  if (change.enabled === false && before.enabled) await ports.users.setEnabled(name, false);
  await ports.users.setAttributes(name, attributes);
  const add = roles.filter((r) => !before.roles.includes(r));
  const remove = before.roles.filter((r) => !roles.includes(r));
  if (add.length || remove.length) await ports.users.setRoles(name, add, remove);
  if (change.enabled === true && !before.enabled) await ports.users.setEnabled(name, true);
  const after: UserView = {
    ...before,
    roles: ROLES.filter((r) => roles.includes(r)),
    enabled: change.enabled ?? before.enabled,
  };
  delete after.unitId;
  delete after.scope;
  if (unitId) after.unitId = unitId;
  if (scope && (scope.groups || scope.nodes)) after.scope = scope;
  await ports.audit.append(auditEntry(ctx, `user#${name}`, "user.update", summary(before), summary(after)));
  return after;
}

/** Sets a new permanent password (the user signs in with it at once); the audit says who, never what. */
export async function setUserPassword(
  ports: Ports,
  ctx: RequestContext,
  username: string,
  body: unknown,
): Promise<void> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin sets passwords");
  const { password } = parseBody(passwordBodySchema, body, "password");
  const found = await ports.users.get(username);
  if (!found) throw notFound("user");
  await ports.users.setPassword(found.username, password, true);
  await ports.audit.append(
    auditEntry(ctx, `user#${found.username}`, "user.password", undefined, { reset: true }),
  );
}
