import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES, type Route, routeKey } from "../../functions/routes.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import {
  type Api,
  api,
  expectErrorShape,
  linkEvidence,
  PASSWORD,
  type Reply,
  readAll,
  setUpWorldClients,
  type World,
} from "../support/local-stack.ts";
import { sampleBody as shapedSample } from "../support/route-samples.ts";
import { worldState } from "../support/world-state.ts";

/**
 * A property-based fuzz of every route of functions/routes.ts through the local gateway: hostile
 * bodies (deep nesting, huge strings, wrong types, unicode controls, prototype-pollution keys, NaN and
 * 1e309) and hostile path parameters (long, %-encoded junk, unicode), each sent by a role the route
 * allows. Every answer is a 4xx in the error shape (a 2xx only for a GET), never a 5xx; and
 * afterwards nothing was written: the world's submission, period, lists and audit trail are as before.
 */

const RUNS_PER_ROUTE = 25;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

let world: World;
let admin: Api;
let evidenceId: string;

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("fuzz"));
  evidenceId = await linkEvidence(world, "https://example.gov.vn/fuzz");
});

/** Routes that read no body: only hostile path parameters can make them refuse (else they would act). */
const BODYLESS = new Set([
  "POST /api/periods/{periodId}/units/{unitId}/submit",
  "POST /api/periods/{periodId}/units/{unitId}/withdraw",
  "POST /api/periods/{periodId}/units/{unitId}/carry-over",
  "POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/confirm",
  "DELETE /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}",
]);

/**
 * A valid body per write route, to mutate (a hostile value in a valid shape reaches deeper checks);
 * the samples that would change the world if sent intact are made harmless.
 */
const sampleBody = (route: Route): Record<string, unknown> =>
  shapedSample(route, world, {
    "POST /api/users": { username: `${world.prefix}.never`, password: PASSWORD, roles: ["reviewer"] },
    "POST /api/periods/{periodId}/transitions": { to: "closing" },
    "POST /api/periods/{periodId}/units/{unitId}/evidence": {
      indicatorCodes: ["1.1"],
      fileName: "a.pdf",
      contentType: "application/pdf",
      size: 100,
    },
  }) ?? {};

/** The caller: the most powerful role the route allows (unit roles act on unit A). */
function tokenFor(route: Route): string {
  if (route.access === "public" || route.access === "signed-in") return world.admin;
  const access = route.access as readonly string[];
  if (access.includes("admin")) return world.admin;
  if (access.includes("reviewer")) return world.reviewer;
  if (access.includes("unit-editor")) return world.a.editor;
  return world.a.approver;
}

const validParams = (): Record<string, string> => ({
  periodId: world.periodId,
  unitId: world.a.id,
  evidenceId,
  frameworkId: world.frameworkId,
  code: "1.1",
});

// ---------------------------------------------------------------------------------------------
// Hostile values.

const CONTROLS = ["\u0000", "\r\n", "\t", "\u202E", "\u202A", "\u2066", "\u200B", "\uFEFF", "\u0007"];
const controlString = fc
  .array(fc.oneof(fc.constantFrom(...CONTROLS), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 8 })
  .map((parts) => `${parts.join("")}\u202E`);
const hugeString = fc.integer({ min: 5_000, max: 1_200_000 }).map((n) => "é".repeat(n));
const numberLike = fc.constantFrom(
  "NaN",
  "1e309",
  "-1e309",
  "Infinity",
  "-0",
  "0x10",
  "1_000",
  "9".repeat(400),
);
/** JSON text to put as is: nesting deeper than JSON.stringify's stack, `__proto__` keys, 1e309. */
class Raw {
  constructor(readonly text: string) {}
}
const deep = fc
  .tuple(fc.integer({ min: 50, max: 5_000 }), fc.boolean())
  .map(([depth, asArray]) =>
    asArray
      ? new Raw(`${"[".repeat(depth)}1${"]".repeat(depth)}`)
      : new Raw(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  );

/** JSON text of a value that may hold Raw parts. */
function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A value that no field accepts as valid: every field is typed and none takes these. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  controlString,
  hugeString,
  numberLike,
  deep,
  fc.constant(null),
  fc.constant([]),
  fc.constantFrom(
    new Raw('{"__proto__":{"admin":true}}'),
    new Raw('{"constructor":{"prototype":{"admin":true}}}'),
    new Raw("1e309"),
    new Raw("-1e309"),
  ),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 5 }),
);

