import { createHash, randomUUID } from "node:crypto";
import { canEditUnit } from "../access/roles.ts";
import { comparability, sideOfFramework } from "../engine/comparability.ts";
import { compileFramework } from "../engine/compile.ts";
import { conflict, forbidden } from "../errors.ts";
import { writeWindow } from "../lifecycle.ts";
import { answerProblem } from "../model/answer.ts";
import {
  type Evidence,
  type EvidenceSource,
  MAX_CODES_PER_EVIDENCE,
  MAX_EVIDENCE_PER_SUBMISSION,
} from "../model/evidence.ts";
import { type Framework, type Leaf, measuredSourceOf } from "../model/framework.ts";
import type { Period } from "../model/period.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { confirmedKey } from "./evidence.ts";
import type { StoredAnswer, StoredSubmission } from "./ports.ts";
import { submissionView } from "./submission-view.ts";
import { bumped, entityOf, MAX_ANSWERS_PER_SAVE, writeOwnChange } from "./submissions.ts";
import { openUnit, type UnitScope, withSubmission } from "./unit-scope.ts";
import { evidenceFor } from "./views.ts";

/** Where a unit's answers come from: the previous period of the lineage it (or its one predecessor) took part in. */
export interface CarrySource {
  period: Period;
  /** The period's framework (already read to know its lineage). */
  framework: Framework;
  unitId: string;
  groupId: string;
}

const lineageOf = (framework: Framework) => framework.lineage ?? framework.id;

/**
 * The latest period closing before this one, of the same framework lineage, in which the unit took
 * part; for a unit that took part in none, its predecessor's when it has exactly one (a merger of
 * several has no single past to start from). Undefined when there is none.
 */
export async function carrySource(ports: Ports, scope: UnitScope): Promise<CarrySource | undefined> {
  const lineage = lineageOf(scope.framework);
  const earlier: Period[] = [];
  let cursor: string | undefined;
  do {
    const page = await ports.periods.list({ limit: 200, cursor });
    earlier.push(
      ...page.items.filter(
        (p) => p.id !== scope.period.id && Date.parse(p.closesAt) < Date.parse(scope.period.closesAt),
      ),
    );
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  earlier.sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt));
  const unit = (await ports.units.getMany([scope.unitId])).get(scope.unitId);
  const predecessor = unit?.predecessorIds?.length === 1 ? unit.predecessorIds[0] : undefined;
  // One pass, newest first: the unit's own period wins; else the newest of its predecessor's.
  const frameworks = new Map<string, Framework | undefined>();
  let fallback: CarrySource | undefined;
  for (const period of earlier) {
    if (!frameworks.has(period.frameworkId))
      frameworks.set(period.frameworkId, await ports.frameworks.get(period.frameworkId));
    const framework = frameworks.get(period.frameworkId);
    if (!framework || lineageOf(framework) !== lineage) continue;
    const members = await ports.periods.members(period.id);
    const own = members.get(scope.unitId);
    if (own) return { period, framework, unitId: scope.unitId, groupId: own };
    const theirs = predecessor === undefined ? undefined : members.get(predecessor);
    if (predecessor !== undefined && theirs && !fallback)
      fallback = { period, framework, unitId: predecessor, groupId: theirs };
  }
  return fallback;
}

/** Where one new leaf is carried from: the old leaf's code, and whether a line of the map names it. */
export interface CarryLink {
  from: string;
  mapped: boolean;
}

/**
 * New leaf code → the old leaf it is carried from (DOMAIN.md §6.4). The map of the new framework's
 * predecessor wins where it has a line: a `same` or `renamed` line carries from its one old code
 * (a `split`, `merged` or `new` line carries nothing: no one old answer is the new one's). A leaf with
 * no line takes the old leaf of its own code that no line took (the map's implicit `same`). Another
 * framework of the lineage with no map: code for code. One that has a map but is not the source's
 * successor: nothing (the map does not say how). A unit that changed group: code for code.
 */
export function carryLinks(
  current: Framework,
  groupId: string,
  previous: Framework,
  previousGroupId: string,
): Map<string, CarryLink> {
  const links = new Map<string, CarryLink>();
  if (previousGroupId !== groupId) {
    const old = compileFramework(previous).groups.find((g) => g.group.id === previousGroupId);
    for (const code of old?.leafByCode.keys() ?? []) links.set(code, { from: code, mapped: false });
    return links;
  }
  const mapped =
    previous.id !== current.id && current.predecessor?.frameworkId === previous.id
      ? new Set(current.predecessor.map.filter((e) => e.group === groupId).map((e) => e.code))
      : new Set<string | undefined>();
  const group = comparability(current, sideOfFramework(previous)).groups.get(groupId);
  for (const [code, link] of group?.links.leaf ?? [])
    if ((link.relation === "same" || link.relation === "renamed") && link.from.length === 1)
      links.set(code, { from: link.from[0] as string, mapped: mapped.has(code) });
  return links;
}

