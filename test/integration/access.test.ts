import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES, type Route, routeKey } from "../../functions/routes.ts";
import {
  type Api,
  api,
  createPeriod,
  expectError,
  forge,
  frameworkFixture,
  initiateAuth,
  linkEvidence,
  PASSWORD,
  paths,
  type Reply,
  readAll,
  setUpWorldClients,
  submissionEntity,
  type World,
} from "../support/local-stack.ts";
import { sampleBody as validSample } from "../support/route-samples.ts";
import { worldState } from "../support/world-state.ts";

/**
 * The refusals every route shares, driven by the route table itself (functions/routes.ts): without a
 * valid IdToken 401, with the wrong role 403, another unit's route 404, and afterwards nothing changed.
 * Also: unknown routes, and paging (limit + cursor) of every list route.
 */

let world: World;
let admin: Api;
let evidenceId: string;

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("access"));
  evidenceId = await linkEvidence(world, "https://example.gov.vn/access");
  const saved = await api(world.a.editor).patch(paths.answers(world.periodId, world.a.id), {
    answers: { "1.4": { value: 1 } },
  });
  expect(saved.status).toBe(200);
  // Two of everything, so each list has a second page whatever ran before this file.
  const second = `${world.prefix}-second`;
  expect((await admin.post(paths.frameworks, frameworkFixture(`${second}-fw`))).status).toBe(201);
  await createPeriod(world.admin, {
    id: `${second}-p`,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id],
  });
  for (const n of [1, 2]) {
    const source = { id: `${world.prefix}-source-${n}`, name: `Nguồn ${n}` };
    expect((await admin.post("/api/sources", source)).status).toBe(201);
  }
});

/** A body that is valid for the route (so that only the caller is wrong), by route key. */
const sampleBody = (route: Route): unknown => validSample(route, world);

/** The route's path with the world's ids (unit A's routes by default). */
function concrete(route: Route, unitId = world.a.id): string {
  const values: Record<string, string> = {
    periodId: world.periodId,
    unitId,
    evidenceId,
    frameworkId: world.frameworkId,
    code: "1.1",
  };
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? "x"));
}

const call = (token: string | undefined, route: Route, unitId?: string): Promise<Reply> =>
  api(token).call(route.method, concrete(route, unitId), sampleBody(route));

/** What the refusals must not change: the unit's submission, the period, the lists, the audit trail. */
const snapshot = () => worldState(admin, world);

const protectedRoutes = () => ROUTES.filter((r) => r.access !== "public");
const label = (route: Route) => routeKey(route);

describe("authentication (401)", () => {
  it("refuses every route without a token, with a malformed one, a forged one, or an access token", async () => {
    const before = await snapshot();
    const accessToken = (await initiateAuth(world.a.usernames.editor, PASSWORD)).body
      .AuthenticationResult as {
      AccessToken: string;
    };
    const forgedAdmin = await forge(world.admin);
    const forgedEditor = await forge(world.a.editor);
    const callers: [string, (route: Route) => Promise<Reply>][] = [
      ["no token", (route) => call(undefined, route)],
      ["not a JWT", (route) => call("not-a-jwt", route)],
      ["forged admin", (route) => call(forgedAdmin, route)],
      ["forged editor", (route) => call(forgedEditor, route)],
      ["access token", (route) => call(accessToken.AccessToken, route)],
      [
        "wrong scheme",
        (route) =>
          api().call(route.method, concrete(route), sampleBody(route), {
            headers: { authorization: `Basic ${world.admin}` },
          }),
      ],
    ];
    for (const route of protectedRoutes())
      for (const [name, send] of callers) {
        const reply = await send(route);
        expect(reply.status, `${label(route)} with ${name}: ${JSON.stringify(reply.body)}`).toBe(401);
        expectError(reply, 401);
      }
    expect(await snapshot()).toEqual(before);
  });
});

