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

/**
 * Everything a write could touch in the world: unit a's submission, the period, the lists, the audit trails.
 * The lists keep only this world's items (their ids start with its prefix, as would anything a refused
 * request tried to create in it): other files share the stack, and a scheduled close of their periods
 * must not read as a change here.
 */
export async function worldState(admin: Api, world: World) {
  const own = async (path: string) =>
    (await readAll(admin, path)).filter((item) =>
      String((item as { id?: unknown }).id).startsWith(world.prefix),
    );
  return {
    ...(await submissionState(admin, world.periodId, world.a.id)),
    frameworks: await own(paths.frameworks),
    units: await own(paths.units),
    periods: await own(paths.periods),
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
