import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { expect, inject } from "vitest";
import { tinyPdf } from "../../infra/local/demo/pdf.ts";
import { postUpload } from "../../infra/local/demo/upload.ts";
import { routePaths } from "../../shared/api/paths.ts";
import { type Api, clientFor, expectStatus } from "./client.ts";
import { type AuthEndpoint, authAt, initiateAuth as initiateAuthAt, signInAt } from "./sign-in.ts";
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
// Sign-in (test/support/sign-in.ts) at the endpoint the shared stack's /config.json names.

export interface AuthConfig extends AuthEndpoint {
  region: string;
  userPoolId: string;
}

let authConfig: Promise<AuthConfig> | undefined;

/** The sign-in settings, read from GET /config.json like the web app does. */
export function config(): Promise<AuthConfig> {
  authConfig ??= authAt(stack().url) as Promise<AuthConfig>;
  return authConfig;
}

/** InitiateAuth against the shared stack as the browser calls it; returns the status and the JSON answer. */
export const initiateAuth = async (username: string, password: string) =>
  initiateAuthAt(await config(), username, password);

const idTokens = new Map<string, Promise<string>>();

/** Signs a user in and returns the IdToken; cached per user and password. */
export function signIn(username: string, password: string): Promise<string> {
  const key = `${username}\u0000${password}`;
  let token = idTokens.get(key);
  if (!token) {
    token = config().then((auth) => signInAt(auth, username, password));
    token.catch(() => idTokens.delete(key));
    idTokens.set(key, token);
  }
  return token;
}

export const signInAdmin = () => signIn("admin", ADMIN_PASSWORD);

/** A client of the shared stack signed in as `username` (the tests' password unless given). */
export const signedInAs = async (username: string, password = PASSWORD) =>
  api(await signIn(username, password));

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
// The API client (test/support/client.ts), of the shared stack's gateway.

export {
  type Api,
  type CallOptions,
  clientAt,
  clientFor,
  expectError,
  expectErrorShape,
  expectInvalid,
  expectStatus,
  type Reply,
  readAll,
} from "./client.ts";

/** A client of the shared stack's gateway, calling with `Authorization: Bearer <token>` when given. */
export const api = (token?: string) => clientFor(() => stack().url, token);

// ---------------------------------------------------------------------------------------------
// Paths.

/** The routes the tests call most, by name (shared/api/paths.ts: each built by `pathFor`). */
export const paths = routePaths;

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

/** The world's people as clients of the shared stack: the admin, the reviewer, unit a's editor and approver. */
export interface WorldClients {
  world: World;
  admin: Api;
  reviewer: Api;
  editorA: Api;
  approverA: Api;
}

/** Creates a user (as `admin`, an IdToken) and returns a client signed in as them. */
export async function newUserClient(
  admin: string,
  user: { username: string; roles: string[]; unitId?: string },
): Promise<Api> {
  await createUser(admin, user);
  return signedInAs(user.username);
}

/** `setUpWorld`, with a client for each of its people. */
export async function setUpWorldClients(name: string): Promise<WorldClients> {
  const world = await setUpWorld(name);
  return {
    world,
    admin: api(world.admin),
    reviewer: api(world.reviewer),
    editorA: api(world.a.editor),
    approverA: api(world.a.approver),
  };
}

/** Unit a's editor links a URL as evidence of leaf 1.1 (201 expected); returns the evidence id. */
export async function linkEvidence(world: World, url: string): Promise<string> {
  const link = await api(world.a.editor).post(paths.evidence(world.periodId, world.a.id), {
    indicatorCodes: ["1.1"],
    url,
  });
  return expectStatus(link, 201).evidence.id;
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
