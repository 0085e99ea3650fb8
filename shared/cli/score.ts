/**
 * `npm run -s score -- <bundle.json>`: recompute a ranking from a scoring bundle.
 * `npm run -s score -- restate <snapshot.json> <units.json>`: restate a published ranking on new units.
 * Either writes the ranking snapshot JSON to stdout and nothing else; refusals go to stderr with a
 * non-zero exit.
 */
import { readFile } from "node:fs/promises";
import { parseBundle } from "../engine/bundle.ts";
import { restateFromJson } from "../engine/restate.ts";
import { scorePeriod } from "../engine/score-period.ts";
import { toSnapshot } from "../engine/snapshot.ts";
import type { Issue } from "../model/issues.ts";

const MAX_LISTED = 200;
const USAGE = [
  "usage: npm run -s score -- <bundle.json>                      (use - for standard input)",
  "       npm run -s score -- restate <snapshot.json> <units.json>",
];

async function main(args: string[]): Promise<number> {
  if (args[0] === "restate") return restate(args.slice(1));
  const [file, ...rest] = args;
  if (!file || rest.length > 0 || file === "--help" || file === "-h") return usage();
  const input = await readJson(file);
  if (!input.ok) return 2;
  const bundle = parseBundle(input.value);
  if (!bundle.ok) return refuse("bundle", bundle.issues);
  const snapshot = toSnapshot(scorePeriod(bundle.value), bundle.value);
  process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
  return 0;
}

async function restate(args: string[]): Promise<number> {
  const [snapshotFile, unitsFile, ...rest] = args;
  if (!snapshotFile || !unitsFile || rest.length > 0) return usage();
  const snapshot = await readJson(snapshotFile);
  const units = await readJson(unitsFile);
  if (!snapshot.ok || !units.ok) return 2;
  const restated = restateFromJson(snapshot.value, units.value);
  if (!restated.ok) return refuse("restatement", restated.issues);
  const { leftOut } = restated.value;
  if (leftOut.length > 0)
    process.stderr.write(
      `score: note: left out, none of their predecessors is in the snapshot: ${leftOut.join(", ")}\n`,
    );
  process.stdout.write(`${JSON.stringify(restated.value.snapshot, null, 2)}\n`);
  return 0;
}

function usage(): number {
  process.stderr.write(`${USAGE.join("\n")}\n`);
  return 2;
}

/** The parsed JSON of a file ("-": standard input), or false with the reason on stderr. */
async function readJson(file: string): Promise<{ ok: true; value: unknown } | { ok: false }> {
  try {
    const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    process.stderr.write(`score: cannot read ${file}: ${(error as Error).message}\n`);
    return { ok: false };
  }
}

/** Every problem (up to MAX_LISTED) on stderr; exit 1. */
function refuse(what: "bundle" | "restatement", issues: readonly Issue[]): number {
  const listed = issues.slice(0, MAX_LISTED).map((i) => `  ${i.path || `(${what})`}: ${i.message}`);
  const more = issues.length > MAX_LISTED ? [`  … and ${issues.length - MAX_LISTED} more`] : [];
  process.stderr.write(
    `score: the ${what} is refused (${issues.length} problems):\n${[...listed, ...more].join("\n")}\n`,
  );
  return 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await main(process.argv.slice(2));
