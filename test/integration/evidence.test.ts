import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_EVIDENCE_BYTES } from "../../shared/model/evidence.ts";
import { moveTo, sleep } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createClosingPeriod,
  evidenceBucket,
  expectError,
  expectInvalid,
  forge,
  paths,
  postUpload,
  readAll,
  setUpWorldClients,
  submissionEntity,
  TINY_PNG,
  tinyPdf,
  type World,
  waitForDeadline,
} from "../support/local-stack.ts";
import { expectUnchangedBy, readSubmission, submissionState } from "../support/world-state.ts";

/**
 * Evidence: a file goes by a presigned POST straight to the bucket (s3rver) and is confirmed by the
 * API, which checks the stored bytes; a link is confirmed at once. Relink, delete, download.
 */

let world: World;
let admin: Api;
let editorA: Api;

beforeAll(async () => {
  ({ world, admin, editorA } = await setUpWorldClients("evidence"));
});

const PDF_TYPE = "application/pdf";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
/** The one key a form is signed for, and the key confirm writes the checked bytes to. */
const uploadKey = (periodId: string, unitId: string, id: string) =>
  `evidence/uploads/${periodId}/${unitId}/${id}`;
const fileKey = (periodId: string, unitId: string, id: string, hash: string) =>
  `evidence/files/${periodId}/${unitId}/${id}/${hash}`;

const read = (periodId: string, unitId: string) => readSubmission(admin, periodId, unitId);

/** Runs refusals, then checks that the submission, the period and the audit trail are as before. */
const unchangedBy = (periodId: string, unitId: string, refusals: () => Promise<void>) =>
  expectUnchangedBy(() => submissionState(admin, periodId, unitId), refusals);

interface Asked {
  evidence: { id: string; status: string; [field: string]: unknown };
  /** The presigned form; its `key` field is where the upload lands (the answers carry no key). */
  upload: { url: string; fields: Record<string, string> & { key: string } };
}

/** Asks for an upload (201 expected) and, when given bytes, posts them to the bucket. */
async function askFile(
  client: Api,
  periodId: string,
  unitId: string,
  declared: { indicatorCodes: string[]; fileName: string; contentType: string; size: number },
  upload?: Uint8Array,
): Promise<Asked> {
  const reply = await client.post(paths.evidence(periodId, unitId), declared);
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  if (upload) {
    const stored = await postUpload(reply.body.upload, upload, declared.contentType, declared.fileName);
    expect(stored.ok, `${stored.status} ${await stored.clone().text()}`).toBe(true);
  }
  return reply.body;
}

const pdfDeclared = (pdf: Uint8Array, indicatorCodes = ["1.1", "1.2"]) => ({
  indicatorCodes,
  fileName: "Quyết định thành lập.pdf",
  contentType: PDF_TYPE,
  size: pdf.byteLength,
});

/**
 * Every evidence write of the unit is refused (409, `code`): a file or a link added, the pending
 * upload confirmed, the link relinked, the link and the pending upload deleted.
 */
async function expectEvidenceWritesRefused(
  editor: Api,
  periodId: string,
  unitId: string,
  held: { pending: { evidence: { id: string } }; link: { id: string }; pdf: Uint8Array },
  code: string,
) {
  const { pending, link, pdf } = held;
  const writes = [
    () => editor.post(paths.evidence(periodId, unitId), pdfDeclared(pdf, ["1.2"])),
    () =>
      editor.post(paths.evidence(periodId, unitId), {
        indicatorCodes: ["1.3"],
        url: "https://late.example.gov.vn",
      }),
    () => editor.post(paths.confirm(periodId, unitId, pending.evidence.id)),
    () => editor.patch(paths.evidence(periodId, unitId, link.id), { indicatorCodes: ["1.3", "2.3"] }),
    () => editor.delete(paths.evidence(periodId, unitId, link.id)),
    () => editor.delete(paths.evidence(periodId, unitId, pending.evidence.id)),
  ];
  for (const write of writes) expectError(await write(), 409, code);
}

