import { readFileSync } from "node:fs";
import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * One stack per data folder: two stacks on one `.data/` would run two DynamoDB Locals on one
 * database file and two cognito-locals rewriting one pool file. The lock is a file holding the
 * owner's PID and its start time (so a PID reused after a `kill -9` does not count as the owner);
 * a lock whose owner is gone is stale and is taken over.
 */
export interface StackLock {
  readonly file: string;
  /** Adds what a second start should say (the URL) to the lock file. */
  describe(details: Record<string, unknown>): Promise<void>;
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  startTime?: string;
  [key: string]: unknown;
}

export class StackLockedError extends Error {}

export async function lockDataDir(dataDir: string): Promise<StackLock> {
  const file = join(dataDir, "stack.lock");
  const mine: LockContent = { pid: process.pid, startTime: processStartTime(process.pid) };
  for (let attempt = 0; attempt < 3; attempt++) {
    const handle = await open(file, "wx", 0o600).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return undefined;
      throw error;
    });
    if (handle) {
      await handle.writeFile(JSON.stringify(mine));
      await handle.close();
      let released = false;
      return {
        file,
        describe: async (details) => {
          if (!released) await writeJson(file, { ...mine, ...details });
        },
        release: async () => {
          released = true;
          const current = await readLock(file);
          if (current?.pid === mine.pid && current.startTime === mine.startTime)
            await rm(file, { force: true });
        },
      };
    }
    const holder = await readLock(file);
    if (holder && isAlive(holder)) {
      const where = typeof holder.url === "string" ? ` at ${holder.url}` : "";
      throw new StackLockedError(
        `Another chiso stack (PID ${holder.pid}${where}) is running on ${dataDir}. ` +
          `Stop it first (Ctrl-C in its terminal, or kill ${holder.pid}); two stacks must not share one data folder.`,
      );
    }
    // Stale (its owner is gone) or unreadable (a crash between create and write): take it over.
    await rm(file, { force: true });
  }
  throw new StackLockedError(`Could not take the lock ${file}`);
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    const content = JSON.parse(await readFile(file, "utf8")) as LockContent;
    return Number.isInteger(content.pid) ? content : undefined;
  } catch {
    return undefined;
  }
}

async function writeJson(file: string, content: unknown): Promise<void> {
  const handle = await open(file, "w", 0o600);
  try {
    await handle.writeFile(JSON.stringify(content));
  } finally {
    await handle.close();
  }
}

function isAlive(holder: LockContent): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // Where the start time can be read (Linux), a different one means the PID was reused.
  const now = processStartTime(holder.pid);
  return holder.startTime === undefined || now === undefined || now === holder.startTime;
}

/** The process's start time in clock ticks since boot (Linux /proc), or undefined elsewhere. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}
