import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ensureDynamoDbLocal, ensureJava, javaCommand } from "./dynamodb-local-install.ts";
import { freePort, LOCAL_HOST } from "./ports.ts";
import { type RunningEmulator, startProcess, waitUntilReady } from "./processes.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

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
 * ListTables. Note: it has no option to choose the bind address, so it listens on every
 * interface (Jetty `new Server(port)`), unlike the rest of the stack.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningEmulator> {
  if (options.dbPath && options.inMemory) throw new Error("dbPath and inMemory exclude each other");
  await ensureJava();
  const home = await ensureDynamoDbLocal();
  const port = options.port ?? (await freePort());
  const storage = options.dbPath
    ? ["-sharedDb", "-dbPath", resolve(options.dbPath)]
    : ["-inMemory", "-sharedDb"];
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const proc = startProcess({
    name: "dynamodb-local",
    command: javaCommand(),
    args: [
      `-Djava.library.path=${join(home, "DynamoDBLocal_lib")}`,
      "-jar",
      join(home, "DynamoDBLocal.jar"),
      "-port",
      String(port),
      ...storage,
      "-disableTelemetry",
    ],
    // Its working directory would receive any stray file; keep that out of the cache.
    cwd: options.logDir,
    logDir: options.logDir,
  });
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
  } finally {
    client.destroy();
  }
  return { endpoint, port, stop: () => proc.stop() };
}
