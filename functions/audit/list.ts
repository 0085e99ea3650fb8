import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ page, query }) => ({
  body: await services().audit.list({ entity: query.entity || undefined, day: query.day || undefined }, page),
}));
