import { beforeAll, describe, expect, it } from "vitest";
import { uploadFile } from "../support/evidence-upload.ts";
import {
  type Api,
  api,
  expectError,
  expectInvalid,
  expectStatus,
  newUserClient,
  paths,
  readAll,
  setUpWorldClients,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";

/** A reorganisation applied in one request, and a period created from the previous one through it. */

let world: World;
let admin: Api;
let admin2: Api;
let code: (key: string) => string;
let id: (key: string) => string;

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("reform"));
  admin2 = await newUserClient(world.admin, { username: `${world.prefix}.admin2`, roles: ["admin"] });
  const short = world.prefix.replace(/-/g, "").toUpperCase().slice(-20);
  code = (key) => `${short}${key}`;
  id = (key) => `${world.prefix}-${key.toLowerCase()}`;
  // A district and three communes under it, beside the world's departments.
  const units = [
    { id: id("D"), code: code("D"), name: "Huyện D", kind: "district" },
    ...["X1", "X2", "X3"].map((k) => ({
      id: id(k),
      code: code(k),
      name: `Xã ${k}`,
      kind: "commune",
      parentId: id("D"),
    })),
  ];
  expectStatus(await admin.put(paths.units, { units }), 200);
  // The period before the reform: one department and the three communes.
  expectStatus(
    await admin.post(paths.periods, {
      id: `${world.prefix}-p2030`,
      name: "Kỳ 2030",
      frameworkId: world.frameworkId,
      unitIds: [world.a.id, id("X1"), id("X2"), id("X3")],
      opensAt: "2030-01-01T08:00:00",
      closesAt: "2030-03-15T17:00:00",
    }),
    201,
  );
});

const reform = () => ({
  decision: "1684/NQ-UBTVQH15",
  effectiveDate: "2030-07-01",
  units: [
    // X1 keeps its code and absorbs X2; X3 becomes a new commune.
    { code: code("X1"), name: "Phường X1 mới", kind: "commune", fromCodes: [code("X1"), code("X2")] },
    { id: id("N"), code: code("N"), name: "Xã Mới", kind: "commune", fromCodes: [code("X3")] },
  ],
  ended: [code("D")],
});

const unitsById = async () =>
  new Map((await readAll<{ id: string }>(admin, paths.units)).map((u) => [u.id, u]));

