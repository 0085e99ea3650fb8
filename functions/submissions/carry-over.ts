import { carryOver } from "../../shared/services/carry-over.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";
import { submissionReply } from "../http/unit-routes.ts";

export const handler = apiHandler(async ({ ctx, params }) =>
  submissionReply(await carryOver(adapters(), ctx, params.periodId as string, params.unitId as string)),
);
