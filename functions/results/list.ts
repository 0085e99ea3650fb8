import { periodResults } from "../../shared/services/results.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, page, query }) => ({
  body: await periodResults(adapters(), ctx, params.periodId as string, page, query),
}));
