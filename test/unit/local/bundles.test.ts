import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleInvoker, type LocalFunction } from "../../../infra/local/bundles/invoker.ts";
import { heapArgs, LAMBDA_ADDITIONS, lambdaEnvironment } from "../../../infra/local/bundles/lambda-env.ts";

/**
 * The bundle mode's runtime and invoker with a tiny hand-written "bundle" (no synth): what a function's
 * process gets, and what happens when it overruns its timeout, crashes, throws or is called concurrently.
 */
const BUNDLE = `
const loadedAt = Date.now();
export async function handler(event, context) {
  if (event.action === "env") return { env: { ...process.env }, cwd: process.cwd(), argv: process.execArgv };
  if (event.action === "read") return { value: process.env[event.name] ?? null, has: event.name in process.env };
  if (event.action === "sleep") {
    await new Promise((done) => setTimeout(done, event.ms));
    return { pid: process.pid, loadedAt };
  }
  if (event.action === "throw") throw new TypeError("the handler failed");
  if (event.action === "crash") process.exit(3);
  if (event.action === "context")
    return { remaining: context.getRemainingTimeInMillis(), name: context.functionName, id: context.awsRequestId,
      memory: context.memoryLimitInMB, arn: context.invokedFunctionArn };
  return { pid: process.pid, version: process.version };
}
`;

