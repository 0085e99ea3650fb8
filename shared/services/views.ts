import { type Actor, hasRole } from "../access/roles.ts";
import type { Period } from "../model/period.ts";
import type { Unit } from "../model/unit.ts";
import { periodView } from "./jobs.ts";

/**
 * What each role reads of a period and a unit. Admins see everything the period carries (a stalled
 * job as failed, never the lease); reviewers also see the latest deadline extended to a unit; every
 * other reader sees the period's public face: no relative leaves' bests, no publication under way, and
 * of a job only its kind and status (the web needs no more: web/src/app/lifecycle.ts).
 */
export function periodFor(actor: Actor, period: Period, now: Date): Period {
  const view = periodView(period, now);
  if (hasRole(actor, "admin")) return view;
  const { bests: _bests, nextPublication: _next, lastUnitDeadline, job, ...rest } = view;
  return {
    ...rest,
    ...(job ? { job: { kind: job.kind, status: job.status } as Period["job"] } : {}),
    ...(lastUnitDeadline !== undefined && hasRole(actor, "reviewer") ? { lastUnitDeadline } : {}),
  };
}

/** A unit as a reader sees it: its reminder e-mail address only to admins. */
export function unitFor(actor: Actor, unit: Unit): Unit {
  if (hasRole(actor, "admin")) return unit;
  const { email: _email, ...rest } = unit;
  return rest;
}
