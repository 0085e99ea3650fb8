import type { ApiReply } from "./api.ts";

/** A submission with its version as the ETag, for the next If-Match. */
export const submissionReply = (submission: { version: number }): ApiReply => ({
  body: submission,
  headers: { etag: `"${submission.version}"` },
});
