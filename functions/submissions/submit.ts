import { submit } from "../../shared/services/submissions.ts";
import { parseIfMatch } from "../../shared/services/unit-scope.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";
import { submissionReply } from "../http/submission-reply.ts";

export const handler = apiHandler(async ({ ctx, params, headers }) =>
  submissionReply(
    await submit(
      adapters(),
      ctx,
      params.periodId as string,
      params.unitId as string,
      parseIfMatch(headers["if-match"]),
    ),
  ),
);
