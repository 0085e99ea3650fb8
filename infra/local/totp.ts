import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps and Cognito's
 * SOFTWARE_TOKEN_MFA use it. Secrets are base32 (RFC 4648, no padding), as AssociateSoftwareToken
 * returns them. Used only by the local stack's TOTP stand-in (mfa.ts) and the tests.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=]/g, "");
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32. */
export const newTotpSecret = (): string => base32Encode(randomBytes(20));

/** The code of `key` at `timeMs` (RFC 6238 with HMAC-SHA1; `digits` 6 by default, 8 for the RFC's vectors). */
export function totpAt(key: Uint8Array, timeMs: number, digits = 6, stepSeconds = 30): string {
  const counter = BigInt(Math.floor(timeMs / 1000 / stepSeconds));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const hmac = createHmac("sha1", key).update(message).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 15;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The 6-digit code of a base32 secret now (or at `timeMs`). */
export const totp = (secret: string, timeMs = Date.now()): string => totpAt(base32Decode(secret), timeMs);

/** Whether `code` is the secret's code at `timeMs`, one step before or after (clock drift). */
export function verifyTotp(secret: string, code: string, timeMs = Date.now(), window = 1): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = base32Decode(secret);
  let ok = false;
  for (let step = -window; step <= window; step++) {
    const expected = totpAt(key, timeMs + step * 30_000);
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code))) ok = true;
  }
  return ok;
}
