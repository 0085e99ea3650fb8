import { Refusal } from "../errors.ts";

/** Lists page with `?limit=&cursor=` (API.md); the cursor is the opaque last key. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString("base64url") : null;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof key === "object" && key !== null && !Array.isArray(key)) return key;
  } catch {
    // fall through to the refusal
  }
  throw new Refusal("bad-request", "bad-cursor", "the cursor is not one this API returned", [
    { path: "cursor", message: "unknown cursor" },
  ]);
}
