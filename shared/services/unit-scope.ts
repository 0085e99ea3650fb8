import { canReadUnit } from "../access/roles.ts";
import { compileFramework } from "../engine/compile.ts";
import { conflict, notFound, Refusal } from "../errors.ts";
import { assertPeriodAcceptsWrites, unitDeadline, writeWindow } from "../lifecycle.ts";
import type { Framework, Leaf } from "../model/framework.ts";
import type { Period } from "../model/period.ts";
import type { Ports, RequestContext } from "./context.ts";
import { type StoredSubmission, SubmissionWriteConflict } from "./ports.ts";

/** A unit within a period, as the caller may see it. */
export interface UnitScope {
  period: Period;
  framework: Framework;
  unitId: string;
  groupId: string;
  leaves: Map<string, Leaf>;
}

/**
 * Finds the unit in the period, or answers 404: for a unit that does not take part, and for a unit
 * the caller may not read (a unit user never learns whether another unit exists).
 */
export async function openUnit(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
): Promise<UnitScope> {
  const period = await ports.periods.require(periodId);
  if (!canReadUnit(ctx.actor, unitId)) throw notFound(`unit "${unitId}" in period "${periodId}"`);
  const members = await ports.periods.members(periodId);
  const groupId = members.get(unitId);
  if (!groupId) throw notFound(`unit "${unitId}" in period "${periodId}"`);
  const framework = await ports.frameworks.get(period.frameworkId);
  if (!framework) throw new Error(`framework ${period.frameworkId} of period ${periodId} is missing`);
  const group = compileFramework(framework).groups.find((g) => g.group.id === groupId);
  if (!group) throw new Error(`group ${groupId} is not in framework ${framework.id}`);
  return { period, framework, unitId, groupId, leaves: group.leafByCode };
}

export function isEditable(scope: UnitScope, stored: StoredSubmission, now: Date): boolean {
  try {
    writeWindow(scope.period, stored.head, now);
    return true;
  } catch {
    return false;
  }
}

export const deadlineOf = (scope: UnitScope, stored: StoredSubmission) =>
  unitDeadline(scope.period, stored.head.extendedUntil);

/** Reads If-Match: "3", 3 or W/"3". */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "" || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) throw new Refusal("bad-request", "bad-if-match", 'If-Match must be a version such as "3"');
  return Number(match[1]);
}

/**
 * Runs a read-check-write on a submission. Without If-Match, a write that lost a race with another
 * (two editors saving different leaves) re-reads and tries again, so both land; with If-Match, the
 * loser gets 412.
 */
export async function withSubmission<T>(
  ports: Ports,
  ctx: RequestContext,
  scope: UnitScope,
  ifMatch: number | undefined,
  attempt: (stored: StoredSubmission, expectVersion: number) => Promise<T>,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    const stored = await ports.submissions.load(scope.period.id, scope.unitId, scope.groupId);
    if (ifMatch !== undefined && ifMatch !== stored.head.version) throw stale(stored.head.version);
    try {
      return await attempt(stored, stored.head.version);
    } catch (error) {
      if (!(error instanceof SubmissionWriteConflict)) throw error;
      if (error.reason === "version") {
        if (ifMatch !== undefined)
          throw stale((error.current?.version as number | undefined) ?? stored.head.version);
        if (tries < 10) continue;
        throw conflict("busy", "the submission is being changed by others; try again");
      }
      if (error.reason === "state")
        throw conflict("state-changed", "the submission's state changed meanwhile; reload");
      const period = await ports.periods.require(scope.period.id);
      assertPeriodAcceptsWrites(period, ctx.now, stored.head.extendedUntil);
      throw conflict("period-not-open", "the period does not accept this write");
    }
  }
}

const stale = (current: number) =>
  new Refusal(
    "precondition-failed",
    "stale-version",
    `the submission is at version ${current}; reload and retry`,
  );
