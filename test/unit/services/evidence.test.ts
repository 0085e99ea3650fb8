import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tinyPdf } from "../../../infra/local/demo/pdf.ts";
import type { Evidence } from "../../../shared/model/evidence.ts";
import {
  addEvidence,
  confirmEvidence,
  evidenceDownload,
  relinkEvidence,
  removeEvidence,
} from "../../../shared/services/evidence.ts";
import { getSubmission, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { by, refusal } from "../../support/fakes/world.ts";

const PDF = tinyPdf("Ke hoach chuyen doi so");
const fileRequest = (codes: string[], over: Record<string, unknown> = {}) => ({
  indicatorCodes: codes,
  fileName: "ke-hoach.pdf",
  contentType: "application/pdf",
  size: PDF.byteLength,
  ...over,
});

async function world() {
  const ports = memoryPorts();
  const { periodId } = await departmentsPeriod(ports);
  const editor = by.editor("so-1");
  /** Asks for a file upload and posts the bytes, as a browser does. */
  const uploaded = async (codes = ["1.2"], bytes = PDF) => {
    const asked = await addEvidence(ports, editor, periodId, "so-1", fileRequest(codes));
    ports.evidenceFiles.upload(asked.evidence?.key as string, bytes);
    return asked.evidence as Evidence;
  };
  return { ports, periodId, editor, uploaded };
}

describe("adding evidence", () => {
  it("records a URL as confirmed at once, and the leaf scores with it", async () => {
    const { ports, periodId, editor } = await world();
    await saveAnswers(
      ports,
      editor,
      periodId,
      "so-1",
      { answers: { "1.3": { value: { numerator: 1, denominator: 1 } } } },
      undefined,
    );
    const before = await getSubmission(ports, editor, periodId, "so-1");
    const { evidence } = await addEvidence(ports, editor, periodId, "so-1", {
      indicatorCodes: ["1.3"],
      url: "https://vanban.example.vn/thong-ke",
      title: "Thống kê",
    });
    expect(evidence).toMatchObject({ kind: "url", status: "confirmed", indicatorCodes: ["1.3"] });
    const after = await getSubmission(ports, editor, periodId, "so-1");
    expect(after.evidence).toHaveLength(1);
    expect(after.preview.points).toBeGreaterThan(before.preview.points);
    expect(ports.audit.actions(`submission#${periodId}#so-1`).at(-1)).toBe("evidence.add");
  });

  it("records a file as pending and signs an upload form for its own key, type and size", async () => {
    const { ports, periodId, editor } = await world();
    const added = await addEvidence(ports, editor, periodId, "so-1", fileRequest(["1.1", "1.2"]));
    expect(added.evidence).toMatchObject({ kind: "file", status: "pending", size: PDF.byteLength });
    expect(added.evidence?.key).toBe(`evidence/uploads/${periodId}/so-1/${added.evidence?.id}`);
    expect(added.upload?.fields.key).toBe(added.evidence?.key);
    expect(ports.evidenceFiles.signed).toEqual([
      { key: added.evidence?.key, contentType: "application/pdf", size: PDF.byteLength },
    ]);
  });

  it("refuses leaves that take no such evidence (422), other types (415), big files (413), and reviewers", async () => {
    const { ports, periodId, editor } = await world();
    const codes = await addEvidence(ports, editor, periodId, "so-1", fileRequest(["1.3", "9.9"])).catch(
      (e: unknown) => e,
    );
    expect(codes).toMatchObject({
      code: "invalid-indicators",
      details: [{ path: "indicatorCodes.0" }, { path: "indicatorCodes.1" }],
    });
    expect(
      await refusal(
        addEvidence(
          ports,
          editor,
          periodId,
          "so-1",
          fileRequest(["1.2"], { contentType: "text/html", fileName: "a.html" }),
        ),
      ),
    ).toBe("unsupported-type/type-not-allowed");
    expect(
      await refusal(
        addEvidence(ports, editor, periodId, "so-1", fileRequest(["1.2"], { fileName: "a.png" })),
      ),
    ).toBe("unsupported-type/extension-mismatch");
    expect(
      await refusal(
        addEvidence(ports, editor, periodId, "so-1", fileRequest(["1.2"], { size: 2 * 1024 * 1024 })),
      ),
    ).toBe("too-large/file-too-large");
    expect(await refusal(addEvidence(ports, by.reviewer(), periodId, "so-1", fileRequest(["1.2"])))).toBe(
      "forbidden/forbidden",
    );
  });

  it("refuses evidence once the unit submitted (409)", async () => {
    const { ports, periodId } = await world();
    await submit(ports, by.approver("so-1"), periodId, "so-1");
    expect(await refusal(addEvidence(ports, by.editor("so-1"), periodId, "so-1", fileRequest(["1.2"])))).toBe(
      "conflict/not-a-draft",
    );
  });
});

describe("confirming a file", () => {
  it("keeps the uploaded bytes under their sha256, records it, and removes the upload", async () => {
    const { ports, periodId, editor, uploaded } = await world();
    const pending = await uploaded();
    const { evidence } = await confirmEvidence(ports, editor, periodId, "so-1", pending.id);
    const sha256 = createHash("sha256").update(PDF).digest("hex");
    expect(evidence).toMatchObject({ status: "confirmed", sha256, size: PDF.byteLength });
    expect(evidence?.key).toBe(`evidence/files/${periodId}/so-1/${pending.id}/${sha256}`);
    expect([...ports.evidenceFiles.objects.keys()]).toEqual([evidence?.key]);
    // Confirming again changes nothing.
    expect((await confirmEvidence(ports, editor, periodId, "so-1", pending.id)).evidence).toEqual(evidence);
    const download = await evidenceDownload(ports, by.reviewer(), periodId, "so-1", pending.id);
    expect(download.url).toContain(evidence?.key);
  });

  it("tells of a duplicate of a file the submission already holds", async () => {
    const { ports, periodId, editor, uploaded } = await world();
    const first = await uploaded();
    await confirmEvidence(ports, editor, periodId, "so-1", first.id);
    const second = await uploaded(["1.1"]);
    expect(await confirmEvidence(ports, editor, periodId, "so-1", second.id)).toMatchObject({
      duplicateOf: first.id,
    });
  });

  it("refuses a missing upload (422) and bytes that are not what was declared, removing them (422)", async () => {
    const { ports, periodId, editor, uploaded } = await world();
    const asked = await addEvidence(ports, editor, periodId, "so-1", fileRequest(["1.2"]));
    expect(
      await refusal(confirmEvidence(ports, editor, periodId, "so-1", asked.evidence?.id as string)),
    ).toBe("unprocessable/upload-missing");
    const html = new TextEncoder().encode("<html>".padEnd(PDF.byteLength, " "));
    const wrong = await uploaded(["1.2"], html);
    expect(await refusal(confirmEvidence(ports, editor, periodId, "so-1", wrong.id))).toBe(
      "unprocessable/upload-rejected",
    );
    expect(ports.evidenceFiles.objects.has(wrong.key as string)).toBe(false);
    expect(await refusal(evidenceDownload(ports, editor, periodId, "so-1", wrong.id))).toBe(
      "conflict/not-confirmed",
    );
    expect(await refusal(confirmEvidence(ports, editor, periodId, "so-1", "nope"))).toBe(
      "not-found/not-found",
    );
  });
});

describe("relinking and removing", () => {
  it("moves evidence to other leaves, and refuses leaves that do not take it", async () => {
    const { ports, periodId, editor, uploaded } = await world();
    const pending = await uploaded(["1.2"]);
    const { evidence } = await relinkEvidence(ports, editor, periodId, "so-1", pending.id, {
      indicatorCodes: ["1.1", "1.2"],
    });
    expect(evidence?.indicatorCodes).toEqual(["1.1", "1.2"]);
    expect(
      await refusal(relinkEvidence(ports, editor, periodId, "so-1", pending.id, { indicatorCodes: ["1.3"] })),
    ).toBe("unprocessable/invalid-indicators");
    expect(
      await refusal(relinkEvidence(ports, editor, periodId, "so-1", "nope", { indicatorCodes: ["1.1"] })),
    ).toBe("not-found/not-found");
  });

  it("removes the record and its file; a second remove is 404", async () => {
    const { ports, periodId, editor, uploaded } = await world();
    const pending = await uploaded();
    const { evidence } = await confirmEvidence(ports, editor, periodId, "so-1", pending.id);
    await removeEvidence(ports, editor, periodId, "so-1", pending.id);
    expect(ports.evidenceFiles.objects.has(evidence?.key as string)).toBe(false);
    expect((await getSubmission(ports, editor, periodId, "so-1")).evidence).toEqual([]);
    expect(await refusal(removeEvidence(ports, editor, periodId, "so-1", pending.id))).toBe(
      "not-found/not-found",
    );
    expect(ports.audit.actions(`submission#${periodId}#so-1`)).toEqual([
      "evidence.add",
      "evidence.confirm",
      "evidence.remove",
    ]);
  });
});
