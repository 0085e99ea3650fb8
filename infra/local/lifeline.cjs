/**
 * Makes a child of the local stack end with the stack (processes.ts), even when the stack is
 * killed with SIGKILL and has no chance to stop it: the stack passes its PID in CHISO_PARENT_PID,
 * and when this process's parent is no longer that PID (it died and the child was re-parented), the
 * child ends. Checked twice a second, by a timer that does not keep the process alive.
 *
 * - Preloaded into a Node child (`node --require lifeline.cjs …`): exits.
 * - Run as a wrapper (`node lifeline.cjs <command> [args…]`, for the JVM): starts the command,
 *   passes SIGTERM / SIGINT on, stops it when the stack is gone (SIGTERM, SIGKILL after 5 s) and
 *   exits as it exits.
 *
 * (Not a pipe on stdin: reading stdin in a child whose module loader runs on a worker thread, as
 * tsx's does, hangs its start.)
 */
"use strict";

const GRACE_MS = 5000;
const INTERVAL_MS = 500;

function onParentGone(callback) {
  const expected = Number(process.env.CHISO_PARENT_PID);
  if (!Number.isInteger(expected) || expected <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid === expected) return;
    clearInterval(timer);
    callback();
  }, INTERVAL_MS);
  timer.unref();
}

if (require.main === module) {
  const { spawn } = require("node:child_process");
  const { constants } = require("node:os");
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error("usage: node lifeline.cjs <command> [args…]");
    process.exit(2);
  }
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
  const stop = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  child.on("error", (error) => {
    console.error(`lifeline: ${command}: ${error.message}`);
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => stop(signal));
  onParentGone(() => {
    stop("SIGTERM");
    setTimeout(() => stop("SIGKILL"), GRACE_MS);
  });
} else {
  onParentGone(() => process.exit(0));
}
