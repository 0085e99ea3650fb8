import { periodExport } from "../../shared/services/period-scoring.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ params, query }) => ({
  body: await periodExport(adapters(), params.periodId as string, query.stage),
}));