describe("authorisation", () => {
  const roleTokens = () =>
    ({
      admin: world.admin,
      reviewer: world.reviewer,
      "unit-editor": world.a.editor,
      "unit-approver": world.a.approver,
    }) as const;

  it("refuses every role a route does not name (403)", async () => {
    const before = await snapshot();
    let checked = 0;
    for (const route of protectedRoutes()) {
      if (route.access === "signed-in") continue;
      for (const [role, token] of Object.entries(roleTokens())) {
        if ((route.access as readonly string[]).includes(role)) continue;
        const reply = await call(token, route);
        expect(reply.status, `${label(route)} as ${role}: ${JSON.stringify(reply.body)}`).toBe(403);
        expectError(reply, 403, "forbidden");
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 to a unit user on another unit's routes, whatever its role allows", async () => {
    const before = await snapshot();
    const unitRoutes = protectedRoutes().filter((r) => r.path.includes("{unitId}"));
    expect(unitRoutes.length).toBeGreaterThanOrEqual(10);
    for (const route of unitRoutes) {
      const access = route.access as readonly string[];
      for (const [role, token] of [
        ["unit-editor", world.b.editor],
        ["unit-approver", world.b.approver],
        ["unit-editor", world.c.editor],
      ] as const) {
        if (!access.includes(role)) continue;
        const reply = await call(token, route, world.a.id);
        expect(
          reply.status,
          `${label(route)} as ${role} of another unit: ${JSON.stringify(reply.body)}`,
        ).toBe(404);
        expectError(reply, 404);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 alike for a unit that does not exist and one that exists elsewhere", async () => {
    const route = ROUTES.find((r) => routeKey(r) === "GET /api/periods/{periodId}/units/{unitId}/submission");
    if (!route) throw new Error("no submission route");
    const elsewhere = await call(world.b.editor, route, world.a.id);
    const nowhere = await call(world.b.editor, route, `${world.prefix}-nowhere`);
    expect([elsewhere.status, nowhere.status]).toEqual([404, 404]);
    expect(elsewhere.body.error.code).toBe(nowhere.body.error.code);
  });
});

describe("routes", () => {
  it("answers 404 in the error shape for paths and methods that are not routes", async () => {
    expectError(await admin.get("/api/nothing-here"), 404);
    expectError(await admin.delete(paths.units), 404);
    expectError(await admin.get(`${paths.period(world.periodId)}/units`), 404);
    expectError(await api().get("/api/nothing-here"), 404);
  });
});

describe("paging", () => {
  const lists: Record<string, () => string> = {
    "GET /api/frameworks": () => paths.frameworks,
    "GET /api/units": () => paths.units,
    "GET /api/periods": () => paths.periods,
    "GET /api/periods/{periodId}/submissions": () => paths.submissions(world.periodId),
    "GET /api/audit": () => paths.audit(submissionEntity(world.periodId, world.a.id)),
    "GET /api/users": () => paths.users,
    "GET /api/sources": () => "/api/sources",
  };
  const withQuery = (path: string, query: string) => `${path}${path.includes("?") ? "&" : "?"}${query}`;

  it.for(Object.keys(lists))("%s pages with limit and cursor", async (key) => {
    const path = (lists[key] as () => string)();
    const { whole, paged } = await pagedWhileStill(path);
    expect(whole.length).toBeGreaterThan(1);
    const first = await admin.get(withQuery(path, "limit=1"));
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(paged).toEqual(whole);
  });

  /**
   * The list read whole and one item a page, with the whole read again after: other test files
   * change the shared lists meanwhile (a period closes on its schedule and moves in the period list),
   * so the comparison counts only when the list held still around the paged read.
   */
  async function pagedWhileStill(path: string) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const whole = await readAll(admin, path);
      const paged = await readAll(admin, path, 1);
      const after = await readAll(admin, path);
      if (JSON.stringify(after) === JSON.stringify(whole)) return { whole, paged };
    }
    throw new Error(`${path} changed during each of five paged reads`);
  }

  it.for(Object.keys(lists))("%s refuses a bad limit (400, path limit)", async (key) => {
    const path = (lists[key] as () => string)();
    for (const limit of ["0", "-1", "1001", "abc", "2.5", "1e2x"]) {
      const details = expectError(await admin.get(withQuery(path, `limit=${limit}`)), 400, "bad-limit");
      expect(details.map((d) => d.path)).toContain("limit");
    }
  });

  it.for(Object.keys(lists))("%s refuses a cursor it did not issue (400, path cursor)", async (key) => {
    const path = (lists[key] as () => string)();
    const garbage = await admin.get(withQuery(path, "cursor=%21%21not-a-cursor%21%21"));
    expect(expectError(garbage, 400).map((d) => d.path)).toContain("cursor");
    // Well-formed (base64url of a JSON object), but not a position this API handed out.
    const made = Buffer.from(JSON.stringify({ pk: "X", sk: "Y" })).toString("base64url");
    const forged = await admin.get(withQuery(path, `cursor=${made}`));
    expect(expectError(forged, 400).map((d) => d.path)).toContain("cursor");
  });

  it("every list route of the route table is paged here", () => {
    const listRoutes = ROUTES.filter(
      (r) => r.method === "GET" && /s$/.test(r.path) && !r.path.endsWith("/results"),
    );
    for (const route of listRoutes) expect(Object.keys(lists)).toContain(routeKey(route));
  });
});
