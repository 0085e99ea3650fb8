import * as z from "zod";
import { KEPT_STATUSES, REFUSAL_REASONS } from "../model/measurement.ts";

/** Data sources and the measurement push (API.md, "Data sources and measurements"). */

export const sourceViewSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "DataSource" });

export const createdSourceSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    secret: z.string().describe("shown this once: the Bearer secret of the source's pushes"),
  })
  .meta({ id: "CreatedDataSource" });

const outcomeBase = { index: z.number().int(), unitId: z.string(), code: z.string() };

export const measurementOutcomeSchema = z.discriminatedUnion("status", [
  z.strictObject({ ...outcomeBase, status: z.enum(KEPT_STATUSES) }),
  z.strictObject({
    ...outcomeBase,
    status: z.literal("refused"),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
]);

/** The counts of values kept, by what became of them: a push and an import answer both. */
export const keptCounts = {
  stored: z.number().int(),
  unchanged: z.number().int(),
  stale: z.number().int(),
};

export const pushAnswerSchema = z
  .strictObject({
    periodId: z.string(),
    sourceId: z.string(),
    asOf: z.string(),
    receivedAt: z.string(),
    bodySha256: z.string(),
    counts: z.strictObject({ ...keptCounts, refused: z.number().int() }),
    results: z.array(measurementOutcomeSchema).describe("one per value, in the order given"),
  })
  .meta({ id: "MeasurementPushAnswer" });
