import type { TestProject } from "vitest/node";
import { installAwsCallRecorder, recordRun } from "./aws-calls.ts";
import { ADMIN_PASSWORD, CLOSE_LAG_MS } from "./stack-info.ts";

/**
 * The integration project's global setup: ONE local stack (DynamoDB Local in memory, s3rver,
 * cognito-local, the gateway) for the whole run, started here in the runner's process and handed to
 * the test files by `provide`. Test files share it, so every file works under its own ids.
 *
 * Every AWS call a function makes meanwhile is recorded (test/support/aws-calls.ts) for the rights
 * project (test/rights/): the recorder goes in first, then the stack's modules are loaded.
 */
export default async function setup(project: TestProject) {
  const began = Date.now();
  await installAwsCallRecorder();
  const { startEmptyStack } = await import("./empty-stack.ts");
  const started = await startEmptyStack("integration", {
    adminPassword: ADMIN_PASSWORD,
    // The scheduled close fires 15 s after a deadline (EventBridge may be late too): a test sees the
    // server refuse late unit writes on its own, before any close has run.
    closeLagMs: CLOSE_LAG_MS,
    // Every answer of every test is checked against the contract (shared/api/contract.ts).
    checkResponses: true,
  });
  const info = started.info();
  project.provide("chisoStack", info);
  recordRun({
    startedAt: new Date(began).toISOString(),
    userPoolId: info.auth.userPoolId,
    region: info.env.AWS_REGION ?? "",
  });
  console.log(`integration: local stack at ${info.url} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  return started.stop;
}
