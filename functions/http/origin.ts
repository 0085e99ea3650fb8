import { timingSafeEqual } from "node:crypto";
import { originSecretFrom } from "../../shared/store/origin-secret.ts";

/**
 * The API answers only requests that came through CloudFront (and its WAF): CloudFront adds a secret
 * header that a caller of the execute-api endpoint does not know. Without ORIGIN_SECRET_PARAM (the local
 * stack, where the gateway is the only way in) there is nothing to check.
 */
export function originCheck(env: NodeJS.ProcessEnv = process.env) {
  const arn = env.ORIGIN_SECRET_PARAM;
  const header = (env.ORIGIN_SECRET_HEADER ?? "x-chiso-origin-secret").toLowerCase();
  const expected = arn ? originSecretFrom(arn) : undefined;
  return (headers: Record<string, string | undefined>) => fromOrigin(headers, header, expected);
}

/** Compares in constant time and removes the header, so it is never logged or passed on. */
export async function fromOrigin(
  headers: Record<string, string | undefined>,
  header: string,
  expected: (() => Promise<string>) | undefined,
): Promise<boolean> {
  if (!expected) return true;
  const got = Buffer.from(headers[header] ?? "", "utf8");
  delete headers[header];
  const want = Buffer.from(await expected(), "utf8");
  return want.length > 0 && got.length === want.length && timingSafeEqual(got, want);
}
