import { execFile } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ensureDynamoDbLocal, ensureJava, javaCommand } from "./dynamodb-local-install.ts";
import { freePort, LOCAL_HOST } from "./ports.ts";
import { LIFELINE, type RunningEmulator, startProcess, waitUntilReady } from "./processes.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const BRIDGE = fileURLToPath(new URL("./netns-bridge.cjs", import.meta.url));
/** DynamoDB Local's port inside its own network namespace, where nothing else listens. */
const INNER_PORT = 8000;

let isolation: Promise<boolean> | undefined;

/**
 * True when DynamoDB Local can run in a network namespace of its own: Linux with unprivileged
 * user namespaces and `ip` (iproute2). CHISO_DYNAMODB_NETNS=0 turns it off.
 */
export function canIsolateNetwork(): Promise<boolean> {
  if (process.platform !== "linux" || process.env.CHISO_DYNAMODB_NETNS === "0") return Promise.resolve(false);
  isolation ??= promisify(execFile)("unshare", ["-rn", "ip", "link", "set", "lo", "up"], {
    timeout: 5000,
  }).then(
    () => true,
    () => false,
  );
  return isolation;
}

export interface DynamoDbLocalOptions {
  port?: number;
  /** Keep the data in this folder (`-sharedDb -dbPath`); otherwise the data lives in memory. */
  dbPath?: string;
  /** Explicitly in memory; an error together with dbPath. */
  inMemory?: boolean;
  logDir: string;
  /**
   * Start to first ListTables answer, measured here (2 cores, JDK 17): ≈ 1.5 s on an idle machine,
   * ≈ 3–3.8 s while other work loads it, ≈ 3.5 s for the very first start (cold class data);
   * -dbPath costs about the same as -inMemory. ≈ 120 MB RSS at start.
   */
  startTimeoutMs?: number;
}

/** The client settings for DynamoDB Local: any region and key work with -sharedDb; these are fixed. */
export function localDynamoDbClientConfig(endpoint: string) {
  return {
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
}

/**
 * Starts AWS's DynamoDB Local (Java) as a tracked child process and resolves once it answers
 * ListTables. It has no option to choose the bind address (`-help` of 3.x lists only -port,
 * -inMemory, -dbPath, -sharedDb, -cors, -delayTransientStatuses, -optimizeDbBeforeStartup,
 * -disableTelemetry) and listens on every interface (Jetty `new Server(port)`). So, where Linux
 * allows it (see canIsolateNetwork), it runs in a network namespace of its own, whose interfaces are
 * its own loopback only, and the stack reaches it through a Unix socket from 127.0.0.1:port
 * (netns-bridge.cjs). Elsewhere it listens on every interface: said in README.md ("What the local
 * stack is for").
 */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions,
): Promise<RunningEmulator & { isolated: boolean }> {
  if (options.dbPath && options.inMemory) throw new Error("dbPath and inMemory exclude each other");
  await ensureJava();
  const home = await ensureDynamoDbLocal();
  const port = options.port ?? (await freePort());
  const storage = options.dbPath
    ? ["-sharedDb", "-dbPath", resolve(options.dbPath)]
    : ["-inMemory", "-sharedDb"];
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const isolated = await canIsolateNetwork();
  const javaArgs = [
    `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
    "-jar",
    join(home, "DynamoDBLocal.jar"),
    "-port",
    String(isolated ? INNER_PORT : port),
    ...storage,
    "-disableTelemetry",
  ];
  // Isolated: in its own network namespace (netns-bridge.cjs), reached through a Unix socket that
  // a proxy here, on 127.0.0.1:port, passes connections to. Otherwise directly, on every interface.
  const socketPath = isolated ? await socketPathFor(options.logDir, port) : "";
  const proc = startProcess({
    name: "dynamodb-local",
    ...(isolated
      ? {
          command: "unshare",
          args: [
            "-rn",
            "--",
            process.execPath,
            BRIDGE,
            socketPath,
            String(INNER_PORT),
            javaCommand(),
            ...javaArgs,
          ],
        }
      : // Through lifeline.cjs, which stops the JVM when the stack ends, even by SIGKILL.
        { command: process.execPath, args: [LIFELINE, javaCommand(), ...javaArgs] }),
    // Its working directory would receive any stray file; keep that out of the cache.
    cwd: options.logDir,
    env: { NODE_OPTIONS: "" },
    logDir: options.logDir,
  });
  const proxy = isolated ? await listenProxy(port, socketPath) : undefined;
  // However the JVM ends (stopAll, a crash), its port closes with it.
  if (proxy) void proc.exited.then(() => proxy.close());
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  // One short attempt per probe: a port taken by something else must not hang the start.
  const client = new DynamoDBClient({ ...localDynamoDbClientConfig(endpoint), maxAttempts: 1 });
  try {
    await waitUntilReady(
      proc,
      async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2000) });
        return true;
      },
      // When Jetty cannot bind, the JVM prints the exception but lives on.
      { timeoutMs: options.startTimeoutMs ?? 30_000, failWhen: /Exception in thread "main"/ },
    );
  } catch (error) {
    await proxy?.close();
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    isolated,
    stop: async () => {
      await proxy?.close();
      await proc.stop();
    },
  };
}

/** A socket path short enough for the OS (≈ 104 bytes), in the log folder when that is short. */
async function socketPathFor(logDir: string, port: number): Promise<string> {
  const path = join(resolve(logDir), `dynamodb-${port}.sock`);
  if (Buffer.byteLength(path) < 100) return path;
  return join(await mkdtemp(join(tmpdir(), "chiso-ddb-")), "s.sock");
}

/** Listens on 127.0.0.1:port and passes each connection to the Unix socket. */
async function listenProxy(port: number, socketPath: string): Promise<{ close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((outside) => {
    const inside = createConnection(socketPath);
    open.add(outside);
    outside.pipe(inside);
    inside.pipe(outside);
    const close = () => {
      open.delete(outside);
      outside.destroy();
      inside.destroy();
    };
    outside.on("error", close).on("close", close);
    inside.on("error", close).on("close", close);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, LOCAL_HOST, () => done());
  });
  return {
    close: () =>
      new Promise<void>((done) => {
        for (const socket of open) socket.destroy();
        server.close(() => done());
      }),
  };
}
