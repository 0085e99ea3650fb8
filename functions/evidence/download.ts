import { evidenceDownload } from "../../shared/services/evidence.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, query }) => ({
  body: await evidenceDownload(
    adapters(),
    ctx,
    params.periodId as string,
    params.unitId as string,
    params.evidenceId as string,
    query,
  ),
}));
