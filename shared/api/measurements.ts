import * as z from "zod";
import { KEPT_STATUSES } from "../model/measurement.ts";
import { keptCounts } from "./sources.ts";

/** The organiser's import of measured values (API.md, "Data sources and measurements"). */

export const importAnswerSchema = z
  .strictObject({
    periodId: z.string(),
    fileName: z.string(),
    importedBy: z.string(),
    receivedAt: z.string(),
    bodySha256: z.string(),
    counts: z.strictObject(keptCounts),
    results: z
      .array(
        z.strictObject({
          index: z.number().int(),
          unitId: z.string(),
          code: z.string(),
          status: z.enum(KEPT_STATUSES),
        }),
      )
      .describe("one per row, in the file's order"),
  })
  .meta({ id: "MeasurementImportAnswer" });
