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
import { moveTo } from "../support/period-move.ts";

/** Measured leaves through the local gateway: sources, the push route, the form, the scores. */

let world: World;
let admin: Api;
let vbdh: { id: string; secret: string };
let dvc: { id: string; secret: string };
let periodId: string;

const measurements = (id: string) => pathFor("PUT /api/periods/{periodId}/measurements", { periodId: id });
const T1 = "2026-03-01T00:00:00+07:00";
const T2 = "2026-03-02T00:00:00+07:00";

/** A push with a secret (no JWT): the raw text is what the sha256 is taken of. */
const push = (secret: string | undefined, body: unknown, id = periodId) =>
  api().put(
    measurements(id),
    body,
    secret === undefined ? {} : { headers: { authorization: `Bearer ${secret}` } },
  );

async function register(id: string, name: string) {
  const reply = await admin.post("/api/sources", { id, name });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  expect(reply.headers["cache-control"]).toBe("no-store");
  return reply.body as { id: string; secret: string };
}

beforeAll(async () => {
  world = await setUpWorld("measured");
  admin = api(world.admin);
  const ids = { vbdh: uniqueId("vbdh"), dvc: uniqueId("dvc") };
  const frameworkId = `${world.prefix}-fwm`;
  const imported = await admin.post(paths.frameworks, measuredFrameworkBody(frameworkId, ids));
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  vbdh = await register(ids.vbdh, "Hệ thống quản lý văn bản");
  dvc = await register(ids.dvc, "Cổng dịch vụ công");
  periodId = `${world.prefix}-m`;
  await createPeriod(world.admin, {
    id: periodId,
    frameworkId,
    unitIds: [world.a.id, world.b.id, world.c.id],
  });
  await openPeriod(world.admin, periodId);
});

describe("data sources", () => {
  it("lists sources without secrets; only the organiser manages them", async () => {
    const list = await admin.get("/api/sources");
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([vbdh.id, dvc.id]),
    );
    expect(JSON.stringify(list.body)).not.toMatch(/secret|hash|salt/);
    expectError(await api(world.reviewer).get("/api/sources"), 403);
    expectError(await admin.post("/api/sources", { id: vbdh.id, name: "Lần nữa" }), 409, "source-exists");
  });

  it("refuses a push without, or with a bad, secret (401), and a revoked source's pushes", async () => {
    const body = { asOf: T1, values: [{ unitId: world.a.id, code: "1.5", value: 1 }] };
    expectError(await push(undefined, body), 401, "bad-secret");
    expectError(await push(`${vbdh.secret}x`, body), 401, "bad-secret");
    expectError(await push(world.admin, body), 401, "bad-secret");
    const temp = await register(uniqueId("tmp"), "Nguồn tạm");
    const before = await push(temp.secret, body);
    expect(before.status).toBe(200);
    expect(before.body.results[0]).toMatchObject({ status: "refused", reason: "other-source" });
    expect((await admin.delete(`/api/sources/${temp.id}`)).status).toBe(204);
    expectError(await push(temp.secret, body), 401, "bad-secret");
    const listed = (await admin.get("/api/sources")).body.items.find((s: { id: string }) => s.id === temp.id);
    expect(listed.revokedAt).toEqual(expect.any(String));
  });
});

