import { periodResults } from "../../shared/services/results.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, page, query }) => ({
  body: await periodResults(services(), ctx, params.periodId as string, page, query),
}));
