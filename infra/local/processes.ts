import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { sleep } from "./ports.ts";

export interface StartProcessOptions {
  /** Short name, also the log file's name (`<logDir>/<name>.log`). */
  name: string;
  command: string;
  args?: string[];
  cwd?: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  logDir: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Where this run's part of the log file begins (the file is appended to across runs). */
  readonly logStart: number;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  running(): boolean;
  /** SIGTERM to the process group, SIGKILL after graceMs; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** What each start function returns: where the emulator answers, and how to stop it. */
export interface RunningEmulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Every child ends with the stack, even when the stack is killed with SIGKILL: lifeline.cjs,
 * preloaded into a Node child (`--require LIFELINE`) or run as a wrapper around another command
 * (`node LIFELINE java …`), ends it once its parent (CHISO_PARENT_PID, set here) is gone.
 */
export const LIFELINE = fileURLToPath(new URL("./lifeline.cjs", import.meta.url));

const DEFAULT_GRACE_MS = 5000;
const tracked = new Set<ManagedProcess>();
const shutdownHooks = new Set<() => unknown>();
let hooksInstalled = false;
let shuttingDown = false;

/** Starts a child whose stdout and stderr go to `<logDir>/<name>.log`; it is tracked until it exits. */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  installExitHooks();
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${options.name}.log`);
  const args = options.args ?? [];
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  appendFileSync(logFile, `\n--- ${new Date().toISOString()} ${options.command} ${args.join(" ")}\n`);
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    // Own process group: a stop reaches any grandchildren too, and Ctrl-C is handled here, in order.
    child = spawn(options.command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, CHISO_PARENT_PID: String(process.pid) },
      stdio: ["ignore", fd, fd],
      detached: true,
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("error", (error) => resolve({ code: null, signal: null, error }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const managed: ManagedProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    logFile,
    logStart,
    exited,
    running: () => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
    stop: (graceMs = DEFAULT_GRACE_MS) => stopProcess(managed, graceMs),
  };
  tracked.add(managed);
  void exited.then(() => tracked.delete(managed));
  return managed;
}

async function stopProcess(proc: ManagedProcess, graceMs: number): Promise<void> {
  if (!proc.running()) {
    await proc.exited;
    return;
  }
  signalGroup(proc.pid, "SIGTERM");
  // A cleared timer, not sleep(): a pending grace timer would keep the caller's process alive for
  // graceMs after everything has stopped (a test runner's teardown, for one).
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((done) => {
    timer = setTimeout(() => done("timeout"), graceMs);
  });
  const outcome = await Promise.race([proc.exited, timeout]);
  clearTimeout(timer);
  if (outcome === "timeout") signalGroup(proc.pid, "SIGKILL");
  await proc.exited;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export interface ReadyOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** A log line that means the start has failed although the process lives on. */
  failWhen?: RegExp;
}

/**
 * Polls `ready` until it returns true (the probe should time out on its own). Fails at once, with
 * the log's last lines, if the process dies or its log matches `failWhen`; on either failure or
 * on timeout the process is stopped first.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  ready: () => Promise<boolean>,
  options: ReadyOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let died: ExitInfo | undefined;
  void proc.exited.then((info) => {
    died = info;
  });
  const fail = async (why: string) => {
    await proc.stop(1000);
    return new Error(`${proc.name} ${why}${await logTail(proc)}`);
  };
  for (;;) {
    if (died) throw await fail(`${describeExit(died)} before it was ready`);
    if (await ready().catch(() => false)) return;
    if (options.failWhen?.test(await readLog(proc))) throw await fail("failed to start");
    if (Date.now() > deadline) throw await fail(`was not ready after ${options.timeoutMs} ms`);
    await sleep(options.intervalMs ?? 100);
  }
}

function describeExit(info: ExitInfo): string {
  if (info.error) return `could not start (${info.error.message})`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

/** This run's part of the log, without colour codes (some emulators colour their logs). */
async function readLog(proc: ManagedProcess): Promise<string> {
  const file = await open(proc.logFile).catch(() => undefined);
  if (!file) return "";
  try {
    const length = Math.max(0, (await file.stat()).size - proc.logStart);
    const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, proc.logStart);
    return stripVTControlCharacters(buffer.subarray(0, bytesRead).toString("utf8"));
  } finally {
    await file.close();
  }
}

async function logTail(proc: ManagedProcess, lines = 30): Promise<string> {
  const last = (await readLog(proc)).trimEnd().split("\n").slice(-lines);
  return `. Last lines of ${proc.logFile}:\n${last.join("\n")}`;
}

/** The children started here that have not exited yet. */
export function runningProcesses(): ManagedProcess[] {
  return [...tracked];
}

/** Stops every tracked child in parallel. */
export async function stopAll(graceMs = DEFAULT_GRACE_MS): Promise<void> {
  await Promise.all([...tracked].map((proc) => proc.stop(graceMs)));
}

/**
 * Registers cleanup (closing a server, flushing state) to run on SIGINT / SIGTERM before the
 * children are stopped and the process exits. Returns a function that unregisters it.
 */
export function onShutdown(hook: () => unknown): () => void {
  installExitHooks();
  shutdownHooks.add(hook);
  return () => shutdownHooks.delete(hook);
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      // A second Ctrl-C: no more waiting.
      for (const proc of tracked) signalGroup(proc.pid, "SIGKILL");
      process.exit(1);
    }
    shuttingDown = true;
    void shutdown().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Last resort when the process ends without stopAll (process.exit, a crash): nothing can be
  // awaited here, so ask each child to stop; both the JVM and Node honour SIGTERM at once.
  process.on("exit", () => {
    for (const proc of tracked) signalGroup(proc.pid, "SIGTERM");
  });
}

async function shutdown(): Promise<void> {
  for (const hook of [...shutdownHooks].reverse()) {
    try {
      await hook();
    } catch (error) {
      console.error("shutdown hook failed:", error);
    }
  }
  await stopAll();
}
