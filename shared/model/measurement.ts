import * as z from "zod";
import { capped, idSchema, instantSchema, lineSchema, nameSchema } from "./common.ts";

/**
 * Data sources and the values they measure (DOMAIN.md, "Measured indicators"). A source pushes values
 * of the leaves that name it; each value keeps its provenance.
 */

/** The most values one push carries: 5,000 (a province's communes × a few leaves, in one call). */
export const MAX_MEASUREMENTS_PER_PUSH = 5000;
/** The push body's byte limit: 5,000 values with a reference each fit well under it. */
export const MAX_PUSH_BODY_BYTES = 2 * 1024 * 1024;

export const createSourceSchema = z.strictObject({ id: idSchema, name: nameSchema });

export const measurementValueSchema = z.strictObject({
  unitId: z.string().min(1).max(64),
  code: z.string().min(1).max(64),
  value: z.unknown(),
  /** The source's own reference for the value (a report id, a URL): shown as its provenance. */
  reference: lineSchema(500).optional(),
});

export const pushBodySchema = z.strictObject({
  /** When the source measured the values: an ISO 8601 time with its offset. */
  asOf: instantSchema,
  values: capped(
    MAX_MEASUREMENTS_PER_PUSH,
    z.array(measurementValueSchema).min(1),
    `at most ${MAX_MEASUREMENTS_PER_PUSH} values per push`,
  ),
});

export type PushBody = z.infer<typeof pushBodySchema>;

/** A registered source as stored: the secret only as a salted scrypt hash. */
export interface StoredSource {
  id: string;
  name: string;
  /** scrypt(secret, salt), both base64url. */
  salt: string;
  hash: string;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** What GET /api/sources shows of a source: never its hash. */
export interface SourceView {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

/** One measured value of one unit's leaf, with its provenance. */
export interface StoredMeasurement {
  code: string;
  value: unknown;
  sourceId: string;
  /** The source's name when it pushed (shown on the unit's form without reading the sources). */
  sourceName: string;
  /** When the source measured it (as the source said, normalised to UTC ISO). */
  asOf: string;
  receivedAt: string;
  reference?: string;
  /** sha256 (hex) of the push's request body: the exact call can be matched to the source's records. */
  bodySha256: string;
  /** A value the organiser imported from a file instead of its source's push: who, and which file. */
  importedBy?: string;
  fileName?: string;
}

/** What the push answers for each value, in the order given. */
export type MeasurementOutcome =
  | { index: number; status: (typeof KEPT_STATUSES)[number] }
  | { index: number; status: "refused"; reason: RefusalReason; message: string };

/** Why a value is refused; "duplicate" is the same unit and leaf twice in one push (the first counts). */
export const REFUSAL_REASONS = [
  "unknown-unit",
  "not-in-period",
  "unknown-leaf",
  "not-measured",
  "other-source",
  "invalid-value",
  "duplicate",
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What a value that is not refused came to. */
export const KEPT_STATUSES = ["stored", "unchanged", "stale"] as const;

/** A measured value's provenance as the API shows it (the request's hash stays in storage and the log). */
export function measurementView(m: StoredMeasurement) {
  return {
    value: m.value,
    sourceId: m.sourceId,
    sourceName: m.sourceName,
    asOf: m.asOf,
    receivedAt: m.receivedAt,
    reference: m.reference ?? null,
    importedBy: m.importedBy ?? null,
    fileName: m.fileName ?? null,
  };
}
