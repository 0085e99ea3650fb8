import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ page, query }) => ({
  body: await adapters().audit.list({ entity: query.entity || undefined, day: query.day || undefined }, page),
}));