describe("file evidence", () => {
  it("asks (201, pending, a presigned POST for that key), uploads, confirms (sha256, size, type), downloads", async () => {
    const { periodId } = world;
    const pdf = tinyPdf("Quyet dinh thanh lap To cong tac chuyen doi so");
    const before = await read(periodId, world.a.id);
    const reply = await editorA.post(paths.evidence(periodId, world.a.id), pdfDeclared(pdf));
    expect(reply.status).toBe(201);
    const { evidence, upload } = reply.body;
    expect(evidence).toMatchObject({
      id: expect.any(String),
      kind: "file",
      status: "pending",
      indicatorCodes: ["1.1", "1.2"],
      fileName: "Quyết định thành lập.pdf",
      contentType: PDF_TYPE,
      size: pdf.byteLength,
      createdBy: world.a.usernames.editor,
    });
    expect(upload.url).toMatch(/^http/);
    expect(upload.fields).toMatchObject({
      key: uploadKey(periodId, world.a.id, evidence.id),
      "Content-Type": PDF_TYPE,
    });
    // The storage key stays on the server: the form carries it.
    expect(evidence).not.toHaveProperty("key");
    const pending = await read(periodId, world.a.id);
    expect(pending.version).toBe(before.version + 1);
    expect(pending.evidence).toEqual([evidence]);

    // Not uploaded yet: confirm and download are refused, and nothing changes.
    await unchangedBy(periodId, world.a.id, async () => {
      expectError(
        await editorA.post(paths.confirm(periodId, world.a.id, evidence.id)),
        422,
        "upload-missing",
      );
      expectError(await editorA.get(paths.download(periodId, world.a.id, evidence.id)), 409, "not-confirmed");
    });

    const stored = await postUpload(upload, pdf, PDF_TYPE, "quyet-dinh.pdf");
    expect(stored.ok).toBe(true);
    expect(await evidenceBucket().exists(upload.fields.key)).toBe(true);

    const confirmed = await editorA.post(paths.confirm(periodId, world.a.id, evidence.id));
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.evidence).toEqual({
      ...evidence,
      status: "confirmed",
      sha256: sha256(pdf),
      size: pdf.byteLength,
      contentType: PDF_TYPE,
      confirmedAt: expect.any(String),
    });
    // The checked bytes now live under their own key; the upload is gone.
    expect(await evidenceBucket().exists(fileKey(periodId, world.a.id, evidence.id, sha256(pdf)))).toBe(true);
    expect(await evidenceBucket().exists(upload.fields.key)).toBe(false);
    const after = await read(periodId, world.a.id);
    expect(after.version).toBe(before.version + 2);
    expect(after.evidence).toEqual([confirmed.body.evidence]);

    // The confirmed file now backs 1.1 and 1.2: answered, they score in full.
    const saved = await editorA.patch(paths.answers(periodId, world.a.id), {
      answers: { "1.1": { value: true }, "1.2": { value: "head" } },
    });
    expect(saved.body.preview.leaves["1.1"]).toEqual({ score: 10, flags: [] });
    expect(saved.body.preview.leaves["1.2"]).toEqual({ score: 10, flags: [] });

    // Confirming again changes nothing.
    await unchangedBy(periodId, world.a.id, async () => {
      const again = await editorA.post(paths.confirm(periodId, world.a.id, evidence.id));
      expect(again.status).toBe(200);
      expect(again.body.evidence).toEqual(confirmed.body.evidence);
    });

    // The unit, reviewers and admins download it by a short-lived link; other units cannot.
    for (const token of [world.a.editor, world.a.approver, world.reviewer, world.admin]) {
      const link = await api(token).get(paths.download(periodId, world.a.id, evidence.id));
      expect(link.status).toBe(200);
      const file = await fetch(link.body.url);
      expect(file.status).toBe(200);
      expect(file.headers.get("content-type")).toBe(PDF_TYPE);
      expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdf);
    }
    for (const token of [world.b.editor, world.c.approver])
      expectError(await api(token).get(paths.download(periodId, world.a.id, evidence.id)), 404);
    expectError(await api().get(paths.download(periodId, world.a.id, evidence.id)), 401);
    expectError(await editorA.get(paths.download(periodId, world.a.id, "no-such-evidence")), 404);

    const audit = await readAll(admin, paths.audit(submissionEntity(periodId, world.a.id)));
    const confirmRecord = audit.find((r) => r.action === "evidence.confirm");
    expect(confirmRecord).toMatchObject({ before: evidence, after: confirmed.body.evidence });
    expect(audit.find((r) => r.action === "evidence.add")).toMatchObject({ after: evidence });
  });

  it("tells when the same bytes already back the submission (duplicateOf)", async () => {
    const pdf = tinyPdf("Ke hoach nam");
    const first = await askFile(editorA, world.periodId, world.a.id, pdfDeclared(pdf, ["1.1"]), pdf);
    const one = await editorA.post(paths.confirm(world.periodId, world.a.id, first.evidence.id));
    expect(one.status).toBe(200);
    const second = await askFile(editorA, world.periodId, world.a.id, pdfDeclared(pdf, ["1.2"]), pdf);
    const two = await editorA.post(paths.confirm(world.periodId, world.a.id, second.evidence.id));
    expect(two.status).toBe(200);
    expect(two.body.duplicateOf).toBe(first.evidence.id);
    expect(two.body.evidence.sha256).toBe(one.body.evidence.sha256);
  });

  it("refuses a file over the size limit (413) or of a refused type (415), and writes nothing", async () => {
    await unchangedBy(world.periodId, world.a.id, async () => {
      const path = paths.evidence(world.periodId, world.a.id);
      const declared = { indicatorCodes: ["1.1"], fileName: "scan.pdf", contentType: PDF_TYPE };
      const huge = await editorA.post(path, { ...declared, size: DEFAULT_MAX_EVIDENCE_BYTES + 1 });
      expect(expectError(huge, 413, "file-too-large").map((d) => d.path)).toContain("size");
      // Exactly the limit is fine in principle; here it only must not be refused as too large.
      for (const [fileName, contentType] of [
        ["notes.txt", "text/plain"],
        ["setup.exe", "application/x-msdownload"],
        ["page.html", "text/html"],
        ["scan.gif", "image/gif"],
      ]) {
        const refused = await editorA.post(path, { ...declared, fileName, contentType, size: 100 });
        expect(expectError(refused, 415, "type-not-allowed").map((d) => d.path)).toContain("contentType");
      }
      const mismatch = await editorA.post(path, { ...declared, fileName: "scan.exe", size: 100 });
      expect(expectError(mismatch, 415, "extension-mismatch").map((d) => d.path)).toContain("fileName");
    });
  });

  it("refuses indicators the file cannot back (422, path indicatorCodes.<i>) and bodies that break the schema", async () => {
    await unchangedBy(world.periodId, world.a.id, async () => {
      const path = paths.evidence(world.periodId, world.a.id);
      const file = { fileName: "a.pdf", contentType: PDF_TYPE, size: 100 };
      // 1.3 and 2.3 take links only.
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.3"] }), "indicatorCodes.0");
      expectInvalid(
        await editorA.post(path, { ...file, indicatorCodes: ["1.1", "2.3"] }),
        "indicatorCodes.1",
      );
      expectInvalid(
        await editorA.post(path, { ...file, indicatorCodes: ["1.1", "8.8"] }),
        "indicatorCodes.1",
      );
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["2"] }), "indicatorCodes.0");
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.1", "1.1"] }), "indicatorCodes");
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: [] }), "indicatorCodes");
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.1"], size: 0 }), "size");
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.1"], size: 1.5 }), "size");
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.1"], size: "100" }), "size");
      expectInvalid(
        await editorA.post(path, { indicatorCodes: ["1.1"], fileName: "a.pdf", contentType: PDF_TYPE }),
        "size",
      );
      expectInvalid(await editorA.post(path, { ...file, indicatorCodes: ["1.1"], sha256: "abc" }), "sha256");
      expectError(
        await editorA.post(path, undefined, { raw: '{"indicatorCodes": ["1.1"' }),
        400,
        "malformed-json",
      );
      expectError(await editorA.post(path), 400, "body-required");
    });
  });

  it("refuses reviewers and admins (403), other units (404), bad tokens (401)", async () => {
    const body = pdfDeclared(tinyPdf("x"));
    await unchangedBy(world.periodId, world.a.id, async () => {
      const path = paths.evidence(world.periodId, world.a.id);
      for (const token of [world.reviewer, world.admin]) expectError(await api(token).post(path, body), 403);
      for (const token of [world.b.editor, world.b.approver, world.c.editor])
        expectError(await api(token).post(path, body), 404, "not-found");
      expectError(await api().post(path, body), 401);
      expectError(await api(await forge(world.a.editor)).post(path, body), 401);
      expectError(await editorA.post(paths.evidence(`${world.prefix}-nope`, world.a.id), body), 404);
    });
  });
});

