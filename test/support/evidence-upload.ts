import { expect } from "vitest";
import { postUpload } from "../../infra/local/demo/upload.ts";
import { routePaths as paths } from "../../shared/api/paths.ts";
import type { Api } from "./client.ts";
import { DEPARTMENT_ANSWERS, type World } from "./local-stack.ts";
import type { Row } from "./period-move.ts";

/** Where a file is sent: a unit's submission in a period. */
export interface UploadTarget {
  periodId: string;
  unitId: string;
}

/**
 * A file as the unit's people send it: asked for (201), posted to the bucket, confirmed (200).
 * Returns the confirmed evidence. An integration World stands for its unit a (review-journey's call).
 */
export async function uploadFile(
  client: Api,
  target: UploadTarget | World,
  codes: string[],
  fileName: string,
  contentType: string,
  bytes: Uint8Array,
): Promise<Row> {
  const { periodId, unitId } = "a" in target ? { periodId: target.periodId, unitId: target.a.id } : target;
  const asked = await client.post(paths.evidence(periodId, unitId), {
    indicatorCodes: codes,
    fileName,
    contentType,
    size: bytes.byteLength,
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const posted = await postUpload(asked.body.upload, bytes, contentType, fileName);
  expect(posted.ok, `${posted.status}`).toBe(true);
  const confirmed = await client.post(paths.confirm(periodId, unitId, asked.body.evidence.id));
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return confirmed.body.evidence as Row;
}

/** Unit a's editor saves the department group's answers (200 expected). */
export async function saveDepartmentAnswers(editor: Api, world: World): Promise<void> {
  const saved = await editor.patch(paths.answers(world.periodId, world.a.id), {
    answers: DEPARTMENT_ANSWERS,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}
