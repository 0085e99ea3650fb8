import { getPeriod } from "../../shared/services/periods.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params }) => ({
  body: await getPeriod(services(), ctx, params.periodId as string),
}));
