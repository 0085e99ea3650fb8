import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { buildApp } from "../../infra/cdk/build.ts";
import { ROOT } from "../../infra/cdk/settings.ts";
import { load, ms, table } from "./report.ts";

/**
 * The cold start of every function the CDK app deploys: the app is synthesized with bundling (as
 * `cdk synth` does), then each bundle is imported by a fresh `node` child RUNS times; the child times
 * the `import()` alone (compilation and evaluation, no handler call) with the NODE_OPTIONS the function
 * is deployed with (--enable-source-maps: the map is read at import); the median is printed.
 * Goal: every API function imports in GOAL_MS or less. The children run one at a time; other work on
 * the machine shows in the load averages printed with the table.
 */

const RUNS = 5;
const GOAL_MS = 150;
const REGION = "ap-southeast-1";

/** The child: imports one bundle and prints how long the import took, in ms. */
const CHILD = `
  const url = process.argv[1];
  const began = performance.now();
  const module = await import(url);
  if (typeof module.handler !== "function") throw new Error("no handler in " + url);
  console.log(performance.now() - began);`;

interface Bundle {
  file: string;
  nodeOptions: string[];
}

function synthBundles(outdir: string): Map<string, Bundle> {
  const { app, stack } = buildApp({ outdir, nag: false, context: { stage: "bench", region: REGION } });
  app.synth();
  // The asset's directory is named after the hash that is also the S3 key of its zip.
  const bundleOf = (fn: { node: { defaultChild?: unknown } }): Bundle => {
    const cfn = fn.node.defaultChild as CfnFunction;
    const key = stack.resolve((cfn.code as { s3Key?: string }).s3Key) as string;
    const environment = stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
    const nodeOptions = environment?.variables?.NODE_OPTIONS;
    return {
      file: join(outdir, `asset.${key.replace(/\.zip$/, "")}`, "index.mjs"),
      nodeOptions: typeof nodeOptions === "string" ? nodeOptions.split(" ").filter(Boolean) : [],
    };
  };
  const bundles = new Map<string, Bundle>();
  for (const [handler, f] of stack.functions) bundles.set(handler, bundleOf(f.function));
  bundles.set("triggers/staff-mfa", bundleOf(stack.staffMfa.function));
  return bundles;
}

function importMs({ file, nodeOptions }: Bundle): number {
  const args = [...nodeOptions, "--input-type=module", "-e", CHILD, pathToFileURL(file).href];
  const out = execFileSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, AWS_REGION: REGION, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  return Number(out.trim().split("\n").at(-1));
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export async function run(): Promise<void> {
  console.log(`cold start: import time of each function bundle (median of ${RUNS} fresh node processes)`);
  const outdir = join(ROOT, ".cache", `bench-cold-start-${process.pid}`);
  mkdirSync(outdir, { recursive: true });
  try {
    const began = performance.now();
    const bundles = synthBundles(outdir);
    console.log(`  synthesized ${bundles.size} bundles in ${ms(performance.now() - began)}; load ${load()}`);
    const rows = [["function", "size", "median", "min", "max", "goal"]];
    const over: string[] = [];
    for (const [handler, bundle] of [...bundles].sort(([a], [b]) => a.localeCompare(b))) {
      const samples = Array.from({ length: RUNS }, () => importMs(bundle));
      const typical = median(samples);
      // Jobs and the Cognito trigger are not behind the API: their cold start is no user's wait.
      const api = !handler.startsWith("jobs/") && !handler.startsWith("triggers/");
      if (api && typical > GOAL_MS) over.push(handler);
      rows.push([
        handler,
        `${(statSync(bundle.file).size / 1024).toFixed(1)} KB`,
        ms(typical),
        ms(Math.min(...samples)),
        ms(Math.max(...samples)),
        api ? (typical <= GOAL_MS ? "ok" : "OVER") : "-",
      ]);
    }
    console.log(table(rows));
    console.log(
      over.length === 0
        ? `  every API function imports in ≤ ${GOAL_MS} ms (load ${load()})`
        : `  over ${GOAL_MS} ms: ${over.join(", ")} (load ${load()})`,
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
