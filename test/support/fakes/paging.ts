import { Refusal } from "../../../shared/errors.ts";
import type { Page, PageRequest } from "../../../shared/services/ports.ts";

/**
 * Pages rows in memory as a store does: ordered by `keyOf`, the cursor is the last key given
 * (opaque to callers). A cursor this fake did not issue is refused like a store's (400 bad-cursor).
 */
export function pageOf<T>(rows: Iterable<T>, keyOf: (row: T) => string, page: PageRequest): Page<T> {
  const sorted = [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let from = 0;
  if (page.cursor) {
    const after = Buffer.from(page.cursor, "base64url").toString("utf8");
    if (Buffer.from(after).toString("base64url") !== page.cursor || !after.startsWith("memory:"))
      throw new Refusal("bad-request", "bad-cursor", "the cursor is not one this API returned");
    from = sorted.findIndex((row) => keyOf(row) > after.slice("memory:".length));
    if (from < 0) from = sorted.length;
  }
  const items = sorted.slice(from, from + page.limit);
  const last = items.at(-1);
  const more = last !== undefined && from + page.limit < sorted.length;
  return {
    items: items.map((row) => structuredClone(row)),
    nextCursor: more ? Buffer.from(`memory:${keyOf(last)}`).toString("base64url") : null,
  };
}
