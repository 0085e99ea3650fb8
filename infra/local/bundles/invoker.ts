import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync, createWriteStream, existsSync, mkdirSync, type WriteStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Invoker, localFunctionName } from "../invoke.ts";
import { LOCAL_ACCOUNT } from "../template.ts";
import { heapArgs } from "./lambda-env.ts";

const RUNTIME = fileURLToPath(new URL("./runtime.mjs", import.meta.url));
/** An instance idle this long is ended, so a long `npm start` does not keep every one it ever started. */
const IDLE_MS = 10 * 60_000;

/** One function as the bundle mode runs it: its bundle, its limits and its process's whole environment. */
export interface LocalFunction {
  /** The handler module under functions/: "periods/transition". */
  handler: string;
  /** The bundle (index.mjs) and its folder, the Lambda task root and the process's working directory. */
  file: string;
  assetDir: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Everything the process gets (lambda-env.ts): nothing of this process's own environment. */
  env: Record<string, string>;
}

export interface BundleInvokerOptions {
  functions: readonly LocalFunction[];
  region: string;
  /** Each function's stdout and stderr go to `<logDir>/<function name>.log`. */
  logDir: string;
  /** Instances of one function at a time (Lambda's concurrency, kept small here); more calls queue. */
  maxInstances?: number;
  /** Appends `{handler, name, set}` for each environment variable a function reads (JSONL). */
  envReadsFile?: string;
  /** Lambda's init phase limit is 10 s; this machine is shared, so it is looser by default. */
  initTimeoutMs?: number;
}

/** The pinned Node.js 22 (the `node` dev dependency), the Lambda runtime's major version. */
export function node22(): string {
  let binary: string | undefined;
  try {
    binary = join(dirname(createRequire(import.meta.url).resolve("node/package.json")), "bin/node");
  } catch {
    binary = undefined;
  }
  if (!binary || !existsSync(binary))
    throw new Error(
      "the bundle mode runs the functions in Node.js 22 from the `node` dev dependency " +
        "(node_modules/node/bin/node), which is missing: run `npm ci`",
    );
  return binary;
}

interface Pending {
  id: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** One instance of a function: a Node 22 process with the bundle loaded, one invocation at a time. */
class Instance {
  readonly ready: Promise<void>;
  pending: Pending | undefined;
  alive = true;
  /** Ends the instance after it has been idle a while (Lambda reaps idle instances too). */
  reaper: NodeJS.Timeout | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly onEnvRead: (names: string[]) => void,
    initTimeoutMs: number,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the function did not load within ${initTimeoutMs / 1000} s`));
      }, initTimeoutMs);
      child.on("message", (message: RuntimeMessage) => {
        if (message.envRead?.length) this.onEnvRead(message.envRead);
        if (message.type === "ready") {
          clearTimeout(timer);
          resolve();
        } else if (message.type === "init-error") {
          clearTimeout(timer);
          reject(lambdaError(message.error));
        } else if (this.pending && message.id === this.pending.id) {
          const { resolve: done, reject: fail, timer: deadline } = this.pending;
          clearTimeout(deadline);
          this.pending = undefined;
          if (message.error) fail(lambdaError(message.error));
          else done(message.result);
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        this.alive = false;
        reject(error);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        this.alive = false;
        const why = `Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`;
        reject(new Error(why));
        if (this.pending) {
          clearTimeout(this.pending.timer);
          this.pending.reject(Object.assign(new Error(why), { name: "Runtime.ExitError" }));
          this.pending = undefined;
        }
      });
    });
  }

  invoke(event: unknown, context: InvokeContext, timeoutSeconds: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = context.awsRequestId;
      const timer = setTimeout(() => {
        // As Lambda does: the instance is ended, the caller gets the timeout as the error.
        this.pending = undefined;
        this.kill();
        reject(
          Object.assign(new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`), {
            name: "Sandbox.Timedout",
          }),
        );
      }, timeoutSeconds * 1000);
      this.pending = { id, resolve, reject, timer };
      // A closed channel means the instance is gone: its exit rejects the invocation.
      this.child.send({ id, event, context }, () => undefined);
    });
  }

  kill(): void {
    this.alive = false;
    this.child.kill("SIGKILL");
  }
}

interface InvokeContext {
  awsRequestId: string;
  functionName: string;
  invokedFunctionArn: string;
  memoryLimitInMB: number;
  deadlineMs: number;
}

interface RuntimeMessage {
  type?: "ready" | "init-error";
  id?: string;
  result?: unknown;
  error?: { errorType: string; errorMessage: string; stack: string };
  envRead?: string[];
}

function lambdaError(error: RuntimeMessage["error"]): Error {
  const made = new Error(error?.errorMessage ?? "unknown error");
  made.name = error?.errorType ?? "Error";
  if (error?.stack) made.stack = error.stack;
  return made;
}

/** The instances of one function: an idle one is reused, else one is started, up to a cap; then a queue. */
class Pool {
  private readonly idle: Instance[] = [];
  private readonly all = new Set<Instance>();
  private readonly waiting: (() => void)[] = [];
  private readonly log: WriteStream;
  private stopped = false;

