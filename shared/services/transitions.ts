import * as z from "zod";
import { hasRole } from "../access/roles.ts";
import { conflict, forbidden } from "../errors.ts";
import { assertTransition, closeTime } from "../lifecycle.ts";
import { PERIOD_STATES, type Period } from "../model/period.ts";
import { closePeriod } from "./close.ts";
import { auditEntry, type RequestContext, type Services } from "./context.ts";
import { finalizePeriod, publishPeriod } from "./publish.ts";
import { parseBody } from "./validate.ts";

const transitionSchema = z.strictObject({ to: z.enum(PERIOD_STATES) });

/** Moves a period along its lifecycle (DOMAIN.md §6); each move runs the work it stands for. */
export async function transitionPeriod(
  services: Services,
  ctx: RequestContext,
  id: string,
  body: unknown,
): Promise<Period> {
  if (!hasRole(ctx.actor, "admin")) throw forbidden("only an admin moves periods");
  const { to } = parseBody(transitionSchema, body, "transition");
  const period = await services.periods.require(id);
  assertTransition(period.state, to);
  switch (to) {
    case "open": {
      if (Date.parse(period.closesAt) <= ctx.now.getTime())
        throw conflict(
          "deadline-passed",
          `the deadline (${period.closesAt}) has passed: move it before opening`,
        );
      const open = await moveTo(services, ctx, period, "open");
      await services.scheduler.arm(id, closeTime(period));
      return open;
    }
    case "appraisal":
      if (period.state === "open") {
        await services.scheduler.disarm(id);
        return (await closePeriod(services, ctx, id, { early: true })).period;
      }
      return moveTo(services, ctx, period, "appraisal"); // reopened for a correction after publication
    case "explanation":
      if (!period.explanationClosesAt || Date.parse(period.explanationClosesAt) <= ctx.now.getTime())
        throw conflict(
          "no-explanation-round",
          "set a future explanationClosesAt before opening the explanation round",
        );
      return moveTo(services, ctx, period, "explanation");
    case "final":
      return finalizePeriod(services, ctx, period);
    case "published":
      return publishPeriod(services, ctx, period);
    default:
      throw conflict("transition-not-allowed", `cannot move to "${to}"`);
  }
}

async function moveTo(
  services: Services,
  ctx: RequestContext,
  period: Period,
  to: Period["state"],
): Promise<Period> {
  const next: Period = { ...period, state: to, updatedAt: ctx.now.toISOString() };
  await services.periods.update(
    next,
    { state: period.state },
    auditEntry(ctx, `period#${period.id}`, "period.transition", { state: period.state }, { state: to }),
  );
  return next;
}
