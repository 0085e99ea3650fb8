import { beforeAll, describe, expect, it } from "vitest";
import { saveDepartmentAnswers, type UploadTarget, uploadFile } from "../support/evidence-upload.ts";
import { lifecyclePaths as lp, moveTo, type Row } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  expectError,
  expectStatus,
  paths,
  postUpload,
  readAll,
  setUpWorldClients,
  submissionEntity,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";

/**
 * The unit's journey, over HTTP on the shared local stack: the points waiting for evidence, the
 * submission history (submit → withdraw → resubmit, who and when), HEIC photos, and new evidence in
 * the explanation round that backs a contest and never the self-assessment score (DOMAIN.md §6.5).
 */

let world: World;
let admin: Api;
let reviewer: Api;
let editor: Api;
let approver: Api;
/** Unit a's submission, where the files go. */
let unitA: UploadTarget;

const HOUR = 3_600_000;

beforeAll(async () => {
  ({
    world,
    admin,
    reviewer,
    editorA: editor,
    approverA: approver,
  } = await setUpWorldClients("unit-journey"));
  unitA = { periodId: world.periodId, unitId: world.a.id };
  await saveDepartmentAnswers(editor, world);
});

const own = async () => {
  const reply = await editor.get(paths.submission(world.periodId, world.a.id));
  expect(reply.status).toBe(200);
  return reply.body as Row;
};

/** A minimal HEIF file: its ftyp box with the given major brand ("heic" sniffs as image/heic, "mif1" as image/heif). */
const heif = (brand: string) => {
  const bytes = new Uint8Array(64);
  bytes.set(Buffer.from(`\0\0\0\x18ftyp${brand}\0\0\0\0mif1heic`, "latin1"));
  return bytes;
};

describe("points waiting for evidence", () => {
  it("gives each missing-evidence leaf the score it will have once proven, and the form's total what waits", async () => {
    const before = await own();
    const leaves = before.preview.leaves;
    // 1.1 yes (10), 1.2 deputy (½ of 10), 1.3 3/4 (of 10): all three require evidence and have none.
    expect(leaves["1.1"]).toEqual({ score: 0, flags: ["missing-evidence"], withEvidence: 10 });
    expect(leaves["1.2"]).toMatchObject({ score: 0, withEvidence: 5 });
    expect(leaves["1.3"]).toMatchObject({ score: 0, withEvidence: 7.5 });
    expect(leaves["1.4"]).not.toHaveProperty("withEvidence");
    expect(before.preview.pendingPoints).toBe(22.5);

    const link = await editor.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.1"],
      url: "https://tinhuy.example.gov.vn/ke-hoach",
    });
    expect(link.status).toBe(201);
    const after = await own();
    expect(after.preview.leaves["1.1"]).toEqual({ score: 10, flags: [] });
    expect(after.preview.pendingPoints).toBe(12.5);
    expect(after.preview.points).toBe(before.preview.points + 10);
  });
});

describe("HEIC photos", () => {
  it("accepts .heic/.heif declared as image/heic or image/heif, whichever HEIF brand the bytes carry", async () => {
    const heic = await uploadFile(editor, unitA, ["1.2"], "Ảnh quyết định.HEIC", "image/heic", heif("heic"));
    expect(heic).toMatchObject({ status: "confirmed", contentType: "image/heic", size: 64 });
    // An iPhone ".heic" whose major brand is mif1 sniffs as image/heif: the same format.
    const mif1 = await uploadFile(editor, unitA, ["1.2"], "IMG_0001.heic", "image/heic", heif("mif1"));
    expect(mif1.status).toBe("confirmed");
    const heifFile = await uploadFile(editor, unitA, ["1.2"], "IMG_0002.heif", "image/heif", heif("mif1"));
    expect(heifFile.status).toBe("confirmed");
    for (const id of [heic.id, mif1.id, heifFile.id])
      expect((await editor.delete(paths.evidence(world.periodId, world.a.id, id))).status).toBe(204);
  });

  it("refuses a HEIC name with another type, and bytes that are not HEIF; nothing is kept", async () => {
    const wrongName = await editor.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.2"],
      fileName: "anh.heic",
      contentType: "image/jpeg",
      size: 64,
    });
    expect(expectError(wrongName, 415, "extension-mismatch").map((d) => d.path)).toEqual(["fileName"]);
    const asked = await editor.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.2"],
      fileName: "gia.heic",
      contentType: "image/heic",
      size: tinyPdf("Quyet dinh bo sung").byteLength,
    });
    expect(asked.status).toBe(201);
    await postUpload(asked.body.upload, tinyPdf("Quyet dinh bo sung"), "image/heic", "gia.heic");
    const refused = await editor.post(paths.confirm(world.periodId, world.a.id, asked.body.evidence.id));
    expect(expectError(refused, 422, "upload-rejected").map((d) => d.path)).toEqual(["file"]);
    expect((await own()).evidence.find((e: Row) => e.id === asked.body.evidence.id)?.status).toBe("pending");
    await editor.delete(paths.evidence(world.periodId, world.a.id, asked.body.evidence.id));
  });
});

