import * as z from "zod";
import { periodDecisionSchema } from "../model/period.ts";
import { JOB_KINDS, PERIOD_STATES } from "../model/period-states.ts";

/**
 * A period as each role reads it (shared/services/views.ts decides who sees what): every reader sees
 * its public face; reviewers also the latest deadline extended to a unit; admins also the job's
 * progress, the relative leaves' bests and a publication under way. No role sees a job's lease.
 */
const jobStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);

const publicationSchema = z.strictObject({ version: z.number().int(), publishedAt: z.string() });

const periodFields = {
  id: z.string(),
  name: z.string(),
  frameworkId: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  explanationClosesAt: z.string().optional(),
  state: z.enum(PERIOD_STATES),
  version: z.number().int().describe("grows by one with every change of the period"),
  counts: z.strictObject({ units: z.number().int(), submitted: z.number().int(), draft: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().optional(),
  finalizedAt: z.string().optional(),
  publication: publicationSchema.optional(),
};

/** The period as a unit user reads it: of a job only its kind and status. */
export const periodSchema = z
  .strictObject({
    ...periodFields,
    job: z.strictObject({ kind: z.enum(JOB_KINDS), status: jobStatusSchema }).optional(),
  })
  .meta({ id: "Period" });

/** A reviewer's period: also the latest deadline extended to a single unit. */
export const reviewerPeriodSchema = periodSchema
  .extend({ lastUnitDeadline: z.string().optional() })
  .meta({ id: "ReviewerPeriod" });

const snapshotRefSchema = z.strictObject({ periodId: z.string(), version: z.number().int() });
const adminPublicationSchema = publicationSchema.extend({
  previous: snapshotRefSchema.nullable().optional(),
  documents: z.boolean().optional().describe("the official documents of this version are written"),
});
const groupBestsSchema = z.record(z.string(), z.record(z.string(), z.number()));

/** The job as the admin follows it (API.md "Jobs"). */
export const periodJobSchema = z
  .strictObject({
    kind: z.enum(JOB_KINDS),
    status: jobStatusSchema,
    done: z.number().int(),
    total: z.number().int(),
    queuedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    error: z.string().optional(),
    attempts: z.number().int(),
  })
  .meta({ id: "PeriodJob" });

/** A published version restated on the units valid on `asOf` (POST /api/periods/{periodId}/restatements). */
export const restatementSchema = z
  .strictObject({
    asOf: z.string(),
    version: z.number().int().describe("the published version restated"),
    url: z.string().describe("the restated ranking (JSON), immutable"),
    csv: z.string().describe("the same as CSV"),
    units: z.number().int().describe("how many units it ranks"),
    rule: z.enum(["mean", "weighted-mean"]),
    at: z.string(),
  })
  .meta({ id: "Restatement" });

/** Everything the period carries, as an admin reads it. */
export const adminPeriodSchema = reviewerPeriodSchema
  .extend({
    job: periodJobSchema.optional(),
    publication: adminPublicationSchema.optional(),
    nextPublication: adminPublicationSchema.optional(),
    bests: z
      .strictObject({ provisional: groupBestsSchema.optional(), final: groupBestsSchema.optional() })
      .optional(),
    decision: periodDecisionSchema.optional().describe("the announcing decision (appendix and scorecards)"),
    restatements: z
      .array(restatementSchema)
      .optional()
      .describe("the published version restated on later units"),
  })
  .meta({ id: "AdminPeriod" });

export const unitDeadlineSchema = z
  .strictObject({ periodId: z.string(), unitId: z.string(), closesAt: z.string() })
  .meta({ id: "UnitDeadline" });

export type PeriodView = z.infer<typeof periodSchema>;
export type ReviewerPeriodView = z.infer<typeof reviewerPeriodSchema>;
export type AdminPeriodView = z.infer<typeof adminPeriodSchema>;
export type PeriodJobView = z.infer<typeof periodJobSchema>;