describe("the bundle mode runs a function's bundle in its own Node 22 process", () => {
  let dir: string;
  let invoker: BundleInvoker;
  let fn: LocalFunction;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "chiso-bundles-"));
    await writeFile(join(dir, "index.mjs"), BUNDLE);
    await writeFile(join(dir, "broken.mjs"), "export const handler = ;");
    const base = { assetDir: dir, memoryMb: 256, timeoutSeconds: 1 };
    const stackEnv = {
      AWS_ACCESS_KEY_ID: "KEY",
      AWS_SECRET_ACCESS_KEY: "SECRET",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:1",
      PATH: "/usr/bin",
      HOME: "/root",
    };
    const templateEnv = { TABLE_NAME: "chiso-data", NODE_OPTIONS: "--enable-source-maps" };
    fn = {
      ...base,
      handler: "test/tiny",
      file: join(dir, "index.mjs"),
      env: lambdaEnvironment({ ...base, handler: "test/tiny" }, templateEnv, stackEnv, "us-east-1"),
    };
    const broken = {
      ...base,
      handler: "test/broken",
      file: join(dir, "broken.mjs"),
      env: lambdaEnvironment({ ...base, handler: "test/broken" }, {}, {}, "us-east-1"),
    };
    invoker = new BundleInvoker({
      functions: [fn, broken],
      region: "us-east-1",
      logDir: join(dir, "logs"),
      maxInstances: 3,
      envReadsFile: join(dir, "env-reads.jsonl"),
    });
  });
  afterAll(async () => {
    await invoker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs Node.js 22 with the template's environment, the runtime's and the local endpoints, nothing else", async () => {
    const answer = (await invoker.invoke("test/tiny", { action: "env" })) as {
      env: Record<string, string>;
      cwd: string;
      argv: string[];
    };
    const expected = [
      "TABLE_NAME",
      "NODE_OPTIONS",
      ...LAMBDA_ADDITIONS.runtime,
      ...LAMBDA_ADDITIONS.credentials,
      "DYNAMODB_ENDPOINT",
    ].sort();
    expect(Object.keys(answer.env).sort()).toEqual(expected);
    expect(answer.env).toMatchObject({
      TABLE_NAME: "chiso-data",
      AWS_LAMBDA_FUNCTION_NAME: "chiso-test-tiny",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
      AWS_REGION: "us-east-1",
      LAMBDA_TASK_ROOT: dir,
    });
    expect(answer.cwd).toBe(dir);
    expect(answer.argv).toEqual(heapArgs(256));
    expect(heapArgs(256)).toEqual(["--max-semi-space-size=12", "--max-old-space-size=231"]);
    expect(((await invoker.invoke("test/tiny", {})) as { version: string }).version).toMatch(/^v22\./);
  });

  it("gives the handler a Lambda context with the template's memory and the time left", async () => {
    const answer = (await invoker.invoke("test/tiny", { action: "context" }, "req-1")) as Record<
      string,
      unknown
    >;
    expect(answer).toMatchObject({
      name: "chiso-test-tiny",
      id: "req-1",
      memory: "256",
      arn: "arn:aws:lambda:us-east-1:000000000000:function:chiso-test-tiny",
    });
    expect(answer.remaining).toBeGreaterThan(500);
    expect(answer.remaining).toBeLessThanOrEqual(1000);
  });

  it("records each variable the function reads, and whether its process has it", async () => {
    await invoker.invoke("test/tiny", { action: "read", name: "MAX_EVIDENCE_BYTES" });
    await invoker.invoke("test/tiny", { action: "read", name: "TABLE_NAME" });
    expect(invoker.envReads().get("test/tiny")).toEqual(expect.any(Set));
    const lines = (await readFile(join(dir, "env-reads.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual({ handler: "test/tiny", name: "MAX_EVIDENCE_BYTES", set: false });
    expect(lines).toContainEqual({ handler: "test/tiny", name: "TABLE_NAME", set: true });
  });

  it("reports the handler's error to the caller, and the instance serves the next call", async () => {
    const error = await invoker.invoke("test/tiny", { action: "throw" }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TypeError");
    expect((error as Error).message).toBe("the handler failed");
    expect(await invoker.invoke("test/tiny", {})).toHaveProperty("pid");
  });

  it("ends an instance that overruns the template's timeout, as Lambda reports it, and starts another", async () => {
    const first = (await invoker.invoke("test/tiny", {})) as { pid: number };
    const error = await invoker.invoke("test/tiny", { action: "sleep", ms: 5000 }).catch((e: Error) => e);
    expect((error as Error).message).toBe("Task timed out after 1.00 seconds");
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // The instance that timed out is gone (whichever one it was); the function still answers.
    await new Promise((done) => setTimeout(done, 100));
    const after = (await invoker.invoke("test/tiny", {})) as { pid: number };
    expect(after.pid).toBeGreaterThan(0);
    expect([first.pid, after.pid].filter(alive).length).toBeGreaterThanOrEqual(1);
  });

  it("reports a crash to the caller and replaces the instance", async () => {
    const error = await invoker.invoke("test/tiny", { action: "crash" }).catch((e: Error) => e);
    expect((error as Error).message).toBe("Runtime exited with error: exit status 3");
    expect(await invoker.invoke("test/tiny", {})).toHaveProperty("pid");
  });

  it("reports a bundle that does not load as an init error", async () => {
    const error = await invoker.invoke("test/broken", {}).catch((e: Error) => e);
    expect((error as Error).name).toBe("Runtime.ImportModuleError");
  });

  it("gives concurrent invocations separate instances, up to the cap, and queues the rest", async () => {
    const answers = (await Promise.all(
      Array.from({ length: 5 }, () => invoker.invoke("test/tiny", { action: "sleep", ms: 300 })),
    )) as { pid: number }[];
    const pids = new Set(answers.map((a) => a.pid));
    expect(pids.size).toBe(3);
  });

  it("stops every instance: a call under way and a queued one fail, none is started after", async () => {
    const own = new BundleInvoker({
      functions: [fn],
      region: "us-east-1",
      logDir: join(dir, "logs"),
      maxInstances: 1,
    });
    const running = own.invoke("test/tiny", { action: "sleep", ms: 800 }).catch((e: Error) => e);
    const queued = own.invoke("test/tiny", {}).catch((e: Error) => e);
    await new Promise((done) => setTimeout(done, 300));
    await own.stop();
    expect(await running).toBeInstanceOf(Error);
    expect(await queued).toBeInstanceOf(Error);
    await expect(own.invoke("test/tiny", {})).rejects.toThrow(/stopped/);
  });
});
