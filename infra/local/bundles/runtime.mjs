// The bundle mode's Lambda runtime: one Node.js 22 process per function instance, started by
// infra/local/bundles/invoker.ts as `node runtime.mjs <bundle file>` with the function's environment
// and an IPC channel. Plain JavaScript: it runs in Node 22 as it is, without tsx.
//
// Protocol (process.send / process.on("message")), one invocation at a time as in Lambda:
//   child → parent  {type: "ready", envRead}                         the bundle is loaded (init done)
//   child → parent  {type: "init-error", error, envRead}             its import failed; the child exits
//   parent → child  {id, event, context: {awsRequestId, functionName, invokedFunctionArn,
//                    memoryLimitInMB, deadlineMs}}
//   child → parent  {id, result, envRead} | {id, error: {errorType, errorMessage, stack}, envRead}
// envRead: the names of the environment variables the function read since the last message.
import { pathToFileURL } from "node:url";

const file = process.argv[2];
if (!file || typeof process.send !== "function") {
  console.error("usage: node runtime.mjs <bundle file>, started with an IPC channel");
  process.exit(2);
}

// Every name the function reads from process.env, through a Proxy put in its place BEFORE the bundle is
// loaded (a module that copies process.env at load time is seen too). The real object keeps its own
// semantics: values are strings, a deleted name is gone.
const realEnv = process.env;
const fresh = new Set();
const seen = new Set();
const note = (name) => {
  if (typeof name !== "string" || seen.has(name)) return;
  seen.add(name);
  fresh.add(name);
};
process.env = new Proxy(realEnv, {
  get(target, name) {
    note(name);
    return target[name];
  },
  has(target, name) {
    note(name);
    return name in target;
  },
  set(target, name, value) {
    target[name] = value;
    return true;
  },
  deleteProperty(target, name) {
    delete target[name];
    return true;
  },
  getOwnPropertyDescriptor(target, name) {
    note(name);
    return Reflect.getOwnPropertyDescriptor(target, name);
  },
});

/** The names read since the last report. */
function envRead() {
  const names = [...fresh];
  fresh.clear();
  return names;
}

function errorOf(error) {
  if (error instanceof Error)
    return { errorType: error.name || "Error", errorMessage: error.message, stack: error.stack ?? "" };
  return { errorType: "Error", errorMessage: String(error), stack: "" };
}

// The parent is the lifeline: when it goes (even killed), the channel closes and so does this instance.
process.on("disconnect", () => process.exit(0));

let handler;
try {
  const module = await import(pathToFileURL(file).href);
  handler = module.handler;
  if (typeof handler !== "function") throw new Error(`${file} exports no function named handler`);
} catch (error) {
  const failure = errorOf(error);
  // Lambda's name for a handler module that does not load.
  if (!(error instanceof Error && /exports no function/.test(error.message)))
    failure.errorType = "Runtime.ImportModuleError";
  else failure.errorType = "Runtime.HandlerNotFound";
  process.send({ type: "init-error", error: failure, envRead: envRead() }, () => process.exit(1));
}

if (handler) {
  process.on("message", async (message) => {
    const { id, event, context } = message;
    const lambdaContext = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: context.functionName,
      functionVersion: "$LATEST",
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: String(context.memoryLimitInMB),
      awsRequestId: context.awsRequestId,
      logGroupName: `/aws/lambda/${context.functionName}`,
      logStreamName: "local",
      getRemainingTimeInMillis: () => Math.max(0, context.deadlineMs - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let answer;
    try {
      const result = await handler(event, lambdaContext);
      // What Lambda returns is JSON: undefined becomes null.
      answer = { id, result: result === undefined ? null : result };
    } catch (error) {
      answer = { id, error: errorOf(error) };
    }
    answer.envRead = envRead();
    process.send(answer);
  });
  process.send({ type: "ready", envRead: envRead() });
}
