import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  api,
  createPeriod,
  expectError,
  expectInvalid,
  forge,
  frameworkFixture,
  initiateAuth,
  PASSWORD,
  paths,
  readAll,
  setUpWorldClients,
  signedInAs,
  signIn,
  stack,
  type World,
} from "../support/local-stack.ts";

/** Frameworks, units, users and periods: the admin's catalogue, and who else may read it. */

let world: World;
let admin: Api;
let reviewer: Api;
let editor: Api;

beforeAll(async () => {
  ({ world, admin, reviewer, editorA: editor } = await setUpWorldClients("catalog"));
});

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Reads a whole list now; the check it returns asserts the list is the same later (nothing written). */
/**
 * The items of a shared list a refused request could have touched, now; the check that they are the
 * same later. Other files' worlds (ids made by uniqueId, `{name}-{6 hex}…`) add and change theirs
 * meanwhile — a period closes on its schedule — so theirs are left out; this file's and any other id
 * are compared.
 */
async function listNow(path: string) {
  const otherWorld = /^[a-z][a-z0-9-]*-[0-9a-f]{6}(-|$)/;
  const touchable = async () =>
    (await readAll(admin, path)).filter((item: { id?: string }) => {
      const id = String(item.id ?? "");
      return id.startsWith(world.prefix) || !otherWorld.test(id);
    });
  const before = await touchable();
  return async () => expect(await touchable()).toEqual(before);
}

describe("GET /config.json", () => {
  it("names the user pool, its client and the Cognito endpoint to sign in at", async () => {
    const reply = await api().get("/config.json");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      auth: {
        region: expect.any(String),
        userPoolId: expect.any(String),
        clientId: expect.any(String),
        endpoint: expect.stringMatching(/^http/),
      },
    });
    expect(reply.body.auth).toEqual(stack().auth);
  });
});

describe("frameworks", () => {
  const notThere = async (id: string) => expectError(await admin.get(paths.framework(id)), 404, "not-found");

  it("an admin imports a framework (201); every signed-in user reads it and finds it in the list", async () => {
    const id = `${world.prefix}-fw-import`;
    const created = await admin.post(paths.frameworks, frameworkFixture(id));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, missingEvidence: "zero", groups: [{ id: "department" }, {}] });
    // Defaults are filled in (the evidence rule of a leaf that gives none).
    expect(created.body.groups[0].nodes[0].children[3].evidence).toEqual({
      required: false,
      kinds: ["file", "url"],
    });
    for (const reader of [admin, reviewer, editor, api(world.b.approver)]) {
      const read = await reader.get(paths.framework(id));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
    }
    const listed = await readAll(editor, paths.frameworks);
    expect(listed).toContainEqual({
      id,
      name: created.body.name,
      decision: created.body.decision,
      createdAt: expect.any(String),
    });
  });

  it("refuses a framework id that exists (409) and keeps the first", async () => {
    const unchanged = await listNow(paths.frameworks);
    const before = await admin.get(paths.framework(world.frameworkId));
    const again = { ...frameworkFixture(world.frameworkId), name: "Một bộ chỉ số khác" };
    expectError(await admin.post(paths.frameworks, again), 409, "framework-exists");
    expect((await admin.get(paths.framework(world.frameworkId))).body).toEqual(before.body);
    await unchanged();
  });

  it("lists every problem of a broken framework (422 with details[].path) and stores nothing", async () => {
    const unchanged = await listNow(paths.frameworks);
    const id = `${world.prefix}-fw-broken`;
    const broken = frameworkFixture(id) as {
      groups: { nodes: { children: Record<string, unknown>[] }[] }[];
    } & Record<string, unknown>;
    delete broken.name;
    broken.colour = "red";
    const department = broken.groups[0]?.nodes ?? [];
    Object.assign(department[0]?.children[0] ?? {}, { method: { type: "magic" } });
    Object.assign(department[0]?.children[1] ?? {}, { maxPoints: "ten" });
    Object.assign(department[1]?.children[3] ?? {}, { maxPoints: 5 });
    const reply = await admin.post(paths.frameworks, broken);
    expectInvalid(
      reply,
      "name",
      "colour",
      "groups.0.nodes.0.children.0.method.type",
      "groups.0.nodes.0.children.1.maxPoints",
      "groups.0.nodes.1.children.3.maxPoints",
    );
    expect(reply.body.error.code).toBe("invalid-framework");
    await notThere(id);
    await unchanged();
  });

  it("refuses malformed JSON (400) and stores nothing", async () => {
    const unchanged = await listNow(paths.frameworks);
    const id = `${world.prefix}-fw-malformed`;
    const text = JSON.stringify(frameworkFixture(id)).slice(0, -1);
    expectError(await admin.post(paths.frameworks, undefined, { raw: text }), 400, "malformed-json");
    await notThere(id);
    await unchanged();
  });

  it("refuses a reviewer and unit users (403), and callers without a valid token (401)", async () => {
    const unchanged = await listNow(paths.frameworks);
    const id = `${world.prefix}-fw-refused`;
    for (const token of [world.reviewer, world.a.editor, world.a.approver])
      expectError(await api(token).post(paths.frameworks, frameworkFixture(id)), 403, "forbidden");
    expectError(await api().post(paths.frameworks, frameworkFixture(id)), 401);
    expectError(await api(await forge(world.admin)).post(paths.frameworks, frameworkFixture(id)), 401);
    await notThere(id);
    await unchanged();
  });

  it("answers 404 for an unknown framework", async () => {
    await notThere(`${world.prefix}-no-such-framework`);
  });
});

