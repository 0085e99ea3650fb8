import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { conflict, forbidden } from "../errors.ts";
import { assertTransition, jobOfMove } from "../lifecycle.ts";
import { type JobKind, PERIOD_STATES, type Period, toVietnamTime } from "../model/period.ts";
import { closePeriod } from "./close.ts";
import { auditEntry, type Ports, type RequestContext } from "./context.ts";
import { armFromStored, type JobWork, periodView, retryOnPeriodChange, runJob, startJob } from "./jobs.ts";
import { previousRef } from "./previous.ts";
import { finalizeWork, publishWork } from "./publish.ts";
import { parseBody } from "./validate.ts";

export const transitionSchema = z.strictObject({ to: z.enum(PERIOD_STATES) });

/**
 * Moves a period along its lifecycle. The moves that do long work — the early close, final scoring,
 * publication — record the intent (the period enters `closing`, `finalizing` or `publishing` with its
 * job queued) and start a job; `started` says so (the edge answers 202). The others are one write.
 * Every write is conditional on the version read; a request that lost a race is decided again on a
 * fresh read, so a double click on a long move answers the job the first click started.
 */
export async function transitionPeriod(
  ports: Ports,
  ctx: RequestContext,
  id: string,
  body: unknown,
): Promise<{ period: Period; started: boolean }> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin moves periods");
  const { to } = parseBody(transitionSchema, body, "transition");
  return retryOnPeriodChange(() => move(ports, ctx, id, to));
}

async function move(
  ports: Ports,
  ctx: RequestContext,
  id: string,
  to: Period["state"],
): Promise<{ period: Period; started: boolean }> {
  const period = await ports.periods.require(id);
  assertTransition(period.state, to);
  const kind = jobOfMove(period.state, to);
  if (kind) {
    const started = await startJob(ports, ctx, period, kind, await jobIntent(ports, ctx, period, kind));
    if (kind === "close") await armFromStored(ports, id); // no scheduled close for a closing period
    return { period: periodView(started, ctx.now), started: true };
  }
  switch (to) {
    case "open": {
      if (Date.parse(period.closesAt) <= ctx.now.getTime())
        throw conflict(
          "deadline-passed",
          `the deadline (${period.closesAt}) has passed: move it before opening`,
        );
      const open = await moveTo(ports, ctx, period, "open");
      await armFromStored(ports, id);
      return { period: open, started: false };
    }
    case "explanation":
      if (!period.explanationClosesAt || Date.parse(period.explanationClosesAt) <= ctx.now.getTime())
        throw conflict(
          "no-explanation-round",
          "set a future explanationClosesAt before opening the explanation round",
        );
      return { period: await moveTo(ports, ctx, period, "explanation"), started: false };
    default:
      // Back to appraisal after publication, for a correction.
      return { period: await moveTo(ports, ctx, period, to), started: false };
  }
}

/** What a long move records on the period with its job. */
async function jobIntent(ports: Ports, ctx: RequestContext, period: Period, kind: JobKind) {
  switch (kind) {
    case "close":
      return { changes: { closedAt: ctx.now.toISOString() }, action: "period.close-early" };
    case "publish": {
      // Fixed now, so every attempt of the job writes the same bytes.
      // The snapshot to compare with is pinned too: a period published meanwhile changes nothing.
      const nextPublication = {
        version: (period.publication?.version ?? 0) + 1,
        publishedAt: toVietnamTime(ctx.now.getTime()),
        previous: await previousRef(ports, period),
      };
      return { changes: { nextPublication }, action: "period.publishing" };
    }
    default:
      return {};
  }
}

async function moveTo(
  ports: Ports,
  ctx: RequestContext,
  period: Period,
  to: Period["state"],
): Promise<Period> {
  return ports.periods.update(
    period,
    { ...period, state: to, updatedAt: ctx.now.toISOString() },
    auditEntry(ctx, `period#${period.id}`, "period.transition", { state: period.state }, { state: to }),
  );
}

const WORK: Record<Exclude<JobKind, "close">, JobWork> = { finalize: finalizeWork, publish: publishWork };

/**
 * One attempt of a period's job, as the job function runs it (the close also as the target of the
 * close schedule). Throws when the attempt failed or another attempt is alive, so it is retried.
 */
export async function runPeriodJob(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  kind: JobKind,
): Promise<{ periodId: string; kind: JobKind; changed: boolean; state: string; busy?: true }> {
  if (kind === "close") {
    const { period, changed, busy } = await closePeriod(ports, ctx, periodId);
    return { periodId, kind, changed, state: period.state, ...(busy ? { busy } : {}) };
  }
  const outcome = await runJob(ports, ctx, periodId, kind, WORK[kind]);
  const period = await ports.periods.require(periodId);
  return {
    periodId,
    kind,
    changed: outcome === "succeeded",
    state: period.state,
    ...(outcome === "busy" ? { busy: true as const } : {}),
  };
}
