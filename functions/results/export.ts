import { periodExport } from "../../shared/services/period-scoring.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ params, query }) => ({
  body: await periodExport(services(), params.periodId as string, query.stage),
}));
