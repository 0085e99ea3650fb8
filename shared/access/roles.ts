/** Roles are Cognito groups (API.md "Sign-in"). */
export const ROLES = ["admin", "reviewer", "unit-editor", "unit-approver"] as const;
export type Role = (typeof ROLES)[number];
export const UNIT_ROLES: readonly Role[] = ["unit-editor", "unit-approver"];

/** Who is calling: the verified token's username, groups and unit. */
export interface Actor {
  username: string;
  roles: Role[];
  /** The unit of a unit user (custom:unitId). */
  unitId?: string;
}

export const hasRole = (actor: Actor, ...roles: Role[]): boolean =>
  roles.some((r) => actor.roles.includes(r));

/** Reviewers and admins read every unit; a unit user reads only its own. */
export function canReadUnit(actor: Actor, unitId: string): boolean {
  return hasRole(actor, "admin", "reviewer") || (hasRole(actor, ...UNIT_ROLES) && actor.unitId === unitId);
}

/** Editors and approvers write their own unit's answers and evidence. */
export function canEditUnit(actor: Actor, unitId: string): boolean {
  return hasRole(actor, ...UNIT_ROLES) && actor.unitId === unitId;
}

/** Only the unit's approver submits and withdraws (an editor cannot). */
export function canApproveUnit(actor: Actor, unitId: string): boolean {
  return hasRole(actor, "unit-approver") && actor.unitId === unitId;
}
