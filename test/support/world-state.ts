import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { expect, vi } from "vitest";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { keys } from "../../shared/store/keys.ts";
import type { ChangeRecord } from "../../shared/store/submission-changes.ts";
import {
  type Api,
  expectStatus,
  paths,
  readAll,
  stack,
  submissionEntity,
  type World,
} from "./local-stack.ts";

/**
 * What a refused request must leave as it was, read back as the admin: "nothing changed" is checked
 * by comparing one of these before and after.
 */

/** A unit's submission as the admin reads it (200 expected). */
export async function readSubmission(admin: Api, periodId: string, unitId: string) {
  return expectStatus(await admin.get(paths.submission(periodId, unitId)), 200);
}

/**
 * The submission's audit trail once its last save's records have landed: they come from the data
 * table's stream, moments after the save (shared/store/submission-changes.ts). Read from the head's
 * change record, so a test waits for exactly that save, not for a quiet spell.
 */
export async function settledAudit(admin: Api, periodId: string, unitId: string) {
  const dynamo = dynamoFromEnv(stack().env);
  const head = await dynamo.client.send(
    new GetCommand({
      TableName: dynamo.dataTable,
      Key: keys.submissionHead(periodId, unitId),
      ConsistentRead: true,
    }),
  );
  const change = head.Item?.lastChange as ChangeRecord | undefined;
  const entity = submissionEntity(periodId, unitId);
  if (!change) return readAll(admin, paths.audit(entity));
  return vi.waitFor(
    async () => {
      const records = await readAll(admin, paths.audit(entity));
      expect(records.some((r) => r.requestId === change.requestId)).toBe(true);
      return records;
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** One unit's submission in a period, the period, and the submission's audit trail. */
export async function submissionState(admin: Api, periodId: string, unitId: string) {
  return {
    submission: await readSubmission(admin, periodId, unitId),
    period: (await admin.get(paths.period(periodId))).body,
    audit: await settledAudit(admin, periodId, unitId),
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
