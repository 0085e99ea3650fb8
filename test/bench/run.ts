import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";

/**
 * `npm run bench [-- name …]`: runs every benchmark of test/bench/ in turn, or only those named.
 * A benchmark is a module exporting `run(): Promise<void>` that prints its own figures; to add one,
 * add one line to BENCHMARKS. Each is imported only when its turn comes.
 */
interface Benchmark {
  run(): Promise<void>;
}

const BENCHMARKS: readonly [name: string, load: () => Promise<Benchmark>][] = [
  ["scoring", () => import("./scoring.ts")],
  ["api-writes", () => import("./api-writes.ts")],
  ["close-publish", () => import("./close-publish.ts")],
  ["documents", () => import("./documents.ts")],
  ["cold-start", () => import("./cold-start.ts")],
  ["measurements", () => import("./measurements.ts")],
];

const GIB = 1024 ** 3;

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => /^(model name|Hardware|cpu model)\s*:/.test(l));
    return line?.split(":").slice(1).join(":").trim() || "unknown";
  } catch {
    return "unknown (no /proc/cpuinfo)";
  }
}

function printMachine(): void {
  const heapLimit = getHeapStatistics().heap_size_limit;
  console.log("machine");
  console.log(`  cpu     ${cpuModel()}, ${availableParallelism()} cores available`);
  console.log(`  memory  ${(totalmem() / GIB).toFixed(1)} GiB`);
  console.log(
    `  node    ${process.version} (${process.platform}-${process.arch}), V8 heap limit ${(heapLimit / GIB).toFixed(1)} GiB`,
  );
  console.log();
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !BENCHMARKS.some(([n]) => n === name));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark(s): ${unknown.join(", ")}; known: ${BENCHMARKS.map(([n]) => n).join(", ")}`,
    );
    process.exitCode = 2;
    return;
  }
  printMachine();
  for (const [name, load] of BENCHMARKS) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    const started = performance.now();
    await (await load()).run();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s wall)\n`);
  }
}

await main();
