import * as z from "zod";
import { MAX_TEXT_LENGTH } from "./limits.ts";

/** Identifiers travel in URLs and storage keys: lower-case slugs, short. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "must be a lower-case slug: letters a-z, digits and '-'");

/** Indicator codes such as "1", "1.2", "2.3.1" (letters allowed: "A.1"). */
export const codeSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$/, "must look like 1, 1.2 or A.1.3");

/** Control characters (Cc: NUL, CR, LF, tab …). */
const CONTROL = /\p{Cc}/u;
/** Bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069): they reorder what is shown. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** A visible letter or digit (Vietnamese included); a name of only invisible characters has none. */
const VISIBLE = /[\p{L}\p{N}]/u;

/**
 * A single line people read (a name, a title, a file name): trimmed, within `max` characters, with
 * no control characters, no bidi overrides or isolates, and at least one visible letter or digit.
 */
export const lineSchema = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL.test(s), "must not contain control characters (line breaks, tabs, NUL …)")
    .refine((s) => !BIDI_CONTROL.test(s), "must not contain bidi override or isolate characters")
    .refine((s) => VISIBLE.test(s), "must contain at least one visible letter or digit");

export const nameSchema = lineSchema(500);
export const textSchema = z.string().max(MAX_TEXT_LENGTH);

/** A calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso.date();

/** An instant with its offset, e.g. 2022-12-15T17:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });

/**
 * A list or a record checked for its size before any item is: `z.record(…).refine(size)` validates
 * every entry first, so 200,000 bad keys cost seconds and a 10 MB answer. This refuses more than `max`
 * items (array elements, object keys) at once, with one problem.
 */
export function capped<S extends z.ZodType>(max: number, schema: S, message = `at most ${max} items`) {
  const checked = z.custom<unknown>((v) => sizeOf(v) <= max, { message, abort: true }).pipe(schema);
  // The JSON Schema (docs/openapi.json) states the cap, which the pipe would otherwise hide.
  return checked.meta(schema instanceof z.ZodArray ? { maxItems: max } : { maxProperties: max });
}

function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (typeof value === "object" && value !== null) return Object.keys(value).length;
  return 0;
}
