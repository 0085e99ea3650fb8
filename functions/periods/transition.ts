import { transitionPeriod } from "../../shared/services/transitions.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

/** 202 when the move started a job (close, final scoring, publication): the period carries its progress. */
export const handler = apiHandler(async ({ ctx, params, body }) => {
  const { period, started } = await transitionPeriod(adapters(), ctx, params.periodId as string, body);
  return { status: started ? 202 : 200, body: period };
});
