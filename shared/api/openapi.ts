import * as z from "zod";
import { errorSchema } from "./common.ts";
import { CONTRACT, type RouteContract } from "./contract.ts";
import { PATH_PARAMETERS } from "./params.ts";
import { ROUTES, type Route, routeKey } from "./routes.ts";

/**
 * The OpenAPI 3.1 document of the API, generated from the route table and the contract (zod's
 * toJSONSchema): `npm run openapi` writes docs/openapi.json, and a unit test fails when it is stale.
 * Named schemas (`.meta({ id })`) become components; requests are described as sent (defaults may be
 * left out), answers as received.
 */
type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted: a job started; the period carries its progress",
  204: "No content",
  400: "Malformed request",
  401: "No valid token",
  403: "Not allowed for the caller's roles",
  404: "Not found, or not the caller's to know",
  409: "Conflicts with the current state",
  412: "If-Match does not match the current version",
  413: "Body too large",
  422: "Refused by a rule; details list every problem",
};

export function openApiDocument(): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES) {
    const contract = (CONTRACT as Record<string, RouteContract>)[routeKey(route)];
    if (!contract) throw new Error(`no contract for ${routeKey(route)}`);
    const operation = operationOf(route, contract, components);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  components.Error = jsonSchema(errorSchema, "output", "Error", components);
  return {
    openapi: "3.1.0",
    info: {
      title: "chiso API",
      version: "1",
      description:
        "The provincial digital transformation index (DTI): frameworks, units, assessment periods, submissions, appraisal and results. Conventions and file formats: docs/API.md.",
    },
    servers: [{ url: "/" }],
    tags: [...new Set(ROUTES.map(tagOf))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}

/** The document as docs/openapi.json holds it. */
export const openApiText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

/** An operation's group: its handler's folder ("periods/extend-unit" → "periods"). */
const tagOf = (route: Route) => route.handler.slice(0, route.handler.indexOf("/"));

/** "periods/extend-unit" → "periodsExtendUnit". */
export const operationIdOf = (handler: string) =>
  handler.replace(/[/-]([a-z])/g, (_, letter: string) => letter.toUpperCase());

function operationOf(route: Route, contract: RouteContract, components: Record<string, Json>): Json {
  const id = operationIdOf(route.handler);
  const parameters = [
    ...Object.keys(contract.params?.shape ?? {}).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string", pattern: PATH_PARAMETERS[name as keyof typeof PATH_PARAMETERS].pattern },
    })),
    ...Object.entries(contract.query?.shape ?? {}).map(([name, schema]) => {
      const { description, ...rest } = jsonSchema(schema as z.ZodType, "input", `${id}Query`, components);
      return { name, in: "query", required: false, ...(description ? { description } : {}), schema: rest };
    }),
    ...(contract.ifMatch
      ? [
          {
            name: "If-Match",
            in: "header",
            required: false,
            description: 'the submission\'s version as read, e.g. "7": 412 when it changed since',
            schema: { type: "string" },
          },
        ]
      : []),
  ];
  const responses: Record<string, Json> = {};
  for (const [status, schema] of Object.entries(contract.responses)) {
    responses[status] = {
      description: STATUS_TEXT[Number(status)] ?? "",
      ...(schema
        ? { content: { "application/json": { schema: jsonSchema(schema, "output", id, components) } } }
        : {}),
    };
  }
  for (const status of errorStatuses(route, contract))
    responses[status] = {
      description: STATUS_TEXT[status] ?? "",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  return {
    operationId: id,
    tags: [tagOf(route)],
    summary: contract.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(contract.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: jsonSchema(contract.body, "input", `${id}Body`, components) },
            },
          },
        }
      : {}),
    responses,
    ...(route.access === "public" ? { security: [] } : { security: [{ bearer: [] }] }),
    "x-roles": route.access === "public" || route.access === "signed-in" ? route.access : [...route.access],
    ...(contract.views
      ? {
          "x-views": Object.fromEntries(
            contract.views.map(([role, schema]) => [role, jsonSchema(schema, "output", id, components)]),
          ),
        }
      : {}),
  };
}

function errorStatuses(route: Route, contract: RouteContract): number[] {
  const statuses = [400];
  if (route.access !== "public") statuses.push(401);
  if (Array.isArray(route.access)) statuses.push(403);
  if (contract.params) statuses.push(404);
  if (route.method !== "GET") statuses.push(409);
  if (contract.ifMatch) statuses.push(412);
  if (contract.body) statuses.push(413, 422);
  return statuses;
}

/**
 * One schema as JSON Schema, its named parts moved to the components (referenced from there); an
 * unnamed recursive part is named after the operation that first needs it.
 */
function jsonSchema(
  schema: z.ZodType,
  io: "input" | "output",
  context: string,
  components: Record<string, Json>,
): Json {
  const generated = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => sizeCheckedAsItsSchema(zodSchema, jsonSchema, io),
  }) as Json;
  const { $schema: _schema, $defs, ...rest } = generated;
  const defs = ($defs as Record<string, Json> | undefined) ?? {};
  const names = new Map(Object.keys(defs).map((name) => [name, name]));
  const withNames = (value: unknown) =>
    JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_, name: string) =>
      JSON.stringify(`#/components/schemas/${names.get(name) ?? name}`),
    );
  for (const name of Object.keys(defs).filter((n) => n.startsWith("__"))) {
    // The same unnamed part (a framework node) met again: it keeps the name it was first given.
    const same = Object.keys(components).find((known) => {
      names.set(name, known);
      return withNames(defs[name]) === JSON.stringify(components[known]);
    });
    const parent = Object.keys(defs).find(
      (other) => !other.startsWith("__") && JSON.stringify(defs[other]).includes(`"#/$defs/${name}"`),
    );
    names.set(name, same ?? `${parent ?? context}${name.replace(/^__schema0?/, "Node")}`);
  }
  for (const [name, def] of Object.entries(defs))
    components[names.get(name) as string] ??= JSON.parse(withNames(def)) as Json;
  const text = withNames(rest);
  return JSON.parse(text) as Json;
}

/**
 * `capped()` (shared/model/common.ts) checks a list's size before its items: a custom check piped into
 * the real schema. The document shows the real schema.
 */
function sizeCheckedAsItsSchema(zodSchema: unknown, jsonSchema: Json, io: "input" | "output"): void {
  const def = (zodSchema as { _zod: { def: { type: string; in?: z.ZodType; out?: z.ZodType } } })._zod.def;
  if (def.type !== "pipe" || !def.in || !def.out) return;
  if ((def.in as unknown as { _zod: { def: { type: string } } })._zod.def.type !== "custom") return;
  const { $schema: _schema, ...inner } = z.toJSONSchema(def.out, { io, unrepresentable: "any" }) as Json;
  Object.assign(jsonSchema, inner);
}
