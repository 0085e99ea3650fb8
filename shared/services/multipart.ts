import * as z from "zod";
import { conflict, Refusal, unprocessable } from "../errors.ts";
import type { Evidence } from "../model/evidence.ts";
import type { Issue } from "../model/issues.ts";
import type { MultipartUploads, Ports, RequestContext, StoredPart } from "./context.ts";
import { assertEvidenceWritable, editableScope, evidenceIn } from "./evidence.ts";
import { parseBody } from "./validate.ts";

/**
 * Resumable uploads of large evidence (DOMAIN.md §4): the browser sends a pending file item's bytes as
 * an S3 multipart upload to the item's one upload key, part by part on presigned URLs, and can pick
 * it up again after a dropped connection or a reload (S3 keeps the parts it has; ListParts says
 * which). Nothing about the upload is stored here: the upload id is the browser's, and S3 itself
 * refuses an id that belongs to another key. Completing checks every part against the plan fixed by
 * the declared size; confirm then checks the whole file as it does a posted one.
 */

/** A part of 8 MiB: few requests, and little lost when one is cut off. */
export const PART_SIZE = 8 * 1024 * 1024;
/** S3's largest part number. */
export const MAX_PARTS = 10_000;
/** Part URLs one request may ask for (the browser asks as it goes). */
export const MAX_PART_URLS = 100;

/** How a file of `size` bytes is cut: parts of `partSize`, the last one shorter (never empty). */
export function partPlan(size: number): { partSize: number; partCount: number } {
  const mib = 1024 * 1024;
  const partSize = Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS / mib) * mib);
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

const uploadIdSchema = z.string().min(1).max(1024);

export const partsRequestSchema = z.strictObject({
  uploadId: uploadIdSchema.optional().describe("the upload to go on with; a new one starts without it"),
  partNumbers: z
    .array(z.number().int().min(1).max(MAX_PARTS))
    .max(MAX_PART_URLS)
    .describe("the parts to sign a PUT URL for"),
});

export const completeRequestSchema = z.strictObject({ uploadId: uploadIdSchema });

/**
 * Signs PUT URLs for the asked parts of a pending file's upload, starting the upload when no
 * uploadId is given, and says which parts S3 already has (a resumed upload sends only the rest).
 */
export async function presignParts(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
  body: unknown,
) {
  // Who may write comes first: another unit's user gets 404 whatever the body says.
  const { evidence } = await pendingFile(ports, ctx, periodId, unitId, evidenceId);
  const request = parseBody(partsRequestSchema, body, "parts request");
  const uploads = ports.evidenceFiles;
  const plan = partPlan(evidence.size as number);
  const beyond: Issue[] = [];
  request.partNumbers.forEach((n, i) => {
    if (n > plan.partCount)
      beyond.push({ path: `partNumbers.${i}`, message: `the file has ${plan.partCount} parts` });
  });
  if (beyond.length > 0) throw unprocessable("invalid-parts", "a part number is beyond the file", beyond);
  const key = evidence.key as string;
  let uploadId = request.uploadId;
  let uploaded: StoredPart[] = [];
  if (uploadId) uploaded = await knownUpload(uploads, key, uploadId);
  else uploadId = await uploads.startMultipart(key, evidence.contentType as string);
  const id = uploadId;
  const parts = await Promise.all(
    [...new Set(request.partNumbers)].map(async (partNumber) => ({
      partNumber,
      url: await uploads.presignPart(key, id, partNumber),
    })),
  );
  return { uploadId: id, ...plan, parts, uploaded };
}

/**
 * Completes the upload from the parts S3 has: every part of the plan, each of its planned size. A
 * missing part is told (send it, complete again); a part of another size cannot belong to this
 * file, so the upload is aborted and refused, as confirm removes a posted file that is not what was
 * declared. Confirm follows, as after a posted file.
 */
export async function completeParts(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
  body: unknown,
) {
  const { evidence } = await pendingFile(ports, ctx, periodId, unitId, evidenceId);
  const { uploadId } = parseBody(completeRequestSchema, body, "complete request");
  const uploads = ports.evidenceFiles;
  const key = evidence.key as string;
  const size = evidence.size as number;
  const stored = await knownUpload(uploads, key, uploadId);
  const { partSize, partCount } = partPlan(size);
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const missing: number[] = [];
  const wrong: Issue[] = [];
  for (let n = 1; n <= partCount; n++) {
    const part = byNumber.get(n);
    const expected = n < partCount ? partSize : size - partSize * (partCount - 1);
    if (!part) missing.push(n);
    else if (part.size !== expected)
      wrong.push({ path: `parts.${n}`, message: `part ${n} has ${part.size} bytes, not ${expected}` });
  }
  for (const part of stored)
    if (part.partNumber > partCount)
      wrong.push({ path: `parts.${part.partNumber}`, message: `the file has ${partCount} parts` });
  if (wrong.length > 0) {
    await uploads.abortMultipart(key, uploadId);
    throw unprocessable(
      "upload-rejected",
      "the parts do not make the declared file; the upload was aborted, start it again",
      wrong,
    );
  }
  if (missing.length > 0) throw partsMissing(missing);
  await uploads.completeMultipart(
    key,
    uploadId,
    stored.map(({ partNumber, etag }) => ({ partNumber, etag })),
  );
  return { completed: true as const, parts: partCount, size };
}

/** What is still to send (409: send them, then complete again). */
const partsMissing = (missing: number[]) =>
  new Refusal(
    "conflict",
    "parts-missing",
    `${missing.length} part(s) not uploaded yet: ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? ", …" : ""}; send them, then complete again`,
    [{ path: "parts", message: `missing: ${missing.slice(0, 20).join(", ")}` }],
  );

async function knownUpload(uploads: MultipartUploads, key: string, uploadId: string): Promise<StoredPart[]> {
  const parts = await uploads.listParts(key, uploadId);
  if (!parts)
    throw new Refusal(
      "conflict",
      "upload-unknown",
      "there is no such upload for this evidence (finished, aborted, expired or another's); start a new one",
      [{ path: "uploadId", message: "not an upload of this evidence" }],
    );
  return parts;
}

/** A pending file item the caller may still upload to: the same checks as add and confirm. */
async function pendingFile(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  unitId: string,
  evidenceId: string,
): Promise<{ evidence: Evidence }> {
  const scope = await editableScope(ports, ctx, periodId, unitId);
  const stored = await ports.submissions.load(scope.period.id, scope.unitId, scope.groupId);
  const evidence = evidenceIn(stored, evidenceId);
  if (evidence.kind !== "file" || !evidence.key || !evidence.size)
    throw unprocessable("not-a-file", "only file evidence is uploaded");
  if (evidence.status !== "pending")
    throw conflict("already-confirmed", "this file is confirmed already: nothing more is uploaded to it");
  // The window's rule as add and confirm apply it: a supplement's leaves, or a contest's new evidence.
  assertEvidenceWritable(scope, stored.head, ctx.now, evidence);
  return { evidence };
}
