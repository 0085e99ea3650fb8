import type { StackOptions } from "../../infra/local/stack.ts";
import { startEmptyStack } from "./empty-stack.ts";

/**
 * A local stack in a process of its own (test/support/bundles-setup.ts starts it): the stack puts its
 * names and endpoints in process.env, where the in-process handlers read them, so two stacks cannot
 * share the test runner's process. Options come as JSON in argv[2]; the StackInfo is printed as one
 * line `ready <json>` on stdout; SIGTERM stops the stack and ends the process. Its log lines go to
 * stdout as they come.
 */
const options = JSON.parse(process.argv[2] ?? "{}") as Pick<StackOptions, "adminPassword"> &
  Partial<StackOptions> & { name?: string };
const { name = "child", ...stackOptions } = options;
const started = await startEmptyStack(name, {
  ...stackOptions,
  log: (line) => console.log(line),
});
const info = started.info();
console.log(`ready ${JSON.stringify(info)}`);
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    started.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
