import { readdirSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/**
 * CPU time of a process from /proc (Linux only; NaN elsewhere): the benchmarks print it for this
 * process and for DynamoDB Local, a child JVM, because it holds up on a machine other work shares.
 */
const TICK_MS = 10; // USER_HZ is 100 on every mainstream Linux build

/** The pid of this process's child JVM (DynamoDB Local), if any. */
export function childJava(): number | undefined {
  try {
    const parents = new Map<number, number>();
    const javas: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parents.set(Number(entry), Number(fields[1]));
      if (stat.includes("(java)")) javas.push(Number(entry));
    }
    // A descendant, not only a child: the emulator may be started through a launcher process.
    return javas.find((pid) => {
      for (let up = parents.get(pid); up !== undefined && up > 1; up = parents.get(up))
        if (up === process.pid) return true;
      return false;
    });
  } catch {
    // not Linux, or a process went away meanwhile
  }
  return undefined;
}

/** User + system CPU milliseconds of a process so far. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}

/**
 * A V8 CPU profile of this process while a phase runs, when the environment variable `variable`
 * names a file (for Chrome DevTools or speedscope); undefined otherwise.
 */
export async function startCpuProfile(
  variable: string,
  what: string,
  intervalUs = 1000,
): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env[variable];
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`  (CPU profile of ${what} written to ${file})`);
    },
  };
}
