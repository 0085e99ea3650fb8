import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { hasRole } from "../access/roles.ts";
import { forbidden, notFound, Refusal } from "../errors.ts";
import { createSourceSchema, type SourceView, type StoredSource } from "../model/measurement.ts";
import { pageByKey } from "../store/page.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import type { Page, PageRequest } from "./ports.ts";
import { parseBody } from "./validate.ts";

/** Random bytes of a secret (base64url after the source's id). */
export const SECRET_BYTES = 32;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** scrypt's cost: ≈ 30–60 ms a check, paid by a process once per source (see `checked`). */
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export const entityOfSource = (id: string) => `source#${id}`;

function hashOf(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, HASH_BYTES, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** The source's id is the secret's prefix, so a push is checked against one stored hash. */
export const secretOf = (id: string, random: Buffer) => `${id}.${random.toString("base64url")}`;

export function sourceView(source: StoredSource): SourceView {
  return {
    id: source.id,
    name: source.name,
    createdAt: source.createdAt,
    createdBy: source.createdBy,
    revokedAt: source.revokedAt ?? null,
  };
}

function assertAdmin(ctx: RequestContext) {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only the organiser manages data sources");
}

/** POST /api/sources: registers a source; its secret is in this answer only (stored as a salted hash). */
export async function createSource(ports: Ports, ctx: RequestContext, body: unknown) {
  assertAdmin(ctx);
  const { id, name } = parseBody(createSourceSchema, body, "source");
  const secret = secretOf(id, randomBytes(SECRET_BYTES));
  const salt = randomBytes(SALT_BYTES);
  const hash = await hashOf(secret, salt);
  const stored: StoredSource = {
    id,
    name,
    salt: salt.toString("base64url"),
    hash: hash.toString("base64url"),
    createdAt: ctx.now.toISOString(),
    createdBy: ctx.actor.username,
  };
  await ports.sources.create(
    stored,
    auditEntry(ctx, entityOfSource(id), "source.create", undefined, { name }),
  );
  return { id, name, secret };
}

export async function listSources(
  ports: Ports,
  ctx: RequestContext,
  page: PageRequest,
): Promise<Page<SourceView>> {
  assertAdmin(ctx);
  // A province has a handful: read them all, page them by id like every other list.
  return pageByKey((await ports.sources.all()).map(sourceView), (source) => source.id, page, SOURCE_ID);
}

/** A source id (idSchema), the only thing a sources cursor may hold. */
const SOURCE_ID = /^[a-z0-9][a-z0-9-]*$/;

/** DELETE /api/sources/{id}: its pushes are refused from now on; its stored values keep their provenance. */
export async function revokeSource(ports: Ports, ctx: RequestContext, id: string) {
  assertAdmin(ctx);
  const source = await ports.sources.get(id);
  if (!source) throw notFound(`source "${id}"`);
  const at = ctx.now.toISOString();
  if (!source.revokedAt)
    await ports.sources.revoke(
      id,
      at,
      ctx.actor.username,
      auditEntry(ctx, entityOfSource(id), "source.revoke", { revokedAt: null }, { revokedAt: at }),
    );
}

const unauthenticated = () =>
  new Refusal(
    "unauthenticated",
    "bad-secret",
    "a valid data source secret is required (Authorization: Bearer)",
  );

/** A salt for an id no source has: the check costs the same whether the source exists or not. */
const DECOY_SALT = randomBytes(SALT_BYTES);

/**
 * Secrets this process has already checked, by source: the sha256 of the secret and the stored hash
 * it matched. A warm Lambda then pays scrypt once per source, not once per push; the source (and its
 * revocation) is still read on every call, and an entry holds only for the hash it matched.
 */
const checked = new Map<string, { hash: string; digest: Buffer }>();

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** The secret matches the source's stored hash: from `checked` when this process saw it, else scrypt. */
async function matches(source: StoredSource, secret: string): Promise<boolean> {
  const digest = sha256(secret);
  const seen = checked.get(source.id);
  if (seen?.hash === source.hash && timingSafeEqual(seen.digest, digest)) return true;
  const hash = await hashOf(secret, Buffer.from(source.salt, "base64url"));
  const expected = Buffer.from(source.hash, "base64url");
  const same = expected.length === hash.length && timingSafeEqual(expected, hash);
  if (same) checked.set(source.id, { hash: source.hash, digest });
  return same;
}

/**
 * The source a push comes from, by its `Authorization: Bearer <id>.<random>`; 401 `bad-secret` for a
 * missing or wrong secret, an unknown source and a revoked one alike (the caller learns nothing more).
 */
export async function authenticateSource(
  ports: Ports,
  authorization: string | undefined,
): Promise<StoredSource> {
  const match = /^Bearer ([a-z0-9][a-z0-9-]{0,63})\.([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? "");
  if (!match) throw unauthenticated();
  const secret = `${match[1]}.${match[2]}`;
  const source = await ports.sources.get(match[1] as string);
  if (!source) {
    await hashOf(secret, DECOY_SALT);
    throw unauthenticated();
  }
  if (!(await matches(source, secret)) || source.revokedAt) throw unauthenticated();
  return source;
}
