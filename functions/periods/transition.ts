import { transitionPeriod } from "../../shared/services/transitions.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await transitionPeriod(services(), ctx, params.periodId as string, body),
}));
