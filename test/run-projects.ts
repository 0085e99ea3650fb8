import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { synthBundles } from "../infra/local/bundles/synth.ts";

/**
 * `npm test` in two streams at once on the 2-core machine, every part from the start: the checks (lint,
 * the four type checks in two lanes, the web build), the files that share the in-process stack (one at
 * a time), the fast projects, the files on the shipped bundles and the browser journeys (each file its
 * own stack); the shorter browser files go to whichever stream is free first. In one vitest run, the
 * projects whose files go one at a time fall into one sequential queue, so the integration and e2e
 * files (about 10 and 5 minutes) would follow each other. "rights" follows the integration files once
 * the bundles project has ended too: it checks the AWS calls and the environment reads those runs
 * recorded. Every stream runs to its end; the exit code is the first failure.
 */
type Stream = { label: string; projects: string[]; files?: string[] };

/** A child process whose every line is labelled with the stream that runs it; resolves to its exit code. */
function labelled(label: string, command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" },
    });
    // The two streams interleave in the log.
    for (const [from, to] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const)
      createInterface({ input: from }).on("line", (line) => to.write(`[${label}] ${line}\n`));
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const vitest = ({ label, projects, files = [] }: Stream) =>
  labelled(label, "npx", ["vitest", "run", ...projects.flatMap((p) => ["--project", p]), ...files]);

/** One of package.json's scripts (lint, a type check, the web build): the commands are written there only. */
const script = (name: string) => () => labelled(name, "npm", ["run", "-s", name]);

const started = Date.now();
// The bundle mode's synth (esbuild on ~37 functions, about two minutes on a clean clone) starts now,
// beside both streams, instead of in the bundles project's setup on the longer stream: a vitest run
// of some projects only sees those, so the integration project's early synth (prewarm-bundles.ts)
// does not start here. The bundles and e2e setups then find it in the cache.
const synth = synthBundles((line) => console.log(`[synth] ${line}`)).then(
  (app) =>
    console.log(
      `[synth] bundles: ready (${app.synthesized ? "synthesized" : "cached"}) in ${app.seconds.toFixed(0)} s`,
    ),
  // The bundles project's setup synthesizes again and reports the failure.
  (error: unknown) => console.error("[synth] bundles: the early synth failed:", error),
);
const inSeries = async (...steps: (Stream | Promise<void> | (() => Promise<number>))[]) => {
  let failed = 0;
  for (const step of steps) {
    if (step instanceof Promise) {
      await step;
      continue;
    }
    // Run even after a failure (not `failed ||= await …`, which would skip it).
    const code = await (typeof step === "function" ? step() : vitest(step));
    failed ||= code;
  }
  return failed;
};

/**
 * The shorter browser files (≈ 45 s in all) are not given to a stream in advance: whichever stream
 * is free first runs the next one (a vitest run each), so that the two end together whatever the
 * machine's load did to either. The rest of the e2e project runs in one go on the longer stream.
 */
const E2E_SHARED = ["organiser-accounts", "documents", "mfa"].map((name) => `test/e2e/${name}.test.ts`);
const E2E_MAIN = readdirSync("test/e2e")
  .filter((name) => name.endsWith(".test.ts"))
  .map((name) => `test/e2e/${name}`)
  .filter((file) => !E2E_SHARED.includes(file));
const e2eLeft = [...E2E_SHARED];
const sharedE2e = (label: string) => async () => {
  let failed = 0;
  for (let file = e2eLeft.shift(); file; file = e2eLeft.shift()) {
    const code = await vitest({ label, projects: ["e2e"], files: [file] });
    failed ||= code;
  }
  return failed;
};

// Lint, then the web build: the local stacks serve web/dist, and the infra project synthesizes the site
// from it (about 2 s). The type checks go in two lanes of about 30 s each (the root's; the web's
// three), one per stream. The infra project checks the bundle mode's bundles
// (test/infra/synth-setup.ts): it follows the synth.
const built = inSeries(script("lint"), script("build:web"));
const fastAndBundles = built.then(async (code) => {
  const rest = await inSeries(script("typecheck:web"), { label: "fast", projects: ["unit", "web"] }, synth, {
    label: "bundles",
    projects: ["infra", "bundles"],
  });
  return code || rest;
});
// Balanced by their times on the 2-core machine: the integration files (≈ 10 min) beside the rest.
// "rights" reads what the integration and bundles runs recorded: it runs once both have ended, on the
// stream of the integration files, while the other goes on with the browser files.
const codes = await Promise.all([
  inSeries(
    script("typecheck:root"),
    built.then(() => undefined),
    { label: "integration", projects: ["integration"] },
    fastAndBundles.then(() => undefined),
    { label: "rights", projects: ["rights"] },
    sharedE2e("e2e-2"),
  ),
  fastAndBundles,
  fastAndBundles.then(() => inSeries({ label: "e2e", projects: ["e2e"], files: E2E_MAIN }, sharedE2e("e2e"))),
]);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const failed = codes.find((code) => code !== 0) ?? 0;
console.log(
  `\nnpm test: ${failed ? "FAILED" : "every check and every project passed"} in ${minutes} min (streams: ${codes.join(", ")})`,
);
process.exit(failed);
