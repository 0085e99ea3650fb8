import { Refusal } from "../../shared/errors.ts";
import { evidenceDownload } from "../../shared/services/evidence.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, query }) => {
  const inline = query.inline;
  if (inline !== undefined && inline !== "true" && inline !== "false")
    throw new Refusal("bad-request", "bad-query", "inline is true or false", [
      { path: "inline", message: "true or false" },
    ]);
  return {
    body: await evidenceDownload(
      adapters(),
      ctx,
      params.periodId as string,
      params.unitId as string,
      params.evidenceId as string,
      inline === "true",
    ),
  };
});
