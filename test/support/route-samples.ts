import { type Route, routeKey } from "../../functions/routes.ts";
import { frameworkFixture, PASSWORD, type World } from "./local-stack.ts";

/**
 * A body in a valid shape for each route of the route table, by route key, in a test file's world:
 * the access tests send it so that only the caller is wrong; the fuzz mutates it so that a hostile
 * value reaches the deeper checks. `overrides` replaces a route's sample (the fuzz keeps the ones
 * that would change the world harmless).
 */
export function sampleBody(
  route: Route,
  world: World,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  const id = `${world.prefix}-never`;
  const bodies: Record<string, unknown> = {
    "POST /api/frameworks": frameworkFixture(id),
    "PUT /api/units": { units: [{ id, code: "N1", name: "Never", kind: "department" }] },
    "POST /api/users": { username: `${world.prefix}.never`, password: PASSWORD, roles: ["admin"] },
    "POST /api/periods": {
      id,
      name: "Never",
      frameworkId: world.frameworkId,
      unitIds: [world.a.id],
      opensAt: "2030-01-01T00:00:00",
      closesAt: "2030-02-01T00:00:00",
    },
    "PATCH /api/periods/{periodId}": { name: "Renamed" },
    "PUT /api/periods/{periodId}/units/{unitId}/deadline": { closesAt: "2030-02-01T00:00:00" },
    "POST /api/periods/{periodId}/transitions": { to: "appraisal" },
    "POST /api/periods/{periodId}/restatements": { asOf: "2030-01-01" },
    "PATCH /api/periods/{periodId}/units/{unitId}/answers": { answers: { "1.1": { value: false } } },
    "POST /api/periods/{periodId}/units/{unitId}/evidence": {
      indicatorCodes: ["1.1"],
      url: "https://example.gov.vn/never",
    },
    "PATCH /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}": { indicatorCodes: ["1.1"] },
    "PUT /api/periods/{periodId}/units/{unitId}/appraisals/{code}": { value: 1, reason: "r" },
    "POST /api/periods/{periodId}/units/{unitId}/supplement": {
      indicatorCodes: ["1.1"],
      until: "2030-02-01T00:00:00",
    },
    "POST /api/periods/{periodId}/units/{unitId}/contests/{code}": { explanation: "e" },
    "PUT /api/periods/{periodId}/units/{unitId}/contests/{code}": { outcome: "upheld", reason: "r" },
    "POST /api/sources": { id, name: "Never" },
    // Public: the handler checks the source's secret (a JWT, any role's, is none).
    "PUT /api/periods/{periodId}/measurements": {
      asOf: "2030-01-01T00:00:00Z",
      values: [{ unitId: world.a.id, code: "1.1", value: true }],
    },
    // 1.1 is answered by the unit: an admin's sample is refused (422) and writes nothing.
    "POST /api/periods/{periodId}/measurement-imports": {
      fileName: "never.csv",
      rows: [{ unitCode: world.a.code, code: "1.1", value: "có" }],
    },
    ...overrides,
  };
  const key = routeKey(route);
  if (key in bodies) return bodies[key] as Record<string, unknown>;
  return route.method === "GET" || route.method === "DELETE" ? undefined : {};
}
