import * as z from "zod";
import { PERIOD_STATES } from "../model/period-states.ts";
import { appraisalSchema, contestSchema, measuredValueSchema } from "./submissions.ts";

/** The results route: each unit's provisional and final result with the per-leaf ledger (API.md). */
export const resultScoreSchema = z
  .strictObject({
    points: z.number(),
    index: z.number(),
    rank: z.number().int(),
    band: z.string().nullable(),
    flags: z.array(z.string()),
  })
  .meta({ id: "ResultScore" });

export const ledgerLeafSchema = z
  .strictObject({
    code: z.string(),
    /** Measured leaves only: the source's value (also `self.value`), before any appraisal. */
    measured: measuredValueSchema.optional(),
    self: z.strictObject({
      value: z.unknown(),
      note: z.string().nullable(),
      by: z.string().nullable(),
      at: z.string().nullable(),
      score: z.number(),
      flags: z.array(z.string()),
    }),
    appraisal: appraisalSchema.nullable(),
    contest: contestSchema.nullable(),
    final: z.strictObject({ value: z.unknown(), score: z.number(), flags: z.array(z.string()) }),
  })
  .meta({ id: "LedgerLeaf" });

/** A unit's total as the engine tallies it: points and the applicable maximum (excluded leaves out). */
export const ledgerTotalSchema = z
  .strictObject({ points: z.number(), max: z.number() })
  .meta({ id: "LedgerTotal" });

export const unitResultSchema = z
  .strictObject({
    unitId: z.string(),
    groupId: z.string(),
    code: z.string().optional(),
    name: z.string().optional(),
    submitted: z.boolean(),
    provisional: resultScoreSchema.nullable(),
    final: resultScoreSchema.nullable(),
    /** Self-assessed and appraised totals, from the same tallies as the leaf scores. */
    totals: z.strictObject({ self: ledgerTotalSchema, appraised: ledgerTotalSchema }),
    leaves: z.array(ledgerLeafSchema),
  })
  .meta({ id: "UnitResult" });

export const resultsPageSchema = z
  .strictObject({
    period: z.strictObject({ id: z.string(), name: z.string(), state: z.enum(PERIOD_STATES) }),
    items: z.array(unitResultSchema),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "ResultsPage" });

/** The scoring bundle for the score CLI (`npm run -s score -- bundle.json`): its format is the engine's. */
export const scoringBundleSchema = z
  .looseObject({})
  .describe("the scoring bundle the score CLI reads")
  .meta({ id: "ScoringBundle" });

export const auditRecordSchema = z
  .strictObject({
    entity: z.string(),
    action: z.string(),
    actor: z.string(),
    requestId: z.string(),
    time: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    seq: z.number().int().optional(),
    at: z.string().describe("the record's sort key: time, request and sequence"),
  })
  .meta({ id: "AuditRecord" });

export type UnitResultView = z.infer<typeof unitResultSchema>;
export type LedgerLeafView = z.infer<typeof ledgerLeafSchema>;
export type ResultScoreView = z.infer<typeof resultScoreSchema>;
export type LedgerTotalView = z.infer<typeof ledgerTotalSchema>;
