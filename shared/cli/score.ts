/**
 * `npm run -s score -- <bundle.json>`: recompute a ranking from a scoring bundle. Writes the ranking
 * snapshot JSON to stdout and nothing else; refusals go to stderr with a non-zero exit.
 */
import { readFile } from "node:fs/promises";
import { parseBundle } from "../engine/bundle.ts";
import { scorePeriod } from "../engine/score-period.ts";
import { toSnapshot } from "../engine/snapshot.ts";

const MAX_LISTED = 200;

async function main(args: string[]): Promise<number> {
  const [file, ...rest] = args;
  if (!file || rest.length > 0 || file === "--help" || file === "-h") {
    process.stderr.write("usage: npm run -s score -- <bundle.json>   (use - for standard input)\n");
    return 2;
  }
  let input: unknown;
  try {
    const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
    input = JSON.parse(text);
  } catch (error) {
    process.stderr.write(`score: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  const bundle = parseBundle(input);
  if (!bundle.ok) {
    const listed = bundle.issues.slice(0, MAX_LISTED).map((i) => `  ${i.path || "(bundle)"}: ${i.message}`);
    const more =
      bundle.issues.length > MAX_LISTED ? [`  … and ${bundle.issues.length - MAX_LISTED} more`] : [];
    process.stderr.write(
      `score: the bundle is refused (${bundle.issues.length} problems):\n${[...listed, ...more].join("\n")}\n`,
    );
    return 1;
  }
  const snapshot = toSnapshot(scorePeriod(bundle.value), bundle.value);
  process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await main(process.argv.slice(2));
