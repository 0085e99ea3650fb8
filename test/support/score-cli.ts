import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ScoreCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The score CLI in a child process, as the organiser runs it (`npm run -s score -- bundle.json`),
 * without npm's own start-up.
 */
export function runScoreCli(file: string): Promise<ScoreCliRun> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), ["shared/cli/score.ts", file], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
