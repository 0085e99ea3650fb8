import { expect } from "vitest";
import { type Api, expectStatus, paths, readAll, submissionEntity, type World } from "./local-stack.ts";

/**
 * What a refused request must leave as it was, read back as the admin: "nothing changed" is checked
 * by comparing one of these before and after.
 */

/** A unit's submission as the admin reads it (200 expected). */
export async function readSubmission(admin: Api, periodId: string, unitId: string) {
  return expectStatus(await admin.get(paths.submission(periodId, unitId)), 200);
}

/** One unit's submission in a period, the period, and the submission's audit trail. */
export async function submissionState(admin: Api, periodId: string, unitId: string) {
  return {
    submission: await readSubmission(admin, periodId, unitId),
    period: (await admin.get(paths.period(periodId))).body,
    audit: await readAll(admin, paths.audit(submissionEntity(periodId, unitId))),
  };
}

/** Everything a write could touch in the world: unit a's submission, the period, the lists, the audit trails. */
export async function worldState(admin: Api, world: World) {
  return {
    ...(await submissionState(admin, world.periodId, world.a.id)),
    frameworks: await readAll(admin, paths.frameworks),
    units: await readAll(admin, paths.units),
    periods: await readAll(admin, paths.periods),
    submissions: await readAll(admin, paths.submissions(world.periodId)),
    periodAudit: await readAll(admin, paths.audit(`period#${world.periodId}`)),
  };
}

/** Runs `act`, then checks that `state` reads as it did before. */
export async function expectUnchangedBy(
  state: () => Promise<unknown>,
  act: () => Promise<void>,
): Promise<void> {
  const before = await state();
  await act();
  expect(await state()).toEqual(before);
}
