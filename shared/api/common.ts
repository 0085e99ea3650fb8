import * as z from "zod";
import { MAX_PAGE, PATH_PARAMETERS, type PathParameterName } from "./params.ts";

/** API.md's error shape; `more` counts the problems beyond those listed. */
export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().describe("kebab-case, stable: what a program branches on"),
    message: z.string(),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })),
    more: z.number().int().positive().optional(),
  }),
});

/** A page of a list route: `nextCursor` is null on the last page. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).optional().describe(`1 to ${MAX_PAGE}; 50 by default`),
  cursor: z.string().optional().describe("the nextCursor of the previous page"),
};

/** The path parameters of a route, each with its shape. */
export const pathParameters = <Name extends PathParameterName>(...names: Name[]) =>
  z.strictObject(
    Object.fromEntries(
      names.map((name) => [name, z.string().regex(new RegExp(PATH_PARAMETERS[name].pattern))]),
    ) as {
      [N in Name]: z.ZodString;
    },
  );
