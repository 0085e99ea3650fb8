import { extendUnitDeadline } from "../../shared/services/periods.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await extendUnitDeadline(services(), ctx, params.periodId as string, params.unitId as string, body),
}));
