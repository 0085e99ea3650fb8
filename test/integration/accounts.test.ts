import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  api,
  expectError,
  expectInvalid,
  initiateAuth,
  PASSWORD,
  paths,
  readAll,
  setUpWorldClients,
  signedInAs,
  signIn,
  type World,
} from "../support/local-stack.ts";

/** The organiser's accounts (list, read, change, disable, password) and the audit log's filters. */

let world: World;
let admin: Api;
const name = (n: string) => `${world.prefix}.${n}`;
const NEW_PASSWORD = "Renewed#2468";

interface UserRow {
  username: string;
  roles: string[];
  unitId?: string;
  scope?: { groups?: string[]; nodes?: string[] };
  enabled: boolean;
  status: string;
}

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("accounts"));
  for (const [n, roles, unitId] of [
    ["acc.editor", ["unit-editor"], world.a.id],
    ["acc.approver", ["unit-approver"], world.b.id],
    ["acc.reviewer", ["reviewer"], undefined],
    ["acc.admin2", ["admin"], undefined],
  ] as const) {
    const reply = await admin.post(paths.users, {
      username: name(n),
      password: PASSWORD,
      roles,
      ...(unitId ? { unitId } : {}),
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  }
});

const list = (query: string) => readAll<UserRow>(admin, `${paths.users}?${query}`);