/**
 * Whether an old answer may be carried into `leaf`: a value the new leaf accepts, into a leaf the unit
 * answers (a measured one has its source's); without a map line, also the same method type.
 */
function carries(leaf: Leaf, oldLeaf: Leaf | undefined, link: CarryLink, value: unknown): boolean {
  if (!oldLeaf || value === null || value === undefined || measuredSourceOf(leaf) !== undefined) return false;
  if (!link.mapped && oldLeaf.method.type !== leaf.method.type) return false;
  return answerProblem(leaf, value) === undefined;
}

/**
 * Starts a unit's self-assessment from its last one: copies the answers of the leaves carryLinks
 * relates to old ones (and a value the new leaf accepts), each marked `carried` (it counts nowhere
 * until the unit saves it). Only into a draft in an open period; an answer the unit
 * already has is never overwritten, so a second call copies nothing new. Written in saves of at most
 * MAX_ANSWERS_PER_SAVE answers, each with its audit records, under the lifecycle's guards.
 */
export async function carryOver(ports: Ports, ctx: RequestContext, periodId: string, unitId: string) {
  const scope = await openUnit(ports, ctx, periodId, unitId);
  if (!canEditUnit(ctx.actor, unitId))
    throw forbidden("only the unit's editors and approver carry answers over");
  const source = await carrySource(ports, scope);
  const previous = source
    ? await ports.submissions.load(source.period.id, source.unitId, source.groupId)
    : undefined;
  const oldLeaves = source
    ? compileFramework(source.framework).groups.find((g) => g.group.id === source.groupId)?.leafByCode
    : undefined;
  const links = source
    ? carryLinks(scope.framework, scope.groupId, source.framework, source.groupId)
    : new Map<string, CarryLink>();
  for (;;) {
    const view = await withSubmission(ports, ctx, scope, undefined, async (stored, version) => {
      const window = draftWindow(scope, stored, ctx.now);
      const time = ctx.now.toISOString();
      const batch: StoredAnswer[] = [];
      for (const [code, leaf] of scope.leaves) {
        if (batch.length >= MAX_ANSWERS_PER_SAVE) break;
        const link = links.get(code);
        const old = link && previous?.answers.get(link.from);
        // An old answer still carried (never confirmed there) was never the unit's: not carried on.
        if (!link || !old || old.carried || stored.answers.has(code)) continue;
        if (!carries(leaf, oldLeaves?.get(link.from), link, old.value)) continue;
        batch.push({
          code,
          value: old.value,
          ...(old.note ? { note: old.note } : {}),
          updatedAt: time,
          updatedBy: ctx.actor.username,
          carried: true,
        });
      }
      if (batch.length === 0) return submissionView(scope, stored, ctx.now);
      const next = new Map(stored.answers);
      for (const answer of batch) next.set(answer.code, answer);
      const updated = bumped(stored, version, time, { answers: next });
      const from = { periodId: source?.period.id, unitId: source?.unitId };
      await writeOwnChange(ports, ctx, { scope, stored, version, window }, updated, {
        answers: batch,
        audit: batch.map((a) =>
          auditEntry(
            ctx,
            entityOf(scope),
            "answer.carry",
            { code: a.code, from: { ...from, code: links.get(a.code)?.from ?? a.code } },
            { code: a.code, value: a.value },
          ),
        ),
      });
      return batch.length < MAX_ANSWERS_PER_SAVE ? submissionView(scope, updated, ctx.now) : undefined;
    });
    if (view) return source && previous ? carryEvidence(ports, ctx, scope, source, previous, links) : view;
  }
}

/** The carry's window: a draft in the self-assessment, or refused. */
function draftWindow(scope: UnitScope, stored: StoredSubmission, now: Date) {
  const window = writeWindow(scope.period, stored.head, now);
  if (window !== "self-assessment" || stored.head.state !== "draft")
    throw conflict("not-draft", `answers are carried over only into a draft (it is ${stored.head.state})`);
  return window;
}

/**
 * The evidence of the last submission, after its answers: each confirmed file or link of the
 * self-assessment (not a contest's) that backs an old leaf related to a new one, linked to the new
 * codes whose leaves accept its kind. A file is copied inside the storage to a key of its own, new at
 * each copy (no upload, and removing the item never touches the old period's file nor a later carry's
 * copy); the record's id follows from the source item, so a retry or a concurrent carry records it
 * once. An item already carried, or whose bytes or link the unit already has (or an earlier item of
 * this carry brought), is skipped, as is a file whose source is gone; the submission's cap holds. A
 * copy no record ended up naming (a lost race, a refused write) is removed before the call returns.
 */
