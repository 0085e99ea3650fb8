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
  /** Measured ≈ 1.3 s here on 2 cores; a cold disk or a busy CI box can take several times that. */
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
  const client = new DynamoDBClient({ ...localDynamoDbClientConfig(endpoint), maxAttempts: 1 });
  try {
    await waitUntilReady(
      proc,
      async () => {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return true;
      },
      options.startTimeoutMs ?? 30_000,
    );
  } catch (error) {
    await proc.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, port, stop: () => proc.stop() };
}
