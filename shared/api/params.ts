/**
 * What each path parameter of the route table looks like: plain data with no imports, so the edge
 * (functions/http/api.ts) and the contract (contract.ts, the OpenAPI document) read the same shapes.
 */
export const PATH_PARAMETERS = {
  periodId: { pattern: "^[a-z0-9][a-z0-9-]{0,63}$", what: "period" },
  unitId: { pattern: "^[a-z0-9][a-z0-9-]{0,63}$", what: "unit" },
  frameworkId: { pattern: "^[a-z0-9][a-z0-9-]{0,63}$", what: "framework" },
  sourceId: { pattern: "^[a-z0-9][a-z0-9-]{0,63}$", what: "data source" },
  code: { pattern: "^[A-Za-z0-9]{1,32}([._-][A-Za-z0-9]+)*$", what: "indicator" },
  /** A Cognito user name (shared/services/users.ts usernameSchema). */
  username: { pattern: "^[A-Za-z0-9._@-]{3,128}$", what: "user" },
  evidenceId: {
    pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    what: "evidence",
  },
} as const;

export type PathParameterName = keyof typeof PATH_PARAMETERS;

/** Lists page with `?limit=&cursor=` (API.md): the default and the largest page. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;
