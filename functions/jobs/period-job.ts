import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import * as z from "zod";
import { JOB_KINDS } from "../../shared/model/period.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import { runPeriodJob } from "../../shared/services/transitions.ts";
import { adapters } from "../http/adapters.ts";
import { logger } from "../http/logger.ts";

/** The close schedule sends `{"periodId"}`; a transition sends `{"periodId", "kind"}`. */
const eventSchema = z.object({ periodId: z.string().min(1), kind: z.enum(JOB_KINDS).default("close") });

/**
 * The job function: one attempt of a period's job (close, final scoring, publication), invoked
 * asynchronously by the transition that recorded it, and by the close schedule. Idempotent and
 * resumable, so Lambda's retries and a duplicate invocation are harmless; a failure (or another live
 * attempt) throws, to be retried, then dead-lettered — which raises the alarm.
 */
export const handler = middy<unknown, Awaited<ReturnType<typeof runPeriodJob>>>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) => {
    const { periodId, kind } = eventSchema.parse(event);
    logger.appendKeys({ periodId, kind });
    const ctx = { actor: SCHEDULER, requestId: context.awsRequestId, now: new Date() };
    // The close schedule's target is this function: its own ARN, from the invocation (without a qualifier).
    const self = context.invokedFunctionArn?.split(":").slice(0, 7).join(":");
    const env = { ...process.env, JOB_FUNCTION_ARN: process.env.JOB_FUNCTION_ARN ?? self };
    const result = await runPeriodJob(adapters(env), ctx, periodId, kind);
    logger.info(result.changed ? "job done" : "nothing to do", { state: result.state });
    return result;
  });