describe("units", () => {
  const unitIds = async () => new Set((await readAll<{ id: string }>(admin, paths.units)).map((u) => u.id));

  it("an admin upserts units by id: created, then updated, then unchanged", async () => {
    const id = `${world.prefix}-d`;
    const unit = { id, code: "D1", name: "Sở D", kind: "department", validFrom: "2020-01-01" };
    const created = await admin.put(paths.units, { units: [unit] });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ created: 1, updated: 0 });
    const renamed = await admin.put(paths.units, { units: [{ ...unit, name: "Sở D (mới)" }] });
    expect(renamed.body).toMatchObject({ created: 0, updated: 1 });
    const same = await admin.put(paths.units, { units: [{ ...unit, name: "Sở D (mới)" }] });
    expect(same.body).toMatchObject({ created: 0, updated: 0 });
    const listed = await readAll<{ id: string }>(editor, paths.units);
    expect(listed.find((u) => u.id === id)).toEqual({ ...unit, name: "Sở D (mới)" });
    const audit = await readAll(admin, paths.audit(`unit#${id}`));
    expect(audit.map((r) => r.action)).toEqual(["unit.update", "unit.create"]);
    expect(audit[0]).toMatchObject({ before: unit, after: { ...unit, name: "Sở D (mới)" }, actor: "admin" });
  });

  it("refuses units that break the schema (422, every problem) and writes none of them", async () => {
    const unchanged = await listNow(paths.units);
    const good = { id: `${world.prefix}-e`, code: "E1", name: "Sở E", kind: "department" };
    const reply = await admin.put(paths.units, {
      units: [
        good,
        { id: "Not A Slug", code: "X", name: "x", kind: "department" },
        { id: `${world.prefix}-f`, code: "F" },
      ],
    });
    expectInvalid(reply, "units.1.id", "units.2.name", "units.2.kind");
    const ids = await unitIds();
    expect(ids.has(good.id)).toBe(false);
    expect(ids.has(`${world.prefix}-f`)).toBe(false);
    await unchanged();
  });

  it("refuses a repeated id (422) and an empty list (422), and writes nothing", async () => {
    const unchanged = await listNow(paths.units);
    const id = `${world.prefix}-g`;
    const unit = { id, code: "G1", name: "Sở G", kind: "department" };
    expectInvalid(await admin.put(paths.units, { units: [unit, { ...unit, name: "again" }] }), "units.1.id");
    expectInvalid(await admin.put(paths.units, { units: [] }), "units");
    expectInvalid(await admin.put(paths.units, { units: [unit], extra: true }), "extra");
    expect((await unitIds()).has(id)).toBe(false);
    await unchanged();
  });

  it("refuses malformed JSON (400), non-admins (403) and missing or forged tokens (401)", async () => {
    const unchanged = await listNow(paths.units);
    const id = `${world.prefix}-h`;
    const body = { units: [{ id, code: "H1", name: "Sở H", kind: "department" }] };
    expectError(await admin.put(paths.units, undefined, { raw: '{"units": [' }), 400, "malformed-json");
    expectError(await admin.put(paths.units), 400);
    for (const token of [world.reviewer, world.a.editor, world.a.approver])
      expectError(await api(token).put(paths.units, body), 403);
    expectError(await api().put(paths.units, body), 401);
    expectError(await api(await forge(world.admin)).put(paths.units, body), 401);
    expect((await unitIds()).has(id)).toBe(false);
    await unchanged();
  });

  it("pages with limit and cursor: every unit once, in pages of at most `limit`", async () => {
    const first = await editor.get(`${paths.units}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const small = await readAll<{ id: string }>(editor, paths.units, 2);
    const whole = await readAll<{ id: string }>(editor, paths.units);
    expect(small.map((u) => u.id)).toEqual(whole.map((u) => u.id));
    expect(new Set(whole.map((u) => u.id)).size).toBe(whole.length);
    for (const id of [world.a.id, world.b.id, world.c.id]) expect(whole.map((u) => u.id)).toContain(id);
  });
});

describe("users", () => {
  const username = (name: string) => `${world.prefix}.${name}`;
  const cannotSignIn = async (name: string) => expect((await initiateAuth(name, PASSWORD)).ok).toBe(false);

  it("an admin creates a unit user (201) who signs in with the unit in the token and reaches that unit", async () => {
    const name = username("editor2.a");
    const reply = await admin.post(paths.users, {
      username: name,
      password: PASSWORD,
      roles: ["unit-editor"],
      unitId: world.a.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ username: name, roles: ["unit-editor"], unitId: world.a.id });
    const token = await signIn(name, PASSWORD);
    const claims = decodeJwt(token);
    expect(claims["cognito:username"]).toBe(name);
    expect(claims["cognito:groups"]).toEqual(["unit-editor"]);
    expect(claims["custom:unitId"]).toBe(world.a.id);
    expect((await api(token).get(paths.submission(world.periodId, world.a.id))).status).toBe(200);
    expectError(await api(token).get(paths.submission(world.periodId, world.b.id)), 404);
    const audit = await readAll(admin, paths.audit(`user#${name}`));
    expect(audit).toEqual([
      expect.objectContaining({ action: "user.create", actor: "admin", after: reply.body }),
    ]);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
  });

  it("creates a reviewer without a unit", async () => {
    const name = username("reviewer2");
    const reply = await admin.post(paths.users, { username: name, password: PASSWORD, roles: ["reviewer"] });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ username: name, roles: ["reviewer"] });
    expect((await (await signedInAs(name)).get(paths.submissions(world.periodId))).status).toBe(200);
  });

  it("refuses bodies that break the rules (422 with the path) and creates no one", async () => {
    const name = username("refused");
    const cases: [Record<string, unknown>, string][] = [
      [{ username: name, password: PASSWORD, roles: ["unit-editor"] }, "unitId"],
      [
        { username: name, password: PASSWORD, roles: ["unit-editor"], unitId: `${world.prefix}-nowhere` },
        "unitId",
      ],
      [{ username: name, password: "weakpassword", roles: ["reviewer"] }, "password"],
      [{ username: name, password: PASSWORD, roles: ["superuser"] }, "roles.0"],
      [{ username: name, password: PASSWORD, roles: [] }, "roles"],
      [{ username: "a b", password: PASSWORD, roles: ["reviewer"] }, "username"],
      [{ username: name, password: PASSWORD, roles: ["reviewer"], email: "x@example.com" }, "email"],
    ];
    for (const [body, path] of cases) expectInvalid(await admin.post(paths.users, body), path);
    await cannotSignIn(name);
  });

  it("refuses a username that exists (409) and leaves that user as it was", async () => {
    const name = world.a.usernames.editor;
    const reply = await admin.post(paths.users, {
      username: name,
      password: "Other@12345",
      roles: ["admin"],
    });
    expectError(reply, 409, "user-exists");
    expect((await initiateAuth(name, "Other@12345")).ok).toBe(false);
    const token = (await initiateAuth(name, PASSWORD)).body.AuthenticationResult?.IdToken ?? "";
    expect(decodeJwt(token)["cognito:groups"]).toEqual(["unit-editor"]);
  });

  it("refuses malformed JSON (400), non-admins (403), missing or forged tokens (401)", async () => {
    const name = username("never");
    const body = { username: name, password: PASSWORD, roles: ["admin"] };
    expectError(await admin.post(paths.users, undefined, { raw: "{username:" }), 400, "malformed-json");
    for (const token of [world.reviewer, world.a.editor, world.a.approver])
      expectError(await api(token).post(paths.users, body), 403);
    expectError(await api().post(paths.users, body), 401);
    // A unit editor's token re-signed with the admin group: the signature gives it away.
    const forged = await forge(world.a.editor, { "cognito:groups": ["admin"] });
    expectError(await api(forged).post(paths.users, body), 401);
    await cannotSignIn(name);
  });
});

