import * as z from "zod";
import { appraisalRefusal, hasRole } from "../access/roles.ts";
import { type CompiledGroup, compileFramework } from "../engine/compile.ts";
import { forbidden, Refusal } from "../errors.ts";
import type { Period } from "../model/period.ts";
import { pageByKey } from "../store/page.ts";
import type { Ports, RequestContext } from "./context.ts";
import type { PageRequest, SubmissionHead } from "./ports.ts";

const listQuerySchema = z.object({
  groupId: z.string().optional(),
  state: z.enum(["draft", "submitted", "locked"]).optional(),
  submitted: z.enum(["true", "false"]).optional(),
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
  const filter = listQuerySchema.safeParse(query);
  if (!filter.success) {
    const path = String(filter.error.issues[0]?.path[0] ?? "state");
    throw new Refusal("bad-request", "bad-filter", `unknown ${path} filter`, [
      { path, message: path === "submitted" ? "true or false" : "unknown state" },
    ]);
  }
  const { groupId, state, submitted } = filter.data;
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
    submitted:
      state === "locked" ? (head?.submitted ?? head?.submittedAt !== undefined) : state === "submitted",
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
  const inScope = new Map<string, string[]>(); // "groupId#unitId" → the leaf codes the caller may appraise
  const wanted = new Map<string, string>();
  for (const row of rows) {
    const group = groups.get(row.groupId);
    if (!row.submitted || !group) continue;
    const codes = scopedLeaves(ctx, group, row.unitId);
    if (codes.length === 0) continue;
    inScope.set(row.unitId, codes);
    wanted.set(row.unitId, row.groupId);
  }
  const stored = await ports.submissions.loadAll(period.id, wanted);
  const progress = new Map<string, { done: number; total: number }>();
  for (const s of stored) {
    const codes = inScope.get(s.head.unitId) ?? [];
    progress.set(s.head.unitId, {
      done: codes.filter((code) => s.appraisals.has(code)).length,
      total: codes.length,
    });
  }
  return progress;
}

/** The leaves of a unit the caller may appraise: an admin reads all of them as progress. */
function scopedLeaves(ctx: RequestContext, group: CompiledGroup, unitId: string): string[] {
  const topOf = (slot: number) => {
    let top = slot;
    while ((group.parent[top] as number) !== -1) top = group.parent[top] as number;
    return group.topNodes[group.topSlots.indexOf(top)]?.code ?? "";
  };
  if (hasRole(ctx.actor, "admin") && !hasRole(ctx.actor, "reviewer"))
    return group.leaves.map(({ leaf }) => leaf.code);
  return group.leaves
    .filter(({ slot }) => !appraisalRefusal(ctx.actor, unitId, group.group.id, topOf(slot)))
    .map(({ leaf }) => leaf.code);
}
