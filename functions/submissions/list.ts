import { listSubmissions } from "../../shared/services/submission-list.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, page, query }) => ({
  body: await listSubmissions(adapters(), ctx, params.periodId as string, page, query),
}));
