import { requestSupplement } from "../../shared/services/appraisal.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  status: 201,
  body: await requestSupplement(services(), ctx, params.periodId as string, params.unitId as string, body),
}));
