import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { extname } from "node:path";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { Route } from "../../functions/routes.ts";
import { matchRoute, toApiEvent } from "./gateway-event.ts";
import { type Invoker, invoker } from "./invoke.ts";
import { type AuthReply, type LocalTotp, MFA_TARGETS } from "./mfa.ts";
import {
  type SigningCredentials,
  StorageRefusal,
  verifyPresignedGet,
  verifyPresignedPart,
  verifyPresignedPost,
} from "./s3-gate.ts";
import { sendBody, sendStatic } from "./static-files.ts";

/** Lambda's synchronous payload limit. */
const MAX_BODY = 6 * 1024 * 1024;
/** A sign-in request is small. */
const MAX_AUTH_BODY = 64 * 1024;
/** The largest evidence file (shared/model/evidence.ts) plus the form's fields. */
const MAX_UPLOAD_BODY = 50 * 1024 * 1024 + 256 * 1024;
/** One part of a resumable upload (shared/services/multipart.ts plans 8 MiB, more for a huge file). */
const MAX_PART_BODY = 64 * 1024 * 1024;

/**
 * The Cognito operations the browser's sign-in needs (web/src/auth/cognito.ts): InitiateAuth with a
 * password or a refresh token, and RespondToAuthChallenge for a challenge such as a new password
 * (with the TOTP stand-in, mfa.ts, also AssociateSoftwareToken and VerifySoftwareToken).
 * Everything else (SignUp, Admin*, UpdateUserAttributes, …) is the API's, on the private port.
 */
const AUTH_TARGETS = new Set([
  "AWSCognitoIdentityProviderService.InitiateAuth",
  "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
]);
const AUTH_FLOWS = new Set(["USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"]);

/** Published files are data, never a page: only the types publication writes, by extension. */
const PUBLIC_TYPES: Record<string, string> = {
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".pdf": "application/pdf",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".zip": "application/zip",
};

/** The app's policy: everything from this origin, nothing inline, no framing. */
const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");
/** What is not the app (data, downloads): no script runs, even if a browser tried to render it. */
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";
/**
 * Evidence served inline (a PDF or an image in the reviewer's panel): the app may frame it, as it may
 * frame the bucket in the cloud (S3 sends no framing rule). Not sandboxed: Chromium shows no PDF in a
 * sandboxed document; only PDF, JPEG and PNG are ever served inline (shared/services/evidence.ts).
 */
const INLINE_EVIDENCE_CSP = "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};

