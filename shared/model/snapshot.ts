import * as z from "zod";

/**
 * The ranking snapshot of API.md ("Ranking snapshot"): what is published and what the score CLI
 * prints. Points are rounded to 2 decimals, indexes to 4. Read leniently (unknown fields are kept
 * out, not refused) because older snapshots are read back as `previous`.
 */
export const snapshotNodeResultSchema = z.object({
  code: z.string(),
  points: z.number(),
  /** Applicable maximum of this node for this unit (less than the framework's when leaves are excluded). */
  maxPoints: z.number(),
  /** points / maxPoints; null when the node's applicable maximum is 0 (not ranked). */
  value: z.number().nullable(),
  rank: z.number().int().nullable(),
});

/**
 * Why a rank changed (DOMAIN.md §5 "Change"): this period's published figures minus the previous
 * one's, rounded like them. Pillars in both snapshots only; the indicators whose points moved most.
 */
export const snapshotChangeSchema = z.object({
  points: z.number(),
  index: z.number(),
  nodes: z.array(z.object({ code: z.string(), points: z.number(), value: z.number().nullable() })),
  leaves: z.array(z.object({ code: z.string(), points: z.number() })),
});

export const snapshotUnitSchema = z.object({
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  rank: z.number().int(),
  points: z.number(),
  /** Applicable maximum for this unit: the group's maximum less excluded leaves. */
  maxPoints: z.number(),
  index: z.number(),
  band: z.string().nullable(),
  /** Previous rank − this rank (positive: moved up); null when not ranked in the previous period, or when the unit did not submit in either one. */
  rankChange: z.number().int().nullable(),
  /** Non-null exactly when rankChange is. Optional: snapshots published before it are read back as `previous`. */
  change: snapshotChangeSchema.nullable().optional(),
  flags: z.array(z.string()),
  nodes: z.array(snapshotNodeResultSchema),
});

const codeLists = z.object({ pillars: z.array(z.string()), leaves: z.array(z.string()) });

/**
 * Present when the previous snapshot was ranked with another index set (DOMAIN.md §3 "Versions of an
 * index set"): `change` compares only what is comparable; this says what that is.
 */
export const snapshotComparabilitySchema = z.object({
  frameworkChanged: z.literal(true),
  previousFrameworkId: z.string(),
  /** Pillars compared with other old codes than their own: new code → old codes (several: merged). */
  mapped: z.record(z.string(), z.array(z.string())),
  /** This version's codes compared with nothing (new, split). */
  notComparable: codeLists,
  /** The previous version's codes no longer in the set. */
  dropped: codeLists,
});

export const snapshotGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  maxPoints: z.number(),
  nodes: z.array(z.object({ code: z.string(), name: z.string(), maxPoints: z.number() })),
  comparability: snapshotComparabilitySchema.optional(),
  /**
   * The share of the group's points that was measured (DOMAIN.md §4 "Measured indicators"): the final
   * points of its measured leaves over all its units' final points, 4 decimals. Only when the group has
   * a measured leaf, so snapshots without one are unchanged.
   */
  measuredShare: z.number().optional(),
  units: z.array(snapshotUnitSchema),
});

/** A published version of a period's ranking: `/public/rankings/{periodId}/v{version}.json`. */
export const snapshotRefSchema = z.object({
  periodId: z.string(),
  version: z.number().int().positive(),
  /** The version was restated on this period's units before comparing (a reform between the two). */
  restated: z.literal(true).optional(),
});

export const rankingSnapshotSchema = z.object({
  period: z.object({
    id: z.string(),
    name: z.string(),
    framework: z.object({ id: z.string(), name: z.string(), decision: z.string().nullable() }),
  }),
  version: z.number().int().positive(),
  /** When it was published; null for a provisional ranking that has not been. */
  publishedAt: z.string().nullable(),
  /**
   * The published version `rankChange` and `change` compare with; null when none. Optional: snapshots
   * published before it was written lack it (a reader then guesses the previous period).
   */
  previous: snapshotRefSchema.nullable().optional(),
  /** Only in a restated ranking (restate.ts): what it restates, kept when it is read back as `previous`. */
  restatedFrom: z
    .object({ periodId: z.string(), version: z.number().int(), rule: z.enum(["mean", "weighted-mean"]) })
    .optional(),
  groups: z.array(snapshotGroupSchema),
});

/**
 * The final points of every leaf of a published version (`public/rankings/{periodId}/v{n}.leaves.json`),
 * kept beside the snapshot for the next period's `change.leaves`: per group, the leaf codes in framework
 * order and, per unit, its points in that order (2 decimals).
 */
export const leafPointsSchema = z.object({
  periodId: z.string(),
  version: z.number().int().positive(),
  groups: z.array(
    z.object({
      id: z.string(),
      codes: z.array(z.string()),
      units: z.record(z.string(), z.array(z.number())),
    }),
  ),
});

export type SnapshotChange = z.infer<typeof snapshotChangeSchema>;
export type SnapshotComparability = z.infer<typeof snapshotComparabilitySchema>;
export type LeafPoints = z.infer<typeof leafPointsSchema>;
export type SnapshotNodeResult = z.infer<typeof snapshotNodeResultSchema>;
export type SnapshotUnit = z.infer<typeof snapshotUnitSchema>;
export type SnapshotGroup = z.infer<typeof snapshotGroupSchema>;
export type RankingSnapshot = z.infer<typeof rankingSnapshotSchema>;