describe("GET /api/users", () => {
  it("lists accounts by name with roles, unit and state, and finds them by name, unit and role", async () => {
    const mine = await list(`q=${encodeURIComponent(world.prefix)}.ACC`);
    expect(mine.map((u) => u.username)).toEqual(
      ["acc.admin2", "acc.approver", "acc.editor", "acc.reviewer"].map(name),
    );
    expect(mine.find((u) => u.username === name("acc.editor"))).toEqual({
      username: name("acc.editor"),
      roles: ["unit-editor"],
      unitId: world.a.id,
      enabled: true,
      status: "CONFIRMED",
      createdAt: expect.any(String),
    });
    const ofB = await list(`unitId=${world.b.id}`);
    expect(ofB.map((u) => u.username)).toContain(name("acc.approver"));
    expect(ofB.every((u) => u.unitId === world.b.id)).toBe(true);
    const reviewers = await list(`role=reviewer&q=${world.prefix}.acc`);
    expect(reviewers.map((u) => u.username)).toEqual([name("acc.reviewer")]);
  });

  it("pages by user name: each page's cursor gives the next, none repeated", async () => {
    const all = await list(`q=${world.prefix}.acc`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin.get(
        `${paths.users}?q=${world.prefix}.acc&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((u: UserRow) => u.username));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((u) => u.username));
  });

  it("refuses a bad filter or cursor (400 naming it), and non-admins (403)", async () => {
    expect(expectError(await admin.get(`${paths.users}?role=superuser`), 400, "bad-query")[0]?.path).toBe(
      "role",
    );
    expect(expectError(await admin.get(`${paths.users}?enabled=maybe`), 400, "bad-query")[0]?.path).toBe(
      "enabled",
    );
    expectError(await admin.get(`${paths.users}?cursor=not-ours!`), 400, "bad-cursor");
    for (const token of [world.reviewer, world.a.editor]) expectError(await api(token).get(paths.users), 403);
    expectError(await api().get(paths.users), 401);
  });
});

describe("GET and PATCH /api/users/{username}", () => {
  it("reads one account; an unknown one is 404", async () => {
    const reply = await admin.get(paths.user(name("acc.reviewer")));
    expect(reply.body).toMatchObject({ username: name("acc.reviewer"), roles: ["reviewer"], enabled: true });
    expectError(await admin.get(paths.user(name("nobody"))), 404);
  });

  it("changes roles, unit and reviewer scope; the next sign-in carries them; each change is audited", async () => {
    const user = name("acc.editor");
    const reply = await admin.patch(paths.user(user), {
      roles: ["unit-approver", "reviewer"],
      unitId: world.b.id,
      scope: { groups: ["department"], nodes: ["1"] },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({
      roles: ["reviewer", "unit-approver"],
      unitId: world.b.id,
      scope: { groups: ["department"], nodes: ["1"] },
    });
    expect((await admin.get(paths.user(user))).body).toEqual(reply.body);
    const claims = decodeJwt(await signIn(user, PASSWORD));
    expect([...(claims["cognito:groups"] as string[])].sort()).toEqual(["reviewer", "unit-approver"]);
    expect(claims["custom:unitId"]).toBe(world.b.id);
    expect(claims["custom:scopeGroups"]).toBe("department");
    // Back to an editor of a: the scope goes with the reviewer role.
    const back = await admin.patch(paths.user(user), { roles: ["unit-editor"], unitId: world.a.id });
    expect(back.body).toMatchObject({ roles: ["unit-editor"], unitId: world.a.id });
    expect(back.body.scope).toBeUndefined();
    const audit = await readAll(admin, paths.audit(`user#${user}`));
    expect(audit.map((r: { action: string }) => r.action)).toEqual([
      "user.update",
      "user.update",
      "user.create",
    ]);
    expect(audit[1]).toMatchObject({
      actor: "admin",
      before: { roles: ["unit-editor"], unitId: world.a.id, enabled: true },
      after: { roles: ["reviewer", "unit-approver"], unitId: world.b.id, enabled: true },
    });
  });

  it("a disabled account cannot sign in until it is enabled again", async () => {
    const user = name("acc.approver");
    expect((await initiateAuth(user, PASSWORD)).ok).toBe(true);
    const off = await admin.patch(paths.user(user), { enabled: false });
    expect(off.body).toMatchObject({ enabled: false });
    const refused = await initiateAuth(user, PASSWORD);
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused.body)).toContain("NotAuthorizedException");
    expect((await list(`q=${world.prefix}.acc&enabled=false`)).map((u) => u.username)).toEqual([user]);
    expect((await admin.patch(paths.user(user), { enabled: true })).body).toMatchObject({ enabled: true });
    expect((await initiateAuth(user, PASSWORD)).ok).toBe(true);
  });

  it("an admin cannot disable or demote their own account (409 own-account), and nothing changes", async () => {
    const own = name("acc.admin2");
    const self = await signedInAs(own);
    const demote = expectError(
      await self.patch(paths.user(own), { roles: ["reviewer"] }),
      409,
      "own-account",
    );
    expect(demote[0]?.path).toBe("roles");
    const disable = expectError(await self.patch(paths.user(own), { enabled: false }), 409, "own-account");
    expect(disable[0]?.path).toBe("enabled");
    expect((await admin.get(paths.user(own))).body).toMatchObject({ roles: ["admin"], enabled: true });
    // Another admin may change it.
    expect(
      (await self.patch(paths.user(name("acc.reviewer")), { scope: { groups: ["commune"] } })).status,
    ).toBe(200);
  });

  it("refuses bad changes (422 with the path) and writes nothing", async () => {
    const user = name("acc.reviewer");
    const before = (await admin.get(paths.user(user))).body;
    const cases: [unknown, string][] = [
      [{}, ""],
      [{ roles: [] }, "roles"],
      [{ roles: ["superuser"] }, "roles.0"],
      [{ roles: ["unit-editor"] }, "unitId"],
      [{ roles: ["admin"], scope: { groups: ["x"] } }, "scope"],
      [{ unitId: `${world.prefix}-nowhere`, roles: ["unit-editor"] }, "unitId"],
      [{ enabled: "no" }, "enabled"],
      [{ password: PASSWORD }, "password"],
    ];
    for (const [body, path] of cases) expectInvalid(await admin.patch(paths.user(user), body), path);
    expectError(await admin.patch(paths.user(name("nobody")), { enabled: false }), 404);
    expect((await admin.get(paths.user(user))).body).toEqual(before);
  });
});