describe("confirm", () => {
  it("refuses bytes that are not what was declared (422) and removes them from the bucket", async () => {
    const { periodId } = world;
    const unit = world.b;
    const editor = api(unit.editor);
    const pdf = tinyPdf("Bao cao");
    const cases: { declared: Parameters<typeof askFile>[3]; bytes: Uint8Array; direct?: true }[] = [
      // A PNG posing as a PDF of the right size.
      { declared: { ...pdfDeclared(TINY_PNG), fileName: "bao-cao.pdf" }, bytes: TINY_PNG },
      // A real PDF, declared as a PDF, of another size than declared. The form's size range refuses
      // such an upload (as S3 does), so it is written to the bucket directly: confirm checks anyway.
      { declared: { ...pdfDeclared(pdf), size: pdf.byteLength + 7 }, bytes: pdf, direct: true },
      // A real PDF declared as a PNG.
      {
        declared: {
          indicatorCodes: ["1.2"],
          fileName: "anh.png",
          contentType: "image/png",
          size: pdf.byteLength,
        },
        bytes: pdf,
      },
      // Plain text declared as a DOCX.
      {
        declared: {
          indicatorCodes: ["1.1"],
          fileName: "ke-hoach.docx",
          contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          size: 11,
        },
        bytes: new TextEncoder().encode("hello world"),
      },
    ];
    for (const { declared, bytes, direct } of cases) {
      const asked = await askFile(editor, periodId, unit.id, declared, direct ? undefined : bytes);
      if (direct) await evidenceBucket().put(asked.upload.fields.key, bytes, declared.contentType);
      expect(await evidenceBucket().exists(asked.upload.fields.key)).toBe(true);
      await unchangedBy(periodId, unit.id, async () => {
        const reply = await editor.post(paths.confirm(periodId, unit.id, asked.evidence.id));
        expect(expectError(reply, 422, "upload-rejected").map((d) => d.path)).toContain("file");
      });
      expect(await evidenceBucket().exists(asked.upload.fields.key), JSON.stringify(declared)).toBe(false);
      const still = (await read(periodId, unit.id)).evidence.find(
        (e: { id: string }) => e.id === asked.evidence.id,
      );
      expect(still.status).toBe("pending");
    }
  });

  it("refuses reviewers (403), other units (404), unknown evidence (404), bad tokens (401)", async () => {
    const { periodId } = world;
    const pdf = tinyPdf("Uploaded, not confirmed");
    const asked = await askFile(editorA, periodId, world.a.id, pdfDeclared(pdf, ["1.2"]), pdf);
    const path = paths.confirm(periodId, world.a.id, asked.evidence.id);
    await unchangedBy(periodId, world.a.id, async () => {
      for (const token of [world.reviewer, world.admin]) expectError(await api(token).post(path), 403);
      for (const token of [world.b.editor, world.c.approver]) expectError(await api(token).post(path), 404);
      expectError(await api().post(path), 401);
      expectError(await api(await forge(world.a.editor)).post(path), 401);
      expectError(await editorA.post(paths.confirm(periodId, world.a.id, "no-such-evidence")), 404);
    });
    expect(await evidenceBucket().exists(asked.upload.fields.key)).toBe(true);
    // The approver may confirm what the editor uploaded.
    const confirmed = await api(world.a.approver).post(path);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.evidence.status).toBe("confirmed");
  });
});

