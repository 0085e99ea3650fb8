import * as z from "zod";
import { codeSchema, idSchema, nameSchema, textSchema } from "./common.ts";

/**
 * The framework (index set) format of API.md. Structure is checked here; rules that span several
 * fields (unique codes, children's maxima, info leaves at 0 points, …) are in framework-rules.ts.
 */

const fractionSchema = z.number().min(0).max(1);
const pointsSchema = z.number().nonnegative();

export const levelOptionSchema = z.strictObject({
  id: z.string().min(1).max(64),
  label: nameSchema,
  labelEn: nameSchema.optional(),
  fraction: fractionSchema,
});

export const methodSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("yesno") }),
  z.strictObject({ type: z.literal("level"), options: z.array(levelOptionSchema).min(1) }),
  z.strictObject({
    type: z.literal("ratio"),
    /** Share of the denominator that earns full points, in (0, 1]. */
    target: z.number().gt(0).max(1).default(1),
    /** What a denominator of 0 ("nothing arose") earns. */
    whenZero: z.enum(["full", "zero", "exclude"]).default("full"),
    numeratorLabel: nameSchema.optional(),
    denominatorLabel: nameSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("steps"),
    steps: z.array(z.strictObject({ min: z.number().nonnegative(), points: pointsSchema })).min(1),
  }),
  z.strictObject({ type: z.literal("count"), pointsEach: z.number().positive() }),
  z.strictObject({ type: z.literal("points") }),
  z.strictObject({ type: z.literal("relative") }),
  z.strictObject({ type: z.literal("info") }),
]);

export const evidenceKindSchema = z.enum(["file", "url"]);

export const evidenceRuleSchema = z.strictObject({
  required: z.boolean(),
  kinds: z.array(evidenceKindSchema).min(1).default(["file", "url"]),
  hint: textSchema.optional(),
});

const describedNode = {
  code: codeSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  guidance: textSchema.optional(),
  maxPoints: pointsSchema,
};

export const leafSchema = z.strictObject({
  ...describedNode,
  method: methodSchema,
  evidence: evidenceRuleSchema.default({ required: false, kinds: ["file", "url"] }),
  /**
   * "system": a value an information system could supply (descriptive only, the unit answers it).
   * {kind: "measured", sourceId}: the value comes from that data source, not from the unit (DOMAIN.md,
   * "Measured indicators").
   */
  source: z
    .union([z.literal("system"), z.strictObject({ kind: z.literal("measured"), sourceId: idSchema })])
    .optional(),
});

/** An inner node (pillar or sub-pillar): its score is the sum of its children's, capped at maxPoints. */
export interface InnerNode {
  code: string;
  name: string;
  nameEn?: string | undefined;
  guidance?: string | undefined;
  maxPoints: number;
  children: FrameworkNode[];
}
export type FrameworkNode = Leaf | InnerNode;

// A node is a leaf (has `method`) or an inner node (has `children`); the union is resolved for error
// messages by fromZodIssues in issues.ts.
export const nodeSchema: z.ZodType<FrameworkNode> = z.lazy(() => z.union([leafSchema, innerNodeSchema]));

const innerNodeSchema = z.strictObject({
  ...describedNode,
  children: z.array(nodeSchema).min(1),
});

export const bandSchema = z.strictObject({
  minIndex: fractionSchema,
  label: nameSchema,
  labelEn: nameSchema.optional(),
});

export const groupSchema = z.strictObject({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  /** Unit kinds ranked in this group (DOMAIN.md §2: membership is decided here, not by code). */
  unitKinds: z.array(z.string().min(1).max(64)).min(1),
  bands: z.array(bandSchema).optional(),
  nodes: z.array(nodeSchema).min(1),
});

/** How a node of this version relates to its predecessor's (DOMAIN.md §3 "Versions of an index set"). */
export const RELATIONS = ["same", "renamed", "split", "merged", "new", "dropped"] as const;
export type Relation = (typeof RELATIONS)[number];

/**
 * One line of the map: `code` (this version's, absent for "dropped") in `group` comes `from` the
 * predecessor's codes of the group with the same id (absent for "new").
 */
export const mapEntrySchema = z.strictObject({
  group: idSchema,
  code: codeSchema.optional(),
  from: z.array(codeSchema).optional(),
  relation: z.enum(RELATIONS),
});

export const predecessorSchema = z.strictObject({
  frameworkId: idSchema,
  map: z.array(mapEntrySchema).max(5000).default([]),
});

export const frameworkSchema = z.strictObject({
  id: idSchema,
  name: nameSchema,
  nameEn: nameSchema.optional(),
  decision: nameSchema.optional(),
  about: textSchema.optional(),
  /**
   * Frameworks of one lineage are comparable: rank change looks back to the previous published period
   * whose framework has the same lineage. Defaults to the predecessor's lineage when there is one (set
   * at import), else to the framework's id.
   */
  lineage: idSchema.optional(),
  /** The version this one replaces, and how its nodes map to that one's (comparability.ts). */
  predecessor: predecessorSchema.optional(),
  /** "zero": a leaf without its required evidence scores 0; "keep": it keeps its score (still flagged). */
  missingEvidence: z.enum(["zero", "keep"]).default("zero"),
  /** "rounded": rank on indexes rounded to 4 decimals, as published; "exact": on full precision. */
  rankCompare: z.enum(["rounded", "exact"]).default("rounded"),
  groups: z.array(groupSchema).min(1),
});

export type LevelOption = z.infer<typeof levelOptionSchema>;
export type Method = z.infer<typeof methodSchema>;
export type MethodType = Method["type"];
export type EvidenceRule = z.infer<typeof evidenceRuleSchema>;
export type Leaf = z.infer<typeof leafSchema>;
export type Band = z.infer<typeof bandSchema>;
export type Group = z.infer<typeof groupSchema>;
export type Framework = z.infer<typeof frameworkSchema>;
export type MapEntry = z.infer<typeof mapEntrySchema>;
/** What an importer writes: defaults may be left out. */
export type FrameworkInput = z.input<typeof frameworkSchema>;

/** The data source a measured leaf takes its value from; undefined for a leaf the unit answers. */
export function measuredSourceOf(leaf: Leaf): string | undefined {
  const source = leaf.source;
  return typeof source === "object" ? source.sourceId : undefined;
}

/** Whether the evidence rule applies: a measured value's provenance is its evidence. */
export const needsEvidence = (leaf: Leaf): boolean =>
  leaf.evidence.required && measuredSourceOf(leaf) === undefined;

export function isLeaf(node: FrameworkNode): node is Leaf {
  return "method" in node;
}

export const METHOD_TYPES: readonly MethodType[] = [
  "yesno",
  "level",
  "ratio",
  "steps",
  "count",
  "points",
  "relative",
  "info",
];
