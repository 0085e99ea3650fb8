import * as z from "zod";

/**
 * A unit's submission, its evidence and the appraisal records, as API.md shows them. Evidence never
 * carries its storage key: downloads go through the download route.
 */
export const submissionStateSchema = z.enum(["draft", "submitted", "locked"]);

export const evidenceSchema = z
  .strictObject({
    id: z.string(),
    kind: z.enum(["file", "url"]),
    status: z.enum(["pending", "confirmed"]),
    indicatorCodes: z.array(z.string()),
    fileName: z.string().optional(),
    contentType: z.string().optional(),
    size: z.number().int().optional(),
    sha256: z.string().optional(),
    url: z.string().optional(),
    title: z.string().optional(),
    createdAt: z.string(),
    createdBy: z.string(),
    confirmedAt: z.string().optional(),
    round: z
      .literal("explanation")
      .optional()
      .describe("uploaded in the explanation round: backs a contest, never the self-assessment score"),
    carriedFrom: z
      .strictObject({ periodId: z.string(), unitId: z.string(), evidenceId: z.string() })
      .optional()
      .describe("carried over from the unit's last submission: the same file, copied, not uploaded again"),
  })
  .meta({ id: "Evidence" });

const answerSchema = z.strictObject({
  value: z.unknown(),
  note: z.string().nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  carried: z.literal(true).optional().describe("copied from the previous period, not yet confirmed"),
});

export const supplementSchema = z
  .strictObject({
    codes: z.array(z.string()),
    until: z.string(),
    message: z.string().optional(),
    by: z.string(),
    at: z.string(),
  })
  .meta({ id: "Supplement" });

/** A measured leaf's value from its data source, with its provenance (DOMAIN.md, "Measured indicators"). */
export const measuredValueSchema = z
  .strictObject({
    value: z.unknown(),
    sourceId: z.string(),
    sourceName: z.string(),
    asOf: z.string(),
    receivedAt: z.string(),
    reference: z.string().nullable(),
    importedBy: z.string().nullable().describe("the organiser who imported it from a file; null for a push"),
    fileName: z.string().nullable().describe("the file it was imported from; null for a push"),
  })
  .meta({ id: "MeasuredValue" });

export const submissionSchema = z
  .strictObject({
    periodId: z.string(),
    unitId: z.string(),
    groupId: z.string(),
    state: submissionStateSchema,
    version: z.number().int().describe("also the ETag, for the next If-Match"),
    closesAt: z.string(),
    editable: z.boolean(),
    submittedAt: z.string().optional(),
    submittedBy: z.string().optional(),
    supplement: supplementSchema.nullable(),
    history: z
      .array(
        z.strictObject({
          action: z.enum(["submit", "withdraw", "lock"]),
          by: z.string().nullable(),
          at: z.string(),
        }),
      )
      .describe("submit → withdraw → resubmit, oldest first, then the lock by the close"),
    answers: z.record(z.string(), answerSchema),
    measured: z
      .record(z.string(), measuredValueSchema)
      .optional()
      .describe("measured leaves' values from their data source, by code (read-only for the unit)"),
    evidence: z.array(evidenceSchema),
    preview: z.strictObject({
      points: z.number(),
      maxPoints: z.number(),
      index: z.number(),
      pendingPoints: z.number().describe("points the missing evidence would add to the total"),
      leaves: z.record(
        z.string(),
        z.strictObject({
          score: z.number().nullable(),
          flags: z.array(z.string()),
          withEvidence: z.number().optional().describe("a missing-evidence leaf's score once proven"),
        }),
      ),
    }),
  })
  .meta({ id: "Submission" });

export const submissionRowSchema = z
  .strictObject({
    unitId: z.string(),
    groupId: z.string(),
    state: submissionStateSchema,
    submitted: z.boolean().describe("whether it submitted: its state while open, as recorded at close"),
    version: z.number().int(),
    points: z.number(),
    index: z.number(),
    submittedAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    appraisal: z
      .strictObject({ done: z.number().int(), total: z.number().int() })
      .nullable()
      .describe("the caller's leaves appraised / to appraise; null before close, unsubmitted, out of scope"),
  })
  .meta({ id: "SubmissionRow" });

/** A presigned POST: the form fields go with the file, to `url`. */
const uploadSchema = z.strictObject({ url: z.string(), fields: z.record(z.string(), z.string()) });

export const evidenceAddedSchema = z
  .strictObject({ evidence: evidenceSchema, upload: uploadSchema.optional() })
  .meta({ id: "EvidenceAdded" });
export const evidenceAnswerSchema = z
  .strictObject({
    evidence: evidenceSchema,
    duplicateOf: z.string().optional().describe("evidence of this submission with the same bytes"),
  })
  .meta({ id: "EvidenceAnswer" });
export const downloadSchema = z.strictObject({ url: z.string() }).meta({ id: "Download" });

export const appraisalSchema = z
  .strictObject({
    code: z.string(),
    value: z.unknown(),
    accepted: z.boolean(),
    reason: z.string().optional(),
    by: z.string(),
    at: z.string(),
  })
  .meta({ id: "Appraisal" });

export const decisionSchema = z.strictObject({
  outcome: z.enum(["upheld", "changed"]),
  value: z.unknown().optional(),
  reason: z.string(),
  by: z.string(),
  at: z.string(),
});

export const contestSchema = z
  .strictObject({
    code: z.string(),
    explanation: z.string(),
    evidenceIds: z.array(z.string()),
    by: z.string(),
    at: z.string(),
    decision: decisionSchema.optional(),
  })
  .meta({ id: "Contest" });

export const contestDecidedSchema = z
  .strictObject({ code: z.string(), decision: decisionSchema })
  .meta({ id: "ContestDecided" });

export type SubmissionView = z.infer<typeof submissionSchema>;
export type EvidenceView = z.infer<typeof evidenceSchema>;
export type SubmissionRowView = z.infer<typeof submissionRowSchema>;
export type AppraisalView = z.infer<typeof appraisalSchema>;
export type ContestView = z.infer<typeof contestSchema>;
