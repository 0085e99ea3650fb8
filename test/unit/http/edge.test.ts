import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { type ApiEvent, type ApiRequest, apiHandler, MAX_PARAM_LENGTH } from "../../../functions/http/api.ts";
import { MAX_DETAILS } from "../../../functions/http/responses.ts";
import { MAX_BODY_BYTES, MAX_BULK_BODY_BYTES } from "../../../functions/routes.ts";
import { Refusal } from "../../../shared/errors.ts";

/** The edge (functions/http/api.ts) on synthetic API Gateway events: findings 2 and 5. */

const context = {
  functionName: "edge-test",
  awsRequestId: "req",
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function event(routeKey: string, options: Partial<ApiEvent> = {}): ApiEvent {
  return {
    version: "2.0",
    routeKey,
    rawPath: "/",
    rawQueryString: "",
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      requestId: "req",
      authorizer: {
        jwt: { claims: { "cognito:username": "admin", "cognito:groups": "[admin]" }, scopes: [] },
      },
    },
    ...options,
  } as unknown as ApiEvent;
}

let seen: ApiRequest | undefined;
const handler = apiHandler(async (request) => {
  seen = request;
  if (request.body && typeof request.body === "object" && "problems" in request.body)
    throw new Refusal(
      "unprocessable",
      "invalid-body",
      "bad",
      Array.from({ length: Number(request.body.problems) }, (_, i) => ({ path: `p${i}`, message: "bad" })),
    );
  return { body: { ok: true } };
});
const call = async (e: ApiEvent) => {
  seen = undefined;
  const result = await handler(e, context);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
};

describe("request bodies are capped before parsing", () => {
  it(`refuses a body over ${MAX_BODY_BYTES} bytes with 413 too-large, without parsing it`, async () => {
    const body = JSON.stringify({ answers: { x: "y".repeat(MAX_BODY_BYTES) } });
    const reply = await call(
      event("PATCH /api/periods/{periodId}", { pathParameters: { periodId: "p" }, body }),
    );
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("too-large");
    expect(seen).toBeUndefined();
    const base64 = await call(
      event("PATCH /api/periods/{periodId}", {
        pathParameters: { periodId: "p" },
        body: Buffer.from(body).toString("base64"),
        isBase64Encoded: true,
      }),
    );
    expect(base64.status).toBe(413);
  });

  it("lets bulk imports be larger, up to their own limit", async () => {
    const units = "x".repeat(2 * MAX_BODY_BYTES);
    expect((await call(event("PUT /api/units", { body: JSON.stringify({ units }) }))).status).toBe(200);
    const huge = "x".repeat(MAX_BULK_BODY_BYTES);
    expect((await call(event("PUT /api/units", { body: JSON.stringify({ units: huge }) }))).status).toBe(413);
  });

  it(`lists at most ${MAX_DETAILS} problems and counts the rest in "more"`, async () => {
    const reply = await call(
      event("PATCH /api/periods/{periodId}", {
        pathParameters: { periodId: "p" },
        body: JSON.stringify({ problems: 200_000 }),
      }),
    );
    expect(reply.status).toBe(422);
    expect(reply.body.error.details).toHaveLength(MAX_DETAILS);
    expect(reply.body.error.more).toBe(200_000 - MAX_DETAILS);
    const few = await call(
      event("PATCH /api/periods/{periodId}", {
        pathParameters: { periodId: "p" },
        body: JSON.stringify({ problems: 3 }),
      }),
    );
    expect(few.body.error.details).toHaveLength(3);
    expect(few.body.error).not.toHaveProperty("more");
  });
});

describe("path parameters are checked at the edge", () => {
  it("refuses a long or strange parameter with 400 bad-path naming it, never echoing it", async () => {
    for (const [name, value] of [
      ["periodId", "p".repeat(3000)],
      ["periodId", "a\u202Eb"],
      ["periodId", "a b"],
      ["periodId", "%00"],
      ["periodId", "p".repeat(MAX_PARAM_LENGTH + 1)],
    ] as const) {
      const reply = await call(event("GET /api/periods/{periodId}", { pathParameters: { [name]: value } }));
      expect(reply.status, value.slice(0, 20)).toBe(400);
      expect(reply.body.error.code).toBe("bad-path");
      expect(reply.body.error.details).toEqual([{ path: name, message: expect.any(String) }]);
      expect(JSON.stringify(reply.body)).not.toContain(value);
      expect(seen).toBeUndefined();
    }
  });

  it("answers 404 without the input for an id of the wrong shape, and passes good ones on", async () => {
    const evidence = "GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download";
    const wrong = await call(
      event(evidence, { pathParameters: { periodId: "p", unitId: "u", evidenceId: "no-such-evidence" } }),
    );
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.message).toBe("evidence not found");
    const upper = await call(event("GET /api/periods/{periodId}", { pathParameters: { periodId: "Upper" } }));
    expect(upper.status).toBe(404);
    expect(upper.body.error.message).not.toContain("Upper");
    const good = await call(
      event(evidence, {
        pathParameters: {
          periodId: "2022-h1",
          unitId: "so-noi-vu",
          evidenceId: "0b6f1a52-3c1e-4f7a-9d2b-1e2f3a4b5c6d",
        },
      }),
    );
    expect(good.status).toBe(200);
    expect(seen?.params).toEqual({
      periodId: "2022-h1",
      unitId: "so-noi-vu",
      evidenceId: "0b6f1a52-3c1e-4f7a-9d2b-1e2f3a4b5c6d",
    });
    const code = await call(
      event("PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}", {
        pathParameters: { periodId: "p", unitId: "u", code: "1.2.3" },
        body: "{}",
        requestContext: {
          requestId: "req",
          authorizer: {
            jwt: { claims: { "cognito:username": "r", "cognito:groups": "[reviewer]" }, scopes: [] },
          },
        } as unknown as ApiEvent["requestContext"],
      }),
    );
    expect(code.status).toBe(200);
  });

  it("refuses a query value over 1 KB (some become storage keys)", async () => {
    const reply = await call(
      event("GET /api/audit", { queryStringParameters: { entity: "é".repeat(1000) } }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("bad-query");
  });
});