describe("link evidence", () => {
  it("is confirmed at once (201) for leaves that take links; its download is the link", async () => {
    const { periodId } = world;
    const before = await read(periodId, world.a.id);
    const reply = await editorA.post(paths.evidence(periodId, world.a.id), {
      indicatorCodes: ["1.3", "2.3", "1.1"],
      url: "https://vanban.example.gov.vn/thong-ke?nam=2022",
      title: "Thống kê văn bản ký số",
    });
    expect(reply.status).toBe(201);
    expect(reply.body).not.toHaveProperty("upload");
    expect(reply.body.evidence).toMatchObject({
      id: expect.any(String),
      kind: "url",
      status: "confirmed",
      indicatorCodes: ["1.3", "2.3", "1.1"],
      url: "https://vanban.example.gov.vn/thong-ke?nam=2022",
      title: "Thống kê văn bản ký số",
      confirmedAt: expect.any(String),
    });
    const after = await read(periodId, world.a.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.evidence).toContainEqual(reply.body.evidence);
    const saved = await editorA.patch(paths.answers(periodId, world.a.id), {
      answers: { "1.3": { value: { numerator: 4, denominator: 4 } } },
    });
    expect(saved.body.preview.leaves["1.3"]).toEqual({ score: 10, flags: [] });
    const link = await api(world.reviewer).get(paths.download(periodId, world.a.id, reply.body.evidence.id));
    expect(link.body).toEqual({ url: "https://vanban.example.gov.vn/thong-ke?nam=2022" });
  });

  it("refuses links for file-only leaves, bad URLs and unknown fields (422 with the path)", async () => {
    await unchangedBy(world.periodId, world.a.id, async () => {
      const path = paths.evidence(world.periodId, world.a.id);
      const link = { url: "https://example.gov.vn/qd", title: "QĐ" };
      expectInvalid(await editorA.post(path, { ...link, indicatorCodes: ["1.2"] }), "indicatorCodes.0");
      expectInvalid(
        await editorA.post(path, { ...link, indicatorCodes: ["1.1", "1.2"] }),
        "indicatorCodes.1",
      );
      expectInvalid(
        await editorA.post(path, { ...link, indicatorCodes: ["1.1"], url: "ftp://example.gov.vn/qd" }),
        "url",
      );
      expectInvalid(await editorA.post(path, { ...link, indicatorCodes: ["1.1"], url: "not a url" }), "url");
      expectInvalid(await editorA.post(path, { ...link, indicatorCodes: ["1.1"], title: "" }), "title");
    });
  });
});