  constructor(
    readonly fn: LocalFunction,
    private readonly options: Required<
      Pick<BundleInvokerOptions, "maxInstances" | "initTimeoutMs" | "region">
    >,
    logDir: string,
    private readonly node: string,
    private readonly onEnvRead: (names: string[]) => void,
  ) {
    this.log = createWriteStream(join(logDir, `${localFunctionName(fn.handler)}.log`), { flags: "a" });
  }

  async invoke(event: unknown, requestId: string): Promise<unknown> {
    const instance = await this.acquire();
    const functionName = localFunctionName(this.fn.handler);
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    try {
      const result = await instance.invoke(
        event,
        {
          awsRequestId: requestId,
          functionName,
          invokedFunctionArn: `arn:aws:lambda:${this.options.region}:${LOCAL_ACCOUNT}:function:${functionName}`,
          memoryLimitInMB: this.fn.memoryMb,
          deadlineMs: Date.now() + timeoutMs,
        },
        this.fn.timeoutSeconds,
      );
      return result;
    } finally {
      this.release(instance);
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
    for (const instance of this.all) clearTimeout(instance.reaper);
    const exits = [...this.all].map(
      (instance) =>
        new Promise<void>((done) => {
          if (instance.child.exitCode !== null || instance.child.signalCode !== null) return done();
          instance.child.once("exit", () => done());
          instance.kill();
        }),
    );
    this.all.clear();
    this.idle.length = 0;
    return Promise.all(exits).then(() => new Promise<void>((done) => this.log.end(done)));
  }

  private async acquire(): Promise<Instance> {
    for (;;) {
      if (this.stopped) throw new Error("the local stack has stopped");
      const idle = this.idle.pop();
      clearTimeout(idle?.reaper);
      if (idle?.alive) return idle;
      if (idle) continue;
      if (this.all.size < this.options.maxInstances) return this.start();
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private release(instance: Instance): void {
    if (instance.alive && this.all.has(instance)) {
      this.idle.push(instance);
      instance.reaper = setTimeout(() => {
        const at = this.idle.indexOf(instance);
        if (at >= 0) this.idle.splice(at, 1);
        instance.kill();
      }, IDLE_MS);
      instance.reaper.unref();
    } else this.all.delete(instance);
    this.waiting.shift()?.();
  }

  private async start(): Promise<Instance> {
    const child = spawn(this.node, [...heapArgs(this.fn.memoryMb), RUNTIME, this.fn.file], {
      cwd: this.fn.assetDir,
      env: this.fn.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    // Written, not piped: a pipe per instance would add listeners to the one log stream per function.
    const write = (chunk: Buffer) => {
      if (!this.log.writableEnded) this.log.write(chunk);
    };
    child.stdout?.on("data", write);
    child.stderr?.on("data", write);
    const instance = new Instance(child, this.onEnvRead, this.options.initTimeoutMs);
    this.all.add(instance);
    child.once("exit", () => {
      this.all.delete(instance);
      this.waiting.shift()?.();
    });
    try {
      await instance.ready;
    } catch (error) {
      instance.kill();
      this.all.delete(instance);
      this.waiting.shift()?.();
      throw error;
    }
    return instance;
  }
}

/**
 * The bundle mode's invoker: each function's esbuild bundle, as the CDK app ships it, in its own
 * Node.js 22 processes (infra/local/bundles/runtime.mjs) with the template's environment, memory and
 * timeout. A handler's error reaches the caller as the in-process invoker's does (the gateway answers
 * 500, the job runner retries); so do a timeout (the instance is ended) and a crash.
 */
export class BundleInvoker implements Invoker {
  private readonly pools = new Map<string, Pool>();
  private readonly reads = new Map<string, Set<string>>();
  private stopped = false;

  constructor(private readonly options: BundleInvokerOptions) {
    const node = node22();
    mkdirSync(options.logDir, { recursive: true });
    if (options.envReadsFile) mkdirSync(dirname(options.envReadsFile), { recursive: true });
    const settings = {
      maxInstances: options.maxInstances ?? 8,
      initTimeoutMs: options.initTimeoutMs ?? 30_000,
      region: options.region,
    };
    for (const fn of options.functions)
      this.pools.set(
        fn.handler,
        new Pool(fn, settings, options.logDir, node, (names) => this.noteReads(fn, names)),
      );
  }

  async invoke(handler: string, event: unknown, requestId: string = randomUUID()): Promise<unknown> {
    if (this.stopped) throw new Error("the local stack has stopped");
    const pool = this.pools.get(handler);
    if (!pool) throw new Error(`no bundled function runs ${handler}`);
    return pool.invoke(event, requestId);
  }

  /** The environment variables each function has read so far. */
  envReads(): Map<string, Set<string>> {
    return this.reads;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  private noteReads(fn: LocalFunction, names: string[]): void {
    const known = this.reads.get(fn.handler) ?? new Set<string>();
    this.reads.set(fn.handler, known);
    const lines: string[] = [];
    for (const name of names) {
      if (known.has(name)) continue;
      known.add(name);
      lines.push(JSON.stringify({ handler: fn.handler, name, set: name in fn.env }));
    }
    if (lines.length && this.options.envReadsFile)
      appendFileSync(this.options.envReadsFile, `${lines.join("\n")}\n`);
  }
}
