import { readFile } from "node:fs/promises";
import { parseBundle } from "../engine/bundle.ts";
import { scorePeriod } from "../engine/score-period.ts";
import { toSnapshot } from "../engine/snapshot.ts";
import type { Issue } from "../model/issues.ts";
import { writePrettyJson } from "./pretty-json.ts";

/** How scoring a bundle file ended: written, unreadable (not a file, not JSON) or refused. */
export type ScoreOutcome = { ok: true } | { ok: false; unreadable: string } | { ok: false; issues: Issue[] };

/**
 * The score CLI's whole path for one bundle: read the file ("-": standard input), JSON.parse,
 * validate, score and rank, and hand the snapshot's JSON text (indented by 2, then a newline) to
 * `write` in pieces. Nothing is written for a bundle that is refused. The scoring bench times this.
 */
export async function scoreBundleFile(file: string, write: (text: string) => void): Promise<ScoreOutcome> {
  const input = await readJson(file);
  if (!input.ok) return input;
  const bundle = parseBundle(input.value);
  if (!bundle.ok) return bundle;
  writePrettyJson(toSnapshot(scorePeriod(bundle.value), bundle.value), write);
  return { ok: true };
}

/** The parsed JSON of a file ("-": standard input), or why it cannot be read. */
export async function readJson(
  file: string,
): Promise<{ ok: true; value: unknown } | { ok: false; unreadable: string }> {
  try {
    const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, unreadable: (error as Error).message };
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
