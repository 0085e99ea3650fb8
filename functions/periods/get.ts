import { getPeriod } from "../../shared/services/periods.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params }) => ({
  body: await getPeriod(adapters(), ctx, params.periodId as string),
}));
