import { addEvidence } from "../../shared/services/evidence.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  status: 201,
  body: await addEvidence(adapters(), ctx, params.periodId as string, params.unitId as string, body),
}));