/** A body as JSON text: raw, so `__proto__` keys and the 1e309 literal survive to the server. */
type Body = { raw: string };
const POLLUTION = [
  '"__proto__":{"admin":true,"roles":["admin"]}',
  '"constructor":{"prototype":{"admin":true}}',
  '"prototype":{"x":1}',
];

function withKeys(body: Record<string, unknown>, extra: string): string {
  const text = toJson(body);
  return text === "{}" ? `{${extra}}` : `{${extra},${text.slice(1)}`;
}

function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    const inner = entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
    return inner.length > 0 ? inner : [prefix];
  }
  return [prefix];
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}

function bodyArbitrary(route: Route): fc.Arbitrary<Body> {
  const sample = sampleBody(route);
  const paths = leafPaths(sample).filter((p) => p.length > 0);
  const mutated = fc
    .tuple(
      fc.constantFrom(...(paths.length > 0 ? paths : [["x"]])),
      hostileValue,
      fc.constantFrom(...POLLUTION),
    )
    // A hostile value in one field, and an unknown key (every body schema is strict): never valid.
    .map(([path, value, key]) => ({
      raw: withKeys(setAt(sample, path, value) as Record<string, unknown>, key),
    }));
  const whole = fc.oneof(
    hostileValue.map((v) => ({ raw: toJson(v) })),
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => typeof v !== "object" || v === null || Array.isArray(v))
      .map((v) => ({ raw: JSON.stringify(v) })),
    fc
      .constantFrom(
        '{"answers":{"1.4":{"value":1e309}}}',
        '{"answers":{"1.4":{"value":NaN}}}',
        '{"__proto__":{"isAdmin":true}}',
        "{".repeat(10_000),
        '{"a":',
        "\u0000",
        "null",
        "[]",
      )
      .map((raw) => ({ raw })),
    fc.constantFrom(...POLLUTION).map((key) => ({ raw: `{${key}}` })),
  );
  return fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 2, arbitrary: whole });
}

/** Segments sent as they are, not encoded: malformed percent-encoding the gateway must refuse (400). */
const RAW = "\u0001raw:";
const rawSegment = fc.constantFrom("%zz", "%", "%E0%A4%A", "%C0%AF", "%uD800").map((s) => `${RAW}${s}`);

/** A hostile path parameter, as it will appear once the gateway has decoded the segment. */
const hostileParam = fc.oneof(
  fc.integer({ min: 129, max: 4_000 }).map((n) => "p".repeat(n)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  controlString,
  fc.constantFrom(
    "%zz",
    "%00",
    "%2e%2e",
    "%252F",
    "..%2F..%2Fetc",
    "__proto__",
    "constructor",
    "NaN",
    "1e309",
  ),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => `${s}\u0000`),
  rawSegment,
);

function pathOf(route: Route, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name] ?? "x";
    return value.startsWith(RAW) ? value.slice(RAW.length) : encodeURIComponent(value);
  });
}

