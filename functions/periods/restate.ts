import { restatePeriod } from "../../shared/services/restatements.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

/** 201 with where the restated ranking was written; 200 with the same when it already was. */
export const handler = apiHandler(async ({ ctx, params, body }) => {
  const { restatement, created } = await restatePeriod(adapters(), ctx, params.periodId as string, body);
  return { status: created ? 201 : 200, body: restatement };
});
