import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * `npm test`'s vitest part, in two streams at once on the 2-core machine: the files that share the
 * in-process stack (one at a time), beside the fast projects, the files on the shipped bundles and the
 * browser journeys (each file its own stack). In one vitest run, the projects
 * whose files go one at a time fall into one sequential queue, so the integration and e2e files (about
 * 7 and 5 minutes) would follow each other. "rights" comes last: it checks the AWS calls that the
 * integration and bundle runs recorded. Every stream runs to its end; the exit code is the first failure.
 */
type Stream = { label: string; projects: string[] };

function vitest({ label, projects }: Stream): Promise<number> {
  return new Promise((resolve) => {
    const args = ["vitest", "run", ...projects.flatMap((p) => ["--project", p])];
    const child = spawn("npx", args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" },
    });
    // Each line says which stream wrote it: the two streams interleave in the log.
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const)
      createInterface({ input: from }).on("line", (line) => to.write(`[${label}] ${line}\n`));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const started = Date.now();
const inSeries = async (...streams: Stream[]) => {
  let failed = 0;
  for (const stream of streams) {
    const code = await vitest(stream);
    failed ||= code;
  }
  return failed;
};
// Balanced by their times on the 2-core machine: the integration files (≈ 8 min) beside the rest.
const codes = await Promise.all([
  vitest({ label: "integration", projects: ["integration"] }),
  inSeries(
    { label: "fast", projects: ["unit", "web", "infra"] },
    { label: "bundles", projects: ["bundles"] },
    { label: "e2e", projects: ["e2e"] },
  ),
]);
codes.push(await vitest({ label: "rights", projects: ["rights"] }));
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const failed = codes.find((code) => code !== 0) ?? 0;
console.log(
  `\nvitest: ${failed ? "FAILED" : "all projects passed"} in ${minutes} min (streams: ${codes.join(", ")})`,
);
process.exit(failed);
