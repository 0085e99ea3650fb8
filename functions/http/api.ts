import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { hasRole } from "../../shared/access/roles.ts";
import { Refusal } from "../../shared/errors.ts";
import type { RequestContext } from "../../shared/services/context.ts";
import type { PageRequest } from "../../shared/store/page.ts";
import { ROUTE_BY_KEY } from "../routes.ts";
import { actorFromClaims } from "./claims.ts";
import { logger } from "./logger.ts";
import { errorResponse, jsonResponse } from "./responses.ts";

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ApiRequest {
  ctx: RequestContext;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
  page: PageRequest;
}

export interface ApiReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Wraps a route's logic as a Lambda handler: finds the route by its key, checks the caller's roles
 * against the route table, parses JSON and paging, and maps every refusal to the error shape of
 * API.md. Business rules stay in shared/; this is only the edge.
 */
export function apiHandler(run: (request: ApiRequest) => Promise<ApiReply>) {
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      logger.appendKeys({ requestId: event.requestContext.requestId, route: event.routeKey });
      try {
        const reply = await run(toRequest(event));
        return jsonResponse(reply.status ?? 200, reply.body, reply.headers);
      } catch (error) {
        if (error instanceof Refusal) {
          logger.info("refused", { code: error.code, kind: error.kind });
          return errorResponse(error);
        }
        logger.error("failed", error as Error);
        return errorResponse(new Refusal("bad-request", "internal", "internal error"), 500);
      }
    });
}

function toRequest(event: ApiEvent): ApiRequest {
  const route = ROUTE_BY_KEY.get(event.routeKey);
  if (!route) throw new Refusal("not-found", "no-route", `no route ${event.routeKey}`);
  const actor = actorFromClaims(event.requestContext.authorizer?.jwt?.claims);
  if (route.access !== "public") {
    if (!actor) throw new Refusal("unauthenticated", "unauthenticated", "sign in first");
    if (route.access !== "signed-in" && !hasRole(actor, ...route.access))
      throw new Refusal("forbidden", "forbidden", `this needs the role ${route.access.join(" or ")}`);
  }
  const query = event.queryStringParameters ?? {};
  return {
    ctx: {
      actor: actor ?? { username: "anonymous", roles: [] },
      requestId: event.requestContext.requestId,
      now: new Date(),
    },
    params: (event.pathParameters ?? {}) as Record<string, string>,
    query,
    headers: event.headers ?? {},
    body: parseJson(event),
    page: pageOf(query),
  };
}

function parseJson(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Refusal("bad-request", "malformed-json", `the body is not JSON: ${(error as Error).message}`, [
      { path: "", message: "malformed JSON" },
    ]);
  }
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;

function pageOf(query: Record<string, string | undefined>): PageRequest {
  const raw = query.limit;
  const limit = raw === undefined || raw === "" ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new Refusal("bad-request", "bad-limit", `limit must be a whole number from 1 to ${MAX_PAGE}`, [
      { path: "limit", message: "out of range" },
    ]);
  return { limit, cursor: query.cursor || undefined };
}
