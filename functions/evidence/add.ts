import { addEvidence } from "../../shared/services/evidence.ts";
import { evidenceFor } from "../../shared/services/views.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => {
  const added = await addEvidence(adapters(), ctx, params.periodId as string, params.unitId as string, body);
  return { status: 201, body: { ...added, evidence: evidenceFor(added.evidence) } };
});
