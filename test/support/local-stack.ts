import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { expect, inject } from "vitest";
import { tinyPdf } from "../../infra/local/demo/pdf.ts";
import { postUpload } from "../../infra/local/demo/upload.ts";
import { ADMIN_PASSWORD, CLOSE_LAG_MS, type StackInfo } from "./stack-info.ts";

export { postUpload, tinyPdf };

/**
 * The integration harness. One local stack serves the whole run (see integration-setup.ts); each
 * test file builds its own small world in it — a framework, units, users and an open period under
 * ids no other file uses — and talks to it only over HTTP, as a browser or a script would.
 */

export const stack = (): StackInfo => inject("chisoStack");

export const PASSWORD = "Test@12345";
export { ADMIN_PASSWORD };

// ---------------------------------------------------------------------------------------------
// Sign-in: Cognito's InitiateAuth (USER_PASSWORD_AUTH) at the endpoint /config.json names.

export interface AuthConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  endpoint: string;
}

let authConfig: Promise<AuthConfig> | undefined;

/** The sign-in settings, read from GET /config.json like the web app does. */
export function config(): Promise<AuthConfig> {
  authConfig ??= fetch(`${stack().url}/config.json`)
    .then((r) => r.json() as Promise<{ auth: AuthConfig }>)
    .then((c) => c.auth);
  return authConfig;
}

