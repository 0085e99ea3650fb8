import * as z from "zod";

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

export const nameSchema = z.string().trim().min(1).max(500);
export const textSchema = z.string().max(4000);

/** A calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso.date();

/** An instant with its offset, e.g. 2022-12-15T17:00:00+07:00. */
export const instantSchema = z.iso.datetime({ offset: true });
