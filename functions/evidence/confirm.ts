import { confirmEvidence } from "../../shared/services/evidence.ts";
import { evidenceAction } from "../http/unit-routes.ts";

// Confirming takes no body: the service reads the stored upload.
export const handler = evidenceAction((ports, ctx, periodId, unitId, evidenceId) =>
  confirmEvidence(ports, ctx, periodId, unitId, evidenceId),
);
