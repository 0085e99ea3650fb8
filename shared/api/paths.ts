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

type Ids = [periodId: string, unitId: string];
const unitIds = ([periodId, unitId]: Ids) => ({ periodId, unitId });

/**
 * The routes callers name most (the web's client, the tests), each built by `pathFor`. A route reached
 * with several methods is named once, by the path they share.
 */
export const routePaths = {
  frameworks: pathFor("GET /api/frameworks"),
  framework: (frameworkId: string) => pathFor("GET /api/frameworks/{frameworkId}", { frameworkId }),
  units: pathFor("GET /api/units"),
  reforms: pathFor("POST /api/reforms"),
  users: pathFor("POST /api/users"),
  user: (username: string) => pathFor("GET /api/users/{username}", { username }),
  password: (username: string) => pathFor("PUT /api/users/{username}/password", { username }),
  periods: pathFor("GET /api/periods"),
  period: (periodId: string) => pathFor("GET /api/periods/{periodId}", { periodId }),
  transitions: (periodId: string) => pathFor("POST /api/periods/{periodId}/transitions", { periodId }),
  submissions: (periodId: string) => pathFor("GET /api/periods/{periodId}/submissions", { periodId }),
  results: (periodId: string) => pathFor("GET /api/periods/{periodId}/results", { periodId }),
  deadline: (...ids: Ids) => pathFor("PUT /api/periods/{periodId}/units/{unitId}/deadline", unitIds(ids)),
  submission: (...ids: Ids) => pathFor("GET /api/periods/{periodId}/units/{unitId}/submission", unitIds(ids)),
  carryOver: (...ids: Ids) => pathFor("POST /api/periods/{periodId}/units/{unitId}/carry-over", unitIds(ids)),
  answers: (...ids: Ids) => pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", unitIds(ids)),
  submit: (...ids: Ids) => pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", unitIds(ids)),
  withdraw: (...ids: Ids) => pathFor("POST /api/periods/{periodId}/units/{unitId}/withdraw", unitIds(ids)),
  supplement: (...ids: Ids) =>
    pathFor("POST /api/periods/{periodId}/units/{unitId}/supplement", unitIds(ids)),
  /** The unit's evidence list, or one item of it (relink, remove) when `evidenceId` is given. */
  evidence: (periodId: string, unitId: string, evidenceId?: string) =>
    evidenceId === undefined
      ? pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence", { periodId, unitId })
      : pathFor("PATCH /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}", {
          periodId,
          unitId,
          evidenceId,
        }),
  confirm: (periodId: string, unitId: string, evidenceId: string) =>
    pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/confirm", {
      periodId,
      unitId,
      evidenceId,
    }),
  /** A large file's multipart upload: its presigned part URLs, then its completion. */
  parts: (periodId: string, unitId: string, evidenceId: string) =>
    pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/parts", {
      periodId,
      unitId,
      evidenceId,
    }),
  complete: (periodId: string, unitId: string, evidenceId: string) =>
    pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/complete", {
      periodId,
      unitId,
      evidenceId,
    }),
  download: (periodId: string, unitId: string, evidenceId: string) =>
    pathFor("GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download", {
      periodId,
      unitId,
      evidenceId,
    }),
  appraisal: (periodId: string, unitId: string, code: string) =>
    pathFor("PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}", { periodId, unitId, code }),
  contest: (periodId: string, unitId: string, code: string) =>
    pathFor("POST /api/periods/{periodId}/units/{unitId}/contests/{code}", { periodId, unitId, code }),
  audit: (entity?: string) =>
    `${pathFor("GET /api/audit")}${entity ? `?entity=${encodeURIComponent(entity)}` : ""}`,
};
