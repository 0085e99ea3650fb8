import { saveAnswers } from "../../shared/services/submissions.ts";
import { parseIfMatch } from "../../shared/services/unit-scope.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";
import { submissionReply } from "../http/unit-routes.ts";

export const handler = apiHandler(async ({ ctx, params, body, headers }) =>
  submissionReply(
    await saveAnswers(
      adapters(),
      ctx,
      params.periodId as string,
      params.unitId as string,
      body,
      parseIfMatch(headers["if-match"]),
    ),
  ),
);
