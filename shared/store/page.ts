import { Refusal } from "../errors.ts";
import type { Page, PageRequest } from "../services/ports.ts";

/** Lists page with `?limit=&cursor=` (API.md); a store's cursor is the opaque last key. */
export type { Page, PageRequest };

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString("base64url") : null;
}

/** The key a cursor must be for one query: its attribute names, and the values it must carry. */
export interface CursorShape {
  names: readonly string[];
  /** Attributes with a fixed value in this query (its partition), or a required prefix (its range). */
  equal?: Record<string, string>;
  prefix?: Record<string, string>;
}

/**
 * Reads a cursor back into the start key of the same query. A cursor this API did not issue for that
 * query — wrong attributes, another partition — is refused (400) rather than handed to DynamoDB.
 */
export function decodeCursor(
  cursor: string | undefined,
  shape: CursorShape,
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  if (!fits(key, shape)) throw badCursor();
  return key;
}

const badCursor = () =>
  new Refusal("bad-request", "bad-cursor", "the cursor is not one this API returned", [
    { path: "cursor", message: "unknown cursor" },
  ]);

/** A row key of an in-memory page: "groupId#unitId", two slugs. */
const ROW_KEY = /^[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$/;

/**
 * Pages rows already in memory (a period's units by "groupId#unitId", accounts by user name): sorts
 * them by key, and the cursor is the last key given. A cursor that is not such a key (`keyPattern`) is
 * refused, as store cursors are.
 */
export function pageByKey<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  page: PageRequest,
  keyPattern: RegExp = ROW_KEY,
): Page<T> {
  const sorted = [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  let from = 0;
  if (page.cursor) {
    const after = Buffer.from(page.cursor, "base64url").toString("utf8");
    if (!keyPattern.test(after) || Buffer.from(after).toString("base64url") !== page.cursor)
      throw badCursor();
    from = sorted.findIndex((row) => keyOf(row) > after);
    if (from < 0) from = sorted.length;
  }
  const items = sorted.slice(from, from + page.limit);
  const last = items.at(-1);
  const more = last !== undefined && from + page.limit < sorted.length;
  return { items, nextCursor: more ? Buffer.from(keyOf(last)).toString("base64url") : null };
}

function fits(key: unknown, shape: CursorShape): key is Record<string, string> {
  if (typeof key !== "object" || key === null || Array.isArray(key)) return false;
  const entries = Object.entries(key);
  if (
    entries.length !== shape.names.length ||
    !entries.every(([k, v]) => shape.names.includes(k) && typeof v === "string")
  )
    return false;
  const record = key as Record<string, string>;
  return (
    Object.entries(shape.equal ?? {}).every(([k, v]) => record[k] === v) &&
    Object.entries(shape.prefix ?? {}).every(([k, v]) => record[k]?.startsWith(v))
  );
}
