import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { hasRole, type Role } from "../../shared/access/roles.ts";
import { DEFAULT_PAGE, MAX_PAGE, PATH_PARAMETERS } from "../../shared/api/params.ts";
import { excerpt, Refusal } from "../../shared/errors.ts";
import type { RequestContext } from "../../shared/services/context.ts";
import type { PageRequest } from "../../shared/store/page.ts";
import { MAX_BODY_BYTES, ROUTE_BY_KEY, type Route } from "../routes.ts";
import { actorFromClaims } from "./claims.ts";
import { logger } from "./logger.ts";
import { originCheck } from "./origin.ts";
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
  /** The body's text as received ("" when there is none): a push keeps its sha256. */
  rawBody: string;
  page: PageRequest;
}

export interface ApiReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * False in a deployed bundle (esbuild's `define`, infra/cdk/chiso-function.ts): the contract is left out
 * of it. Undefined from source, where the checks below may be turned on.
 */
declare const CHISO_CONTRACT: boolean | undefined;

/**
 * Tests only: whether 2xx answers are checked against the contract. On in a process started with
 * CHISO_CHECK_RESPONSES=1; the local stack turns it on for its own handlers when a test starts it.
 * Never in a bundle, which has no contract to check against.
 */
export const responseChecks = { on: process.env.CHISO_CHECK_RESPONSES === "1" };

/**
 * Wraps a route's logic as a Lambda handler: finds the route by its key, checks the caller's roles
 * against the route table, parses JSON and paging, and maps every refusal to the error shape of
 * API.md. Business rules stay in shared/; this is only the edge.
 */
export function apiHandler(run: (request: ApiRequest) => Promise<ApiReply>) {
  const fromCloudFront = originCheck();
  return middy<ApiEvent, ApiResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      logger.appendKeys({ requestId: event.requestContext.requestId, route: event.routeKey });
      try {
        if (!(await fromCloudFront(event.headers ?? {})))
          throw new Refusal("forbidden", "not-through-site", "the API is reached through the site only");
        const request = toRequest(event);
        const reply = await run(request);
        const status = reply.status ?? 200;
        // The constant first: esbuild folds the condition, and with it the contract's import.
        if ((typeof CHISO_CONTRACT === "undefined" || CHISO_CONTRACT) && responseChecks.on)
          await checkAnswer(event.routeKey, status, reply.body, request.ctx.actor.roles);
        return jsonResponse(status, reply.body, reply.headers);
      } catch (error) {
        if (error instanceof Refusal) {
          logger.info("refused", { code: error.code, kind: error.kind });
          return errorResponse(error);
        }
        if (error instanceof ContractViolation)
          return errorResponse(
            new Refusal("bad-request", "contract-violation", "the answer does not match the API contract"),
            500,
          );
        logger.error("failed", error as Error);
        return errorResponse(new Refusal("bad-request", "internal", "internal error"), 500);
      }
    });
}

/**
 * Tests only (the local stack sets CHISO_CHECK_RESPONSES=1): an answer that does not match its route's
 * schema in shared/api/contract.ts is a 500 `contract-violation`, its zod issues logged. The contract is
 * loaded only then, so a deployed function never evaluates it.
 */
async function checkAnswer(
  key: string,
  status: number,
  body: unknown,
  roles: readonly Role[],
): Promise<void> {
  if (status < 200 || status > 299) return;
  const { responseSchema } = await import("../../shared/api/contract.ts");
  const schema = responseSchema(key, status, roles);
  // What the client receives: JSON drops undefined fields and turns dates into text.
  const sent: unknown = body === undefined ? undefined : JSON.parse(JSON.stringify(body));
  let issues: unknown[] | undefined;
  if (schema === undefined) issues = [{ message: `status ${status} is not in the contract of ${key}` }];
  else if (schema === null) issues = sent === undefined ? undefined : [{ message: "expected no body" }];
  else issues = schema.safeParse(sent).error?.issues;
  if (!issues) return;
  logger.error("contract-violation", { status, issues });
  throw new ContractViolation();
}

