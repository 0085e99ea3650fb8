import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** The web app's files by extension (what Vite writes to web/dist). */
export const CONTENT_TYPES: Record<string, string> = {
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

/**
 * What CloudFront compresses when a behaviour has `compress: true` and its cache policy accepts
 * gzip and brotli: text types between 1,000 bytes and 10 MB, brotli first when the client takes it.
 * Already-compressed types (XLSX is a ZIP, PNG, WOFF2) are sent as they are.
 */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;
/** Smaller files are sent as they are (compression would gain nothing): CloudFront's own floor. */
export const MIN_COMPRESSED_BYTES = 1000;
const MAX_BYTES = 10 * 1024 * 1024;

type Encoding = "br" | "gzip";

export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const offered = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name) offered.set(name, q === undefined ? 1 : Number(q));
  }
  const takes = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  if (takes("br")) return "br";
  if (takes("gzip")) return "gzip";
  return undefined;
}

/** Compressed copies of unchanging files (the web app's, keyed by path and mtime): compressed once. */
const compressedCache = new Map<string, Buffer>();

function compress(body: Buffer, encoding: Encoding, cacheKey?: string): Buffer {
  const key = cacheKey && `${encoding}:${cacheKey}`;
  const cached = key ? compressedCache.get(key) : undefined;
  if (cached) return cached;
  const out =
    encoding === "br"
      ? brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        })
      : gzipSync(body, { level: 6 });
  if (key) compressedCache.set(key, out);
  return out;
}

/**
 * Sends a body as CloudFront would: compressed for a client that accepts it (`content-encoding`,
 * `vary: accept-encoding`), as it is otherwise. `cacheKey` names a body that does not change.
 */
export function sendBody(
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer | Uint8Array,
  headers: Record<string, string>,
  cacheKey?: string,
): void {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const contentType = headers["content-type"] ?? "";
  const encoding =
    COMPRESSIBLE.test(contentType) && bytes.length >= MIN_COMPRESSED_BYTES && bytes.length <= MAX_BYTES
      ? chooseEncoding(request.headers["accept-encoding"])
      : undefined;
  if (!encoding) {
    response.writeHead(200, { ...headers, vary: "accept-encoding" });
    response.end(request.method === "HEAD" ? undefined : bytes);
    return;
  }
  const out = compress(bytes, encoding, cacheKey);
  response.writeHead(200, { ...headers, "content-encoding": encoding, vary: "accept-encoding" });
  response.end(request.method === "HEAD" ? undefined : out);
}

/** A file under the web root, or the app's index.html for client-side routes. */
export async function findStatic(
  root: string,
  pathname: string,
): Promise<{ path: string; mtimeMs: number } | undefined> {
  const candidate = normalize(join(root, decodeURIComponent(pathname)));
  if (!candidate.startsWith(resolve(root))) return undefined;
  // As the CloudFront function rewrites: /developers/ (the API reference) has its own page.
  const reference = pathname === "/developers" || pathname.startsWith("/developers/");
  const page = join(root, reference ? "developers/index.html" : "index.html");
  for (const path of [candidate, page]) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) return { path, mtimeMs: info.mtimeMs };
  }
  return undefined;
}

/** Serves a file of the web app, compressed as CloudFront would, or undefined when there is none. */
export async function sendStatic(
  request: IncomingMessage,
  response: ServerResponse,
  root: string,
  pathname: string,
): Promise<boolean> {
  const file = await findStatic(root, pathname);
  if (!file) return false;
  const contentType = CONTENT_TYPES[extname(file.path)] ?? "application/octet-stream";
  // Hashed assets never change; index.html and the rest are revalidated, as the CDK stack caches them.
  const cache = pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  sendBody(
    request,
    response,
    await readFile(file.path),
    { "content-type": contentType, "cache-control": cache },
    `${file.path}@${file.mtimeMs}`,
  );
  return true;
}
