import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { LIFELINE } from "../../infra/local/processes.ts";
import { ADMIN_PASSWORD, CLOSE_LAG_MS, type StackInfo } from "./stack-info.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Each environment variable a bundled function read during the bundles project, and whether its
 * process had it (JSONL: {handler, name, set}); test/rights/environment.test.ts checks them.
 */
export const ENV_READS_FILE = join(ROOT, ".cache/env-reads/bundles.jsonl");

/**
 * The bundles project's global setup: the same stack as integration-setup.ts, in the bundle mode (the
 * functions run as the CDK app ships them: infra/local/bundles/), handed to the same test files by
 * `provide`. The synth is cached in .cache/bundles/ (about a minute when the sources changed).
 *
 * The stack runs in a child process (stack-child.ts): the integration project's stack lives in this
 * process and a stack's names and endpoints are process-wide (process.env).
 */
export default async function setup(project: TestProject) {
  const began = Date.now();
  rmSync(ENV_READS_FILE, { force: true });
  const child = spawn(
    process.execPath,
    [
      "--require",
      LIFELINE,
      "--import",
      "tsx",
      "test/support/stack-child.ts",
      JSON.stringify({
        name: "bundles",
        adminPassword: ADMIN_PASSWORD,
        closeLagMs: CLOSE_LAG_MS,
        // No `checkResponses`: a bundle has no contract in it (esbuild drops it:
        // infra/cdk/chiso-function.ts). contract.test.ts checks its own replies.
        bundles: { envReadsFile: ENV_READS_FILE },
      }),
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      // The child ends with this process, even when it is killed (lifeline.cjs).
      env: { ...process.env, CHISO_PARENT_PID: String(process.pid) },
    },
  );
  const info = await readyLine(child);
  project.provide("chisoStack", info);
  console.log(
    `bundles: local stack in bundle mode at ${info.url} in ${((Date.now() - began) / 1000).toFixed(1)} s`,
  );
  return () => stopChild(child);
}

/** The child's `ready <json>` line; its `bundles:` lines are shown, a death before it is an error. */
function readyLine(child: ChildProcess): Promise<StackInfo> {
  return new Promise((done, fail) => {
    let buffer = "";
    const lines: string[] = [];
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf("\n");
      while (end >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        end = buffer.indexOf("\n");
        if (line.startsWith("ready ")) done(JSON.parse(line.slice("ready ".length)) as StackInfo);
        else if (line.startsWith("bundles:")) console.log(line);
        lines.push(line);
        if (lines.length > 60) lines.shift();
      }
    });
    child.on("exit", (code, signal) =>
      fail(new Error(`the bundle-mode stack ended (${signal ?? code}):\n${lines.join("\n")}`)),
    );
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(force);
      done();
    });
    child.kill("SIGTERM");
  });
}
