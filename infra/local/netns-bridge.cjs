/**
 * Runs DynamoDB Local in a network namespace of its own (dynamodb-local.ts), because it cannot be
 * told to listen on 127.0.0.1: it binds every interface, and in a new namespace "every interface" is
 * only that namespace's own loopback, which no other machine (and no other process) can reach. This
 * process is started by `unshare -rn` (a user and network namespace, no privileges needed), so it
 * is inside too:
 *
 *   node netns-bridge.cjs <socket path> <port> <command> [args…]
 *
 * It brings the namespace's loopback up, starts the command (the JVM, listening on <port>), and
 * bridges a Unix socket at <socket path> (a file, shared with the stack outside) to 127.0.0.1:<port>
 * inside. The stack listens on 127.0.0.1 outside and passes each connection to that socket. The JVM
 * ends when this process is told to stop (SIGTERM / SIGINT) or when the stack is gone (as
 * lifeline.cjs: CHISO_PARENT_PID).
 */
"use strict";

const { execFileSync, spawn } = require("node:child_process");
const { rmSync } = require("node:fs");
const net = require("node:net");

const [socketPath, portText, command, ...args] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !Number.isInteger(port) || !command) {
  console.error("usage: node netns-bridge.cjs <socket path> <port> <command> [args…]");
  process.exit(2);
}

execFileSync("ip", ["link", "set", "lo", "up"], { stdio: "inherit" });

const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"] });
const stop = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
child.on("error", (error) => {
  console.error(`netns-bridge: ${command}: ${error.message}`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  rmSync(socketPath, { force: true });
  process.exit(code ?? (signal ? 128 + (require("node:os").constants.signals[signal] ?? 0) : 1));
});
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => stop(signal));

rmSync(socketPath, { force: true });
net
  .createServer((outside) => {
    const inside = net.connect(port, "127.0.0.1");
    outside.pipe(inside);
    inside.pipe(outside);
    const close = () => {
      outside.destroy();
      inside.destroy();
    };
    outside.on("error", close).on("close", close);
    inside.on("error", close).on("close", close);
  })
  .listen(socketPath);

const expected = Number(process.env.CHISO_PARENT_PID);
if (Number.isInteger(expected) && expected > 0) {
  setInterval(() => {
    if (process.ppid === expected) return;
    stop("SIGTERM");
    setTimeout(() => stop("SIGKILL"), 5000);
  }, 500).unref();
}
