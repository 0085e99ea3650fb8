import { requestSupplement } from "../../shared/services/appraisal.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  status: 201,
  body: await requestSupplement(adapters(), ctx, params.periodId as string, params.unitId as string, body),
}));
