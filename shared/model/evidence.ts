import * as z from "zod";
import { capped, codeSchema, lineSchema, nameSchema } from "./common.ts";

// The lists and limits are plain data in limits.ts, so the web reads them without zod.
import {
  DEFAULT_MAX_EVIDENCE_BYTES,
  EVIDENCE_TYPES,
  MAX_CODES_PER_EVIDENCE,
  MAX_EVIDENCE_PER_SUBMISSION,
} from "./limits.ts";

export { DEFAULT_MAX_EVIDENCE_BYTES, EVIDENCE_TYPES, MAX_CODES_PER_EVIDENCE, MAX_EVIDENCE_PER_SUBMISSION };

/** A file's name as the unit's computer gave it: one visible line, no folder, at most 255 characters. */
export const fileNameSchema = lineSchema(255).refine(
  (s) => !/[/\\]/.test(s),
  "must be a file name, without '/' or '\\'",
);

const indicatorCodesSchema = capped(
  MAX_CODES_PER_EVIDENCE,
  z.array(codeSchema).min(1),
  `at most ${MAX_CODES_PER_EVIDENCE} indicator codes`,
);

export const fileEvidenceRequestSchema = z.strictObject({
  indicatorCodes: indicatorCodesSchema,
  fileName: fileNameSchema,
  contentType: z.string().min(1).max(200),
  size: z.number().int().positive(),
});

export const urlEvidenceRequestSchema = z.strictObject({
  indicatorCodes: indicatorCodesSchema,
  url: z.url({ protocol: /^https?$/ }).max(2000),
  title: nameSchema.optional(),
});

export const evidenceRequestSchema = z.union([fileEvidenceRequestSchema, urlEvidenceRequestSchema]);
export const relinkEvidenceSchema = z.strictObject({ indicatorCodes: indicatorCodesSchema });

export type FileEvidenceRequest = z.infer<typeof fileEvidenceRequestSchema>;
export type UrlEvidenceRequest = z.infer<typeof urlEvidenceRequestSchema>;

export interface Evidence {
  id: string;
  kind: "file" | "url";
  status: "pending" | "confirmed";
  indicatorCodes: string[];
  fileName?: string;
  contentType?: string;
  size?: number;
  sha256?: string;
  /** Object key in the evidence bucket (file evidence). */
  key?: string;
  url?: string;
  title?: string;
  createdAt: string;
  createdBy: string;
  confirmedAt?: string;
  /** Uploaded in the explanation round: backs a contest, never the self-assessment (DOMAIN.md §6.5). */
  round?: "explanation";
  /** Carried over from the unit's last submission (a file is copied, never uploaded again). */
  carriedFrom?: EvidenceSource;
}

/** The evidence item a carried one was copied from. */
export interface EvidenceSource {
  periodId: string;
  unitId: string;
  evidenceId: string;
}

/**
 * Leaf codes backed by confirmed evidence: what the scoring engine calls "evidence facts". Evidence of
 * the explanation round is left out: it backs a contest, and only a reviewer's decision changes a score.
 */
export function confirmedCodes(
  evidence: readonly Pick<Evidence, "status" | "indicatorCodes" | "round">[],
): string[] {
  const codes = new Set<string>();
  for (const item of evidence)
    if (item.status === "confirmed" && item.round !== "explanation")
      for (const code of item.indicatorCodes) codes.add(code);
  return [...codes].sort();
}
