import { evidenceDownload } from "../../shared/services/evidence.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params }) => ({
  body: await evidenceDownload(
    services(),
    ctx,
    params.periodId as string,
    params.unitId as string,
    params.evidenceId as string,
  ),
}));
