import * as z from "zod";
import { appraisalRefusal, hasRole } from "../access/roles.ts";
import { type CompiledGroup, compileFramework, topNodeCode } from "../engine/compile.ts";
import { forbidden } from "../errors.ts";
import { headSubmitted } from "../lifecycle.ts";
import type { Period } from "../model/period.ts";
import { pageByKey } from "../store/page.ts";
import type { Ports, RequestContext } from "./context.ts";
import type { PageRequest, SubmissionHead } from "./ports.ts";
import { parseQuery } from "./validate.ts";

const listQuerySchema = z.object({
  groupId: z.string().optional(),
  state: z.enum(["draft", "submitted", "locked"], { error: "unknown state" }).optional(),
  submitted: z.enum(["true", "false"], { error: "true or false" }).optional(),
});

/** Appraisals exist once the close has locked every head: from `appraisal` on. */
const APPRAISED_STATES: ReadonlySet<Period["state"]> = new Set([
  "appraisal",
  "explanation",
  "finalizing",
  "final",
  "publishing",
  "published",
]);

export interface SubmissionRow {
  unitId: string;
  groupId: string;
  state: SubmissionHead["state"];
  /**
   * Whether the unit submitted: while open, its state; once closed (every head locked), what the
   * close recorded. A locked head no longer says it by its state alone.
   */
  submitted: boolean;
  version: number;
  points: number;
  index: number;
  submittedAt: string | null;
  updatedAt: string | null;
  /**
   * The caller's appraisal progress: leaves appraised of the leaves they may appraise. Null before
   * the close, for a unit that did not submit (its draft is not scored: nothing to appraise), and
   * for a unit the caller may not appraise (out of scope, their own unit).
   */
  appraisal: { done: number; total: number } | null;
}

/**
 * Every unit's state, whether it submitted, its self-assessed points/index and, after the close, the
 * caller's appraisal progress, by group then unit (reviewers and admins). Only the units of the page
 * asked for are read for their appraisals.
 */
export async function listSubmissions(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  page: PageRequest,
  query: Record<string, string | undefined>,
) {
  if (!hasRole(ctx.actor, "admin", "reviewer")) throw forbidden("only reviewers and admins list submissions");
  const { groupId, state, submitted } = parseQuery(listQuerySchema, query, "bad-filter");
  const period = await ports.periods.require(periodId);
  const members = await ports.periods.members(periodId);
  const heads = new Map<string, SubmissionHead>();
  let cursor: string | undefined;
  do {
    const batch = await ports.submissions.listHeads(periodId, { limit: 1000, cursor });
    for (const head of batch.items) heads.set(head.unitId, head);
    cursor = batch.nextCursor ?? undefined;
  } while (cursor);
  const rows = [...members]
    .map(([unitId, group]) => rowOf(unitId, group, heads.get(unitId)))
    .filter(
      (r) =>
        (!groupId || r.groupId === groupId) &&
        (!state || r.state === state) &&
        (!submitted || r.submitted === (submitted === "true")),
    );
  const slice = pageByKey(rows, (r) => `${r.groupId}#${r.unitId}`, page);
  if (!APPRAISED_STATES.has(period.state)) return slice;
  const progress = await appraisalProgress(ports, ctx, period, slice.items);
  return {
    ...slice,
    items: slice.items.map((r) => ({ ...r, appraisal: progress.get(r.unitId) ?? null })),
  };
}

function rowOf(unitId: string, groupId: string, head: SubmissionHead | undefined): SubmissionRow {
  const state = head?.state ?? "draft";
  return {
    unitId,
    groupId,
    state,
    submitted: headSubmitted(head),
    version: head?.version ?? 0,
    // Once closed, the self-assessment as scored at close (relative leaves too; 0 for a non-submitter).
    points: head?.provisional?.points ?? (head as { points?: number } | undefined)?.points ?? 0,
    index: head?.provisional?.index ?? (head as { index?: number } | undefined)?.index ?? 0,
    submittedAt: head?.submittedAt ?? null,
    updatedAt: head?.updatedAt ?? null,
    appraisal: null,
  };
}

/** For each submitted unit of the rows the caller may appraise: leaves appraised / leaves in scope. */
async function appraisalProgress(
  ports: Ports,
  ctx: RequestContext,
  period: Period,
  rows: readonly SubmissionRow[],
): Promise<Map<string, { done: number; total: number }>> {
  const framework = await ports.frameworks.get(period.frameworkId);
  if (!framework) throw new Error(`framework ${period.frameworkId} of period ${period.id} is missing`);
  const groups = new Map(compileFramework(framework).groups.map((g) => [g.group.id, g]));
  const inScope = new Map<string, string[]>(); // unitId → the leaf codes the caller may appraise
  for (const row of rows) {
    const group = groups.get(row.groupId);
    if (!row.submitted || !group) continue;
    const codes = scopedLeaves(ctx, group, row.unitId);
    if (codes.length > 0) inScope.set(row.unitId, codes);
  }
  const appraised = await ports.submissions.appraisedCodes(period.id, [...inScope.keys()]);
  const progress = new Map<string, { done: number; total: number }>();
  for (const [unitId, codes] of inScope) {
    const done = appraised.get(unitId);
    progress.set(unitId, { done: codes.filter((code) => done?.has(code)).length, total: codes.length });
  }
  return progress;
}

/** The leaves of a unit the caller may appraise: an admin reads all of them as progress. */
function scopedLeaves(ctx: RequestContext, group: CompiledGroup, unitId: string): string[] {
  if (hasRole(ctx.actor, "admin") && !hasRole(ctx.actor, "reviewer"))
    return group.leaves.map(({ leaf }) => leaf.code);
  return group.leaves
    .filter(({ slot }) => !appraisalRefusal(ctx.actor, unitId, group.group.id, topNodeCode(group, slot)))
    .map(({ leaf }) => leaf.code);
}