describe("the submission history", () => {
  it("keeps submit → withdraw → resubmit with who and when, as the audit log does", async () => {
    expect((await own()).history).toEqual([]);
    for (const move of ["submit", "withdraw", "submit"] as const) {
      const version = (await own()).version;
      const path =
        move === "submit"
          ? paths.submit(world.periodId, world.a.id)
          : paths.withdraw(world.periodId, world.a.id);
      const reply = await approver.post(path, {}, { headers: { "if-match": `"${version}"` } });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    const body = await own();
    expect(body.history.map((e: Row) => [e.action, e.by])).toEqual([
      ["submit", world.a.usernames.approver],
      ["withdraw", world.a.usernames.approver],
      ["submit", world.a.usernames.approver],
    ]);
    const times = body.history.map((e: Row) => Date.parse(e.at));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(body.submittedAt).toBe(body.history[2].at);

    const audit = await readAll<Row>(admin, paths.audit(submissionEntity(world.periodId, world.a.id)));
    const moves = audit
      .filter((r) => r.action.startsWith("submission."))
      .map((r) => r.action)
      .reverse();
    expect(moves).toEqual(["submission.submit", "submission.withdraw", "submission.submit"]);
  });

  it("refuses a withdraw by an editor (403) and a second withdraw (409); the history is unchanged", async () => {
    const before = (await own()).history;
    expectError(await editor.post(paths.withdraw(world.periodId, world.a.id)), 403);
    expectStatus(await approver.post(paths.withdraw(world.periodId, world.a.id)), 200);
    expectError(await approver.post(paths.withdraw(world.periodId, world.a.id)), 409, "not-submitted");
    expectStatus(await approver.post(paths.submit(world.periodId, world.a.id)), 200);
    const after = (await own()).history;
    // The refused calls add nothing: the withdraw and the resubmit are the only new entries.
    expect(after).toHaveLength(before.length + 2);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map((e: Row) => e.action).slice(-2)).toEqual(["withdraw", "submit"]);
  });
});

