import { listSources } from "../../shared/services/sources.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, page }) => ({
  body: await listSources(adapters(), ctx, page),
}));
