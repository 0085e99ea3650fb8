import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * The checks Amazon S3 makes on the two kinds of request a browser sends to storage, done by the
 * local gateway because s3rver makes none of them (it accepts unsigned requests and ignores a
 * presigned POST's policy). Both are AWS Signature Version 4 with the stack's own credentials:
 *
 * - a presigned POST form: the signature of its base64 policy, the policy's expiration, and every
 *   condition against the form's fields and the file's actual size (as S3 does, every field of the
 *   form must be named by a condition);
 * - a presigned GET URL: the query-string signature of the request (method, path, query, host)
 *   and its expiry; a presigned PUT of a multipart upload's part likewise.
 */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

export class StorageRefusal extends Error {
  constructor(
    readonly code: "AccessDenied" | "EntityTooLarge" | "EntityTooSmall" | "InvalidRequest",
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedUpload {
  key: string;
  contentType: string;
  body: Uint8Array;
  successStatus: number;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** S3's longest presigned URL validity (7 days). */
const MAX_EXPIRES_SECONDS = 604_800;

/** Verifies a presigned POST form posted to `bucket`; throws StorageRefusal when anything is off. */
export async function verifyPresignedPost(
  form: FormData,
  bucket: string,
  credentials: SigningCredentials,
  now = new Date(),
): Promise<VerifiedUpload> {
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form) {
    if (name === "file") {
      if (file || typeof value === "string") throw deny("the form must carry exactly one file");
      file = value;
      continue;
    }
    if (typeof value !== "string") throw deny(`field ${name} is not text`);
    const lower = name.toLowerCase();
    if ([...fields.keys()].some((seen) => seen.toLowerCase() === lower)) throw deny(`field ${name} repeats`);
    fields.set(name, value);
  }
  if (!file) throw deny("the form carries no file");
  const field = (name: string) => {
    const lower = name.toLowerCase();
    for (const [key, value] of fields) if (key.toLowerCase() === lower) return value;
    return undefined;
  };
  const policy = field("Policy");
  const signature = field("X-Amz-Signature");
  if (!policy || !signature) throw deny("the form is not signed (Policy, X-Amz-Signature)");
  if (field("X-Amz-Algorithm") !== ALGORITHM) throw deny(`X-Amz-Algorithm must be ${ALGORITHM}`);
  const scope = parseCredential(field("X-Amz-Credential"), field("X-Amz-Date"), credentials);
  const expected = hmac(signingKey(credentials.secretAccessKey, scope), policy).toString("hex");
  if (!sameText(expected, signature)) throw deny("the policy's signature does not match");

  let document: { expiration?: unknown; conditions?: unknown };
  try {
    document = JSON.parse(Buffer.from(policy, "base64").toString("utf8"));
  } catch {
    throw deny("the policy is not JSON");
  }
  const expiration = typeof document.expiration === "string" ? Date.parse(document.expiration) : Number.NaN;
  if (!Number.isFinite(expiration) || expiration <= now.getTime()) throw deny("the policy has expired");
  if (!Array.isArray(document.conditions)) throw deny("the policy has no conditions");

  const covered = new Set<string>(["policy", "x-amz-signature", "file"]);
  const values = (name: string) => (name.toLowerCase() === "bucket" ? bucket : field(name));
  let sizeRange: [number, number] | undefined;
  let keyPinned = false;
  let typePinned = false;
  for (const condition of document.conditions as unknown[]) {
    if (Array.isArray(condition)) {
      const [operator, subject, operand] = condition as [unknown, unknown, unknown];
      if (operator === "content-length-range") {
        if (!Number.isInteger(subject) || !Number.isInteger(operand)) throw deny("bad content-length-range");
        sizeRange = [subject as number, operand as number];
        continue;
      }
      if (typeof subject !== "string" || !subject.startsWith("$") || typeof operand !== "string")
        throw deny("the policy has a condition this gateway does not know");
      const name = subject.slice(1);
      const actual = values(name);
      covered.add(name.toLowerCase());
      if (operator === "eq") {
        if (actual !== operand) throw deny(`${name} does not match the policy`);
        if (name.toLowerCase() === "key") keyPinned = true;
        if (name.toLowerCase() === "content-type") typePinned = true;
      } else if (operator === "starts-with") {
        if (actual === undefined || !actual.startsWith(operand))
          throw deny(`${name} does not match the policy`);
      } else {
        throw deny("the policy has a condition this gateway does not know");
      }
    } else if (condition && typeof condition === "object") {
      for (const [name, operand] of Object.entries(condition)) {
        if (values(name) !== operand) throw deny(`${name} does not match the policy`);
        covered.add(name.toLowerCase());
      }
    } else {
      throw deny("the policy has a condition this gateway does not know");
    }
  }
  // The application's forms always pin the key, the type and the size: anything looser is refused.
  if (!keyPinned || !typePinned || !sizeRange)
    throw deny("the policy must fix the key, the type and the size");
  for (const name of fields.keys()) {
    const lower = name.toLowerCase();
    if (!covered.has(lower) && !lower.startsWith("x-ignore-"))
      throw deny(`field ${name} is not covered by the policy`);
  }
  if (file.size > sizeRange[1])
    throw new StorageRefusal("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size");
  if (file.size < sizeRange[0])
    throw new StorageRefusal(
      "EntityTooSmall",
      "Your proposed upload is smaller than the minimum allowed size",
    );
  const status = Number(field("success_action_status") ?? 204);
  return {
    key: field("key") as string,
    contentType: field("Content-Type") as string,
    body: new Uint8Array(await file.arrayBuffer()),
    successStatus: [200, 201, 204].includes(status) ? status : 204,
  };
}

export interface VerifiedDownload {
  /** The object's key, decoded. */
  key: string;
  /** The response-* overrides of the URL (signed with it). */
  contentType?: string;
  contentDisposition?: string;
}

/** What a presigned URL must have been signed for: the storage as the gateway serves it. */
export interface PresignedTarget {
  /** The part of the path before the bucket ("/s3"). */
  pathPrefix: string;
  bucket: string;
  /** The Host header of the request (the URL is signed for it). */
  host: string;
  credentials: SigningCredentials;
}

/** Verifies a presigned GET: `rawPathAndQuery` as the request line carried it. */
export function verifyPresignedGet(
  rawPathAndQuery: string,
  target: PresignedTarget,
  now = new Date(),
): VerifiedDownload {
  const { key, one } = verifyPresignedUrl("GET", rawPathAndQuery, target, now);
  const contentType = one("response-content-type");
  const contentDisposition = one("response-content-disposition");
  return {
    key,
    ...(contentType ? { contentType } : {}),
    ...(contentDisposition ? { contentDisposition } : {}),
  };
}

export interface VerifiedPart {
  key: string;
  uploadId: string;
  partNumber: number;
}

/** Verifies a presigned UploadPart PUT (a resumable upload's part): as a GET, plus its upload and part. */
export function verifyPresignedPart(
  rawPathAndQuery: string,
  target: PresignedTarget,
  now = new Date(),
): VerifiedPart {
  const { key, one } = verifyPresignedUrl("PUT", rawPathAndQuery, target, now);
  const uploadId = one("uploadId");
  const partNumber = Number(one("partNumber"));
  if (!uploadId || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000)
    throw deny("only a presigned part of a multipart upload may be put");
  return { key, uploadId, partNumber };
}

function verifyPresignedUrl(
  method: "GET" | "PUT",
  rawPathAndQuery: string,
  { pathPrefix, bucket, host, credentials }: PresignedTarget,
  now: Date,
): { key: string; one: (name: string) => string | undefined } {
  const queryAt = rawPathAndQuery.indexOf("?");
  const path = queryAt < 0 ? rawPathAndQuery : rawPathAndQuery.slice(0, queryAt);
  const query = parseQuery(queryAt < 0 ? "" : rawPathAndQuery.slice(queryAt + 1));
  const one = (name: string) => {
    const found = query.filter(([key]) => key === name);
    return found.length === 1 ? found[0]?.[1] : undefined;
  };
  if (one("X-Amz-Algorithm") !== ALGORITHM) throw deny("the URL is not presigned");
  const signature = one("X-Amz-Signature");
  if (!signature) throw deny("the URL is not presigned");
  const date = one("X-Amz-Date");
  const scope = parseCredential(one("X-Amz-Credential"), date, credentials);
  const expires = Number(one("X-Amz-Expires"));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS)
    throw deny("X-Amz-Expires is missing or out of range");
  const signedAt = parseAmzDate(date as string);
  if (signedAt > now.getTime() + 5 * 60_000) throw deny("the URL is signed in the future");
  if (signedAt + expires * 1000 <= now.getTime()) throw deny("the URL has expired");
  if (one("X-Amz-SignedHeaders") !== "host") throw deny("only the host header may be signed");

  const canonicalQuery = query
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [uriEscape(key), uriEscape(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalRequest = [
    method,
    path,
    canonicalQuery,
    `host:${host.trim()}\n`,
    "host",
    one("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD",
  ].join("\n");
  const stringToSign = [
    ALGORITHM,
    date,
    scope.join("/"),
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  const expected = hmac(signingKey(credentials.secretAccessKey, scope), stringToSign).toString("hex");
  if (!sameText(expected, signature)) throw deny("the URL's signature does not match");

  const objectPrefix = `${pathPrefix}/${bucket}/`;
  if (!path.startsWith(objectPrefix) || path.length === objectPrefix.length)
    throw deny("only an object of the evidence bucket can be read or written");
  let key: string;
  try {
    key = path.slice(objectPrefix.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    throw deny("the object key is not valid");
  }
  return { key, one };
}

/** date/region/service/aws4_request, checked against the stack's key id, region and X-Amz-Date. */
function parseCredential(
  credential: string | undefined,
  amzDate: string | undefined,
  credentials: SigningCredentials,
): string[] {
  const parts = credential?.split("/") ?? [];
  const [keyId, day, region, service, terminator] = parts;
  if (parts.length !== 5 || keyId !== credentials.accessKeyId) throw deny("unknown access key");
  if (region !== credentials.region || service !== "s3" || terminator !== "aws4_request")
    throw deny("the credential scope is not this storage's");
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day)
    throw deny("X-Amz-Date does not match the credential");
  return [day, region, service, terminator];
}

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw deny("X-Amz-Date is not valid");
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function signingKey(secret: string, [day, region, service]: string[]): Buffer {
  const dateKey = hmac(`AWS4${secret}`, day as string);
  return hmac(hmac(hmac(dateKey, region as string), service as string), "aws4_request");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b.toLowerCase());
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The query as sent, decoded without turning "+" into a space (SigV4 URLs encode a space as %20). */
function parseQuery(raw: string): [string, string][] {
  if (raw === "") return [];
  try {
    return raw.split("&").map((pair) => {
      const at = pair.indexOf("=");
      const key = at < 0 ? pair : pair.slice(0, at);
      const value = at < 0 ? "" : pair.slice(at + 1);
      return [decodeURIComponent(key), decodeURIComponent(value)];
    });
  } catch {
    throw deny("the query string is not valid");
  }
}

/** SigV4's URI encoding (RFC 3986 unreserved characters kept). */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function deny(message: string): StorageRefusal {
  return new StorageRefusal("AccessDenied", message);
}