describe("relink and delete", () => {
  let file: Asked;
  let link: { id: string };
  const pdf = tinyPdf("Relink and delete");

  beforeAll(async () => {
    file = await askFile(api(world.c.editor), world.periodId, world.c.id, pdfDeclared(pdf, ["1.1"]), pdf);
    const reply = await api(world.c.editor).post(paths.evidence(world.periodId, world.c.id), {
      indicatorCodes: ["1.1"],
      url: "https://xa-c.example.gov.vn",
    });
    link = reply.body.evidence;
  });

  it("relinks (200) to other leaves of the unit's index set", async () => {
    const editor = api(world.c.editor);
    const before = await read(world.periodId, world.c.id);
    const reply = await editor.patch(paths.evidence(world.periodId, world.c.id, file.evidence.id), {
      indicatorCodes: ["1.1", "1.2"],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.evidence).toEqual({ ...file.evidence, indicatorCodes: ["1.1", "1.2"] });
    const after = await read(world.periodId, world.c.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.evidence.find((e: { id: string }) => e.id === file.evidence.id).indicatorCodes).toEqual([
      "1.1",
      "1.2",
    ]);
  });

  it("refuses bad relinks (422, 400, 403, 404, 401) and changes nothing", async () => {
    const path = paths.evidence(world.periodId, world.c.id, file.evidence.id);
    const editor = api(world.c.editor);
    await unchangedBy(world.periodId, world.c.id, async () => {
      // Department codes do not exist for a commune.
      expectInvalid(await editor.patch(path, { indicatorCodes: ["2.1"] }), "indicatorCodes.0");
      expectInvalid(await editor.patch(path, { indicatorCodes: [] }), "indicatorCodes");
      expectInvalid(await editor.patch(path, {}), "indicatorCodes");
      expectInvalid(await editor.patch(path, { indicatorCodes: ["1.1"], url: "https://x.example" }), "url");
      expectError(await editor.patch(path, undefined, { raw: "[" }), 400, "malformed-json");
      for (const token of [world.reviewer, world.admin])
        expectError(await api(token).patch(path, { indicatorCodes: ["1.2"] }), 403);
      for (const token of [world.a.editor, world.b.approver])
        expectError(await api(token).patch(path, { indicatorCodes: ["1.2"] }), 404);
      expectError(await api().patch(path, { indicatorCodes: ["1.2"] }), 401);
      expectError(
        await editor.patch(paths.evidence(world.periodId, world.c.id, "no-such-evidence"), {
          indicatorCodes: ["1.2"],
        }),
        404,
      );
    });
    // A link may not be moved onto a leaf that takes files only.
    const a = await editorA.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.1"],
      url: "https://example.gov.vn/a",
    });
    // Nor a file onto a leaf that takes links only.
    const pdf = tinyPdf("Not uploaded");
    const asked = await askFile(editorA, world.periodId, world.a.id, pdfDeclared(pdf, ["1.1"]));
    await unchangedBy(world.periodId, world.a.id, async () => {
      const moved = await editorA.patch(paths.evidence(world.periodId, world.a.id, a.body.evidence.id), {
        indicatorCodes: ["1.2"],
      });
      expectInvalid(moved, "indicatorCodes.0");
      const file = await editorA.patch(paths.evidence(world.periodId, world.a.id, asked.evidence.id), {
        indicatorCodes: ["1.1", "1.3"],
      });
      expectInvalid(file, "indicatorCodes.1");
    });
  });

  it("refuses deletes by others (403, 404, 401): the evidence and its object stay", async () => {
    const path = paths.evidence(world.periodId, world.c.id, file.evidence.id);
    await unchangedBy(world.periodId, world.c.id, async () => {
      for (const token of [world.reviewer, world.admin]) expectError(await api(token).delete(path), 403);
      for (const token of [world.a.editor, world.b.approver]) expectError(await api(token).delete(path), 404);
      expectError(await api().delete(path), 401);
      expectError(await api(await forge(world.c.editor)).delete(path), 401);
    });
    expect(await evidenceBucket().exists(file.upload.fields.key)).toBe(true);
  });

  it("deletes (204): gone from the submission and from the bucket; a second delete is 404", async () => {
    const editor = api(world.c.approver);
    const before = await read(world.periodId, world.c.id);
    const path = paths.evidence(world.periodId, world.c.id, file.evidence.id);
    const reply = await editor.delete(path);
    expect(reply.status).toBe(204);
    expect(reply.body).toBeUndefined();
    const after = await read(world.periodId, world.c.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.evidence.map((e: { id: string }) => e.id)).toEqual([link.id]);
    expect(await evidenceBucket().exists(file.upload.fields.key)).toBe(false);
    await unchangedBy(world.periodId, world.c.id, async () => {
      expectError(await editor.delete(path), 404);
      expectError(await editor.get(paths.download(world.periodId, world.c.id, file.evidence.id)), 404);
    });
    const removed = await api(world.c.editor).delete(paths.evidence(world.periodId, world.c.id, link.id));
    expect(removed.status).toBe(204);
    expect((await read(world.periodId, world.c.id)).evidence).toEqual([]);
    const audit = await readAll(admin, paths.audit(submissionEntity(world.periodId, world.c.id)));
    expect(audit[0]).toMatchObject({ action: "evidence.remove", before: { id: link.id } });
    expect(audit[0]).not.toHaveProperty("after");
  });
});