describe("periods", () => {
  const periodBody = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    name: `Kỳ ${id}`,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id, world.b.id],
    opensAt: iso(Date.now() - DAY),
    closesAt: iso(Date.now() + 7 * DAY),
    ...extra,
  });
  const notThere = async (id: string) => expectError(await admin.get(paths.period(id)), 404, "not-found");

  it("an admin creates a period in draft (201) with its counts; deadlines without offset are Vietnam time", async () => {
    const id = `${world.prefix}-p-create`;
    const reply = await admin.post(
      paths.periods,
      periodBody(id, {
        opensAt: "2030-01-01T08:00:00",
        closesAt: "2030-01-15T17:00:00",
        explanationClosesAt: "2030-02-01T10:00:00Z",
      }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id,
      frameworkId: world.frameworkId,
      state: "draft",
      opensAt: "2030-01-01T08:00:00+07:00",
      closesAt: "2030-01-15T17:00:00+07:00",
      explanationClosesAt: "2030-02-01T17:00:00+07:00",
      counts: { units: 2, submitted: 0, draft: 2 },
    });
    for (const reader of [admin, reviewer, editor]) {
      const read = await reader.get(paths.period(id));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(reply.body);
    }
    const drafts = await readAll<{ id: string }>(editor, `${paths.periods}?state=draft`);
    expect(drafts.map((p) => p.id)).toContain(id);
    const open = await readAll<{ id: string }>(editor, `${paths.periods}?state=open`);
    expect(open.map((p) => p.id)).not.toContain(id);
    expect(open.map((p) => p.id)).toContain(world.periodId);
    const audit = await readAll(admin, paths.audit(`period#${id}`));
    expect(audit).toEqual([expect.objectContaining({ action: "period.create", after: reply.body })]);
  });

  it("takes every unit valid at closesAt whose kind the framework ranks when unitIds is left out", async () => {
    const id = `${world.prefix}-p-all`;
    const { unitIds: _unitIds, ...body } = periodBody(id);
    const reply = await admin.post(paths.periods, body);
    expect(reply.status).toBe(201);
    const rows = await readAll<{ unitId: string; groupId: string }>(admin, paths.submissions(id));
    expect(reply.body.counts.units).toBe(rows.length);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ unitId: world.a.id, groupId: "department" }),
        expect.objectContaining({ unitId: world.c.id, groupId: "commune" }),
      ]),
    );
  });

  it("refuses a period id that exists (409) and keeps the period as it was", async () => {
    const unchanged = await listNow(paths.periods);
    const before = await admin.get(paths.period(world.periodId));
    const reply = await admin.post(paths.periods, periodBody(world.periodId, { name: "Khác" }));
    expectError(reply, 409, "period-exists");
    expect((await admin.get(paths.period(world.periodId))).body).toEqual(before.body);
    await unchanged();
  });

  it("refuses bodies that break the schema or the rules (422 with the path) and creates nothing", async () => {
    const unchanged = await listNow(paths.periods);
    const id = `${world.prefix}-p-refused`;
    const cases: [Record<string, unknown>, string][] = [
      [periodBody(id, { frameworkId: `${world.prefix}-no-framework` }), "frameworkId"],
      [periodBody(id, { closesAt: iso(Date.now() - 2 * DAY) }), "closesAt"],
      [periodBody(id, { closesAt: "next week" }), "closesAt"],
      [periodBody(id, { explanationClosesAt: iso(Date.now() + DAY) }), "explanationClosesAt"],
      [periodBody(id, { unitIds: [world.a.id, `${world.prefix}-nowhere`] }), "unitIds.1"],
      [periodBody(id, { unitIds: [] }), "unitIds"],
      [periodBody(id, { state: "open" }), "state"],
      [periodBody(id, { name: "" }), "name"],
    ];
    for (const [body, path] of cases) expectInvalid(await admin.post(paths.periods, body), path);
    expectInvalid(await admin.post(paths.periods, periodBody("Not A Slug")), "id");
    await notThere(id);
    await unchanged();
  });

  it("refuses malformed JSON (400), non-admins (403), missing or forged tokens (401)", async () => {
    const id = `${world.prefix}-p-never`;
    const unchanged = await listNow(paths.periods);
    expectError(await admin.post(paths.periods, undefined, { raw: '{"id": "x",' }), 400, "malformed-json");
    for (const token of [world.reviewer, world.a.editor, world.a.approver])
      expectError(await api(token).post(paths.periods, periodBody(id)), 403);
    expectError(await api().post(paths.periods, periodBody(id)), 401);
    expectError(await api(await forge(world.admin)).post(paths.periods, periodBody(id)), 401);
    await notThere(id);
    await unchanged();
  });

  it("answers 404 for an unknown period", async () => {
    await notThere(`${world.prefix}-no-such-period`);
    expectError(await admin.get(paths.submissions(`${world.prefix}-no-such-period`)), 404);
  });

  describe("PATCH", () => {
    let id: string;
    beforeAll(async () => {
      id = `${world.prefix}-p-patch`;
      await createPeriod(world.admin, { id, frameworkId: world.frameworkId, unitIds: [world.a.id] });
    });

    it("renames a period and moves its deadlines; null removes the explanation deadline", async () => {
      const before = (await admin.get(paths.period(id))).body;
      const closesAt = iso(Math.floor((Date.now() + 10 * DAY) / 1000) * 1000);
      const reply = await admin.patch(paths.period(id), {
        name: "Kỳ đổi tên",
        closesAt,
        explanationClosesAt: "2031-01-01T00:00:00+07:00",
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        ...before,
        name: "Kỳ đổi tên",
        closesAt: expect.any(String),
        explanationClosesAt: "2031-01-01T00:00:00+07:00",
        updatedAt: expect.any(String),
        version: before.version + 1,
      });
      expect(Date.parse(reply.body.closesAt)).toBe(Date.parse(closesAt));
      expect(reply.body.closesAt).toMatch(/\+07:00$/);
      expect((await admin.get(paths.period(id))).body).toEqual(reply.body);
      const cleared = await admin.patch(paths.period(id), { explanationClosesAt: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).not.toHaveProperty("explanationClosesAt");
      const audit = await readAll(admin, paths.audit(`period#${id}`));
      expect(audit.map((r) => r.action)).toEqual(["period.update", "period.update", "period.create"]);
      expect(audit[1]).toMatchObject({ before, after: reply.body });
    });

    it("refuses bad changes (422 with the path, 400, 403, 401, 404) and leaves the period as it was", async () => {
      const before = (await admin.get(paths.period(id))).body;
      expectInvalid(await admin.patch(paths.period(id), {}), "");
      expectInvalid(await admin.patch(paths.period(id), { state: "published" }), "state");
      expectInvalid(await admin.patch(paths.period(id), { closesAt: "soon" }), "closesAt");
      expectInvalid(await admin.patch(paths.period(id), { closesAt: iso(Date.now() - 3 * DAY) }), "closesAt");
      expectInvalid(
        await admin.patch(paths.period(id), { explanationClosesAt: iso(Date.now() + DAY) }),
        "explanationClosesAt",
      );
      expectError(await admin.patch(paths.period(id), undefined, { raw: "{name" }), 400, "malformed-json");
      expectError(await admin.patch(paths.period(id)), 400);
      for (const token of [world.reviewer, world.a.editor, world.a.approver])
        expectError(await api(token).patch(paths.period(id), { name: "x" }), 403);
      expectError(await api().patch(paths.period(id), { name: "x" }), 401);
      expectError(await api(await forge(world.admin)).patch(paths.period(id), { name: "x" }), 401);
      expect((await admin.get(paths.period(id))).body).toEqual(before);
      expectError(await admin.patch(paths.period(`${world.prefix}-nope`), { name: "x" }), 404);
      await notThere(`${world.prefix}-nope`);
    });

    it("refuses moving an open period's deadline into the past (422)", async () => {
      const before = (await admin.get(paths.period(world.periodId))).body;
      const reply = await admin.patch(paths.period(world.periodId), { closesAt: iso(Date.now() - 60_000) });
      expectInvalid(reply, "closesAt");
      expect((await admin.get(paths.period(world.periodId))).body).toEqual(before);
    });
  });

  describe("transitions", () => {
    it("opens a draft period (200), then refuses moves the lifecycle forbids (409)", async () => {
      const id = `${world.prefix}-p-open`;
      await createPeriod(world.admin, { id, frameworkId: world.frameworkId, unitIds: [world.a.id] });
      expectError(await admin.post(paths.transitions(id), { to: "final" }), 409, "transition-not-allowed");
      expectError(
        await admin.post(paths.transitions(id), { to: "published" }),
        409,
        "transition-not-allowed",
      );
      const opened = await admin.post(paths.transitions(id), { to: "open" });
      expect(opened.status).toBe(200);
      expect(opened.body).toMatchObject({ id, state: "open" });
      expect((await admin.get(paths.period(id))).body).toEqual(opened.body);
      expectError(await admin.post(paths.transitions(id), { to: "open" }), 409, "transition-not-allowed");
      expectError(await admin.post(paths.transitions(id), { to: "draft" }), 409, "transition-not-allowed");
      expect((await admin.get(paths.period(id))).body).toEqual(opened.body);
      const audit = await readAll(admin, paths.audit(`period#${id}`));
      expect(audit[0]).toMatchObject({
        action: "period.transition",
        before: { state: "draft" },
        after: { state: "open" },
      });
    });

    it("refuses to open a period whose deadline has passed (409)", async () => {
      const id = `${world.prefix}-p-late`;
      await createPeriod(world.admin, {
        id,
        frameworkId: world.frameworkId,
        unitIds: [world.a.id],
        closesAt: iso(Date.now() - 60_000),
      });
      const before = (await admin.get(paths.period(id))).body;
      expectError(await admin.post(paths.transitions(id), { to: "open" }), 409, "deadline-passed");
      expect((await admin.get(paths.period(id))).body).toEqual(before);
    });

    it("refuses bad bodies (422, 400), non-admins (403), bad tokens (401), unknown periods (404)", async () => {
      const id = `${world.prefix}-p-stay`;
      await createPeriod(world.admin, { id, frameworkId: world.frameworkId, unitIds: [world.a.id] });
      const before = (await admin.get(paths.period(id))).body;
      expectInvalid(await admin.post(paths.transitions(id), { to: "closed" }), "to");
      expectInvalid(await admin.post(paths.transitions(id), { to: "open", force: true }), "force");
      expectError(await admin.post(paths.transitions(id), undefined, { raw: "{to: open}" }), 400);
      expectError(await admin.post(paths.transitions(id)), 400);
      for (const token of [world.reviewer, world.a.editor, world.a.approver])
        expectError(await api(token).post(paths.transitions(id), { to: "open" }), 403);
      expectError(await api().post(paths.transitions(id), { to: "open" }), 401);
      expectError(await api(await forge(world.admin)).post(paths.transitions(id), { to: "open" }), 401);
      expect((await admin.get(paths.period(id))).body).toEqual(before);
      expectError(await admin.post(paths.transitions(`${world.prefix}-nope`), { to: "open" }), 404);
    });
  });

  it("lists periods by state and pages them; refuses an unknown state (400)", async () => {
    const all = await readAll<{ id: string; state: string }>(reviewer, paths.periods);
    const paged = await readAll<{ id: string }>(reviewer, paths.periods, 1);
    expect(paged.map((p) => p.id)).toEqual(all.map((p) => p.id));
    expect(all.find((p) => p.id === world.periodId)).toMatchObject({ state: "open", counts: { units: 3 } });
    expectError(await reviewer.get(`${paths.periods}?state=closed`), 400, "bad-state");
  });
});

