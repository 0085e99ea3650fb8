import type { Role } from "../access/roles.ts";

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
const unitPath = "/api/periods/{periodId}/units/{unitId}";

const TABLE = [
  {
    method: "POST",
    path: "/api/frameworks",
    handler: "frameworks/create",
    access: ["admin"],
    maxBodyBytes: MAX_BULK_BODY_BYTES,
  },
  { method: "GET", path: "/api/frameworks", handler: "frameworks/list", access: "signed-in" },
  { method: "GET", path: "/api/frameworks/{frameworkId}", handler: "frameworks/get", access: "signed-in" },
  {
    method: "PUT",
    path: "/api/units",
    handler: "units/upsert",
    access: ["admin"],
    maxBodyBytes: MAX_BULK_BODY_BYTES,
  },
  { method: "GET", path: "/api/units", handler: "units/list", access: "signed-in" },
  { method: "POST", path: "/api/users", handler: "users/create", access: ["admin"] },
  {
    method: "POST",
    path: "/api/periods",
    handler: "periods/create",
    access: ["admin"],
    maxBodyBytes: MAX_BULK_BODY_BYTES,
  },
  { method: "GET", path: "/api/periods", handler: "periods/list", access: "signed-in" },
  { method: "GET", path: "/api/periods/{periodId}", handler: "periods/get", access: "signed-in" },
  { method: "PATCH", path: "/api/periods/{periodId}", handler: "periods/patch", access: ["admin"] },
  { method: "PUT", path: `${unitPath}/deadline`, handler: "periods/extend-unit", access: ["admin"] },
  {
    method: "POST",
    path: "/api/periods/{periodId}/transitions",
    handler: "periods/transition",
    access: ["admin"],
  },
  { method: "GET", path: "/api/periods/{periodId}/submissions", handler: "submissions/list", access: STAFF },
  { method: "GET", path: `${unitPath}/submission`, handler: "submissions/get", access: READERS },
  { method: "PATCH", path: `${unitPath}/answers`, handler: "submissions/save-answers", access: UNIT },
  { method: "POST", path: `${unitPath}/submit`, handler: "submissions/submit", access: ["unit-approver"] },
  {
    method: "POST",
    path: `${unitPath}/withdraw`,
    handler: "submissions/withdraw",
    access: ["unit-approver"],
  },
  { method: "POST", path: `${unitPath}/evidence`, handler: "evidence/add", access: UNIT },
  {
    method: "POST",
    path: `${unitPath}/evidence/{evidenceId}/confirm`,
    handler: "evidence/confirm",
    access: UNIT,
  },
  {
    method: "GET",
    path: `${unitPath}/evidence/{evidenceId}/download`,
    handler: "evidence/download",
    access: READERS,
  },
  { method: "PATCH", path: `${unitPath}/evidence/{evidenceId}`, handler: "evidence/relink", access: UNIT },
  { method: "DELETE", path: `${unitPath}/evidence/{evidenceId}`, handler: "evidence/remove", access: UNIT },
  {
    method: "PUT",
    path: `${unitPath}/appraisals/{code}`,
    handler: "appraisals/appraise",
    access: ["reviewer"],
  },
  { method: "POST", path: `${unitPath}/supplement`, handler: "appraisals/supplement", access: STAFF },
  {
    method: "POST",
    path: `${unitPath}/contests/{code}`,
    handler: "appraisals/contest",
    access: ["unit-approver"],
  },
  { method: "PUT", path: `${unitPath}/contests/{code}`, handler: "appraisals/decide", access: ["reviewer"] },
  { method: "GET", path: "/api/periods/{periodId}/results", handler: "results/list", access: READERS },
  { method: "GET", path: "/api/periods/{periodId}/export", handler: "results/export", access: ["admin"] },
  { method: "GET", path: "/api/audit", handler: "audit/list", access: ["admin"] },
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
