import * as z from "zod";

/** What a reform did (POST /api/reforms): counts of units written, the new units and the ended ones. */
export const reformResultSchema = z
  .strictObject({
    decision: z.string(),
    effectiveDate: z.string(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    units: z.array(z.strictObject({ code: z.string(), id: z.string(), predecessorIds: z.array(z.string()) })),
    ended: z.array(z.string()).describe("ids of the units that end the day before"),
  })
  .meta({ id: "ReformResult" });

export type ReformResultView = z.infer<typeof reformResultSchema>;
