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
  flags: z.array(z.string()),
  nodes: z.array(snapshotNodeResultSchema),
});

export const snapshotGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  maxPoints: z.number(),
  nodes: z.array(z.object({ code: z.string(), name: z.string(), maxPoints: z.number() })),
  units: z.array(snapshotUnitSchema),
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
  groups: z.array(snapshotGroupSchema),
});

export type SnapshotNodeResult = z.infer<typeof snapshotNodeResultSchema>;
export type SnapshotUnit = z.infer<typeof snapshotUnitSchema>;
export type SnapshotGroup = z.infer<typeof snapshotGroupSchema>;
export type RankingSnapshot = z.infer<typeof rankingSnapshotSchema>;
