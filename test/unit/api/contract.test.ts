import { readFileSync } from "node:fs";
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { type ApiEvent, apiHandler, responseChecks } from "../../../functions/http/api.ts";
import type { Actor } from "../../../shared/access/roles.ts";
import { adminUnitSchema, unitViewSchema } from "../../../shared/api/catalog.ts";
import { CONTRACT, responseSchema } from "../../../shared/api/contract.ts";
import { openApiDocument, openApiText, operationIdOf } from "../../../shared/api/openapi.ts";
import { adminPeriodSchema, periodSchema, reviewerPeriodSchema } from "../../../shared/api/periods.ts";
import { ROUTES, routeKey } from "../../../shared/api/routes.ts";
import { evidenceSchema } from "../../../shared/api/submissions.ts";
import type { Evidence } from "../../../shared/model/evidence.ts";
import type { Period } from "../../../shared/model/period.ts";
import { evidenceFor, periodFor, unitFor } from "../../../shared/services/views.ts";

/** The one contract (shared/api): every route has one, the views hold no internal field, the document is fresh. */

/** A period carrying everything a period can carry, internal fields included. */
const fullPeriod: Period = {
  state: "publishing",
  version: 9,
  id: "p",
  counts: { units: 3, submitted: 2, draft: 1 },
  name: "Năm 2026",
  job: {
    kind: "publish",
    status: "running",
    done: 1,
    total: 4,
    queuedAt: "2026-11-19T23:59:00.000Z",
    startedAt: "2026-11-19T23:59:30.000Z",
    attempts: 1,
    runId: "run-1",
    leaseUntil: "2026-11-20T00:05:00.000Z",
  },
  frameworkId: "fw",
  publication: { version: 1, publishedAt: "2026-12-17T09:00:00+07:00", previous: null },
  opensAt: "2026-11-01T00:00:00+07:00",
  nextPublication: {
    version: 2,
    publishedAt: "2026-11-20T07:00:00+07:00",
    previous: { periodId: "o", version: 3 },
  },
  closesAt: "2026-11-30T17:00:00+07:00",
  explanationClosesAt: "2026-12-15T17:00:00+07:00",
  createdAt: "2026-10-01T00:00:00.000Z",
  bests: { provisional: { department: { "1.7": 12 } }, final: { department: { "1.7": 13 } } },
  updatedAt: "2026-11-19T00:00:00.000Z",
  lastUnitDeadline: "2026-12-02T17:00:00+07:00",
  closedAt: "2026-11-30T10:00:00.000Z",
  finalizedAt: "2026-12-16T10:00:00.000Z",
};
const now = new Date("2026-11-20T00:00:00Z");
const actor = (...roles: Actor["roles"]): Actor => ({ username: "u", roles, unitId: "so-a" });

describe("the contract covers the route table", () => {
  it("has an entry for every route, and no entry without a route", () => {
    const routes = ROUTES.map(routeKey).sort();
    expect(Object.keys(CONTRACT).sort()).toEqual(routes);
  });

  it("names exactly the path parameters of each route", () => {
    for (const route of ROUTES) {
      const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const entry = CONTRACT[routeKey(route) as keyof typeof CONTRACT];
      expect(Object.keys("params" in entry ? entry.params.shape : {}), routeKey(route)).toEqual(names);
    }
  });

  it("documents a success answer for every route", () => {
    for (const [key, entry] of Object.entries(CONTRACT))
      expect(
        Object.keys(entry.responses).some((s) => s.startsWith("2")),
        key,
      ).toBe(true);
  });
});

