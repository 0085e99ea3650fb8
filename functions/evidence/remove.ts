import { removeEvidence } from "../../shared/services/evidence.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";

export const handler = apiHandler(async ({ ctx, params }) => {
  await removeEvidence(
    services(),
    ctx,
    params.periodId as string,
    params.unitId as string,
    params.evidenceId as string,
  );
  return { status: 204 };
});
