import { expect } from "vitest";
import type { Row } from "./lifecycle.ts";
import { type Api, DEPARTMENT_ANSWERS, paths, postUpload, type World } from "./local-stack.ts";

/**
 * A file as unit a's people send it: asked for (201), posted to the bucket, confirmed (200).
 * Returns the confirmed evidence.
 */
export async function uploadFile(
  client: Api,
  world: World,
  codes: string[],
  fileName: string,
  contentType: string,
  bytes: Uint8Array,
): Promise<Row> {
  const asked = await client.post(paths.evidence(world.periodId, world.a.id), {
    indicatorCodes: codes,
    fileName,
    contentType,
    size: bytes.byteLength,
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const posted = await postUpload(asked.body.upload, bytes, contentType, fileName);
  expect(posted.ok, `${posted.status}`).toBe(true);
  const confirmed = await client.post(paths.confirm(world.periodId, world.a.id, asked.body.evidence.id));
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
