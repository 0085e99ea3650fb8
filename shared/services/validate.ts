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