const paramNames = (route: Route) => [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

interface Input {
  params: Record<string, string>;
  body?: Body | undefined;
  query?: Record<string, string>;
}

function inputArbitrary(route: Route): fc.Arbitrary<Input> {
  const names = paramNames(route);
  const takesBody = route.method !== "GET" && route.method !== "DELETE" && !BODYLESS.has(routeKey(route));
  const hostileParams =
    names.length === 0
      ? fc.constant({})
      : fc
          .tuple(
            fc.subarray(names, { minLength: 1 }),
            fc.array(hostileParam, { minLength: names.length, maxLength: names.length }),
          )
          .map(([chosen, values]) => {
            const params = { ...validParams() };
            chosen.forEach((name, i) => {
              params[name] = values[i] as string;
            });
            return params;
          });
  if (takesBody)
    return fc.record({
      params: fc.oneof(
        { weight: 3, arbitrary: fc.constant(validParams()) },
        { weight: 1, arbitrary: hostileParams },
      ),
      body: bodyArbitrary(route),
    });
  if (route.method === "GET")
    // fetch sends no body with a GET: the query is fuzzed instead.
    return fc.record({
      params: fc.oneof(fc.constant(validParams()), hostileParams),
      query: fc.dictionary(fc.constantFrom(...QUERY_KEYS), fc.oneof(hostileParam, numberLike), {
        maxKeys: 4,
      }),
    });
  if (names.length === 0) return fc.record({ params: fc.constant({}), body: bodyArbitrary(route) });
  return fc.record({ params: hostileParams, body: fc.option(bodyArbitrary(route), { nil: undefined }) });
}

const QUERY_KEYS = ["limit", "cursor", "state", "entity", "day", "groupId", "unitId", "stage", "__proto__"];

function queryOf(query: Record<string, string> | undefined): string {
  const entries = Object.entries(query ?? {});
  return entries.length === 0
    ? ""
    : `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`;
}

// ---------------------------------------------------------------------------------------------

/** The day the fuzz began (UTC): the audit is read from it to today, should the run pass midnight. */
const firstDay = new Date().toISOString().slice(0, 10);

/**
 * Everything a write of these routes could touch. The audit of the days is kept to what the fuzz
 * could have written: every record by anyone but the scheduler (the fuzz signs in as people), and
 * the scheduler's on this world's entities; the scheduler's jobs on other files' periods (their
 * scheduled closes, reminders) run meanwhile on the shared stack.
 */
async function snapshot() {
  const today = new Date().toISOString().slice(0, 10);
  const path = `${pathFor("GET /api/audit")}?from=${firstDay}&to=${today}`;
  const records = await readAll<{ entity: string; actor: string }>(admin, path);
  return {
    ...(await worldState(admin, world)),
    dayAudit: records.filter((r) => r.actor !== SCHEDULER.username || r.entity.includes(world.prefix)),
  };
}

describe("fuzz of every route (body and path parameters)", () => {
  it("answers hostile input with a 4xx in the error shape (2xx only for reads), never a 5xx, writing nothing", async () => {
    const before = await snapshot();
    const statuses = new Map<number, number>();
    let fiveXx = 0;
    let inputs = 0;
    const failures: string[] = [];
    for (const route of ROUTES) {
      const token = tokenFor(route);
      await fc.assert(
        fc.asyncProperty(inputArbitrary(route), async ({ params, body, query }) => {
          inputs++;
          const reply: Reply = await api(token)
            .call(
              route.method,
              `${pathOf(route, params)}${queryOf(query)}`,
              undefined,
              body ? { raw: body.raw } : {},
            )
            .catch((error: Error) => {
              // The client's own check of the error shape (expectErrorShape) throws on a 5xx.
              fiveXx++;
              throw error;
            });
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          if (reply.status >= 500) fiveXx++;
          const ok = reply.status >= 400 ? reply.status < 500 : route.method === "GET" && reply.status < 300;
          if (!ok)
            failures.push(`${routeKey(route)} ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
          expect(
            ok,
            `${routeKey(route)} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`,
          ).toBe(true);
          if (reply.status >= 400) expectErrorShape(reply);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: SEED, endOnFailure: true },
      );
    }
    console.log(
      `fuzz: ${ROUTES.length} routes fuzzed, ${RUNS_PER_ROUTE} inputs per route (${inputs} calls), ${fiveXx} 5xx seen; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; seed ${SEED}`,
    );
    expect(failures).toEqual([]);
    expect(fiveXx).toBe(0);
    expect(await snapshot()).toEqual(before);
  }, 120_000);
});
