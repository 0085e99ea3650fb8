import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import * as z from "zod";
import { closePeriod, SCHEDULER } from "../../shared/services/close.ts";
import { logger } from "../http/logger.ts";
import { services } from "../http/services.ts";

const eventSchema = z.object({ periodId: z.string().min(1) });

/**
 * The target of a period's one-time close schedule: `{"periodId"}`. Idempotent, so the scheduler's
 * retries and a duplicate firing are harmless; a failure throws, to be retried and then dead-lettered.
 */
export const handler = middy<unknown, { periodId: string; changed: boolean; state: string }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const { periodId } = eventSchema.parse(event);
    logger.appendKeys({ periodId });
    const ctx = { actor: SCHEDULER, requestId: context.awsRequestId, now: new Date() };
    const { period, changed } = await closePeriod(services(), ctx, periodId, { early: false });
    logger.info(changed ? "period closed" : "nothing to close", { state: period.state });
    return { periodId, changed, state: period.state };
  });
