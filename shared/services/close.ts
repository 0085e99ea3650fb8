import type { Actor } from "../access/roles.ts";
import { closeTime } from "../lifecycle.ts";
import type { Period } from "../model/period.ts";
import { auditEntry, type RequestContext, type Services } from "./context.ts";
import { scoreAndRecord } from "./period-scoring.ts";

/** The actor of scheduled jobs in the audit log. */
export const SCHEDULER: Actor = { username: "scheduler", roles: ["admin"] };

/**
 * Closes a period's self-assessment (DOMAIN.md §6): moves it to appraisal, locks every submission
 * recording whether it was submitted, scores the provisional ranking from the self-assessment and
 * keeps each unit's result. The scheduled close and an admin's early close run this same code.
 *
 * Idempotent and resumable: the period leaves `open` first (from then on the server refuses every
 * unit write), marked `closing`; locking and scoring are safe to repeat, and `closing` is cleared
 * only at the end. A duplicate close of a closed period changes nothing; a close that died half-way
 * completes when run again. A schedule that fires before the (moved) deadline does nothing.
 */
export async function closePeriod(
  services: Services,
  ctx: RequestContext,
  periodId: string,
  options: { early: boolean },
): Promise<{ period: Period; changed: boolean }> {
  let period = await services.periods.require(periodId);
  let changed = false;
  if (period.state === "open") {
    if (!options.early && ctx.now.getTime() < Date.parse(closeTime(period))) return { period, changed };
    const now = ctx.now.toISOString();
    const closing: Period = { ...period, state: "appraisal", closing: true, closedAt: now, updatedAt: now };
    await services.periods.update(
      closing,
      { state: "open" },
      auditEntry(
        ctx,
        `period#${periodId}`,
        options.early ? "period.close-early" : "period.close",
        { state: "open" },
        { state: "appraisal" },
      ),
    );
    period = closing;
    changed = true;
  }
  if (period.state !== "appraisal" || !period.closing) return { period, changed };

  const closedAt = period.closedAt ?? ctx.now.toISOString();
  // Read after the period left `open` (no unit write lands any more), then one write per unit locks
  // its head and keeps its provisional result.
  const { score, bests } = await scoreAndRecord(services, period, "provisional", { lockAt: closedAt });
  const { closing: _closing, ...rest } = period;
  const closed: Period = {
    ...rest,
    bests: { ...period.bests, provisional: bests },
    updatedAt: ctx.now.toISOString(),
  };
  await services.periods.update(
    closed,
    { state: "appraisal" },
    auditEntry(ctx, `period#${periodId}`, "period.scored", undefined, {
      stage: "provisional",
      units: score.groups.reduce((n, g) => n + g.units.length, 0),
    }),
  );
  return { period: closed, changed: true };
}
