import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pathFor } from "../../shared/api/paths.ts";
import {
  type Api,
  api,
  evidenceBucket,
  expectError,
  expectInvalid,
  expectStatus,
  paths,
  setUpWorldClients,
  TINY_PNG,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";
import { expectUnchangedBy, submissionState } from "../support/world-state.ts";

/**
 * Resumable uploads (shared/services/multipart.ts) against the real stack: S3 multipart on s3rver,
 * part PUTs on presigned URLs through the gateway's /s3/ (which checks their signature), the API's
 * parts / complete routes, then the usual confirm with its size and type checks.
 */

let world: World;
let admin: Api;
let editorA: Api;
let editorB: Api;

beforeAll(async () => {
  ({ world, admin, editorA } = await setUpWorldClients("multipart"));
  editorB = api(world.b.editor);
});

const MiB = 1024 * 1024;
const PDF = "application/pdf";
type Ids = { periodId: string; unitId: string; evidenceId: string };
const partsPath = (ids: Ids) =>
  pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/parts", ids);
const completePath = (ids: Ids) =>
  pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/complete", ids);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A real PDF head padded to `size` bytes (confirm sniffs the head). */
function bigPdf(size: number, head = tinyPdf("Bao cao tong hop chuyen doi so")): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set(head);
  for (let i = head.byteLength; i < size; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
}

/** Adds a pending file item of unit a (or `unit`) declared as `size` bytes of PDF. */
async function addFile(size: number, client = editorA, unitId = world.a.id): Promise<Ids> {
  const reply = await client.post(paths.evidence(world.periodId, unitId), {
    indicatorCodes: ["1.1"],
    fileName: "Báo cáo tổng hợp.pdf",
    contentType: PDF,
    size,
  });
  return { periodId: world.periodId, unitId, evidenceId: expectStatus(reply, 201).evidence.id };
}

const putPart = (url: string, body: Uint8Array) => fetch(url, { method: "PUT", body });

describe("resumable upload", () => {
  it("sends parts, retries one, resumes from storage's list, completes, confirms the whole file", async () => {
    const size = 20 * MiB + 12345;
    const file = bigPdf(size);
    const ids = await addFile(size);
    const started = expectStatus(await editorA.post(partsPath(ids), { partNumbers: [1, 2, 3] }), 200);
    expect(started).toMatchObject({ partSize: 8 * MiB, partCount: 3, uploaded: [] });
    expect(started.parts.map((p: { partNumber: number }) => p.partNumber)).toEqual([1, 2, 3]);
    const url = (n: number) => started.parts[n - 1].url as string;
    const slice = (n: number) => file.subarray((n - 1) * 8 * MiB, Math.min(size, n * 8 * MiB));

    expect((await putPart(url(1), slice(1))).status).toBe(200);
    // A part cut short (a dropped connection) is simply sent again: the last PUT of a number wins.
    expect((await putPart(url(2), slice(2).subarray(0, MiB))).status).toBe(200);
    const retried = await putPart(url(2), slice(2));
    expect(retried.status).toBe(200);
    expect(retried.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);

    // Resume (a reload): the same upload id, storage's list of what it has, fresh URLs for the rest.
    const resumed = expectStatus(
      await editorA.post(partsPath(ids), { uploadId: started.uploadId, partNumbers: [3] }),
      200,
    );
    expect(resumed.uploadId).toBe(started.uploadId);
    expect(resumed.uploaded.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size])).toEqual(
      [
        [1, 8 * MiB],
        [2, 8 * MiB],
      ],
    );
    // Completing with a part missing tells which, and keeps the upload.
    const early = expectError(
      await editorA.post(completePath(ids), { uploadId: started.uploadId }),
      409,
      "parts-missing",
    );
    expect(early).toEqual([{ path: "parts", message: "missing: 3" }]);
    expect((await putPart(resumed.parts[0].url, slice(3))).status).toBe(200);

    const completed = expectStatus(
      await editorA.post(completePath(ids), { uploadId: started.uploadId }),
      200,
    );
    expect(completed).toEqual({ completed: true, parts: 3, size });
    const confirmed = expectStatus(
      await editorA.post(paths.confirm(ids.periodId, ids.unitId, ids.evidenceId)),
      200,
    );
    expect(confirmed.evidence).toMatchObject({ status: "confirmed", size, sha256: sha256(file) });
    // Completed and confirmed: the upload is gone, and the kept file reads back byte for byte.
    expectError(
      await editorA.post(completePath(ids), { uploadId: started.uploadId }),
      409,
      "already-confirmed",
    );
    const link = expectStatus(
      await editorA.get(
        pathFor("GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download", ids),
      ),
      200,
    );
    const downloaded = new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(file));
    expect(
      await evidenceBucket().exists(`evidence/uploads/${ids.periodId}/${ids.unitId}/${ids.evidenceId}`),
    ).toBe(false);
  });

  it("keeps confirm's checks: other content than declared is refused and removed", async () => {
    const size = 9 * MiB;
    const ids = await addFile(size);
    const png = bigPdf(size, TINY_PNG);
    const started = expectStatus(await editorA.post(partsPath(ids), { partNumbers: [1, 2] }), 200);
    for (const part of started.parts as { partNumber: number; url: string }[])
      expect(
        (await putPart(part.url, png.subarray((part.partNumber - 1) * 8 * MiB, part.partNumber * 8 * MiB)))
          .status,
      ).toBe(200);
    expectStatus(await editorA.post(completePath(ids), { uploadId: started.uploadId }), 200);
    const details = expectError(
      await editorA.post(paths.confirm(ids.periodId, ids.unitId, ids.evidenceId)),
      422,
      "upload-rejected",
    );
    expect(details[0]?.message).toContain("image/png");
  });

  it("refuses parts that do not make the declared size, and aborts the upload", async () => {
    const size = 10 * MiB;
    const ids = await addFile(size);
    const started = expectStatus(await editorA.post(partsPath(ids), { partNumbers: [1, 2] }), 200);
    // Part 1 short (5 MiB, still S3's minimum), part 2 as planned.
    const file = bigPdf(size);
    expect((await putPart(started.parts[0].url, file.subarray(0, 5 * MiB))).status).toBe(200);
    expect((await putPart(started.parts[1].url, file.subarray(8 * MiB))).status).toBe(200);
    const details = expectError(
      await editorA.post(completePath(ids), { uploadId: started.uploadId }),
      422,
      "upload-rejected",
    );
    expect(details).toEqual([{ path: "parts.1", message: `part 1 has ${5 * MiB} bytes, not ${8 * MiB}` }]);
    expectError(
      await editorA.post(partsPath(ids), { uploadId: started.uploadId, partNumbers: [] }),
      409,
      "upload-unknown",
    );
  });

  it("refuses someone else's upload: another unit's item, and another item's upload id", async () => {
    const ids = await addFile(9 * MiB);
    const started = expectStatus(await editorA.post(partsPath(ids), { partNumbers: [1] }), 200);
    await expectUnchangedBy(
      () => submissionState(admin, world.periodId, world.a.id),
      async () => {
        // As for add and confirm: another unit's submission is not found, for a unit user.
        expectError(await editorB.post(partsPath(ids), { partNumbers: [1] }), 404);
        expectError(await editorB.post(completePath(ids), { uploadId: started.uploadId }), 404);
      },
    );
    // Unit b's own item with unit a's upload id: storage knows that id only for a's key.
    const other = await addFile(9 * MiB, editorB, world.b.id);
    const refused = expectError(
      await editorB.post(partsPath(other), { uploadId: started.uploadId, partNumbers: [1] }),
      409,
      "upload-unknown",
    );
    expect(refused).toEqual([{ path: "uploadId", message: "not an upload of this evidence" }]);
    expectError(
      await editorB.post(completePath(other), { uploadId: started.uploadId }),
      409,
      "upload-unknown",
    );
    // A part URL is signed for its key: pointed at another key, storage refuses it.
    const forged = (started.parts[0].url as string).replace(ids.evidenceId, other.evidenceId);
    expect((await putPart(forged, new Uint8Array(10))).status).toBe(403);
  });

  it("answers bad input with the field at fault and writes nothing", async () => {
    const ids = await addFile(9 * MiB);
    const link = expectStatus(
      await editorA.post(paths.evidence(world.periodId, world.a.id), {
        indicatorCodes: ["1.1"],
        url: "https://so.example.gov.vn/bao-cao",
      }),
      201,
    );
    await expectUnchangedBy(
      () => submissionState(admin, world.periodId, world.a.id),
      async () => {
        expectInvalid(await editorA.post(partsPath(ids), { partNumbers: [0] }), "partNumbers.0");
        expectInvalid(await editorA.post(partsPath(ids), { partNumbers: [1, 3] }), "partNumbers.1");
        expectInvalid(await editorA.post(partsPath(ids), { partNumbers: "1" }), "partNumbers");
        expectInvalid(await editorA.post(partsPath(ids), { partNumbers: [1], extra: true }));
        expectInvalid(await editorA.post(partsPath(ids), { uploadId: "", partNumbers: [1] }), "uploadId");
        expectError(
          await editorA.post(partsPath(ids), { uploadId: "0".repeat(32), partNumbers: [1] }),
          409,
          "upload-unknown",
        );
        expectInvalid(await editorA.post(completePath(ids), {}), "uploadId");
        expectError(
          await editorA.post(partsPath({ ...ids, evidenceId: link.evidence.id }), { partNumbers: [1] }),
          422,
          "not-a-file",
        );
        expectError(
          await editorA.post(partsPath({ ...ids, evidenceId: "00000000-0000-4000-8000-000000000000" }), {
            partNumbers: [1],
          }),
          404,
        );
      },
    );
  });
});
