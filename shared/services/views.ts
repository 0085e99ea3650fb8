import { type Actor, hasRole } from "../access/roles.ts";
import type { Evidence } from "../model/evidence.ts";
import type { Period } from "../model/period.ts";
import type { Unit } from "../model/unit.ts";
import { periodView } from "./jobs.ts";

/**
 * What each role reads of a period and a unit (the answers' schemas: shared/api). Admins see
 * everything the period carries (a stalled job as failed, never the lease); reviewers also see the
 * latest deadline extended to a unit; every other reader sees the period's public face: no relative
 * leaves' bests, no publication under way, and of a job only its kind and status (the web needs no
 * more: web/src/app/lifecycle.ts). The public face is listed field by field, so a field added to the
 * stored period stays internal until it is added here.
 */
export function periodFor(actor: Actor, period: Period, now: Date): Period {
  const view = periodView(period, now);
  if (hasRole(actor, "admin")) return view;
  const { job, publication, lastUnitDeadline } = view;
  const face: Partial<Period> = {};
  for (const field of PUBLIC_PERIOD_FIELDS)
    if (view[field] !== undefined) Object.assign(face, { [field]: view[field] });
  return {
    ...(face as Period),
    ...(publication
      ? { publication: { version: publication.version, publishedAt: publication.publishedAt } }
      : {}),
    ...(job ? { job: { kind: job.kind, status: job.status } as Period["job"] } : {}),
    ...(lastUnitDeadline !== undefined && hasRole(actor, "reviewer") ? { lastUnitDeadline } : {}),
  };
}

/** The period's fields every signed-in reader sees as stored (publication and job are cut down above). */
const PUBLIC_PERIOD_FIELDS = [
  "id",
  "name",
  "frameworkId",
  "opensAt",
  "closesAt",
  "explanationClosesAt",
  "state",
  "version",
  "counts",
  "createdAt",
  "updatedAt",
  "closedAt",
  "finalizedAt",
] as const satisfies readonly (keyof Period)[];

/** A unit as a reader sees it: its reminder e-mail address only to admins. */
export function unitFor(actor: Actor, unit: Unit): Unit {
  if (hasRole(actor, "admin")) return unit;
  const { email: _email, ...rest } = unit;
  return rest;
}

/** Evidence as every caller sees it: the storage key stays on the server (downloads are presigned). */
export function evidenceFor(evidence: Evidence): Evidence;
export function evidenceFor(evidence: Evidence | undefined): Evidence | undefined;
export function evidenceFor(evidence: Evidence | undefined): Evidence | undefined {
  if (!evidence) return evidence;
  const { key: _key, ...rest } = evidence;
  return rest;
}
