import type { z } from "zod";
import { Refusal, unprocessable } from "../errors.ts";
import { fromZodIssues } from "../model/issues.ts";

/** Parses a request body with a schema; a body that breaks it is refused whole with every problem (422). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.infer<S> {
  if (body === undefined)
    throw new Refusal("bad-request", "body-required", `a JSON body is required (${what})`);
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success)
    throw unprocessable("invalid-body", `the ${what} is not valid`, fromZodIssues(result.error.issues));
  return result.data;
}

/**
 * Parses a list's query filters with a schema: the paging parameters (limit, cursor) are the
 * handler's, and an empty value is no filter. A query that breaks it is refused whole, naming every
 * bad parameter (400 `code`).
 */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  query: Record<string, string | undefined>,
  code = "bad-query",
): z.infer<S> {
  const { limit: _limit, cursor: _cursor, ...filters } = query;
  const result = schema.safeParse(
    Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!result.success)
    throw new Refusal("bad-request", code, "the query is not valid", fromZodIssues(result.error.issues));
  return result.data;
}