async function carryEvidence(
  ports: Ports,
  ctx: RequestContext,
  scope: UnitScope,
  source: CarrySource,
  previous: StoredSubmission,
  links: Map<string, CarryLink>,
) {
  const into = new Map<string, string[]>();
  for (const [code, link] of links) into.set(link.from, [...(into.get(link.from) ?? []), code]);
  const made: string[] = [];
  const recorded = new Set<string>();
  const gone = new Set<string>();
  try {
    for (;;) {
      const view = await withSubmission(ports, ctx, scope, undefined, async (stored, version) => {
        const window = draftWindow(scope, stored, ctx.now);
        const time = ctx.now.toISOString();
        const batch = evidenceToCarry(
          previous.evidence,
          stored.evidence,
          (code, kind) =>
            (into.get(code) ?? []).filter((c) => scope.leaves.get(c)?.evidence.kinds.includes(kind)),
          (old) => ({
            id: carriedId(scope, source, old.id),
            key: confirmedKey(scope.period.id, scope.unitId, randomUUID(), old.sha256 as string),
            time,
            by: ctx.actor.username,
            from: { periodId: source.period.id, unitId: source.unitId, evidenceId: old.id },
          }),
          gone,
        );
        if (batch.length === 0) return submissionView(scope, stored, ctx.now);
        // The files first, at once: a record never names a key before its bytes are there.
        const copied = await Promise.all(
          batch.map(async ({ record, from }) => {
            if (!from || !record.key) return record;
            const to = record.key;
            if (!(await ports.evidenceFiles.copy(from, to))) {
              gone.add(record.carriedFrom?.evidenceId as string);
              return undefined;
            }
            made.push(to);
            return record;
          }),
        );
        const records = copied.filter((r): r is Evidence => r !== undefined);
        // Every source of this batch was gone: the next round looks further.
        if (records.length === 0) return undefined;
        const updated = bumped(stored, version, time, { evidence: [...stored.evidence, ...records] });
        await writeOwnChange(ports, ctx, { scope, stored, version, window }, updated, {
          evidence: records,
          audit: records.map((record) =>
            auditEntry(
              ctx,
              entityOf(scope),
              "evidence.carry",
              { from: record.carriedFrom },
              evidenceFor(record),
            ),
          ),
        });
        for (const record of records) if (record.key) recorded.add(record.key);
        return batch.length < MAX_ANSWERS_PER_SAVE ? submissionView(scope, updated, ctx.now) : undefined;
      });
      if (view) return view;
    }
  } finally {
    const orphans = made.filter((key) => !recorded.has(key));
    await Promise.all(orphans.map((key) => ports.evidenceFiles.remove(key).catch(() => undefined)));
  }
}

/** A carried record and the key its file is copied from (none for a link). */
interface ToCarry {
  record: Evidence;
  from?: string;
}

/**
 * The next items to carry, at most MAX_ANSWERS_PER_SAVE and within the submission's cap: each
 * confirmed file or link of the self-assessment (not a contest's, not one whose source is `gone`)
 * with a new code left (`codesFor`), and not already there by id, bytes or link, nor brought by an
 * earlier item of this batch. `make` names the record (its id, the copy's key, who and when).
 */
function evidenceToCarry(
  old: readonly Evidence[],
  have: readonly Evidence[],
  codesFor: (code: string, kind: Evidence["kind"]) => string[],
  make: (old: Evidence) => { id: string; key: string; time: string; by: string; from: EvidenceSource },
  gone: ReadonlySet<string>,
): ToCarry[] {
  const seen = new Set(have.flatMap((e) => [e.id, e.sha256, e.url]));
  const room = Math.min(MAX_EVIDENCE_PER_SUBMISSION - have.length, MAX_ANSWERS_PER_SAVE);
  const batch: ToCarry[] = [];
  for (const item of old) {
    if (batch.length >= room) break;
    if (item.status !== "confirmed" || item.round === "explanation" || gone.has(item.id)) continue;
    if (item.kind === "file" && !(item.key && item.sha256)) continue;
    const codes = [...new Set(item.indicatorCodes.flatMap((code) => codesFor(code, item.kind)))].slice(
      0,
      MAX_CODES_PER_EVIDENCE,
    );
    const same = item.sha256 ?? item.url;
    if (codes.length === 0 || seen.has(same)) continue;
    const { id, key, time, by, from } = make(item);
    if (seen.has(id)) continue;
    seen.add(id).add(same);
    const { key: _key, round: _round, carriedFrom: _from, ...kept } = item;
    const record: Evidence = {
      ...kept,
      id,
      indicatorCodes: codes,
      createdAt: time,
      createdBy: by,
      confirmedAt: time,
      carriedFrom: from,
    };
    if (item.kind !== "file") batch.push({ record });
    else batch.push({ record: { ...record, key }, from: item.key as string });
  }
  return batch;
}

/** The carried record's id: a UUID (the routes' evidence id) from the period, the unit and the source item. */
function carriedId(scope: UnitScope, source: CarrySource, evidenceId: string): string {
  const hex = createHash("sha256")
    .update(`${scope.period.id}/${scope.unitId}/${source.period.id}/${source.unitId}/${evidenceId}`)
    .digest("hex");
  // Version 8 (a name-based UUID of our own, RFC 9562) and the RFC's variant bits.
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
