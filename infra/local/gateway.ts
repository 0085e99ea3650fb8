import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { Route } from "../../functions/routes.ts";
import { matchRoute, toApiEvent } from "./gateway-event.ts";

const FUNCTIONS_DIR = resolve(import.meta.dirname, "../../functions");
/** Lambda's synchronous payload limit. */
const MAX_BODY = 6 * 1024 * 1024;

type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface GatewayOptions {
  port: number;
  host?: string;
  routes: readonly Route[];
  /** Verifies an IdToken as API Gateway's JWT authorizer would; throws when it is not valid. */
  verifyToken: (token: string) => Promise<Record<string, unknown>>;
  /** Served at /config.json. */
  config: unknown;
  /** Reads a published file (site bucket, key "public/…"). */
  readPublic: (key: string) => Promise<{ body: Uint8Array; contentType: string } | undefined>;
  /** The built web app, served at / when present. */
  webDist?: string;
}

/**
 * The local stand-in for API Gateway + CloudFront: /api/* goes to the very handler modules Lambda
 * runs, with real payload v2 events; /config.json, /public/* and the web app are served as the
 * CloudFront distribution serves them.
 */
export async function startGateway(
  options: GatewayOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const handlers = new Map<string, Promise<Handler>>();
  const load = (route: Route) => {
    let handler = handlers.get(route.handler);
    if (!handler) {
      handler = import(pathToFileURL(join(FUNCTIONS_DIR, `${route.handler}.ts`)).href).then(
        (m) => m.handler as Handler,
      );
      handlers.set(route.handler, handler);
    }
    return handler;
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error) => {
      console.error("gateway:", error);
      if (!response.headersSent) send(response, 500, { message: "Internal Server Error" });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname.startsWith("/api/")) return api(request, response, url);
    if (url.pathname === "/config.json") return send(response, 200, options.config);
    if (url.pathname.startsWith("/public/")) return published(response, url.pathname.slice(1));
    return web(response, url.pathname);
  }

  async function api(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    const match = matchRoute(options.routes, method, url.pathname);
    if (match === undefined) return send(response, 404, gatewayError(404, "Not Found", "no-route"));
    if (match === "method-not-allowed")
      return send(response, 404, gatewayError(404, "Not Found", "no-route"));
    const body = await readBody(request);
    if (body === "too-large")
      return send(response, 413, gatewayError(413, "Request Entity Too Large", "payload-too-large"));
    let claims: Record<string, unknown> | undefined;
    if (match.route.access !== "public") {
      const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
      claims = token ? await options.verifyToken(token).catch(() => undefined) : undefined;
      if (!claims) return send(response, 401, gatewayError(401, "Unauthorized", "unauthenticated"));
    }
    const event = toApiEvent(request, url, match.route, match.params, body, claims);
    const handler = await load(match.route);
    const result = await handler(event, lambdaContext(match.route, event.requestContext.requestId));
    response.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>) });
    response.end(
      result.body === undefined
        ? undefined
        : result.isBase64Encoded
          ? Buffer.from(result.body, "base64")
          : result.body,
    );
  }

  async function published(response: ServerResponse, key: string): Promise<void> {
    const file = await options.readPublic(key);
    if (!file) return send(response, 404, { message: "Not Found" });
    response.writeHead(200, { "content-type": file.contentType, "cache-control": "public, max-age=60" });
    response.end(file.body);
  }

  async function web(response: ServerResponse, pathname: string): Promise<void> {
    const root = options.webDist;
    const file = root ? await findStatic(root, pathname) : undefined;
    if (!file) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(
        "<!doctype html><meta charset=utf-8><title>chiso</title><p>chiso API is running at <code>/api</code>; the web app is not built.</p>",
      );
      return;
    }
    response.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(await readFile(file));
  }

  await new Promise<void>((done) => server.listen(options.port, options.host ?? "127.0.0.1", done));
  return {
    url: `http://localhost:${options.port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** API Gateway's own refusals are {"message": …}; the error shape of API.md is added beside it. */
function gatewayError(status: number, message: string, code: string) {
  return { message, error: { code, message: status === 401 ? "sign in first" : message, details: [] } };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lambdaContext(route: Route, requestId: string): Context {
  const functionName = `chiso-${route.handler.replace("/", "-")}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** A file under the web root, or the app's index.html for client-side routes. */
async function findStatic(root: string, pathname: string): Promise<string | undefined> {
  const candidate = normalize(join(root, decodeURIComponent(pathname)));
  if (!candidate.startsWith(resolve(root))) return undefined;
  for (const path of [candidate, join(root, "index.html")]) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return path;
  }
  return undefined;
}