export interface GatewayOptions {
  port: number;
  host?: string;
  routes: readonly Route[];
  /** Verifies an IdToken as API Gateway's JWT authorizer would; throws when it is not valid. */
  verifyToken: (token: string) => Promise<Record<string, unknown>>;
  /** Served at /config.json. */
  config: unknown;
  /** Reads a published file (site bucket, key "public/…"). */
  readPublic: (
    key: string,
  ) => Promise<
    { body: Uint8Array; contentType: string; contentDisposition?: string | undefined } | undefined
  >;
  /** The built web app, served at / when present. */
  webDist?: string;
  /**
   * The sign-in endpoint at /auth/: cognito-local's private address, and the one app client; `mfa`
   * (only when the stack is started with `mfaFor`) is the TOTP stand-in (mfa.ts).
   */
  auth?: { upstream: string; clientId: string; mfa?: LocalTotp };
  /** Storage at /s3/: only presigned POSTs and GETs of the evidence bucket, verified here. */
  storage?: {
    bucket: string;
    credentials: SigningCredentials;
    put(key: string, body: Uint8Array, contentType: string): Promise<void>;
    get(key: string): Promise<{ body: Uint8Array; contentType: string } | undefined>;
    /** UploadPart; answers the part's ETag. */
    putPart?(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string>;
  };
  /** Runs a route's function (default: the stack's invoker, invoke.ts). */
  invoker?: Invoker;
  /** Other origins allowed to call /auth/ and /s3/ (the Vite dev server). */
  corsOrigins?: string[];
  /**
   * The origin secret header CloudFront adds to every /api/ request (functions/http/origin.ts): set on
   * each request here, over any value the caller sent.
   */
  originHeader?: { name: string; value: string };
}

/**
 * The local stand-in for API Gateway + CloudFront: /api/* goes to the very handler modules Lambda
 * runs, with real payload v2 events; /config.json, /public/* and the web app are served as the
 * CloudFront distribution serves them.
 */
export async function startGateway(
  options: GatewayOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    response.setHeader("content-security-policy", DATA_CSP);
    serve(request, response).catch((error) => {
      console.error("gateway:", error);
      if (!response.headersSent) send(response, 500, { message: "Internal Server Error" });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
      decodeURIComponent(url.pathname);
    } catch {
      return send(response, 400, gatewayError(400, "Bad Request", "malformed-url"));
    }
    if (url.pathname.startsWith("/api/")) return api(request, response, url);
    if (url.pathname === "/config.json") return send(response, 200, options.config);
    if (url.pathname.startsWith("/public/")) return published(request, response, url.pathname.slice(1));
    if (url.pathname === "/auth" || url.pathname.startsWith("/auth/")) return auth(request, response, url);
    if (url.pathname === "/s3" || url.pathname.startsWith("/s3/")) return storage(request, response, url);
    return web(request, response, url.pathname);
  }

  /** CORS for /auth/ and /s3/ from an allowed other origin; true when the request was a preflight. */
  function cors(request: IncomingMessage, response: ServerResponse): boolean {
    const origin = request.headers.origin;
    if (origin && options.corsOrigins?.includes(origin)) {
      response.setHeader("access-control-allow-origin", origin);
      response.setHeader("vary", "Origin");
      response.setHeader("access-control-expose-headers", "ETag");
      if (request.method === "OPTIONS") {
        response.setHeader("access-control-allow-methods", "GET, POST, PUT");
        response.setHeader("access-control-allow-headers", "content-type, x-amz-target, x-amz-user-agent");
        response.setHeader("access-control-max-age", "3000");
      }
    }
    if (request.method !== "OPTIONS") return false;
    response.writeHead(origin && options.corsOrigins?.includes(origin) ? 204 : 403);
    response.end();
    return true;
  }

  async function auth(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (cors(request, response)) return;
    const refuse = (message: string) => send(response, 400, { __type: "NotAuthorizedException", message });
    if (!options.auth) return refuse("sign-in is not served here");
    if (request.method !== "POST" || (url.pathname !== "/auth" && url.pathname !== "/auth/"))
      return refuse("this endpoint takes only POST /auth/ with a sign-in request");
    const mfa = options.auth.mfa;
    const target = request.headers["x-amz-target"];
    if (typeof target !== "string" || !(AUTH_TARGETS.has(target) || (mfa && MFA_TARGETS.includes(target))))
      return refuse(
        `${typeof target === "string" ? target : "a request without X-Amz-Target"} is not available here: ` +
          "this endpoint serves only sign-in (InitiateAuth, RespondToAuthChallenge" +
          (mfa ? ", AssociateSoftwareToken, VerifySoftwareToken)" : ")"),
      );
    const body = await readBody(request, MAX_AUTH_BODY);
    if (body === "too-large") return refuse("the request is too large");
    let input: { ClientId?: unknown; AuthFlow?: unknown };
    try {
      input = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse("the request is not JSON");
    }
    if (typeof input !== "object" || input === null) return refuse("the request is not a JSON object");
    // AssociateSoftwareToken and VerifySoftwareToken carry no ClientId: only the stand-in's Session.
    if (!MFA_TARGETS.includes(target) && input.ClientId !== options.auth.clientId)
      return refuse("unknown ClientId");
    if (target.endsWith(".InitiateAuth") && !AUTH_FLOWS.has(String(input.AuthFlow)))
      return refuse(`AuthFlow ${String(input.AuthFlow)} is not available here`);
    const upstreamUrl = options.auth.upstream;
    const forward = () =>
      fetch(`${upstreamUrl}/`, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
        body,
      });
    if (mfa) {
      const reply = await mfa.handle(
        target,
        input as Record<string, unknown>,
        async (): Promise<AuthReply> => {
          const upstream = await forward();
          return { status: upstream.status, body: await upstream.json().catch(() => ({})) };
        },
      );
      if (reply) {
        response.writeHead(reply.status, {
          "content-type": "application/x-amz-json-1.1",
          "cache-control": "no-store",
        });
        response.end(JSON.stringify(reply.body));
        return;
      }
    }
    const upstream = await forward();
    response.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "application/x-amz-json-1.1",
      "cache-control": "no-store",
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  async function storage(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (cors(request, response)) return;
    const store = options.storage;
    try {
      if (!store) throw new StorageRefusal("AccessDenied", "storage is not served here");
      const bucketPath = `/s3/${store.bucket}`;
      // What a presigned GET or part PUT must be signed for: this storage, at the request's Host.
      const presigned = {
        pathPrefix: "/s3",
        bucket: store.bucket,
        host: request.headers.host ?? "",
        credentials: store.credentials,
      };
      if (request.method === "POST" && (url.pathname === bucketPath || url.pathname === `${bucketPath}/`)) {
        if (url.search !== "")
          throw new StorageRefusal("AccessDenied", "only a presigned POST form is accepted");
        const type = request.headers["content-type"] ?? "";
        if (!/^multipart\/form-data;/i.test(type))
          throw new StorageRefusal("AccessDenied", "only a presigned POST form is accepted");
        const body = await readBody(request, MAX_UPLOAD_BODY);
        if (body === "too-large")
          throw new StorageRefusal("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
        let form: FormData;
        try {
          form = await new Request("http://localhost/", {
            method: "POST",
            headers: { "content-type": type },
            body,
          }).formData();
        } catch {
          throw new StorageRefusal("InvalidRequest", "the form could not be read");
        }
        const upload = await verifyPresignedPost(form, store.bucket, store.credentials);
        await store.put(upload.key, upload.body, upload.contentType);
        response.writeHead(upload.successStatus, { location: `${bucketPath}/${upload.key}` });
        response.end();
        return;
      }
      if (request.method === "GET") {
        const download = verifyPresignedGet(request.url ?? "", presigned);
        const object = await store.get(download.key);
        if (!object) return s3Error(response, 404, "NoSuchKey", "The specified key does not exist.");
        if (/^inline\b/i.test(download.contentDisposition ?? "")) {
          response.setHeader("content-security-policy", INLINE_EVIDENCE_CSP);
          response.setHeader("x-frame-options", "SAMEORIGIN");
        }
        response.writeHead(200, {
          "content-type": download.contentType ?? object.contentType,
          "content-length": object.body.length,
          "cache-control": "private, no-store",
          ...(download.contentDisposition ? { "content-disposition": download.contentDisposition } : {}),
        });
        response.end(object.body);
        return;
      }
      if (request.method === "PUT" && store.putPart) {
        const part = verifyPresignedPart(request.url ?? "", presigned);
        const body = await readBody(request, MAX_PART_BODY);
        if (body === "too-large")
          throw new StorageRefusal("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
        let etag: string;
        try {
          etag = await store.putPart(part.key, part.uploadId, part.partNumber, body);
        } catch (error) {
          if ((error as { name?: string }).name !== "NoSuchUpload") throw error;
          return s3Error(response, 404, "NoSuchUpload", "The specified upload does not exist.");
        }
        response.writeHead(200, { etag });
        response.end();
        return;
      }
      throw new StorageRefusal("AccessDenied", "only presigned uploads and downloads are accepted");
    } catch (error) {
      if (!(error instanceof StorageRefusal)) throw error;
      // The request body may not have been read: drain it so that the answer reaches the client.
      request.resume();
      return s3Error(response, error.code === "InvalidRequest" ? 400 : 403, error.code, error.message);
    }
  }

  async function api(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? "GET";
    const match = matchRoute(options.routes, method, url.pathname);
    if (match === undefined) return send(response, 404, gatewayError(404, "Not Found", "no-route"));
    if (match === "method-not-allowed")
      return send(response, 404, gatewayError(404, "Not Found", "no-route"));
    const body = await readBody(request, MAX_BODY);
    if (body === "too-large")
      return send(response, 413, gatewayError(413, "Request Entity Too Large", "payload-too-large"));
    let claims: Record<string, unknown> | undefined;
    if (match.route.access !== "public") {
      const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
      claims = token ? await options.verifyToken(token).catch(() => undefined) : undefined;
      if (!claims) return send(response, 401, gatewayError(401, "Unauthorized", "unauthenticated"));
    }
    if (options.originHeader)
      request.headers[options.originHeader.name.toLowerCase()] = options.originHeader.value;
    const event = toApiEvent(request, url, match.route, match.params, body, claims);
    const result = (await (options.invoker ?? invoker()).invoke(
      match.route.handler,
      event,
      event.requestContext.requestId,
    )) as APIGatewayProxyStructuredResultV2;
    response.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>) });
    response.end(
      result.body === undefined
        ? undefined
        : result.isBase64Encoded
          ? Buffer.from(result.body, "base64")
          : result.body,
    );
  }

  async function published(request: IncomingMessage, response: ServerResponse, key: string): Promise<void> {
    const contentType = PUBLIC_TYPES[extname(key).toLowerCase()];
    const file = contentType ? await options.readPublic(key) : undefined;
    if (!file || !contentType) return send(response, 404, { message: "Not Found" });
    sendBody(request, response, file.body, {
      "content-type": contentType,
      "cache-control": "public, max-age=60",
      // The download name publication stored with the object, as S3 and CloudFront pass it on.
      ...(file.contentDisposition ? { "content-disposition": file.contentDisposition } : {}),
    });
  }

  async function web(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    response.setHeader("content-security-policy", APP_CSP);
    const root = options.webDist;
    if (root && (await sendStatic(request, response, root, pathname))) return;
    // Only a stack started without the web app gets here (`npm start` builds it first).
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      "<!doctype html><meta charset=utf-8><title>chiso</title><p>chiso API is running at <code>/api</code>; the web app is not built (<code>npm run build:web</code>).</p>",
    );
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

function s3Error(response: ServerResponse, status: number, code: string, message: string): void {
  const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  response.writeHead(status, { "content-type": "application/xml", connection: "close" });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`,
  );
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  if (Number(request.headers["content-length"] ?? 0) > limit) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