describe("new evidence in the explanation round", () => {
  let selfPoints: number;
  let oldEvidenceId: string;
  let listPoints: number;

  beforeAll(async () => {
    const body = await own();
    selfPoints = body.preview.points;
    oldEvidenceId = (body.evidence as Row[]).find((e) => e.kind === "url")?.id;
    await moveTo(admin, world.periodId, "appraisal");
    const period = (await admin.get(paths.period(world.periodId))).body;
    const explanationClosesAt = new Date(Date.parse(period.closesAt) + 48 * HOUR).toISOString();
    expect((await admin.patch(paths.period(world.periodId), { explanationClosesAt })).status).toBe(200);
    // Still appraisal: no evidence lands.
    expectError(
      await editor.post(paths.evidence(world.periodId, world.a.id), {
        indicatorCodes: ["1.3"],
        url: "https://early.example.gov.vn",
      }),
      409,
    );
    await moveTo(admin, world.periodId, "explanation");
    listPoints = await rowPoints();
  });

  /** The unit's points in the period's list of submissions (the provisional result after the close). */
  const rowPoints = async () =>
    (await readAll<Row>(admin, paths.submissions(world.periodId))).find((r) => r.unitId === world.a.id)
      ?.points;

  it("takes a file and a link for the contest, marked round explanation; the self-score does not move", async () => {
    const pdf = tinyPdf("Quyet dinh bo sung");
    const file = await uploadFile(approver, unitA, ["1.2"], "Quyết định bổ sung.pdf", "application/pdf", pdf);
    expect(file).toMatchObject({ status: "confirmed", round: "explanation", indicatorCodes: ["1.2"] });
    const link = await editor.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.3"],
      url: "https://thongke.example.gov.vn/van-ban",
    });
    expect(link.status).toBe(201);
    expect(link.body.evidence).toMatchObject({ round: "explanation", status: "confirmed" });

    const body = await own();
    expect(body.state).toBe("locked");
    expect(body.preview.points).toBe(selfPoints);
    expect(body.preview.leaves["1.2"]).toMatchObject({ score: 0, flags: ["missing-evidence"] });
    expect(await rowPoints()).toBe(listPoints);
    // The ledger: the self and the (not yet decided) final value stay unproven.
    const results = await readAll<Row>(admin, lp.results(world.periodId));
    const ledger = results.find((r) => r.unitId === world.a.id)?.leaves.find((l: Row) => l.code === "1.2");
    expect(ledger.self).toMatchObject({ score: 0, flags: ["missing-evidence"] });
    expect(ledger.final).toMatchObject({ score: 0 });

    const contested = await approver.post(lp.contest(world.periodId, world.a.id, "1.2"), {
      explanation: "Quyết định bổ sung kèm theo",
      evidenceIds: [file.id],
    });
    expect(contested.status, JSON.stringify(contested.body)).toBe(201);
    expect(contested.body.evidenceIds).toEqual([file.id]);
    // The reviewer decides: only a decision changes the score.
    const decided = await reviewer.put(lp.contest(world.periodId, world.a.id, "1.2"), {
      outcome: "changed",
      value: "deputy",
      reason: "Đã xem quyết định bổ sung",
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const after = await readAll<Row>(admin, lp.results(world.periodId));
    const decidedLeaf = after.find((r) => r.unitId === world.a.id)?.leaves.find((l: Row) => l.code === "1.2");
    expect(decidedLeaf.final.score).toBe(5);
    expect(decidedLeaf.self.score).toBe(0);
  });

  it("lets the unit remove its own contest evidence but never change the self-assessment's (409)", async () => {
    const extra = await editor.post(paths.evidence(world.periodId, world.a.id), {
      indicatorCodes: ["1.1"],
      url: "https://them.example.gov.vn",
    });
    expect(extra.status).toBe(201);
    expect(
      (await editor.delete(paths.evidence(world.periodId, world.a.id, extra.body.evidence.id))).status,
    ).toBe(204);
    const before = await own();
    expectError(
      await editor.delete(paths.evidence(world.periodId, world.a.id, oldEvidenceId)),
      409,
      "evidence-locked",
    );
    expectError(
      await editor.patch(paths.evidence(world.periodId, world.a.id, oldEvidenceId), {
        indicatorCodes: ["1.3"],
      }),
      409,
      "evidence-locked",
    );
    const after = await own();
    expect(after.version).toBe(before.version);
    expect(after.evidence).toEqual(before.evidence);
  });

  it("refuses another unit (404), a reviewer (403) and an answer save (409) in the round", async () => {
    const link = { indicatorCodes: ["1.3"], url: "https://khac.example.gov.vn" };
    expectError(await api(world.b.editor).post(paths.evidence(world.periodId, world.a.id), link), 404);
    expectError(await reviewer.post(paths.evidence(world.periodId, world.a.id), link), 403);
    expectError(
      await editor.patch(paths.answers(world.periodId, world.a.id), { answers: { "1.4": { value: 4 } } }),
      409,
    );
    expectError(
      await editor.post(paths.evidence(world.periodId, world.a.id), {
        indicatorCodes: ["9.9"],
        url: "https://x.vn",
      }),
      422,
      "invalid-indicators",
    );
  });
});
