import { patchPeriod } from "../../shared/services/periods.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await patchPeriod(services(), ctx, params.periodId as string, body),
}));
