import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
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
 */
export default async function setup(project: TestProject) {
  const began = Date.now();
  rmSync(ENV_READS_FILE, { force: true });
  // Loaded here: the rights project imports ENV_READS_FILE from this file without the stack.
  const { startEmptyStack } = await import("./empty-stack.ts");
  const { stack, dataDir, stop } = await startEmptyStack("bundles", {
    adminPassword: ADMIN_PASSWORD,
    closeLagMs: CLOSE_LAG_MS,
    // No `checkResponses`: the answers are checked inside the handler, and a bundle has no contract in
    // it (esbuild drops it: infra/cdk/chiso-function.ts). contract.test.ts checks its own replies.
    bundles: { envReadsFile: ENV_READS_FILE },
    log: (line) => {
      if (line.startsWith("bundles:")) console.log(line);
    },
  });
  const info: StackInfo = {
    url: stack.url,
    auth: stack.config.auth,
    s3Endpoint: stack.env.S3_ENDPOINT as string,
    evidenceBucket: stack.env.EVIDENCE_BUCKET as string,
    dataDir,
    env: stack.env,
  };
  project.provide("chisoStack", info);
  console.log(
    `bundles: local stack in bundle mode at ${stack.url} in ${((Date.now() - began) / 1000).toFixed(1)} s`,
  );
  return stop;
}
