/**
 * The smoke's JSON client of the API: standalone (no test runner), `Authorization: Bearer <IdToken>`,
 * and a refusal turned into a SmokeError carrying the status and the API.md error's code and message,
 * so the run stops at the first unexpected answer and says why.
 */

/** A step that failed: what the server answered (status, API error code) or what went wrong. */
export class SmokeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked field by field by the steps
export type Json = any;

/** Reads a response as JSON (or its text when it is not), keeping the status. */
async function readReply(response: Response): Promise<{ status: number; body: Json }> {
  const text = await response.text();
  try {
    return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** Throws a SmokeError unless the reply has one of `expected` statuses; returns its body. */
export function expectReply(
  what: string,
  reply: { status: number; body: Json },
  ...expected: number[]
): Json {
  if (expected.includes(reply.status)) return reply.body;
  const error = reply.body?.error;
  const message = typeof error?.message === "string" ? error.message : JSON.stringify(reply.body ?? null);
  throw new SmokeError(`${what}: ${message}`, reply.status, error?.code ?? undefined);
}

export type Client = ReturnType<typeof clientOf>;

/** A client of the API at `baseUrl`, signed in with `idToken` when given. */
export function clientOf(baseUrl: string, idToken?: string) {
  const send = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (idToken) headers.authorization = `Bearer ${idToken}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return readReply(response);
  };
  /** Calls a route and returns the body of an answer with one of the `expected` statuses (200 by default). */
  const call = async (method: string, path: string, body?: unknown, expected: number[] = [200]) =>
    expectReply(`${method} ${path}`, await send(method, path, body), ...expected);
  return {
    send,
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown, ...expected: number[]) =>
      call("POST", path, body, expected.length ? expected : [200]),
    put: (path: string, body?: unknown) => call("PUT", path, body),
    patch: (path: string, body?: unknown) => call("PATCH", path, body),
  };
}

/** GET a file without a token (the published files): its status and text. */
export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}
