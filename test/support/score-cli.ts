import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { bundledScript, COMPILE_CACHE_ENV } from "./bundled-script.ts";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ScoreCliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process run to its end: its exit code and what it printed. */
function runProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ScoreCliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
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

/**
 * The same CLI's source bundled once (bundledScript) and run by node: a child process with the same
 * arguments, exit code and output, started in a fraction of tsx's time (tsx compiles it again at
 * every start). The organiser's command itself is runScoreCli.
 */
export async function runBundledScoreCli(...args: string[]): Promise<ScoreCliRun> {
  const script = await bundledScript("shared/cli/score.ts");
  return runProcess(process.execPath, [script, ...args], { ...process.env, ...COMPILE_CACHE_ENV });
}
