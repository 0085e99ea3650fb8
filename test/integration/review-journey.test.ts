import { beforeAll, describe, expect, it } from "vitest";
import { saveDepartmentAnswers, uploadFile } from "../support/evidence-upload.ts";
import { createReviewer, moveTo, type Row } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  expectError,
  paths,
  readAll,
  setUpWorldClients,
  signedInAs,
  TINY_PNG,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";

/**
 * The reviewer's list after the close: whether each unit submitted (its state alone says
 * "locked"), filterable; the caller's appraisal progress per unit, within their scope; and evidence
 * served inline (PDF, images) for the panel, as an attachment otherwise.
 */
let world: World;
let admin: Api;
let reviewer: Api;

/** The department group's leaves (test/fixtures/integration-framework.json): 5 under "1", 4 under "2". */
const DEPARTMENT_LEAVES = 9;
const UNDER_ONE = 5;

const list = (client: Api, query = "") =>
  readAll<Row>(client, `${paths.submissions(world.periodId)}${query}`);
const byUnit = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.unitId, r]));

/** Unit a's editor uploads a file for leaf 1.1; returns the evidence id. */
const upload = async (fileName: string, contentType: string, bytes: Uint8Array): Promise<string> =>
  (await uploadFile(api(world.a.editor), world, ["1.1"], fileName, contentType, bytes)).id;

let pdfId: string;
let pngId: string;

beforeAll(async () => {
  ({ world, admin, reviewer } = await setUpWorldClients("review-journey"));
  await saveDepartmentAnswers(api(world.a.editor), world);
  pdfId = await upload("Kế hoạch.pdf", "application/pdf", tinyPdf("Ke hoach chuyen doi so"));
  pngId = await upload("Ảnh hiện trường.png", "image/png", TINY_PNG);
  expect((await api(world.a.approver).post(paths.submit(world.periodId, world.a.id))).status).toBe(200);
});

describe("the list of submissions for reviewers", () => {
  it("says who submitted while open, and filters by it; no progress before the close", async () => {
    const rows = byUnit(await list(reviewer));
    expect(rows[world.a.id]).toMatchObject({ state: "submitted", submitted: true, appraisal: null });
    expect(rows[world.b.id]).toMatchObject({ state: "draft", submitted: false, appraisal: null });
    expect((await list(reviewer, "?submitted=true")).map((r) => r.unitId)).toEqual([world.a.id]);
    expect((await list(reviewer, "?submitted=false")).map((r) => r.unitId).sort()).toEqual(
      [world.b.id, world.c.id].sort(),
    );
    const bad = await reviewer.get(`${paths.submissions(world.periodId)}?submitted=maybe`);
    expectError(bad, 400, "bad-filter");
    expect(bad.body.error.details).toEqual([{ path: "submitted", message: "true or false" }]);
  });

  it("after the close: every head locked, who submitted still told apart, progress per unit in scope", async () => {
    await moveTo(admin, world.periodId, "appraisal");
    const rows = await list(reviewer);
    expect(rows.map((r) => r.state)).toEqual(["locked", "locked", "locked"]);
    const units = byUnit(rows);
    // A closed period keeps when the unit submitted; it did not submit: nothing to appraise.
    expect(units[world.a.id]).toMatchObject({
      submitted: true,
      submittedAt: expect.any(String),
      appraisal: { done: 0, total: DEPARTMENT_LEAVES },
    });
    expect(units[world.b.id]).toMatchObject({ submitted: false, submittedAt: null, appraisal: null });
    expect(units[world.c.id]).toMatchObject({ submitted: false, appraisal: null });
    // The "submitted" filter finds the one that submitted, not the locked ones that did not.
    expect((await list(reviewer, "?submitted=true")).map((r) => r.unitId)).toEqual([world.a.id]);
    expect(await list(reviewer, "?state=locked&submitted=false")).toHaveLength(2);

    // Progress moves with each appraisal.
    for (const code of ["1.2", "2.1"]) {
      const put = await reviewer.put(paths.appraisal(world.periodId, world.a.id, code), { accept: true });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    expect(byUnit(await list(reviewer))[world.a.id]?.appraisal).toEqual({
      done: 2,
      total: DEPARTMENT_LEAVES,
    });
    expect(byUnit(await list(admin))[world.a.id]?.appraisal).toEqual({ done: 2, total: DEPARTMENT_LEAVES });
    // Pages read only their own units' appraisals and agree with the whole list.
    expect(await readAll(reviewer, paths.submissions(world.periodId), 1)).toEqual(await list(reviewer));
  });

  it("counts only the leaves a scoped reviewer appraises; none of a reviewer's own unit", async () => {
    const scoped = `${world.prefix}.scoped`;
    await createReviewer(admin, scoped, { scope: { nodes: ["1"] } });
    const own = `${world.prefix}.own`;
    await createReviewer(admin, own, { unitId: world.a.id });
    const inScope = byUnit(await list(await signedInAs(scoped)));
    // Of the two appraised leaves only 1.2 is under pillar 1.
    expect(inScope[world.a.id]?.appraisal).toEqual({ done: 1, total: UNDER_ONE });
    const ofOwn = byUnit(await list(await signedInAs(own)));
    expect(ofOwn[world.a.id]).toMatchObject({ submitted: true, appraisal: null });
  });
});

describe("evidence shown inline", () => {
  it("serves a PDF and an image inline when asked, framable by the app; attachment by default", async () => {
    for (const [id, type] of [
      [pdfId, "application/pdf"],
      [pngId, "image/png"],
    ] as const) {
      const inline = await reviewer.get(`${paths.download(world.periodId, world.a.id, id)}?inline=true`);
      expect(inline.status).toBe(200);
      const shown = await fetch(inline.body.url);
      expect(shown.status).toBe(200);
      expect(shown.headers.get("content-type")).toBe(type);
      expect(shown.headers.get("content-disposition")).toMatch(/^inline; filename="/);
      expect(shown.headers.get("content-security-policy")).toContain("frame-ancestors 'self'");
      expect(shown.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      await shown.body?.cancel();

      const saved = await fetch(
        (await reviewer.get(paths.download(world.periodId, world.a.id, id))).body.url,
      );
      expect(saved.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
      expect(saved.headers.get("x-frame-options")).toBe("DENY");
      await saved.body?.cancel();
    }
  });

  it("refuses an inline value other than true or false", async () => {
    const reply = await reviewer.get(`${paths.download(world.periodId, world.a.id, pdfId)}?inline=yes`);
    expectError(reply, 400);
    expect(reply.body.error.details).toEqual([{ path: "inline", message: "true or false" }]);
  });
});
