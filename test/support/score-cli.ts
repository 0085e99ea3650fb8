import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ScoreCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process run to its end: its exit code and what it printed. */
export function runProcess(command: string, args: readonly string[]): Promise<ScoreCliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The score CLI in a child process, as the organiser runs it (`npm run -s score -- bundle.json`, or
 * `… restate snapshot.json units.json`), without npm's own start-up.
 */
export function runScoreCli(...args: string[]): Promise<ScoreCliRun> {
  return runProcess(join(ROOT, "node_modules", ".bin", "tsx"), ["shared/cli/score.ts", ...args]);
}
