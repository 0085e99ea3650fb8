import { type MultipartUploads, presignParts } from "../../shared/services/multipart.ts";
import { adapters } from "../http/adapters.ts";
import { apiHandler } from "../http/api.ts";

// The evidence bucket's adapter (S3EvidenceFiles) also does multipart uploads.
export const handler = apiHandler(async ({ ctx, params, body }) => {
  const ports = adapters();
  const { periodId = "", unitId = "", evidenceId = "" } = params;
  return {
    body: await presignParts(
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
