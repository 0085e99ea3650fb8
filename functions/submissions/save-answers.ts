import { saveAnswers } from "../../shared/services/submissions.ts";
import { parseIfMatch } from "../../shared/services/unit-scope.ts";
import { apiHandler } from "../http/api.ts";
import { services } from "../http/services.ts";
import { submissionReply } from "../http/submission-reply.ts";

export const handler = apiHandler(async ({ ctx, params, body, headers }) =>
  submissionReply(
    await saveAnswers(
      services(),
      ctx,
      params.periodId as string,
      params.unitId as string,
      body,
      parseIfMatch(headers["if-match"]),
    ),
  ),
);
