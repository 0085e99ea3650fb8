import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalStack } from "../../infra/local/stack.ts";
import { ADMIN_PASSWORD, CLOSE_LAG_MS, type StackInfo } from "./stack-info.ts";

/**
 * The integration project's global setup: ONE local stack (DynamoDB Local in memory, s3rver,
 * cognito-local, the gateway) for the whole run, started here in the runner's process and handed to
 * the test files by `provide`. Test files share it, so every file works under its own ids.
 */
export default async function setup(project: TestProject) {
  const began = Date.now();
  const dataDir = await mkdtemp(join(tmpdir(), "chiso-integration-"));
  const stack = await startLocalStack({
    dataDir,
    port: 0,
    persist: false,
    adminPassword: ADMIN_PASSWORD,
    demo: false,
    // The scheduled close fires 15 s after a deadline (EventBridge may be late too): a test sees the
    // server refuse late unit writes on its own, before any close has run.
    closeLagMs: CLOSE_LAG_MS,
  }).catch((error) => {
    console.error(`integration: the local stack did not start; its logs are in ${join(dataDir, "logs")}`);
    throw error;
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
  console.log(`integration: local stack at ${stack.url} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
