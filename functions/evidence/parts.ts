import { presignParts } from "../../shared/services/multipart.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => {
  const { periodId = "", unitId = "", evidenceId = "" } = params;
  return { body: await presignParts(adapters(), ctx, periodId, unitId, evidenceId, body) };
});
