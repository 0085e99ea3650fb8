import { decideContest } from "../../shared/services/appraisal.ts";
import { leafAction } from "../http/unit-routes.ts";

export const handler = leafAction(decideContest);
