import type { Role } from "../access/roles.ts";
import { MAX_PUSH_BODY_BYTES } from "../model/measurement.ts";

/**
 * The one route table: the local gateway and the CDK HTTP API are both built from it, so local and
 * cloud cannot drift. `handler` is a module under functions/ that exports `handler`; `access` says who
 * may call: "public" (no token), "signed-in" (any valid token) or the roles allowed.
 */
export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  handler: string;
  access: "public" | "signed-in" | readonly Role[];
  /** The largest request body the route takes (bytes); MAX_BODY_BYTES when absent. */
  maxBodyBytes?: number;
}

/** Request bodies are refused (413) above this before they are parsed: no form comes near it. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Bulk imports (units, frameworks, a period's unit list) may be larger: up to Lambda's payload limit. */
export const MAX_BULK_BODY_BYTES = 6 * 1024 * 1024;

const UNIT: readonly Role[] = ["unit-editor", "unit-approver"];
const READERS: readonly Role[] = ["admin", "reviewer", "unit-editor", "unit-approver"];
const STAFF: readonly Role[] = ["admin", "reviewer"];
const ADMIN: readonly Role[] = ["admin"];
const unitPath = "/api/periods/{periodId}/units/{unitId}";

/** One row of the table; the method and path keep their literal types, so RouteKey lists every route. */
const route = <const Method extends Route["method"], const Path extends string>(
  method: Method,
  path: Path,
  handler: string,
  access: Route["access"],
  maxBodyBytes?: number,
) => ({ method, path, handler, access, ...(maxBodyBytes ? { maxBodyBytes } : {}) });

const TABLE = [
  route("POST", "/api/frameworks", "frameworks/create", ADMIN, MAX_BULK_BODY_BYTES),
  route("GET", "/api/frameworks", "frameworks/list", "signed-in"),
  route("GET", "/api/frameworks/{frameworkId}", "frameworks/get", "signed-in"),
  route("PUT", "/api/units", "units/upsert", ADMIN, MAX_BULK_BODY_BYTES),
  route("GET", "/api/units", "units/list", "signed-in"),
  route("POST", "/api/reforms", "reforms/apply", ADMIN, MAX_BULK_BODY_BYTES),
  route("POST", "/api/users", "users/create", ADMIN),
  route("GET", "/api/users", "users/list", ADMIN),
  route("GET", "/api/users/{username}", "users/get", ADMIN),
  route("PATCH", "/api/users/{username}", "users/update", ADMIN),
  route("PUT", "/api/users/{username}/password", "users/password", ADMIN),
  route("POST", "/api/periods", "periods/create", ADMIN, MAX_BULK_BODY_BYTES),
  route("GET", "/api/periods", "periods/list", "signed-in"),
  route("GET", "/api/periods/{periodId}", "periods/get", "signed-in"),
  route("PATCH", "/api/periods/{periodId}", "periods/patch", ADMIN),
  route("PUT", `${unitPath}/deadline`, "periods/extend-unit", ADMIN),
  route("POST", "/api/periods/{periodId}/transitions", "periods/transition", ADMIN),
  route("POST", "/api/periods/{periodId}/restatements", "periods/restate", ADMIN),
  route("GET", "/api/periods/{periodId}/submissions", "submissions/list", STAFF),
  route("GET", `${unitPath}/submission`, "submissions/get", READERS),
  route("PATCH", `${unitPath}/answers`, "submissions/save-answers", UNIT),
  route("POST", `${unitPath}/carry-over`, "submissions/carry-over", UNIT),
  route("POST", `${unitPath}/submit`, "submissions/submit", ["unit-approver"]),
  route("POST", `${unitPath}/withdraw`, "submissions/withdraw", ["unit-approver"]),
  route("POST", `${unitPath}/evidence`, "evidence/add", UNIT),
  route("POST", `${unitPath}/evidence/{evidenceId}/confirm`, "evidence/confirm", UNIT),
  route("POST", `${unitPath}/evidence/{evidenceId}/parts`, "evidence/parts", UNIT),
  route("POST", `${unitPath}/evidence/{evidenceId}/complete`, "evidence/complete", UNIT),
  route("GET", `${unitPath}/evidence/{evidenceId}/download`, "evidence/download", READERS),
  route("PATCH", `${unitPath}/evidence/{evidenceId}`, "evidence/relink", UNIT),
  route("DELETE", `${unitPath}/evidence/{evidenceId}`, "evidence/remove", UNIT),
  route("PUT", `${unitPath}/appraisals/{code}`, "appraisals/appraise", ["reviewer"]),
  route("POST", `${unitPath}/supplement`, "appraisals/supplement", STAFF),
  route("POST", `${unitPath}/contests/{code}`, "appraisals/contest", ["unit-approver"]),
  route("PUT", `${unitPath}/contests/{code}`, "appraisals/decide", ["reviewer"]),
  route("GET", "/api/periods/{periodId}/results", "results/list", READERS),
  route("GET", "/api/periods/{periodId}/export", "results/export", ADMIN),
  route("GET", "/api/audit", "audit/list", ADMIN),
  route("POST", "/api/sources", "sources/create", ADMIN),
  route("GET", "/api/sources", "sources/list", ADMIN),
  route("DELETE", "/api/sources/{sourceId}", "sources/revoke", ADMIN),
  // Outside the JWT authorizer: the handler checks the source's secret (API.md, "Data sources").
  route("PUT", "/api/periods/{periodId}/measurements", "measurements/push", "public", MAX_PUSH_BODY_BYTES),
  // The organiser's file of measured values (read in the browser): as many rows as a push has values.
  route(
    "POST",
    "/api/periods/{periodId}/measurement-imports",
    "measurements/import",
    ADMIN,
    MAX_PUSH_BODY_BYTES,
  ),
] as const satisfies readonly Route[];

export const ROUTES: readonly Route[] = TABLE;

type TableRoute = (typeof TABLE)[number];
/** A route of the table by its key, e.g. "GET /api/periods/{periodId}": typed, so a typo does not compile. */
export type RouteKey = TableRoute extends infer R
  ? R extends { method: infer M extends string; path: infer P extends string }
    ? `${M} ${P}`
    : never
  : never;

/** API Gateway's route key, e.g. "GET /api/periods/{periodId}". */
export const routeKey = (route: Pick<Route, "method" | "path">) => `${route.method} ${route.path}`;

export const ROUTE_BY_KEY: ReadonlyMap<string, Route> = new Map(ROUTES.map((r) => [routeKey(r), r]));
