import type { RouteKey } from "./routes.ts";

/** The names in braces of a path template: "/a/{x}/b/{y}" → "x" | "y". */
type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
type PathOf<Key extends RouteKey> = Key extends `${string} ${infer Path}` ? Path : never;

/** The path parameters a route needs, by name; a route without any takes none. */
export type PathParams<Key extends RouteKey> = { [Name in ParamNames<PathOf<Key>>]: string };

/**
 * The request path of a route of the table, each parameter URL-encoded:
 * `pathFor("GET /api/periods/{periodId}", { periodId: "dti-2025" })` → "/api/periods/dti-2025".
 * The web, the tests and the benchmarks build paths only with this, so a route renamed in the table
 * fails to compile wherever it is called. A query string, when any, is appended by the caller.
 */
export function pathFor<Key extends RouteKey>(
  key: Key,
  ...[params]: ParamNames<PathOf<Key>> extends never ? [] : [PathParams<Key>]
): string {
  const path = key.slice(key.indexOf(" ") + 1);
  const values = (params ?? {}) as Record<string, string>;
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`pathFor(${key}): no value for {${name}}`);
    return encodeURIComponent(value);
  });
}
