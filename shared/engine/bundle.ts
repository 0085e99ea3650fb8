import * as z from "zod";
import { answerProblem } from "../model/answer.ts";
import { nameSchema } from "../model/common.ts";
import type { Framework, Leaf } from "../model/framework.ts";
import { parseFramework } from "../model/framework-rules.ts";
import { type Checked, fromZodIssues, type Issue } from "../model/issues.ts";
import { leafPointsSchema, rankingSnapshotSchema } from "../model/snapshot.ts";
import { type Unit, unitSchema } from "../model/unit.ts";
import { compileFramework } from "./compile.ts";
import type { ScoringInput } from "./score-period.ts";
import type { SubmissionFacts } from "./score-unit.ts";
import type { SnapshotMeta } from "./snapshot.ts";
import { zodAccepts } from "./zod-accepts.ts";

/**
 * The scoring bundle: everything needed to recompute a ranking from an export (README, "The score CLI").
 * `submissions` and `appraisals` are checked by hand, not with zod: at national scale they hold over a
 * million answers. The rest (units, the previous snapshot) is checked by a yes/no compiled from the same
 * zod schemas (zod-accepts.ts), which lets the input through uncopied; only when it says no does zod
 * itself parse the envelope, so a refused bundle gets zod's issues, paths and messages as before.
 */
export type ScoringBundle = ScoringInput & SnapshotMeta;

const envelopeSchema = z.strictObject({
  framework: z.unknown(),
  period: z.strictObject({ id: z.string().min(1).max(64), name: nameSchema }),
  units: z.array(unitSchema),
  submissions: z.record(z.string(), z.unknown()),
  appraisals: z.record(z.string(), z.unknown()).optional(),
  previous: rankingSnapshotSchema.optional(),
  /** The previous version's leaf points (v{n}.leaves.json), for `change.leaves`; lenient like `previous`. */
  previousLeaves: leafPointsSchema.optional(),
  version: z.number().int().positive().optional(),
  publishedAt: z.iso.datetime({ offset: true }).nullable().optional(),
});

const envelopeAccepted = zodAccepts(envelopeSchema);

type Envelope = z.infer<typeof envelopeSchema>;

/** `fastPath: false` parses the envelope with zod alone: the tests prove both ways give the same answer. */
export function parseBundle(input: unknown, options: { fastPath?: boolean } = {}): Checked<ScoringBundle> {
  const envelope: { success: true; data: Envelope } | z.ZodSafeParseResult<Envelope> =
    options.fastPath !== false && envelopeAccepted(input)
      ? { success: true, data: input as Envelope }
      : envelopeSchema.safeParse(input, { reportInput: true });
  const framework = parseFramework(
    typeof input === "object" && input !== null ? (input as Record<string, unknown>).framework : undefined,
  );
  const issues: Issue[] = envelope.success ? [] : fromZodIssues(envelope.error.issues);
  if (!framework.ok)
    issues.push(
      ...framework.issues.map((i) => ({
        path: i.path ? `framework.${i.path}` : "framework",
        message: i.message,
      })),
    );
  if (!envelope.success || !framework.ok) return { ok: false, issues };

  const { units, submissions, appraisals } = envelope.data;
  const leavesOf = unitLeaves(framework.value, units, issues);
  for (const [unitId, raw] of Object.entries(submissions)) checkSubmission(unitId, raw, leavesOf, issues);
  for (const [unitId, raw] of Object.entries(appraisals ?? {}))
    checkAppraisals(unitId, raw, leavesOf, issues);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: {
      ...envelope.data,
      framework: framework.value,
      submissions: withEvidence(submissions as Record<string, SubmissionFacts>),
    } as ScoringBundle,
  };
}

/**
 * The evidence list may be left out or null (no confirmed evidence): only a submission without one is copied,
 * and the record only when one is, so a national bundle is not copied answer by answer.
 */
function withEvidence(submissions: Record<string, SubmissionFacts>): Record<string, SubmissionFacts> {
  let out: Record<string, SubmissionFacts> | undefined;
  for (const id in submissions) {
    const s = submissions[id] as SubmissionFacts;
    if (s.evidence !== undefined && s.evidence !== null) continue;
    out ??= { ...submissions };
    out[id] = { ...s, evidence: [] };
  }
  return out ?? submissions;
}

