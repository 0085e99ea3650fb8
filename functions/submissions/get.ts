import { getSubmission } from "../../shared/services/submissions.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";
import { submissionReply } from "../http/submission-reply.ts";

export const handler = apiHandler(async ({ ctx, params }) =>
  submissionReply(await getSubmission(services(), ctx, params.periodId as string, params.unitId as string)),
);