class ContractViolation extends Error {}

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
    params: checkedParams(event.pathParameters ?? {}),
    query: checkedQuery(query),
    headers: event.headers ?? {},
    body: parseJson(event, route),
    rawBody: bodyText(event),
    page: pageOf(query),
  };
}

/** A path parameter longer than this, or with characters no id has, is refused (400) at the edge. */
export const MAX_PARAM_LENGTH = 128;
/** A query value longer than this (UTF-8 bytes) is refused: some become storage keys. */
export const MAX_QUERY_BYTES = 1024;

// "@": a user name may be an e-mail address (GET /api/users/{username}).
const PARAM_CHARACTERS = /^[A-Za-z0-9._~@-]+$/;

/** What each path parameter looks like (shared/api/params.ts): a value of another shape cannot exist. */
const PARAM_SHAPES: Record<string, { shape: RegExp; what: string }> = Object.fromEntries(
  Object.entries(PATH_PARAMETERS).map(([name, { pattern, what }]) => [
    name,
    { shape: new RegExp(pattern), what },
  ]),
);

/**
 * Path parameters are checked before anything reads the store: too long or with characters no id has
 * → 400 `bad-path` (the parameter's name as path); an id of another shape → 404. Neither quotes the
 * input, so a 3,000-character id neither reaches DynamoDB's key limit nor comes back in the answer.
 */
function checkedParams(params: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const text = value ?? "";
    if (text.length === 0 || text.length > MAX_PARAM_LENGTH || !PARAM_CHARACTERS.test(text))
      throw new Refusal("bad-request", "bad-path", `the path parameter ${name} is not valid`, [
        {
          path: name,
          message: `expected at most ${MAX_PARAM_LENGTH} characters: letters, digits, '.', '_', '-', '@'`,
        },
      ]);
    const rule = PARAM_SHAPES[name];
    if (rule && !rule.shape.test(text)) throw new Refusal("not-found", "not-found", `${rule.what} not found`);
    out[name] = text;
  }
  return out;
}

function checkedQuery(query: Record<string, string | undefined>): Record<string, string | undefined> {
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && Buffer.byteLength(value, "utf8") > MAX_QUERY_BYTES)
      throw new Refusal("bad-request", "bad-query", `the query parameter ${excerpt(name)} is too long`, [
        { path: excerpt(name), message: `at most ${MAX_QUERY_BYTES} bytes` },
      ]);
  return query;
}

const bodyText = (event: ApiEvent): string =>
  !event.body ? "" : event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;

/** Refuses a body over the route's limit (413 `too-large`) before decoding or parsing it. */
function parseJson(event: ApiEvent, route: Route): unknown {
  if (event.body === undefined || event.body === null || event.body === "") return undefined;
  const limit = route.maxBodyBytes ?? MAX_BODY_BYTES;
  const size = event.isBase64Encoded
    ? Math.floor((event.body.length * 3) / 4)
    : Buffer.byteLength(event.body, "utf8");
  if (size > limit)
    throw new Refusal("too-large", "too-large", `the body is larger than ${limit} bytes`, [
      { path: "", message: `at most ${limit} bytes` },
    ]);
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Refusal(
      "bad-request",
      "malformed-json",
      `the body is not JSON: ${excerpt((error as Error).message, 100)}`,
      [{ path: "", message: "malformed JSON" }],
    );
  }
}

export { DEFAULT_PAGE, MAX_PAGE };

function pageOf(query: Record<string, string | undefined>): PageRequest {
  const raw = query.limit;
  const limit = raw === undefined || raw === "" ? DEFAULT_PAGE : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new Refusal("bad-request", "bad-limit", `limit must be a whole number from 1 to ${MAX_PAGE}`, [
      { path: "limit", message: "out of range" },
    ]);
  return { limit, cursor: query.cursor || undefined };
}
