import { expect } from "vitest";

/**
 * The tests' JSON client of the API: any gateway (the run's shared stack, a stack a test starts itself,
 * the e2e stack), `Authorization: Bearer <token>` when given, and every error checked against the
 * shape of docs/API.md. Paths come from `pathFor` (shared/api/paths.ts).
 */

export interface Reply {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked by the tests' assertions
  body: any;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Send this text as the body, as is (e.g. malformed JSON). */
  raw?: string;
}

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Every error of the API has the shape of API.md: {"error": {"code", "message", "details": [{"path",
 * "message"}]}}. Checked on every reply, so no test can let a stray shape (or a 500) through.
 */
export function expectErrorShape(reply: Reply): void {
  expect(reply.status, `a 5xx is never an answer: ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  expect(reply.body, "error body").toMatchObject({
    error: { code: expect.stringMatching(KEBAB), message: expect.any(String), details: expect.any(Array) },
  });
  expect(reply.body.error.message.length).toBeGreaterThan(0);
  for (const detail of reply.body.error.details)
    expect(detail).toEqual({ path: expect.any(String), message: expect.any(String) });
}

export type Api = ReturnType<typeof clientFor>;

/** A client of the gateway at `baseUrl` (read at each call), with the error-shape check on every reply. */
export function clientFor(baseUrl: () => string, token?: string) {
  const call = async (method: string, path: string, body?: unknown, options: CallOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers["content-type"] ??= "application/json";
    const response = await fetch(`${baseUrl()}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    const reply: Reply = {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: parsed,
    };
    if (reply.status >= 400) expectErrorShape(reply);
    return reply;
  };
  return {
    get: (path: string, options?: CallOptions) => call("GET", path, undefined, options),
    post: (path: string, body?: unknown, options?: CallOptions) => call("POST", path, body, options),
    put: (path: string, body?: unknown, options?: CallOptions) => call("PUT", path, body, options),
    patch: (path: string, body?: unknown, options?: CallOptions) => call("PATCH", path, body, options),
    delete: (path: string, options?: CallOptions) => call("DELETE", path, undefined, options),
    call,
  };
}

/** A client of a gateway at a fixed address (a stack the test starts itself). */
export const clientAt = (baseUrl: string, token?: string): Api => clientFor(() => baseUrl, token);

/** Asserts the status of a reply, showing its body when it is another; returns the body. */
export function expectStatus(reply: Reply, status: number): Reply["body"] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  return reply.body;
}

/** Asserts a refusal: its status, the API.md shape, and the code when given; returns the details. */
export function expectError(reply: Reply, status: number, code?: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expectErrorShape(reply);
  if (code !== undefined) expect(reply.body.error.code).toBe(code);
  return reply.body.error.details as { path: string; message: string }[];
}

/** Asserts a 422 that names each of `paths` in its details. */
export function expectInvalid(reply: Reply, ...paths: string[]) {
  const details = expectError(reply, 422);
  const found = details.map((d) => d.path);
  for (const path of paths) expect(found, `details[].path of ${JSON.stringify(details)}`).toContain(path);
  return details;
}

/** Reads every page of a list route (limit per page), checking each page's shape. */
export async function readAll<T = Reply["body"]>(client: Api, path: string, limit = 1000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const join = path.includes("?") ? "&" : "?";
  do {
    const page: Reply = await client.get(
      `${path}${join}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(Array.isArray(page.body.items)).toBe(true);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    expect(cursor === null || typeof cursor === "string").toBe(true);
  } while (cursor);
  return items;
}
