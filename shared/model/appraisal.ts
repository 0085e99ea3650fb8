import * as z from "zod";
import { capped } from "./common.ts";
import { MAX_REASON_LENGTH } from "./limits.ts";
import { deadlineSchema } from "./period.ts";

/**
 * Appraisal and the explanation round (DOMAIN.md §6). A reviewer accepts a leaf (the unit's value
 * stands) or sets an appraised value with a reason; in the explanation round the unit's approver may
 * contest a leaf, and a reviewer decides: upheld (the appraisal stands) or changed (a new value).
 */
export const MAX_REASON = MAX_REASON_LENGTH;
const reasonSchema = z.string().trim().min(1).max(MAX_REASON);

export const appraisalBodySchema = z.union([
  z.strictObject({ accept: z.literal(true), reason: reasonSchema.optional() }),
  z.strictObject({ value: z.unknown().refine((v) => v !== undefined, "required"), reason: reasonSchema }),
]);

export const contestBodySchema = z.strictObject({
  explanation: reasonSchema,
  evidenceIds: z.array(z.string().uuid()).max(20).optional(),
});

export const decisionBodySchema = z
  .strictObject({
    outcome: z.enum(["upheld", "changed"]),
    value: z.unknown().optional(),
    reason: reasonSchema,
  })
  .refine((d) => d.outcome === "upheld" || d.value !== undefined, {
    message: "a changed outcome needs the new value",
    path: ["value"],
  });

export const supplementBodySchema = z.strictObject({
  indicatorCodes: capped(200, z.array(z.string().min(1).max(32)).min(1), "at most 200 indicator codes"),
  until: deadlineSchema,
  message: z.string().trim().max(MAX_REASON).optional(),
});

export interface Appraisal {
  code: string;
  /** The value that counts after appraisal: the unit's own when accepted. */
  value: unknown;
  accepted: boolean;
  reason?: string;
  by: string;
  at: string;
}

export interface Contest {
  code: string;
  explanation: string;
  evidenceIds: string[];
  by: string;
  at: string;
  decision?: { outcome: "upheld" | "changed"; value?: unknown; reason: string; by: string; at: string };
}

/** The value an appraiser set for a leaf, after any contest decision; undefined when none counts. */
export function appraisedValue(appraisal: Appraisal | undefined, contest: Contest | undefined): unknown {
  if (contest?.decision?.outcome === "changed") return contest.decision.value;
  return appraisal?.value ?? undefined;
}