describe("evidence of a submitted unit, and after the deadline", () => {
  it("a submitted unit cannot add, confirm, relink or delete evidence (409) until it withdraws", async () => {
    const { periodId } = world;
    const unit = world.b;
    const editor = api(unit.editor);
    const approver = api(unit.approver);
    const pdf = tinyPdf("Submitted unit");
    const pending = await askFile(editor, periodId, unit.id, pdfDeclared(pdf, ["1.1"]), pdf);
    const link = (
      await editor.post(paths.evidence(periodId, unit.id), {
        indicatorCodes: ["1.1"],
        url: "https://b.example.gov.vn",
      })
    ).body.evidence;
    expect((await approver.post(paths.submit(periodId, unit.id))).status).toBe(200);
    await unchangedBy(periodId, unit.id, async () => {
      await expectEvidenceWritesRefused(editor, periodId, unit.id, { pending, link, pdf }, "not-a-draft");
    });
    expect(await evidenceBucket().exists(pending.upload.fields.key)).toBe(true);
    expect((await approver.post(paths.withdraw(periodId, unit.id))).status).toBe(200);
    expect((await editor.post(paths.confirm(periodId, unit.id, pending.evidence.id))).status).toBe(200);
  });

  it("after closesAt, evidence writes are refused (409) though the period is still open; reads go on", async () => {
    const { id: periodId, closesAtMs } = await createClosingPeriod(world, "evidence-deadline", 3);
    const unit = world.a;
    // Before the deadline: an upload asked for and made (not confirmed), and a link.
    const pdf = tinyPdf("Late");
    const pending = await askFile(editorA, periodId, unit.id, pdfDeclared(pdf, ["1.1"]), pdf);
    const added = await editorA.post(paths.evidence(periodId, unit.id), {
      indicatorCodes: ["1.3"],
      url: "https://a.example.gov.vn",
    });
    expect(added.status).toBe(201);
    const link = added.body.evidence;
    expect(Date.now(), "the writes before the deadline took too long").toBeLessThan(closesAtMs);
    await waitForDeadline(closesAtMs);
    await unchangedBy(periodId, unit.id, async () => {
      await expectEvidenceWritesRefused(
        editorA,
        periodId,
        unit.id,
        { pending, link, pdf },
        "deadline-passed",
      );
      const read = await api(world.reviewer).get(paths.download(periodId, unit.id, link.id));
      expect(read.body).toEqual({ url: "https://a.example.gov.vn" });
    });
    expect(await evidenceBucket().exists(pending.upload.fields.key)).toBe(true);
    expect((await admin.get(paths.period(periodId))).body.state).toBe("open");
  });
});