describe("pushing values", () => {
  it("answers each value: stored, or refused with its reason (nothing stored for it)", async () => {
    const body = {
      asOf: T1,
      values: [
        {
          unitId: world.a.id,
          code: "1.3",
          value: { numerator: 9, denominator: 10 },
          reference: "BC-2026-02",
        },
        { unitId: "khong-co", code: "1.3", value: { numerator: 1, denominator: 1 } },
        { unitId: world.a.id, code: "9.9", value: 1 },
        { unitId: world.a.id, code: "1.4", value: 1 },
        { unitId: world.a.id, code: "2.2", value: 3 },
        { unitId: world.b.id, code: "1.5", value: -1 },
      ],
    };
    const reply = await push(vbdh.secret, body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.results.map((r: { status: string; reason?: string }) => r.reason ?? r.status)).toEqual([
      "stored",
      "unknown-unit",
      "unknown-leaf",
      "not-measured",
      "other-source",
      "invalid-value",
    ]);
    expect(reply.body.bodySha256).toBe(createHash("sha256").update(JSON.stringify(body)).digest("hex"));
    const b = await admin.get(paths.submission(periodId, world.b.id));
    expect(b.body.measured).toEqual({});
    const audit = await admin.get(paths.audit(`source#${vbdh.id}`));
    expect(audit.body.items[0]).toMatchObject({
      action: "measurements.push",
      actor: `source:${vbdh.id}`,
      after: { periodId, stored: 1, refused: 5 },
    });
  });

  it("refuses a unit outside the period and more than 5,000 values", async () => {
    const other = await setUpWorld("measured-other");
    const reply = await push(vbdh.secret, {
      asOf: T1,
      values: [{ unitId: other.a.id, code: "1.3", value: 1 }],
    });
    expect(reply.body.results[0]).toMatchObject({ status: "refused", reason: "not-in-period" });
    const many = Array.from({ length: 5001 }, () => ({ unitId: world.a.id, code: "1.5", value: 1 }));
    expectError(await push(vbdh.secret, { asOf: T1, values: many }), 422, "invalid-body");
  });

  it("is idempotent (unchanged) and keeps the newest asOf (stale)", async () => {
    const one = (value: number, asOf: string) =>
      push(vbdh.secret, { asOf, values: [{ unitId: world.b.id, code: "1.5", value }] });
    expect((await one(3, T2)).body.results[0].status).toBe("stored");
    expect((await one(3, T2)).body.results[0].status).toBe("unchanged");
    expect((await one(5, T1)).body.results[0].status).toBe("stale");
    const b = await admin.get(paths.submission(periodId, world.b.id));
    expect(b.body.measured["1.5"]).toMatchObject({ value: 3, asOf: "2026-03-01T17:00:00.000Z" });
  });

  it("refuses the unit's own value for a measured leaf (422 naming it) and counts the measured one live", async () => {
    const editor = api(world.a.editor);
    const refused = await editor.patch(paths.answers(periodId, world.a.id), {
      answers: { "1.3": { value: true } },
    });
    expectError(refused, 422, "invalid-answer");
    expect(JSON.stringify(refused.body)).toContain("answers.1.3.value");
    const noted = await editor.patch(paths.answers(periodId, world.a.id), {
      answers: { "1.3": { note: "Theo báo cáo tháng 2" } },
    });
    expect(noted.status, JSON.stringify(noted.body)).toBe(200);
    // 9/10 of 10 points, without the URL evidence 1.3 needs when a unit answers it.
    expect(noted.body.preview.leaves["1.3"]).toEqual({ score: 9, flags: [] });
    expect(noted.body.measured["1.3"]).toMatchObject({
      sourceName: "Hệ thống quản lý văn bản",
      reference: "BC-2026-02",
    });
  });

  it("loses neither the unit's saves nor the pushes when they race (many rounds)", async () => {
    const editor = api(world.b.editor);
    for (let round = 1; round <= 12; round++) {
      const asOf = new Date(Date.parse(T2) + round * 60_000).toISOString();
      const [saved, pushed] = await Promise.all([
        editor.patch(paths.answers(periodId, world.b.id), { answers: { "1.4": { value: round } } }),
        push(vbdh.secret, { asOf, values: [{ unitId: world.b.id, code: "1.5", value: round }] }),
      ]);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(pushed.body.results[0].status).toBe("stored");
      const now = await admin.get(paths.submission(periodId, world.b.id));
      expect(now.body.answers["1.4"].value).toBe(round);
      expect(now.body.measured["1.5"].value).toBe(round);
      expect(now.body.preview.leaves["1.5"].score).toBe(Math.min(10, 2 * round));
    }
  });

  it("keeps the newest asOf when two pushes race (many rounds; each push writes in one transaction)", async () => {
    const values = (n: number) => [
      { unitId: world.b.id, code: "1.3", value: { numerator: n, denominator: 100 } },
      { unitId: world.b.id, code: "1.5", value: n },
    ];
    for (let round = 1; round <= 12; round++) {
      const older = new Date(Date.parse(T2) + (100 + 2 * round) * 60_000).toISOString();
      const newer = new Date(Date.parse(older) + 60_000).toISOString();
      // Sent at once, the newer one first or second by turns.
      const sends = [
        () => push(vbdh.secret, { asOf: newer, values: values(round + 50) }),
        () => push(vbdh.secret, { asOf: older, values: values(round) }),
      ];
      const [a, b] = await Promise.all((round % 2 ? sends : [...sends].reverse()).map((send) => send()));
      const [late, early] = round % 2 ? [a, b] : [b, a];
      expect(late?.status, JSON.stringify(late?.body)).toBe(200);
      expect(late?.body.results.map((r: { status: string }) => r.status)).toEqual(["stored", "stored"]);
      for (const r of early?.body.results ?? []) expect(["stored", "stale"]).toContain(r.status);
      const now = await admin.get(paths.submission(periodId, world.b.id));
      expect(now.body.measured["1.3"]).toMatchObject({
        value: { numerator: round + 50, denominator: 100 },
        asOf: newer,
      });
      expect(now.body.measured["1.5"]).toMatchObject({ value: round + 50, asOf: newer });
    }
  });
});

describe("after the close", () => {
  it("counts the measured value in the close; a reviewer overrides it; a draft or final period refuses (409)", async () => {
    const approver = api(world.a.approver);
    expect((await approver.post(paths.submit(periodId, world.a.id))).status).toBe(200);
    const appraisal = await moveTo(admin, periodId, "appraisal");
    expect(appraisal.state).toBe("appraisal");
    const head = await admin.get(paths.submission(periodId, world.a.id));
    expect(head.body.preview.leaves["1.3"].score).toBe(9);
    // Pushes are still taken in appraisal.
    const late = await push(vbdh.secret, {
      asOf: T2,
      values: [{ unitId: world.a.id, code: "1.5", value: 2 }],
    });
    expect(late.body.results[0].status).toBe("stored");
    const override = await api(world.reviewer).put(paths.appraisal(periodId, world.a.id, "1.3"), {
      value: { numerator: 5, denominator: 10 },
      reason: "Số liệu hệ thống tính cả văn bản nội bộ",
    });
    expect(override.status, JSON.stringify(override.body)).toBe(200);
    const results = await admin.get(
      `${pathFor("GET /api/periods/{periodId}/results", { periodId })}?unitId=${world.a.id}`,
    );
    const leaf = results.body.items[0].leaves.find((l: { code: string }) => l.code === "1.3");
    expect(leaf).toMatchObject({
      measured: { value: { numerator: 9, denominator: 10 }, sourceId: vbdh.id },
      self: { score: 9 },
      appraisal: { value: { numerator: 5, denominator: 10 } },
      final: { score: 5 },
    });
    const draft = `${world.prefix}-d`;
    await createPeriod(world.admin, { id: draft, frameworkId: `${world.prefix}-fwm`, unitIds: [world.a.id] });
    expectError(
      await push(vbdh.secret, { asOf: T1, values: [{ unitId: world.a.id, code: "1.5", value: 1 }] }, draft),
      409,
      "period-not-measurable",
    );
  });
});
