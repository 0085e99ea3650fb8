/**
 * Entry point of the cognito-local child process (see cognito.ts): makes its file writes safe,
 * then runs cognito-local's own start script.
 *
 * cognito-local keeps each pool in one JSON file (StormDB) and rewrites the whole file with
 * fs.writeFile on every change, including every sign-in (it stores the refresh token). Requests
 * that overlap start overlapping writeFile calls on one path; when an older, shorter write lands
 * last the file ends with the tail of the newer one and no longer parses, and the next start
 * fails. Measured: 16 parallel sign-ins left a corrupt pool file in 11 rounds of 40.
 *
 * Here each file gets at most one write in flight. Changes made meanwhile are written together
 * by the next write (group commit: every caller still waits until its change is on disk), and
 * each write goes to a temporary file renamed over the old one, so the file is always whole.
 *
 * It also replaces the key pair cognito-local signs tokens with: the package's own
 * (`lib/keys/cognitoLocal.*.json`) is public, so anyone could forge a token the API accepts. The
 * installation's key pair (cognito.ts, `CHISO_COGNITO_SIGNING_KEY`) is put in the module cache
 * under those two files' names before cognito-local loads them: its token generator signs with it
 * and its JWKS endpoint publishes it.
 */
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createRequire, Module } from "node:module";
import { dirname, join } from "node:path";

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface FileQueue {
  /** The engine's latest state: serialised when the write starts, so it holds every change so far. */
  state: unknown;
  waiters: Waiter[];
  writing: boolean;
}

interface LocalEngine {
  path: string;
  async: boolean;
  serialize(data: unknown): string;
}

const requireHere = createRequire(import.meta.url);
const cognitoDir = dirname(requireHere.resolve("cognito-local/package.json"));
const requireFromCognito = createRequire(join(cognitoDir, "package.json"));
const engineClass: { prototype: { write(this: LocalEngine, data: unknown): Promise<void> | null } } =
  requireFromCognito("stormdb").localFileEngine;

const keyFile = process.env.CHISO_COGNITO_SIGNING_KEY;
if (!keyFile)
  throw new Error("CHISO_COGNITO_SIGNING_KEY is not set: refusing to sign with the package's key");
const keys = JSON.parse(readFileSync(keyFile, "utf8")) as Record<"private" | "public", unknown>;
for (const half of ["private", "public"] as const) {
  const path = join(cognitoDir, "lib", "keys", `cognitoLocal.${half}.json`);
  const cached = new Module(path);
  cached.filename = path;
  cached.loaded = true;
  cached.exports = keys[half];
  requireFromCognito.cache[path] = cached;
}

const queues = new Map<string, FileQueue>();
const syncWrite = engineClass.prototype.write;

engineClass.prototype.write = function write(this: LocalEngine, data: unknown) {
  if (!this.async) return syncWrite.call(this, data);
  let queue = queues.get(this.path);
  if (!queue) {
    queue = { state: data, waiters: [], writing: false };
    queues.set(this.path, queue);
  }
  queue.state = data;
  const done = new Promise<void>((resolve, reject) => queue.waiters.push({ resolve, reject }));
  if (!queue.writing) void drain(this, queue);
  return done;
};

async function drain(engine: LocalEngine, queue: FileQueue): Promise<void> {
  queue.writing = true;
  while (queue.waiters.length > 0) {
    const batch = queue.waiters.splice(0);
    try {
      const temporary = `${engine.path}.${process.pid}.tmp`;
      await writeFile(temporary, engine.serialize(queue.state));
      await rename(temporary, engine.path);
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
  queue.writing = false;
}

/**
 * Amazon Cognito refuses to sign in a disabled user (AdminDisableUser) with NotAuthorizedException
 * "User is disabled."; cognito-local 5.3.0 signs them in. Its sign-in targets are wrapped here so the
 * local stack refuses them too (the accounts screen's "disable" must mean the same locally).
 */
interface SignInRequest {
  ClientId?: string;
  UserPoolId?: string;
  AuthParameters?: Record<string, string>;
}
type Handler = (ctx: unknown, req: SignInRequest) => Promise<unknown>;
interface Services {
  cognito: {
    getUserPoolForClientId(ctx: unknown, id: string): Promise<Pool>;
    getUserPool(ctx: unknown, id: string): Promise<Pool>;
  };
}
interface Pool {
  getUserByUsername(ctx: unknown, name: string): Promise<{ Enabled?: boolean } | null>;
  getUserByRefreshToken(ctx: unknown, token: string): Promise<{ Enabled?: boolean } | null>;
}
const targets: Record<string, (services: Services) => Handler> = requireFromCognito(
  join(cognitoDir, "lib", "targets", "targets.js"),
).Targets;
const { NotAuthorizedError } = requireFromCognito(join(cognitoDir, "lib", "errors.js")) as {
  NotAuthorizedError: new (message?: string) => Error;
};
for (const name of ["InitiateAuth", "AdminInitiateAuth"]) {
  const original = targets[name];
  if (!original) continue;
  targets[name] = (services) => {
    const run = original(services);
    return async (ctx, req) => {
      const pool = req.UserPoolId
        ? await services.cognito.getUserPool(ctx, req.UserPoolId)
        : await services.cognito.getUserPoolForClientId(ctx, req.ClientId ?? "");
      const params = req.AuthParameters ?? {};
      const user = params.REFRESH_TOKEN
        ? await pool.getUserByRefreshToken(ctx, params.REFRESH_TOKEN)
        : params.USERNAME
          ? await pool.getUserByUsername(ctx, params.USERNAME)
          : null;
      if (user?.Enabled === false) throw new NotAuthorizedError("User is disabled.");
      return run(ctx, req);
    };
  };
}

requireFromCognito(join(cognitoDir, "lib", "bin", "start.js"));