describe("confirmed evidence is immutable", () => {
  // Two valid PDFs of the same size: a form posted again with the other passes every storage check.
  const pair = (label: string) => {
    const original = tinyPdf(`${label} original`);
    const replaced = tinyPdf(`${label} replaced`);
    expect(replaced.byteLength).toBe(original.byteLength);
    expect(replaced).not.toEqual(original);
    return { original, replaced };
  };

  const recordOf = async (periodId: string, unitId: string, id: string) =>
    (await read(periodId, unitId)).evidence.find((e: { id: string }) => e.id === id);

  /** What a reviewer downloads. */
  async function downloaded(periodId: string, unitId: string, id: string): Promise<Uint8Array> {
    const link = await api(world.reviewer).get(paths.download(periodId, unitId, id));
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    return new Uint8Array(await file.arrayBuffer());
  }

  it("signs a form for 5 minutes, for the upload key, the declared type and size only", async () => {
    const pdf = tinyPdf("Form expiry");
    const sent = Date.now();
    const asked = await askFile(editorA, world.periodId, world.a.id, pdfDeclared(pdf, ["1.1"]));
    const answered = Date.now();
    expect(asked.upload.fields.key).toBe(uploadKey(world.periodId, world.a.id, asked.evidence.id));
    const policy = JSON.parse(Buffer.from(asked.upload.fields.Policy as string, "base64").toString("utf8"));
    const expires = Date.parse(policy.expiration);
    // ISO seconds may be cut: a second of slack either side.
    expect(expires).toBeGreaterThanOrEqual(sent + 5 * 60_000 - 1_000);
    expect(expires).toBeLessThanOrEqual(answered + 5 * 60_000 + 1_000);
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ["eq", "$key", asked.upload.fields.key],
        ["eq", "$Content-Type", PDF_TYPE],
        ["content-length-range", pdf.byteLength, pdf.byteLength],
      ]),
    );
  });

  it("posting the form again after confirm changes neither the download nor the recorded sha256", async () => {
    const { periodId } = world;
    const unitId = world.a.id;
    const { original, replaced } = pair("Immutable");
    const asked = await askFile(editorA, periodId, unitId, pdfDeclared(original, ["1.1"]), original);
    const confirmed = await editorA.post(paths.confirm(periodId, unitId, asked.evidence.id));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.evidence.sha256).toBe(sha256(original));

    // The form is still valid and storage takes the other bytes, but only at the upload key.
    const again = await postUpload(asked.upload, replaced, PDF_TYPE, "thay-the.pdf");
    expect(again.ok, `${again.status} ${await again.clone().text()}`).toBe(true);
    expect(await evidenceBucket().exists(asked.upload.fields.key)).toBe(true);

    const bytes = await downloaded(periodId, unitId, asked.evidence.id);
    expect(bytes).toEqual(original);
    expect(sha256(bytes)).toBe(confirmed.body.evidence.sha256);
    expect(await recordOf(periodId, unitId, asked.evidence.id)).toEqual(confirmed.body.evidence);
    // Confirming again does not pick up the new upload.
    await unchangedBy(periodId, unitId, async () => {
      const repeat = await editorA.post(paths.confirm(periodId, unitId, asked.evidence.id));
      expect(repeat.status).toBe(200);
      expect(repeat.body.evidence).toEqual(confirmed.body.evidence);
    });
    expect(await downloaded(periodId, unitId, asked.evidence.id)).toEqual(original);
  });

  it("keeps the confirmed bytes when the form is posted again after the deadline and after the close", async () => {
    const { id: periodId, closesAtMs } = await createClosingPeriod(world, "evidence-immutable", 3);
    const unitId = world.a.id;
    const { original, replaced } = pair("Closed");
    const asked = await askFile(editorA, periodId, unitId, pdfDeclared(original, ["1.1"]), original);
    const confirmed = await editorA.post(paths.confirm(periodId, unitId, asked.evidence.id));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(Date.now(), "the writes before the deadline took too long").toBeLessThan(closesAtMs);

    await waitForDeadline(closesAtMs);
    expect((await postUpload(asked.upload, replaced, PDF_TYPE, "tre-han.pdf")).ok).toBe(true);
    expect(await downloaded(periodId, unitId, asked.evidence.id)).toEqual(original);

    // Closed now by the organiser (the same close job as the schedule's, which would come
    // CLOSE_LAG_MS after the deadline and then finds it closed: lifecycle.test.ts waits for that one).
    expect((await moveTo(admin, periodId, "appraisal")).state).toBe("appraisal");
    const late = tinyPdf("Closed replace2");
    expect(late.byteLength).toBe(original.byteLength);
    expect((await postUpload(asked.upload, late, PDF_TYPE, "sau-khi-dong.pdf")).ok).toBe(true);
    const bytes = await downloaded(periodId, unitId, asked.evidence.id);
    expect(bytes).toEqual(original);
    expect(sha256(bytes)).toBe(confirmed.body.evidence.sha256);
    expect((await recordOf(periodId, unitId, asked.evidence.id)).sha256).toBe(sha256(original));
  }, 90_000);

  it("a confirm racing a second post of the form never records a sha256 the download does not match", async () => {
    const { periodId } = world;
    const unit = world.b;
    const editor = api(unit.editor);
    let confirmedRounds = 0;
    for (let round = 0; round < 20; round++) {
      const { original, replaced } = pair(`Race ${String(round).padStart(2, "0")}`);
      const asked = await askFile(editor, periodId, unit.id, pdfDeclared(original, ["1.1"]), original);
      // The second post starts a little later each round, so that it lands before, during and after
      // confirm's read of the upload.
      const [confirm, reposted] = await Promise.all([
        editor.post(paths.confirm(periodId, unit.id, asked.evidence.id)),
        sleep(round * 8).then(() => postUpload(asked.upload, replaced, PDF_TYPE, "dua.pdf")),
      ]);
      expect(reposted.ok).toBe(true);
      // Storage may hand confirm a half-written object: then it is refused, never recorded.
      if (confirm.status !== 200) expectError(confirm, 422);
      const record = await recordOf(periodId, unit.id, asked.evidence.id);
      if (record.status !== "confirmed") continue;
      confirmedRounds++;
      expect([sha256(original), sha256(replaced)]).toContain(record.sha256);
      const bytes = await downloaded(periodId, unit.id, asked.evidence.id);
      expect(sha256(bytes), `round ${round}`).toBe(record.sha256);
      // The record's file is the one stored under its own hash (the key itself stays on the server).
      expect(record).not.toHaveProperty("key");
      expect(
        await evidenceBucket().exists(fileKey(periodId, unit.id, asked.evidence.id, record.sha256)),
      ).toBe(true);
    }
    expect(confirmedRounds).toBeGreaterThan(0);
  }, 90_000);

  it("removing confirmed evidence deletes its file from the bucket", async () => {
    const { periodId } = world;
    const unitId = world.a.id;
    const pdf = tinyPdf("Removed after confirm");
    const asked = await askFile(editorA, periodId, unitId, pdfDeclared(pdf, ["1.1"]), pdf);
    const confirmed = await editorA.post(paths.confirm(periodId, unitId, asked.evidence.id));
    expect(confirmed.status).toBe(200);
    const key = fileKey(periodId, unitId, asked.evidence.id, confirmed.body.evidence.sha256);
    expect(confirmed.body.evidence).not.toHaveProperty("key");
    expect(key).toBe(fileKey(periodId, unitId, asked.evidence.id, sha256(pdf)));
    expect(await evidenceBucket().exists(key)).toBe(true);
    const removed = await editorA.delete(paths.evidence(periodId, unitId, asked.evidence.id));
    expect(removed.status).toBe(204);
    expect(await evidenceBucket().exists(key)).toBe(false);
    expect(await evidenceBucket().exists(asked.upload.fields.key)).toBe(false);
  });
});
