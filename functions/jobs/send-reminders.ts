import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import middy from "@middy/core";
import { SCHEDULER } from "../../shared/services/close.ts";
import { sendReminders } from "../../shared/services/reminders.ts";
import { adapters } from "../http/adapters.ts";
import { logger } from "../http/logger.ts";

/** Runs on a recurring schedule; sends each deadline reminder that has come due, once. */
export const handler = middy<unknown, { sent: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (_event, context) => {
    const result = await sendReminders(adapters(), {
      actor: SCHEDULER,
      requestId: context.awsRequestId,
      now: new Date(),
    });
    logger.info("reminders", result);
    return result;
  });
