import type { Actor } from "../access/roles.ts";
import { closeTime } from "../lifecycle.ts";
import type { Period } from "../model/period.ts";
import type { Ports, RequestContext } from "./context.ts";
import { armFromStored, type JobWork, retryOnPeriodChange, runJob, startJob } from "./jobs.ts";
import { scoreAndRecord } from "./period-scoring.ts";

/** The actor of scheduled jobs in the audit log. */
export const SCHEDULER: Actor = { username: "scheduler", roles: ["admin"] };

/**
 * The close's work, run by the close job once the period has left `open` for `closing` (from then on
 * the server refuses every unit write, in the write's own transaction): reads every submission,
 * scores the provisional ranking from the self-assessment, and writes per unit one conditional update
 * that locks its head, records whether it was submitted and keeps its result. Safe to repeat: an
 * attempt that died half-way is completed by the next one, which reads again.
 */
export const closeWork: JobWork = async (ports, ctx, period, progress) => {
  const closedAt = period.closedAt ?? ctx.now.toISOString();
  const { score, bests } = await scoreAndRecord(ports, period, "provisional", {
    lockAt: closedAt,
    progress,
  });
  return {
    changes: { bests: { ...period.bests, provisional: bests } },
    audit: {
      action: "period.scored",
      after: { stage: "provisional", units: score.groups.reduce((n, g) => n + g.units.length, 0) },
    },
  };
};

/**
 * The target of a period's one-time close schedule, and the close job: at (or after) the deadline the
 * period moves from `open` to `closing` (conditional on the version read, so a deadline moved at the
 * same moment either wins or loses whole), then the close's work runs here. A schedule that fires
 * before the (moved) deadline arms itself again for the stored deadline and changes nothing; a
 * duplicate close of a closed period changes nothing; a close that died half-way completes.
 */
export async function closePeriod(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
): Promise<{ period: Period; changed: boolean; busy?: true }> {
  const begun = await retryOnPeriodChange(async () => {
    const period = await ports.periods.require(periodId);
    if (period.state !== "open") return period;
    if (ctx.now.getTime() < Date.parse(closeTime(period))) return undefined;
    return startJob(ports, ctx, period, "close", {
      changes: { closedAt: ctx.now.toISOString() },
      action: "period.close",
      enqueue: false,
    });
  });
  if (!begun) {
    await armFromStored(ports, periodId);
    return { period: await ports.periods.require(periodId), changed: false };
  }
  if (begun.state !== "closing") return { period: begun, changed: false };
  const outcome = await runJob(ports, ctx, periodId, "close", closeWork);
  return {
    period: await ports.periods.require(periodId),
    changed: outcome === "succeeded",
    ...(outcome === "busy" ? { busy: true as const } : {}),
  };
}
