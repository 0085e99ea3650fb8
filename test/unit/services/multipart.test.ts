import { describe, expect, it } from "vitest";
import type { Evidence } from "../../../shared/model/evidence.ts";
import { addEvidence, confirmEvidence } from "../../../shared/services/evidence.ts";
import { completeParts, PART_SIZE, presignParts } from "../../../shared/services/multipart.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { by, refusal } from "../../support/fakes/world.ts";

/** A file of two parts (8 MiB and a short tail) that sniffs as a PDF. */
const SIZE = PART_SIZE + 1000;
const FILE = new Uint8Array(SIZE);
FILE.set(new TextEncoder().encode("%PDF-1.4\n"));
const part = (n: number) => FILE.subarray((n - 1) * PART_SIZE, Math.min(SIZE, n * PART_SIZE));

async function world() {
  const ports = memoryPorts({ maxEvidenceBytes: 100 * 1024 * 1024 });
  const { periodId } = await departmentsPeriod(ports);
  const editor = by.editor("so-1");
  const asked = await addEvidence(ports, editor, periodId, "so-1", {
    indicatorCodes: ["1.2"],
    fileName: "bien-ban.pdf",
    contentType: "application/pdf",
    size: SIZE,
  });
  const evidence = asked.evidence as Evidence;
  const parts = (body: unknown) => presignParts(ports, editor, periodId, "so-1", evidence.id, body);
  const complete = (uploadId: string) =>
    completeParts(ports, editor, periodId, "so-1", evidence.id, { uploadId });
  return { ports, periodId, editor, evidence, parts, complete };
}

describe("a resumable upload (the service on an in-memory bucket)", () => {
  it("starts, resumes from the parts the bucket has, completes only when all are there, then confirms", async () => {
    const { ports, periodId, editor, evidence, parts, complete } = await world();
    const started = await parts({ partNumbers: [1, 2] });
    expect(started).toMatchObject({ partSize: PART_SIZE, partCount: 2, uploaded: [] });
    expect(started.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    ports.evidenceFiles.uploadPart(started.uploadId, 1, part(1));

    // After a reload: the browser asks again with its upload id and sends only what is missing.
    const resumed = await parts({ uploadId: started.uploadId, partNumbers: [2] });
    expect(resumed.uploaded.map((p) => p.partNumber)).toEqual([1]);
    expect(await refusal(complete(started.uploadId))).toBe("conflict/parts-missing");

    ports.evidenceFiles.uploadPart(started.uploadId, 2, part(2));
    await complete(started.uploadId);
    const { evidence: confirmed } = await confirmEvidence(ports, editor, periodId, "so-1", evidence.id);
    expect(confirmed).toMatchObject({ status: "confirmed", size: SIZE });
  });

  it("refuses a part number beyond the file, and a part of another size (the upload is aborted)", async () => {
    const { ports, parts, complete } = await world();
    expect(await refusal(parts({ partNumbers: [3] }))).toBe("unprocessable/invalid-parts");
    const { uploadId } = await parts({ partNumbers: [1, 2] });
    ports.evidenceFiles.uploadPart(uploadId, 1, part(1));
    ports.evidenceFiles.uploadPart(uploadId, 2, new Uint8Array(10));
    expect(await refusal(complete(uploadId))).toBe("unprocessable/upload-rejected");
    expect(ports.evidenceFiles.multipart.has(uploadId)).toBe(false);
  });
});
