import { AsyncLocalStorage } from "node:async_hooks";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";

const FUNCTIONS_DIR = resolve(import.meta.dirname, "../../functions");

/**
 * How the local stack runs a function: the gateway (a route's handler) and the job runner (the period
 * job, the reminders) call `invoke` with the handler module's name under functions/ ("periods/transition",
 * "jobs/period-job") and the event Lambda would receive; the answer is the handler's result.
 */
export interface Invoker {
  invoke(handler: string, event: unknown, requestId?: string): Promise<unknown>;
  stop?(): Promise<void>;
}

/**
 * The function whose invocation the current asynchronous work belongs to (in-process mode): the test
 * harness reads it to attribute each AWS call to a function (test/support/aws-calls.ts).
 */
export const currentInvocation = new AsyncLocalStorage<{ handler: string; requestId: string }>();

/** "periods/transition" → "chiso-periods-transition": the function's name in the local stack. */
export const localFunctionName = (handler: string) => `chiso-${handler.replaceAll("/", "-")}`;

/** A Lambda context for a local invocation. */
export function lambdaContext(
  handler: string,
  requestId: string,
  limits: { memoryMb?: number; timeoutMs?: number; region?: string } = {},
): Context {
  const functionName = localFunctionName(handler);
  const deadline = Date.now() + (limits.timeoutMs ?? 30_000);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${limits.region ?? "local"}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(limits.memoryMb ?? 512),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The handler modules themselves, in this process (the default mode of the local stack). */
export class InProcessInvoker implements Invoker {
  private readonly handlers = new Map<string, Promise<Handler>>();

  async invoke(handler: string, event: unknown, requestId = `local-${Date.now()}`): Promise<unknown> {
    let loaded = this.handlers.get(handler);
    if (!loaded) {
      loaded = import(pathToFileURL(join(FUNCTIONS_DIR, `${handler}.ts`)).href).then(
        (m) => m.handler as Handler,
      );
      this.handlers.set(handler, loaded);
    }
    const run = await loaded;
    return currentInvocation.run({ handler, requestId }, () => run(event, lambdaContext(handler, requestId)));
  }
}

let active: Invoker = new InProcessInvoker();

/** The stack's invoker for this process (the bundle mode sets its own at start). */
export function useInvoker(invoker: Invoker): void {
  active = invoker;
}

export function invoker(): Invoker {
  return active;
}
