import { loadavg } from "node:os";
import { startEmptyStack } from "../support/empty-stack.ts";

/** What the benchmarks share: the formatting of their reports, and an empty local stack to run on. */

export const ms = (x: number): string => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;
export const int = (n: number): string => Math.round(n).toLocaleString("en-US");
export const times = (x: number): string => `${x.toFixed(2)}×`;
export const mib = (bytes: number, digits = 1): string => `${(bytes / 1024 ** 2).toFixed(digits)} MiB`;
/** The load averages over 1, 5 and 15 minutes: a busy machine explains a slow run. */
export const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

/** A text table: the first column left-aligned, the others right-aligned, indented by two. */
export function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows
    .map(
      (row) =>
        `  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("   ")}`,
    )
    .join("\n");
}

/** The admin's password of the benchmarks' own stacks. */
export const BENCH_ADMIN_PASSWORD = "Bench@12345";

/** An empty local stack on a fresh data folder, removed when it stops. */
export const startBenchStack = (name: string) =>
  startEmptyStack(`bench-${name}`, { adminPassword: BENCH_ADMIN_PASSWORD });