describe("POST /api/reforms", () => {
  it("refuses every problem by path and writes nothing; only an admin applies one", async () => {
    const before = await unitsById();
    const details = expectInvalid(
      await admin.post(paths.reforms, {
        ...reform(),
        units: [
          { ...reform().units[0], fromCodes: [code("X1"), "NOPE1"], parentCode: "NOPE2" },
          { ...reform().units[1], fromCodes: [code("X1")] },
        ],
      }),
      "units.0.fromCodes.1",
      "units.0.parentCode",
      "units.1.fromCodes.0",
      "units",
    );
    expect(details.find((d) => d.path === "units.1.fromCodes.0")?.message).toContain("already mapped");
    expect(await unitsById()).toEqual(before);
    expectError(await api(world.a.editor).post(paths.reforms, reform()), 403);
    expectInvalid(
      await admin.post(paths.reforms, { ...reform(), effectiveDate: "1/7/2030" }),
      "effectiveDate",
    );
  });

  it("two admins applying the same reform at once end with the same units", async () => {
    const [one, two] = await Promise.all([
      admin.post(paths.reforms, reform()),
      admin2.post(paths.reforms, reform()),
    ]);
    for (const reply of [one, two]) expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const kept = `${code("X1").toLowerCase()}-2030-07-01`;
    expect(one.body.units).toEqual([
      { code: code("X1"), id: kept, predecessorIds: [id("X1"), id("X2")] },
      { code: code("N"), id: id("N"), predecessorIds: [id("X3")] },
    ]);
    expect(two.body.units).toEqual(one.body.units);
    const units = await unitsById();
    expect(units.get(kept)).toMatchObject({
      validFrom: "2030-07-01",
      reform: { decision: "1684/NQ-UBTVQH15", effectiveDate: "2030-07-01" },
    });
    for (const k of ["D", "X1", "X2", "X3"])
      expect(units.get(id(k))).toMatchObject({ validTo: "2030-06-30" });
    expect(units.get(id("X1"))).toMatchObject({ name: "Xã X1", parentId: id("D") }); // as it was
    // A rerun changes nothing.
    expect(expectStatus(await admin.post(paths.reforms, reform()), 200)).toMatchObject({
      created: 0,
      updated: 0,
    });
    const audit = expectStatus(
      await admin.get(`/api/audit?entity=${encodeURIComponent(`unit#${id("N")}`)}`),
      200,
    );
    // Both requests may have written it (an unconditional put of the same unit): each write is audited.
    const actions = audit.items.map((r: { action: string }) => r.action);
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(new Set(actions)).toEqual(new Set(["unit.create"]));
  });

  it("a period created from the previous one has the successors, once, and the same framework", async () => {
    const created = expectStatus(
      await admin.post(paths.periods, {
        id: `${world.prefix}-p2031`,
        name: "Kỳ 2030 (sau sắp xếp)",
        from: `${world.prefix}-p2030`,
        opensAt: "2030-09-01T08:00:00",
        closesAt: "2030-12-15T17:00:00",
      }),
      201,
    );
    expect(created).toMatchObject({ frameworkId: world.frameworkId, state: "draft", counts: { units: 3 } });
    const member = async (unitId: string) => (await admin.get(paths.submission(created.id, unitId))).status;
    for (const unitId of [world.a.id, `${code("X1").toLowerCase()}-2030-07-01`, id("N")])
      expect(await member(unitId), unitId).toBe(200);
    for (const unitId of [id("X1"), id("X2"), id("X3"), world.b.id])
      expect(await member(unitId), unitId).toBe(404);
    expectInvalid(
      await admin.post(paths.periods, {
        id: `${world.prefix}-p-bad`,
        name: "Sai",
        from: `${world.prefix}-nope`,
        opensAt: "2030-09-01T08:00:00",
        closesAt: "2030-12-15T17:00:00",
      }),
      "from",
    );
    expectInvalid(
      await admin.post(paths.periods, {
        id: `${world.prefix}-p-bad`,
        name: "Sai",
        from: `${world.prefix}-p2030`,
        unitIds: [world.a.id],
        opensAt: "2030-09-01T08:00:00",
        closesAt: "2030-12-15T17:00:00",
      }),
      "from",
    );
  });
});

describe("POST /api/periods/{periodId}/units/{unitId}/carry-over", () => {
  it("copies the last submission's answers, marked carried and not counted, until the unit saves them, and its files", async () => {
    const editor = api(world.a.editor);
    expectStatus(
      await editor.patch(paths.answers(world.periodId, world.a.id), { answers: { "2.1": { value: 12.5 } } }),
      200,
    );
    const pdf = tinyPdf("Ke hoach 2030");
    const old = await uploadFile(editor, world, ["1.1"], "ke-hoach.pdf", "application/pdf", pdf);
    const next = `${world.prefix}-next`;
    expectStatus(
      await admin.post(paths.periods, {
        id: next,
        name: "Kỳ tiếp theo",
        frameworkId: world.frameworkId,
        unitIds: [world.a.id, world.b.id],
        opensAt: new Date(Date.now() - 3_600_000).toISOString(),
        closesAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      }),
      201,
    );
    expectError(await editor.post(paths.carryOver(next, world.a.id), {}), 409); // still a draft period
    expectStatus(await admin.post(paths.transitions(next), { to: "open" }), 200);
    const carried = expectStatus(await editor.post(paths.carryOver(next, world.a.id), {}), 200);
    expect(carried.answers["2.1"]).toMatchObject({ value: 12.5, carried: true });
    expect(carried.preview.points).toBe(0);
    // The file came too: a record of its own, copied inside the bucket (nothing uploaded), readable
    // by its own link; removing it leaves the old period's file whole.
    const [file] = carried.evidence;
    expect(carried.evidence).toHaveLength(1);
    expect(file).toMatchObject({
      kind: "file",
      status: "confirmed",
      indicatorCodes: ["1.1"],
      sha256: old.sha256,
      carriedFrom: { periodId: world.periodId, unitId: world.a.id, evidenceId: old.id },
    });
    const download = async (periodId: string, evidenceId: string) => {
      const link = expectStatus(await editor.get(paths.download(periodId, world.a.id, evidenceId)), 200);
      return new Uint8Array(await (await fetch(link.url)).arrayBuffer());
    };
    expect(await download(next, file.id)).toEqual(pdf);
    expectStatus(await editor.delete(paths.evidence(next, world.a.id, file.id)), 204);
    expect(await download(world.periodId, old.id)).toEqual(pdf);
    // Removed, the file is carried again on a second call (as a cleared answer would be); nothing else.
    const again = expectStatus(await editor.post(paths.carryOver(next, world.a.id), {}), 200);
    expect(again.evidence.map((e: { id: string }) => e.id)).toEqual([file.id]);
    const third = expectStatus(await editor.post(paths.carryOver(next, world.a.id), {}), 200);
    expect(third.version).toBe(again.version);
    const confirmed = expectStatus(
      await editor.patch(paths.answers(next, world.a.id), { answers: { "2.1": { value: 12.5 } } }),
      200,
    );
    expect(confirmed.answers["2.1"]).not.toHaveProperty("carried");
    expect(confirmed.preview.points).toBeGreaterThan(0);
    expectError(await api(world.b.editor).post(paths.carryOver(next, world.a.id), {}), 404);
  });
});
