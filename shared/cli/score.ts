/**
 * `npm run -s score -- <bundle.json>`: recompute a ranking from a scoring bundle.
 * `npm run -s score -- restate <snapshot.json> <units.json>`: restate a published ranking on new units.
 * Either writes the ranking snapshot JSON to stdout and nothing else; refusals go to stderr with a
 * non-zero exit.
 */
import { restateFromJson } from "../engine/restate.ts";
import type { Issue } from "../model/issues.ts";
import { writePrettyJson } from "./pretty-json.ts";
import { readJson as readJsonOf, scoreBundleFile } from "./score-file.ts";

const MAX_LISTED = 200;
const USAGE = [
  "usage: npm run -s score -- <bundle.json>                      (use - for standard input)",
  "       npm run -s score -- restate <snapshot.json> <units.json>",
];

async function main(args: string[]): Promise<number> {
  if (args[0] === "restate") return restate(args.slice(1));
  const [file, ...rest] = args;
  if (!file || rest.length > 0 || file === "--help" || file === "-h") return usage();
  // The snapshot goes out in pieces as it is written (stdout is synchronous for files and pipes).
  const outcome = await scoreBundleFile(file, (text) => process.stdout.write(text));
  if (outcome.ok) return 0;
  if ("unreadable" in outcome) return cannotRead(file, outcome.unreadable);
  return refuse("bundle", outcome.issues);
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
  writePrettyJson(restated.value.snapshot, (text) => process.stdout.write(text));
  return 0;
}

function usage(): number {
  process.stderr.write(`${USAGE.join("\n")}\n`);
  return 2;
}

/** The parsed JSON of a file ("-": standard input), or false with the reason on stderr. */
async function readJson(file: string): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const read = await readJsonOf(file);
  if (!read.ok) cannotRead(file, read.unreadable);
  return read;
}

function cannotRead(file: string, reason: string): number {
  process.stderr.write(`score: cannot read ${file}: ${reason}\n`);
  return 2;
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

process.exitCode = await main(process.argv.slice(2));
