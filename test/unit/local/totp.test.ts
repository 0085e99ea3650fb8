import { describe, expect, test } from "vitest";
import {
  base32Decode,
  base32Encode,
  newTotpSecret,
  totp,
  totpAt,
  verifyTotp,
} from "../../../infra/local/totp.ts";

/** RFC 6238, Appendix B: the SHA-1 vectors (8 digits, key "12345678901234567890"). */
const KEY = Buffer.from("12345678901234567890", "ascii");
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238, HMAC-SHA1)", () => {
  test.each(VECTORS)("at %i s the code is %s", (seconds, code) => {
    expect(totpAt(KEY, seconds * 1000, 8)).toBe(code);
    expect(totpAt(KEY, seconds * 1000)).toBe(code.slice(2));
  });

  test("base32 (RFC 4648) round trip, and the RFC key's base32", () => {
    expect(base32Encode(KEY)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).toEqual(KEY);
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    expect(base32Decode("mzxw6ytboi").toString()).toBe("foobar");
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
  });

  test("verification accepts the code of this step and its neighbours only", () => {
    const secret = base32Encode(KEY);
    const now = 1111111111 * 1000;
    expect(totp(secret, now)).toBe("050471");
    expect(verifyTotp(secret, "050471", now)).toBe(true);
    expect(verifyTotp(secret, totp(secret, now - 30_000), now)).toBe(true);
    expect(verifyTotp(secret, totp(secret, now + 30_000), now)).toBe(true);
    expect(verifyTotp(secret, totp(secret, now - 90_000), now)).toBe(false);
    expect(verifyTotp(secret, "123456", now)).toBe(false);
    expect(verifyTotp(secret, "05047", now)).toBe(false);
    expect(verifyTotp(secret, "abcdef", now)).toBe(false);
  });
});