describe("PUT /api/users/{username}/password", () => {
  it("sets a new password: the old one no longer signs in, the new one does; the audit never holds it", async () => {
    const user = name("acc.reviewer");
    const reply = await admin.put(paths.password(user), { password: NEW_PASSWORD });
    expect(reply.status, JSON.stringify(reply.body)).toBe(204);
    expect((await initiateAuth(user, PASSWORD)).ok).toBe(false);
    expect(decodeJwt(await signIn(user, NEW_PASSWORD))["cognito:username"]).toBe(user);
    const audit = await readAll(admin, paths.audit(`user#${user}`));
    expect(audit[0]).toMatchObject({ action: "user.password", actor: "admin" });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
  });

  it("refuses a weak password (422 password), an unknown user (404), non-admins (403)", async () => {
    const user = name("acc.reviewer");
    expectInvalid(await admin.put(paths.password(user), { password: "weak" }), "password");
    expectInvalid(await admin.put(paths.password(user), {}), "password");
    expectError(await admin.put(paths.password(name("nobody")), { password: NEW_PASSWORD }), 404);
    expectError(await api(world.reviewer).put(paths.password(user), { password: NEW_PASSWORD }), 403);
    expect((await initiateAuth(user, NEW_PASSWORD)).ok).toBe(true);
  });
});

describe("GET /api/audit filters", () => {
  const today = () => new Date().toISOString().slice(0, 10);
  const audit = (query: string) =>
    readAll<{ entity: string; action: string; actor: string }>(admin, `${paths.audit()}?${query}`);

  it("filters a day range by actor, action, period and unit, newest first", async () => {
    const day = today();
    const updates = await audit(`from=${day}&to=${day}&action=user.update&actor=admin`);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((r) => r.action === "user.update" && r.actor === "admin")).toBe(true);
    const byAdmin2 = await audit(`from=${day}&to=${day}&actor=${name("acc.admin2")}`);
    expect(byAdmin2).toEqual([
      expect.objectContaining({ entity: `user#${name("acc.reviewer")}`, action: "user.update" }),
    ]);
    const ofPeriod = await audit(`from=${day}&to=${day}&periodId=${world.periodId}`);
    expect(ofPeriod.length).toBeGreaterThan(0);
    expect(
      ofPeriod.every(
        (r) =>
          r.entity === `period#${world.periodId}` || r.entity.startsWith(`submission#${world.periodId}#`),
      ),
    ).toBe(true);
    const ofUnit = await audit(`from=${day}&to=${day}&unitId=${world.a.id}`);
    expect(ofUnit.length).toBeGreaterThan(0);
    expect(
      ofUnit.every((r) => r.entity === `unit#${world.a.id}` || r.entity.endsWith(`#${world.a.id}`)),
    ).toBe(true);
  });

  it("walks several days, pages without repeats, and reads an entity within dates", async () => {
    const day = today();
    const week = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    const all = await audit(`from=${week}&to=${day}&action=user.`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await admin.get(
        `${paths.audit()}?from=${week}&to=${day}&action=user.&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((r: { at: string; entity: string }) => `${r.entity} ${r.at}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => `${r.entity} ${(r as unknown as { at: string }).at}`));
    expect(new Set(seen).size).toBe(seen.length);
    const entity = `user#${name("acc.editor")}`;
    expect(await audit(`entity=${encodeURIComponent(entity)}&from=${day}&to=${day}`)).toHaveLength(3);
    expect(await audit(`entity=${encodeURIComponent(entity)}&from=2000-01-01&to=2000-01-02`)).toEqual([]);
  });

  it("refuses a bad range or filter (400 naming it)", async () => {
    const bad: [string, string][] = [
      ["from=2026-02-30&to=2026-03-01", "from"],
      ["from=2026-03-02&to=2026-03-01", "to"],
      ["from=2026-01-01&to=2026-12-31", "to"],
      ["from=2026-01-01", "to"],
      ["day=2026-01-01&to=2026-01-02", "day"],
      ["action=USER*", "action"],
      ["periodId=Not%20An%20Id", "periodId"],
    ];
    for (const [query, path] of bad)
      expect(
        expectError(await admin.get(`${paths.audit()}?${query}`), 400, "bad-query")[0]?.path,
        query,
      ).toBe(path);
    expectError(await admin.get(`${paths.audit()}?from=2026-01-01&to=2026-01-02&cursor=eyJ4IjoxfQ`), 400);
  });
});
