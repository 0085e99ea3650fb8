/** Roles are Cognito groups (API.md "Sign-in"). */
export const ROLES = ["admin", "reviewer", "unit-editor", "unit-approver"] as const;
export type Role = (typeof ROLES)[number];
export const UNIT_ROLES: readonly Role[] = ["unit-editor", "unit-approver"];

/** Who is calling: the verified token's username, groups and unit. */
export interface Actor {
  username: string;
  roles: Role[];
  /** The unit of a unit user (custom:unitId); for a reviewer, the unit they belong to, if any. */
  unitId?: string;
  /** A reviewer limited to some groups and/or top-level nodes (custom:scopeGroups, custom:scopeNodes). */
  scope?: ReviewerScope;
}

export interface ReviewerScope {
  groups?: string[];
  nodes?: string[];
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

/**
 * Why a reviewer may not appraise this leaf of this unit, or undefined when they may: out of their
 * groups or top-level nodes (a sector department appraises only its field), or their own unit
 * (conflict of interest: a reviewer never appraises a unit they belong to).
 */
export function appraisalRefusal(
  actor: Actor,
  unitId: string,
  groupId: string,
  topNodeCode: string,
): string | undefined {
  if (!hasRole(actor, "reviewer")) return "only reviewers appraise";
  if (actor.unitId === unitId) return "a reviewer never appraises a unit they belong to";
  if (actor.scope?.groups && !actor.scope.groups.includes(groupId))
    return `this reviewer does not appraise the group "${groupId}"`;
  if (actor.scope?.nodes && !actor.scope.nodes.includes(topNodeCode))
    return `this reviewer does not appraise indicators under "${topNodeCode}"`;
  return undefined;
}
