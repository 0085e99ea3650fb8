import * as z from "zod";

/** The answers of the resumable upload routes (shared/services/multipart.ts). */
export const partsAnswerSchema = z
  .strictObject({
    uploadId: z.string().describe("the multipart upload, kept by the browser to resume"),
    partSize: z.number().int().describe("every part but the last has this many bytes"),
    partCount: z.number().int(),
    parts: z
      .array(
        z.strictObject({ partNumber: z.number().int(), url: z.string().describe("PUT the part's bytes") }),
      )
      .describe("a short-lived URL per asked part"),
    uploaded: z
      .array(z.strictObject({ partNumber: z.number().int(), etag: z.string(), size: z.number().int() }))
      .describe("the parts storage already has (none for a new upload)"),
  })
  .meta({ id: "UploadParts" });

export const completedSchema = z
  .strictObject({ completed: z.literal(true), parts: z.number().int(), size: z.number().int() })
  .meta({ id: "UploadCompleted" });