describe("views hold no internal field", () => {
  it("shows a unit user the period's public face only, strictly", () => {
    for (const roles of [["unit-editor"], ["unit-approver"]] as const) {
      const view = periodFor(actor(...roles), fullPeriod, now);
      expect(periodSchema.safeParse(view).error).toBeUndefined();
      expect(view).not.toHaveProperty("bests");
      expect(view).not.toHaveProperty("nextPublication");
      expect(view).not.toHaveProperty("lastUnitDeadline");
      expect(view.job).toEqual({ kind: "publish", status: "running" });
      expect(view.publication).toEqual({ version: 1, publishedAt: "2026-12-17T09:00:00+07:00" });
    }
  });

  it("adds the latest unit deadline for reviewers, and the rest but never the lease for admins", () => {
    const reviewer = periodFor(actor("reviewer"), fullPeriod, now);
    expect(reviewerPeriodSchema.safeParse(reviewer).error).toBeUndefined();
    expect(periodSchema.safeParse(reviewer).success).toBe(false);
    const admin = periodFor(actor("admin"), fullPeriod, now);
    expect(adminPeriodSchema.safeParse(admin).error).toBeUndefined();
    expect(admin.job).not.toHaveProperty("runId");
    expect(admin.job).not.toHaveProperty("leaseUntil");
  });

  it("keeps a field the stored period gains internal until the view lists it", () => {
    const legacy = { ...fullPeriod, closing: { at: "x" }, publishing: true } as Period;
    const view = periodFor(actor("unit-editor"), legacy, now);
    expect(view).not.toHaveProperty("closing");
    expect(view).not.toHaveProperty("publishing");
  });

  it("shows a unit's e-mail address to admins only", () => {
    const unit = { id: "so-a", code: "A", name: "Sở A", kind: "department", email: "a@example.gov.vn" };
    expect(unitViewSchema.safeParse(unitFor(actor("unit-editor"), unit)).error).toBeUndefined();
    expect(unitViewSchema.safeParse(unit).success).toBe(false);
    expect(adminUnitSchema.safeParse(unitFor(actor("admin"), unit)).error).toBeUndefined();
  });

  it("never shows evidence's storage key", () => {
    const stored: Evidence = {
      id: "e",
      kind: "file",
      status: "confirmed",
      indicatorCodes: ["1.1"],
      fileName: "a.pdf",
      contentType: "application/pdf",
      size: 3,
      sha256: "abc",
      key: "evidence/p/so-a/e/abc",
      createdAt: "t",
      createdBy: "u",
      confirmedAt: "t",
    };
    expect(evidenceSchema.safeParse(stored).success).toBe(false);
    expect(evidenceSchema.safeParse(evidenceFor(stored)).error).toBeUndefined();
  });

  it("picks the narrowest view the caller's roles allow", () => {
    const key = "GET /api/periods/{periodId}";
    expect(responseSchema(key, 200, ["admin", "unit-editor"])).toBe(adminPeriodSchema);
    expect(responseSchema(key, 200, ["reviewer"])).toBe(reviewerPeriodSchema);
    expect(responseSchema(key, 200, ["unit-editor"])).toBe(periodSchema);
    expect(responseSchema(key, 418, ["admin"])).toBeUndefined();
  });
});

describe("the edge checks answers against the contract when asked", () => {
  const context = {
    functionName: "t",
    awsRequestId: "r",
    getRemainingTimeInMillis: () => 1000,
  } as unknown as Context;
  const event = (groups: string) =>
    ({
      version: "2.0",
      routeKey: "GET /api/periods/{periodId}",
      rawPath: "/",
      headers: {},
      isBase64Encoded: false,
      pathParameters: { periodId: "p" },
      requestContext: {
        requestId: "req",
        authorizer: { jwt: { claims: { "cognito:username": "u", "cognito:groups": groups }, scopes: [] } },
      },
    }) as unknown as ApiEvent;
  /** A handler answering `body`, run with the checks on (as the test stack runs its handlers). */
  const handlerAnswering = (body: unknown) => {
    const handler = apiHandler(async () => ({ body }));
    return async (request: ApiEvent, lambda: Context) => {
      responseChecks.on = true;
      try {
        return await handler(request, lambda);
      } finally {
        responseChecks.on = false;
      }
    };
  };

  it("passes an answer that matches the caller's view", async () => {
    const handler = handlerAnswering(periodFor(actor("unit-editor"), fullPeriod, now));
    expect((await handler(event("[unit-editor]"), context)).statusCode).toBe(200);
  });

  it("turns an internal field in the answer into a 500 contract-violation", async () => {
    const handler = handlerAnswering(periodFor(actor("admin"), fullPeriod, now));
    const result = await handler(event("[unit-editor]"), context);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body as string).error.code).toBe("contract-violation");
    expect((await handler(event("[admin]"), context)).statusCode).toBe(200);
  });

  it("checks nothing unless asked", async () => {
    const handler = apiHandler(async () => ({ body: { anything: true } }));
    expect((await handler(event("[admin]"), context)).statusCode).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  const document = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown[]; "x-roles": unknown }>>;
  };

  it("is docs/openapi.json as committed", () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../../docs/openapi.json", import.meta.url), "utf8"),
    );
    const fresh = JSON.parse(openApiText());
    expect(
      JSON.stringify(committed) === JSON.stringify(fresh),
      "docs/openapi.json is stale: run `npm run openapi`",
    ).toBe(true);
  });

  it("is OpenAPI 3.1 with one operation per route, named after its handler, with its roles", () => {
    expect(document.openapi).toBe("3.1.0");
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    expect(operations).toHaveLength(ROUTES.length);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(ROUTES.length);
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(operationIdOf(route.handler));
      expect(operation?.security).toEqual(route.access === "public" ? [] : [{ bearer: [] }]);
      expect(operation?.["x-roles"]).toEqual(route.access);
    }
  });

  it("leaves no reference dangling", () => {
    const text = JSON.stringify(document);
    const schemas = (document as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g))
      expect(schemas, name).toHaveProperty(name as string);
    expect(text).not.toContain("#/$defs/");
  });
});