describe("GET /api/periods/{periodId}/submissions", () => {
  it("shows reviewers and admins every unit's state and provisional score, page by page", async () => {
    for (const reader of [admin, reviewer]) {
      const rows = await readAll(reader, paths.submissions(world.periodId));
      expect(rows.map((r) => r.unitId).sort()).toEqual([world.a.id, world.b.id, world.c.id].sort());
      expect(rows.find((r) => r.unitId === world.c.id)).toEqual({
        unitId: world.c.id,
        groupId: "commune",
        state: "draft",
        submitted: false,
        version: 0,
        points: 0,
        index: 0,
        submittedAt: null,
        updatedAt: null,
        appraisal: null,
      });
      const paged = await readAll(reader, paths.submissions(world.periodId), 1);
      expect(paged).toEqual(rows);
    }
    const department = await readAll(admin, `${paths.submissions(world.periodId)}?groupId=department`);
    expect(department.map((r) => r.unitId).sort()).toEqual([world.a.id, world.b.id].sort());
    expect(await readAll(admin, `${paths.submissions(world.periodId)}?state=submitted`)).toEqual([]);
  });

  it("refuses unit users (403) and an unknown state filter (400)", async () => {
    for (const token of [world.a.editor, world.a.approver])
      expectError(await api(token).get(paths.submissions(world.periodId)), 403);
    expectError(await admin.get(`${paths.submissions(world.periodId)}?state=lost`), 400);
  });
});

describe("GET /api/audit", () => {
  it("is for admins only (403 for the rest) and lists today's records without an entity", async () => {
    for (const token of [world.reviewer, world.a.editor, world.a.approver])
      expectError(await api(token).get(paths.audit(`period#${world.periodId}`)), 403);
    const today = await admin.get(`${paths.audit()}?limit=5`);
    expect(today.status).toBe(200);
    expect(today.body.items.length).toBeGreaterThan(0);
    expect(today.body.items.length).toBeLessThanOrEqual(5);
    for (const record of today.body.items)
      expect(record).toMatchObject({
        entity: expect.any(String),
        action: expect.any(String),
        actor: expect.any(String),
        requestId: expect.any(String),
        time: expect.any(String),
      });
  });
});