/** Unit id → the leaves of its group (null: its kind is not ranked, already reported). */
type LeavesOf = Map<string, Map<string, Leaf> | null>;

/** Unit id → the leaves of its group; refuses duplicate ids and kinds no group ranks. */
function unitLeaves(framework: Framework, units: readonly Unit[], issues: Issue[]): LeavesOf {
  const compiled = compileFramework(framework);
  const leavesOf: LeavesOf = new Map();
  units.forEach((unit, i) => {
    if (leavesOf.has(unit.id))
      issues.push({ path: `units.${i}.id`, message: `unit ${unit.id}: listed twice` });
    const group = compiled.groupOfKind.get(unit.kind);
    leavesOf.set(unit.id, group?.leafByCode ?? null);
    if (!group) {
      issues.push({
        path: `units.${i}.kind`,
        message: `unit ${unit.id}: no group of the framework ranks kind "${unit.kind}"`,
      });
    }
  });
  return leavesOf;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function checkSubmission(unitId: string, raw: unknown, leavesOf: LeavesOf, issues: Issue[]): void {
  const at = `submissions.${unitId}`;
  const leaves = leavesOf.get(unitId);
  if (leaves === undefined)
    return void issues.push({ path: at, message: `unit ${unitId}: not among the bundle's units` });
  if (leaves === null) return; // its unranked kind is already reported
  if (!isRecord(raw))
    return void issues.push({
      path: at,
      message: `unit ${unitId}: expected {"submitted", "answers", "evidence"}`,
    });
  for (const key of Object.keys(raw)) {
    if (key !== "submitted" && key !== "answers" && key !== "evidence")
      issues.push({ path: `${at}.${key}`, message: `unit ${unitId}: unknown field` });
  }
  if (typeof raw.submitted !== "boolean")
    issues.push({ path: `${at}.submitted`, message: `unit ${unitId}: expected true or false` });
  if (!isRecord(raw.answers))
    issues.push({
      path: `${at}.answers`,
      message: `unit ${unitId}: expected an object of leaf code → value`,
    });
  else checkValues(unitId, raw.answers, `${at}.answers`, leaves, false, issues);
  const evidence = raw.evidence ?? [];
  if (!Array.isArray(evidence))
    return void issues.push({
      path: `${at}.evidence`,
      message: `unit ${unitId}: expected a list of leaf codes`,
    });
  for (let i = 0; i < evidence.length; i++) {
    const code: unknown = evidence[i];
    if (code === undefined && !(i in evidence)) continue; // a hole, skipped as forEach did
    if (typeof code !== "string" || !leaves.has(code))
      issues.push({
        path: `${at}.evidence.${i}`,
        message: `unit ${unitId}: evidence for ${JSON.stringify(code)}, which is not a leaf of its group`,
      });
  }
}

function checkAppraisals(unitId: string, raw: unknown, leavesOf: LeavesOf, issues: Issue[]): void {
  const at = `appraisals.${unitId}`;
  const leaves = leavesOf.get(unitId);
  if (leaves === undefined)
    return void issues.push({ path: at, message: `unit ${unitId}: not among the bundle's units` });
  if (leaves === null) return; // its unranked kind is already reported
  if (!isRecord(raw))
    return void issues.push({ path: at, message: `unit ${unitId}: expected an object of leaf code → value` });
  checkValues(unitId, raw, at, leaves, true, issues);
}

function checkValues(
  unitId: string,
  values: Record<string, unknown>,
  at: string,
  leaves: Map<string, Leaf>,
  appraised: boolean,
  issues: Issue[],
): void {
  for (const code in values) {
    const leaf = leaves.get(code);
    const value = values[code];
    const problem = !leaf
      ? "not a leaf of the unit's group"
      : appraised && value === null
        ? "an appraised value cannot be empty"
        : answerProblem(leaf, value);
    if (problem !== undefined)
      issues.push({ path: `${at}.${code}`, message: `unit ${unitId}, leaf ${code}: ${problem}` });
  }
}