/** InitiateAuth as the browser calls it; returns the status and the JSON answer. */
export async function initiateAuth(username: string, password: string) {
  const auth = await config();
  const response = await fetch(`${auth.endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    AuthenticationResult?: { IdToken?: string };
    __type?: string;
    message?: string;
  };
  return { ok: response.ok, status: response.status, body };
}

const idTokens = new Map<string, Promise<string>>();

/** Signs a user in and returns the IdToken; cached per user and password. */
export function signIn(username: string, password: string): Promise<string> {
  const key = `${username}\u0000${password}`;
  let token = idTokens.get(key);
  if (!token) {
    token = initiateAuth(username, password).then(({ ok, status, body }) => {
      const id = body.AuthenticationResult?.IdToken;
      if (!ok || !id) throw new Error(`sign-in of ${username} failed: ${status} ${JSON.stringify(body)}`);
      return id;
    });
    token.catch(() => idTokens.delete(key));
    idTokens.set(key, token);
  }
  return token;
}

export const signInAdmin = () => signIn("admin", ADMIN_PASSWORD);

let forger: Promise<Awaited<ReturnType<typeof generateKeyPair>>["privateKey"]> | undefined;

/**
 * The token with its claims (and any `changes`) signed by a key that is not the pool's: same
 * header (kid), same issuer and audience, so only the signature gives it away.
 */
export async function forge(token: string, changes: Record<string, unknown> = {}): Promise<string> {
  forger ??= generateKeyPair("RS256").then((pair) => pair.privateKey);
  const header = decodeProtectedHeader(token);
  return new SignJWT({ ...decodeJwt(token), ...changes })
    .setProtectedHeader({ alg: "RS256", ...(header.kid ? { kid: header.kid } : {}) })
    .sign(await forger);
}

// ---------------------------------------------------------------------------------------------
// The API client.

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

/** A client of the shared stack's gateway, calling with `Authorization: Bearer <token>` when given. */
export const api = (token?: string) => clientFor(() => stack().url, token);

/** A client of any gateway (also a stack a test starts itself), with the error-shape check on every reply. */
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

// ---------------------------------------------------------------------------------------------
// Paths.

export const paths = {
  frameworks: "/api/frameworks",
  framework: (id: string) => `/api/frameworks/${encodeURIComponent(id)}`,
  units: "/api/units",
  users: "/api/users",
  periods: "/api/periods",
  period: (id: string) => `/api/periods/${encodeURIComponent(id)}`,
  transitions: (id: string) => `/api/periods/${encodeURIComponent(id)}/transitions`,
  submissions: (id: string) => `/api/periods/${encodeURIComponent(id)}/submissions`,
  unit: (periodId: string, unitId: string) =>
    `/api/periods/${encodeURIComponent(periodId)}/units/${encodeURIComponent(unitId)}`,
  submission: (periodId: string, unitId: string) => `${paths.unit(periodId, unitId)}/submission`,
  answers: (periodId: string, unitId: string) => `${paths.unit(periodId, unitId)}/answers`,
  submit: (periodId: string, unitId: string) => `${paths.unit(periodId, unitId)}/submit`,
  withdraw: (periodId: string, unitId: string) => `${paths.unit(periodId, unitId)}/withdraw`,
  evidence: (periodId: string, unitId: string, evidenceId?: string) =>
    `${paths.unit(periodId, unitId)}/evidence${evidenceId ? `/${encodeURIComponent(evidenceId)}` : ""}`,
  confirm: (periodId: string, unitId: string, evidenceId: string) =>
    `${paths.evidence(periodId, unitId, evidenceId)}/confirm`,
  download: (periodId: string, unitId: string, evidenceId: string) =>
    `${paths.evidence(periodId, unitId, evidenceId)}/download`,
  audit: (entity?: string) => `/api/audit${entity ? `?entity=${encodeURIComponent(entity)}` : ""}`,
};

export const submissionEntity = (periodId: string, unitId: string) => `submission#${periodId}#${unitId}`;

// ---------------------------------------------------------------------------------------------
// Fixtures: a small world per test file, built as an admin over HTTP.

const FIXTURES = resolve(import.meta.dirname, "../fixtures");

/**
 * The integration framework (test/fixtures/integration-framework.json) under a new id. Group
 * "department" has a leaf of every method; evidence file+url (1.1, required), file only (1.2,
 * required), url only (1.3 required, 2.3 optional). Group "commune" is small.
 */
export function frameworkFixture(id: string): Record<string, unknown> {
  const framework = JSON.parse(readFileSync(resolve(FIXTURES, "integration-framework.json"), "utf8"));
  return { ...framework, id };
}

/** Answers in the domain of every department leaf, with what each scores (maxPoints 100). */
export const DEPARTMENT_ANSWERS = {
  "1.1": { value: true },
  "1.2": { value: "deputy", note: "Quyết định 12/QĐ" },
  "1.3": { value: { numerator: 3, denominator: 4 } },
  "1.4": { value: 2 },
  "1.5": { value: 3 },
  "2.1": { value: 12.5 },
  "2.2": { value: 1500 },
  "2.3": { value: false },
  "2.4": { value: "Đang xây dựng đề án" },
};

/** A unique slug for this run and this file: the stack is shared by every file of the run. */
export const uniqueId = (name: string) => `${name}-${randomBytes(3).toString("hex")}`;

export interface UnitUsers {
  id: string;
  code: string;
  /** IdTokens. */
  editor: string;
  approver: string;
  usernames: { editor: string; approver: string };
}

export interface World {
  prefix: string;
  frameworkId: string;
  /** Two departments and a commune, all in `periodId`. */
  a: UnitUsers;
  b: UnitUsers;
  c: UnitUsers;
  periodId: string;
  /** IdTokens. */
  admin: string;
  reviewer: string;
  reviewerName: string;
}

export async function createUser(
  admin: string,
  user: { username: string; roles: string[]; unitId?: string; password?: string },
): Promise<void> {
  const reply = await api(admin).post(paths.users, { password: PASSWORD, ...user });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
}

/**
 * Builds the file's world: imports the fixture framework, upserts three units, creates an editor and
 * an approver per unit and a reviewer, creates and opens a period (deadline tomorrow).
 */
export async function setUpWorld(name: string): Promise<World> {
  const prefix = uniqueId(name);
  const admin = await signInAdmin();
  const client = api(admin);
  const frameworkId = `${prefix}-fw`;
  const imported = await client.post(paths.frameworks, frameworkFixture(frameworkId));
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);

  const units = [
    { key: "a", kind: "department", name: "Sở A" },
    { key: "b", kind: "department", name: "Sở B" },
    { key: "c", kind: "commune", name: "Xã C" },
  ].map((u) => ({
    ...u,
    id: `${prefix}-${u.key}`,
    code: `${prefix.replace(/-/g, "").toUpperCase()}${u.key.toUpperCase()}`.slice(-32),
  }));
  const upserted = await client.put(paths.units, {
    units: units.map(({ id, code, name, kind }) => ({ id, code, name: `${name} (${prefix})`, kind })),
  });
  expect(upserted.status, JSON.stringify(upserted.body)).toBe(200);
  expect(upserted.body).toMatchObject({ created: 3, updated: 0 });

  const reviewerName = `${prefix}.reviewer`;
  const accounts = [
    { username: reviewerName, roles: ["reviewer"] },
    ...units.flatMap((u) => [
      { username: `${prefix}.editor.${u.key}`, roles: ["unit-editor"], unitId: u.id },
      { username: `${prefix}.approver.${u.key}`, roles: ["unit-approver"], unitId: u.id },
    ]),
  ];
  await Promise.all(accounts.map((account) => createUser(admin, account)));

  const periodId = `${prefix}-p`;
  await createPeriod(admin, {
    id: periodId,
    frameworkId,
    unitIds: units.map((u) => u.id),
  });
  await openPeriod(admin, periodId);

  const tokens = await Promise.all(accounts.map((a) => signIn(a.username, PASSWORD)));
  const tokenOf = (username: string) => tokens[accounts.findIndex((a) => a.username === username)] as string;
  const unitUsers = (key: string): UnitUsers => {
    const unit = units.find((u) => u.key === key);
    if (!unit) throw new Error(key);
    const usernames = { editor: `${prefix}.editor.${key}`, approver: `${prefix}.approver.${key}` };
    return {
      id: unit.id,
      code: unit.code,
      editor: tokenOf(usernames.editor),
      approver: tokenOf(usernames.approver),
      usernames,
    };
  };
  return {
    prefix,
    frameworkId,
    a: unitUsers("a"),
    b: unitUsers("b"),
    c: unitUsers("c"),
    periodId,
    admin,
    reviewer: tokenOf(reviewerName),
    reviewerName,
  };
}

const HOUR = 3_600_000;

/** POST /api/periods (201 expected): by default open from yesterday until tomorrow. */
export async function createPeriod(
  admin: string,
  period: { id: string; frameworkId: string; unitIds: string[]; closesAt?: string; name?: string },
) {
  const now = Date.now();
  const reply = await api(admin).post(paths.periods, {
    name: `Kỳ kiểm thử ${period.id}`,
    opensAt: new Date(now - 24 * HOUR).toISOString(),
    closesAt: new Date(now + 24 * HOUR).toISOString(),
    ...period,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

export async function openPeriod(admin: string, periodId: string) {
  const reply = await api(admin).post(paths.transitions(periodId), { to: "open" });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.state).toBe("open");
  return reply.body;
}

/**
 * A period of the world's units whose deadline is `seconds` ahead (whole seconds: deadlines are
 * kept to the second), opened now. `waitForDeadline` then waits until it has passed; the local
 * scheduler closes it only CLOSE_LAG_MS later, so until then the server alone must refuse late writes.
 */
export async function createClosingPeriod(world: World, suffix: string, seconds = 3) {
  const closesAtMs = Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000;
  const id = `${world.prefix}-${suffix}`;
  await createPeriod(world.admin, {
    id,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id, world.b.id, world.c.id],
    closesAt: new Date(closesAtMs).toISOString(),
  });
  await openPeriod(world.admin, id);
  return { id, closesAtMs };
}

export async function waitForDeadline(closesAtMs: number): Promise<void> {
  const wait = closesAtMs - Date.now() + 50;
  expect(wait, "the deadline waits are kept short").toBeLessThanOrEqual(5_000);
  if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  // The local scheduler closes the period CLOSE_LAG_MS after the deadline: leave the test time to
  // make its late writes and see them refused before that.
  expect(Date.now(), "too late: the scheduled close is near").toBeLessThan(closesAtMs + CLOSE_LAG_MS - 8_000);
}

// ---------------------------------------------------------------------------------------------
// The evidence bucket, read directly (s3rver), to check what confirm leaves behind.

let s3: S3Client | undefined;

export function evidenceBucket() {
  const info = stack();
  s3 ??= new S3Client({
    endpoint: info.s3Endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const client = s3;
  const Bucket = info.evidenceBucket;
  return {
    async exists(key: string): Promise<boolean> {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) return false;
        throw error;
      }
    },
    async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

/** A tiny valid PNG (1×1), for "declared a PDF, uploaded something else". */
export const TINY_PNG = Uint8Array.from(
  Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  ),
);
