import { completeParts, type MultipartUploads } from "../../shared/services/multipart.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

export const handler = apiHandler(async ({ ctx, params, body }) => {
  const ports = adapters();
  const { periodId = "", unitId = "", evidenceId = "" } = params;
  return {
    body: await completeParts(
      ports,
      ports.evidenceFiles as unknown as MultipartUploads,
      ctx,
      periodId,
      unitId,
      evidenceId,
      body,
    ),
  };
});
