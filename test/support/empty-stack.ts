import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalStack, type StackOptions, startLocalStack } from "../../infra/local/stack.ts";
import type { StackInfo } from "./stack-info.ts";

export interface EmptyStack {
  stack: LocalStack;
  dataDir: string;
  /** Stops the stack and removes its data folder. */
  stop(): Promise<void>;
  /** What the test files are handed (integration-setup.ts, stack-child.ts). */
  info(): StackInfo;
}

/**
 * A local stack with nothing in it (no demo, nothing kept after it stops) on a fresh data folder
 * `chiso-<name>-…`: the integration run's shared stack, the e2e files' and the benchmarks' own.
 */
export async function startEmptyStack(
  name: string,
  options: Pick<StackOptions, "adminPassword"> & Partial<StackOptions>,
): Promise<EmptyStack> {
  const dataDir = await mkdtemp(join(tmpdir(), `chiso-${name}-`));
  const stack = await startLocalStack({ dataDir, port: 0, persist: false, demo: false, ...options }).catch(
    (error: unknown) => {
      // The data folder is kept: its logs say why.
      console.error(`${name}: the local stack did not start; its logs are in ${join(dataDir, "logs")}`);
      throw error;
    },
  );
  return {
    stack,
    dataDir,
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
    info: () => ({
      url: stack.url,
      auth: stack.config.auth,
      s3Endpoint: stack.env.S3_ENDPOINT as string,
      evidenceBucket: stack.env.EVIDENCE_BUCKET as string,
      dataDir,
      env: stack.env,
    }),
  };
}
