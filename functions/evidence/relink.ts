import { relinkEvidence } from "../../shared/services/evidence.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => ({
  body: await relinkEvidence(
    adapters(),
    ctx,
    params.periodId as string,
    params.unitId as string,
    params.evidenceId as string,
    body,
  ),
}));
