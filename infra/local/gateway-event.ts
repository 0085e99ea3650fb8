import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import type { Route } from "../../functions/routes.ts";
import { routeKey } from "../../functions/routes.ts";

/**
 * Builds the API Gateway HTTP API payload v2 event that Lambda would receive for a request, as the
 * real gateway does: lower-case headers (repeats joined by commas), query parameters (repeats joined
 * by commas), path parameters, the body as text for textual types and base64 otherwise, and the JWT
 * authorizer's claims as strings (a list becomes "[a b]").
 */
export function toApiEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: Record<string, unknown> | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const textual = /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]+\+json))/i.test(
    headers["content-type"] ?? "text/plain",
  );
  const now = new Date();
  const key = routeKey(route);
  return {
    version: "2.0",
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    ...(body.length > 0
      ? { body: textual ? body.toString("utf8") : body.toString("base64"), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: {
        jwt: { claims: stringClaims(claims ?? {}), scopes: [] },
        principalId: "",
        integrationLatency: 0,
      },
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function stringClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims))
    out[name] = Array.isArray(value) ? `[${value.join(" ")}]` : String(value);
  return out;
}

/** Matches a path against the route table's templates ("/api/periods/{periodId}"). */
export function matchRoute(routes: readonly Route[], method: string, pathname: string) {
  const segments = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  let pathFound = false;
  for (const route of routes) {
    const template = route.path.split("/").filter(Boolean);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, i) => {
      const segment = segments[i] as string;
      if (part.startsWith("{") && part.endsWith("}")) {
        params[part.slice(1, -1)] = segment;
        return segment.length > 0;
      }
      return part === segment;
    });
    if (!matches) continue;
    pathFound = true;
    if (route.method === method) return { route, params };
  }
  return pathFound ? "method-not-allowed" : undefined;
}
