import * as z from "zod";

/** The organiser's import of measured values (API.md, "Data sources and measurements"). */

export const importAnswerSchema = z
  .strictObject({
    periodId: z.string(),
    fileName: z.string(),
    importedBy: z.string(),
    receivedAt: z.string(),
    bodySha256: z.string(),
    counts: z.strictObject({
      stored: z.number().int(),
      unchanged: z.number().int(),
      stale: z.number().int(),
    }),
    results: z
      .array(
        z.strictObject({
          index: z.number().int(),
          unitId: z.string(),
          code: z.string(),
          status: z.enum(["stored", "unchanged", "stale"]),
        }),
      )
      .describe("one per row, in the file's order"),
  })
  .meta({ id: "MeasurementImportAnswer" });
