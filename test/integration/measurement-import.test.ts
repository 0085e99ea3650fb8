import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { pathFor } from "../../shared/api/paths.ts";
import {
  type Api,
  api,
  createPeriod,
  expectError,
  openPeriod,
  paths,
  setUpWorld,
  uniqueId,
  type World,
} from "../support/local-stack.ts";
import { measuredFrameworkBody } from "../support/measured.ts";

/** The organiser's import of measured values through the local gateway: roles, refusals, idempotence. */

let world: World;
let admin: Api;
let periodId: string;
let vbdh: string;
let outsider: string;

const imports = (id: string) => pathFor("POST /api/periods/{periodId}/measurement-imports", { periodId: id });

beforeAll(async () => {
  world = await setUpWorld("mimport");
  admin = api(world.admin);
  const ids = { vbdh: uniqueId("vbdh"), dvc: uniqueId("dvc") };
  vbdh = ids.vbdh;
  const frameworkId = `${world.prefix}-fwi`;
  const imported = await admin.post(paths.frameworks, measuredFrameworkBody(frameworkId, ids));
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  expect((await admin.post("/api/sources", { id: vbdh, name: "Hệ thống quản lý văn bản" })).status).toBe(201);
  outsider = `${world.prefix.replace(/-/g, "").toUpperCase()}OUT`.slice(-32);
  const unit = { id: `${world.prefix}-out`, code: outsider, name: "Sở ngoài kỳ", kind: "department" };
  expect((await admin.put(paths.units, { units: [unit] })).status).toBe(200);
  periodId = `${world.prefix}-mi`;
  await createPeriod(world.admin, {
    id: periodId,
    frameworkId,
    unitIds: [world.a.id, world.b.id, world.c.id],
  });
});

const file = () => ({
  fileName: "so-lieu-bo-tttt.csv",
  rows: [
    { unitCode: world.a.code, code: "1.3", value: "8/10", asOf: "2026-03-01" },
    { unitCode: world.b.code, code: "1.5", value: "4" },
  ],
});

describe("importing measured values from a file", () => {
  it("refuses a draft period (409), an unknown one (404), and any caller but the organiser", async () => {
    expectError(await admin.post(imports(periodId), file()), 409, "period-not-measurable");
    expectError(await admin.post(imports(`${world.prefix}-none`), file()), 404, "not-found");
    await openPeriod(world.admin, periodId);
    expectError(await api(world.reviewer).post(imports(periodId), file()), 403);
    expectError(await api(world.a.editor).post(imports(periodId), file()), 403);
    expectError(await api(world.a.approver).post(imports(periodId), file()), 403);
    expectError(await api().post(imports(periodId), file()), 401);
  });

  it("refuses the whole file for any bad row, each at its row and column, and writes nothing", async () => {
    const bad = {
      fileName: "sai.xlsx",
      rows: [
        { unitCode: world.a.code, code: "1.5", value: "3" },
        { unitCode: "KHONGCO", code: "1.5", value: "3" },
        { unitCode: outsider, code: "1.5", value: "3" },
        { unitCode: world.a.code, code: "1.4", value: "3" },
        { unitCode: world.b.code, code: "1.3", value: "11/10" },
        { unitCode: world.b.code, code: "2.2", value: "12,5", asOf: "hôm qua" },
        { unitCode: world.a.code, code: "1.5", value: "4" },
      ],
    };
    const reply = await admin.post(imports(periodId), bad);
    expectError(reply, 422, "invalid-rows");
    expect(reply.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      "rows.1.unitCode",
      "rows.2.unitCode",
      "rows.3.code",
      "rows.4.value",
      "rows.5.asOf",
      "rows.6.code",
    ]);
    expect(reply.body.error.details[1].message).toBe(
      `unit "${outsider}" does not take part in period "${periodId}"`,
    );
    const a = await admin.get(paths.submission(periodId, world.a.id));
    expect(a.body.measured).toEqual({});
    const many = Array.from({ length: 5001 }, () => ({ unitCode: world.a.code, code: "1.5", value: "1" }));
    const tooMany = await admin.post(imports(periodId), { fileName: "lon.csv", rows: many });
    expectError(tooMany, 422, "invalid-body");
    expect(tooMany.body.error.details).toEqual([
      { path: "rows", message: "at most 5000 rows per import (split the file)" },
    ]);
    const audit = await admin.get(paths.audit(`period#${periodId}`));
    expect(audit.body.items.filter((r: { action: string }) => r.action === "measurements.import")).toEqual(
      [],
    );
  });

  it("stores the values with the import's provenance; the same file again changes nothing", async () => {
    const body = file();
    const reply = await admin.post(imports(periodId), body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({
      periodId,
      fileName: "so-lieu-bo-tttt.csv",
      importedBy: expect.any(String),
      counts: { stored: 2, unchanged: 0, stale: 0 },
      bodySha256: createHash("sha256").update(JSON.stringify(body)).digest("hex"),
    });
    const seen = await api(world.a.editor).get(paths.submission(periodId, world.a.id));
    expect(seen.body.measured["1.3"]).toMatchObject({
      value: { numerator: 8, denominator: 10 },
      sourceId: vbdh,
      sourceName: "Hệ thống quản lý văn bản",
      asOf: "2026-02-28T17:00:00.000Z",
      reference: expect.stringMatching(
        /^nhập từ tệp “so-lieu-bo-tttt\.csv” bởi .+ ngày \d{2}\/\d{2}\/\d{4}$/,
      ),
    });
    expect(seen.body.preview.leaves["1.3"].score).toBeGreaterThan(0);
    // The unit still cannot enter it.
    expectError(
      await api(world.a.editor).patch(paths.answers(periodId, world.a.id), {
        answers: { "1.3": { value: { numerator: 1, denominator: 10 } } },
      }),
      422,
      "invalid-answer",
    );
    const again = await admin.post(imports(periodId), body);
    expect(again.body.counts).toEqual({ stored: 0, unchanged: 2, stale: 0 });
    const after = await api(world.a.editor).get(paths.submission(periodId, world.a.id));
    expect(after.body.measured).toEqual(seen.body.measured);
    const audit = await admin.get(paths.audit(`period#${periodId}`));
    const records = audit.body.items.filter((r: { action: string }) => r.action === "measurements.import");
    expect(records.map((r: { after: { stored: number; unchanged: number } }) => r.after)).toEqual([
      expect.objectContaining({ fileName: "so-lieu-bo-tttt.csv", rows: 2, stored: 0, unchanged: 2 }),
      expect.objectContaining({ fileName: "so-lieu-bo-tttt.csv", rows: 2, stored: 2, unchanged: 0 }),
    ]);
  });
});
