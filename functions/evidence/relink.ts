import { relinkEvidence } from "../../shared/services/evidence.ts";
import { evidenceAction } from "../http/unit-routes.ts";

export const handler = evidenceAction(relinkEvidence);
