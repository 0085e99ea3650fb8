import { appraise } from "../../shared/services/appraisal.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await appraise(
    services(),
    ctx,
    params.periodId as string,
    params.unitId as string,
    params.code as string,
    body,
  ),
}));
