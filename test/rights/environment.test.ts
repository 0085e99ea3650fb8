import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { ENV_READS_FILE } from "../support/bundles-setup.ts";

/**
 * Every environment variable each function read while the bundles project ran (its shipped bundle in
 * its own process with only the template's environment: infra/local/bundles/, recorded by the runtime)
 * against what its process had: a variable of ours that a function read and its template does not set
 * would be unset in the cloud too, and the code would fall back or fail there. "Ours" is every name
 * the sources of functions/ and shared/ read; the SDK's and Node's own (AWS_*, NODE_*) are not.
 */

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Ours that may be read unset, each with why: "NAME" for any function, "handler NAME" for one. Each
 * has a default, or is a switch for tests, or its absence means "not this function's part".
 */
const OPTIONAL: Record<string, string> = {
  "results/export DISTRIBUTION_ID":
    "it only reads published files: no CloudFront invalidation (those that publish have needs.invalidate)",
  MAX_EVIDENCE_BYTES: "a province's choice (settings); DEFAULT_MAX_EVIDENCE_BYTES otherwise",
  REMINDER_DAYS: "read by every function's settings; the reminder job, which uses it, gets it",
  ORIGIN_SECRET_HEADER: "defaults to x-chiso-origin-secret, the header CloudFront sends",
  JOB_FUNCTION_ARN: "the period job reads its own ARN from its invocation context (no circular reference)",
  CHISO_CHECK_RESPONSES: "a test switch (functions/http/api.ts); never set in the cloud",
  POWERTOOLS_SERVICE_NAME: "set in every template; defaults to chiso",
};

/** The names the sources read: `env.NAME`, `env["NAME"]`, `process.env.NAME`, `const { A, B } = env`. */
function ourNames(): Set<string> {
  const names = new Set<string>();
  const files = ["functions", "shared"].flatMap((dir) => sourceFiles(join(ROOT, dir)));
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[["']([A-Z][A-Z0-9_]+)["']\])/g))
      names.add((match[1] ?? match[2]) as string);
    for (const match of text.matchAll(/\{([A-Z0-9_,\s]+)\}\s*=\s*(?:process\.)?env\b/g))
      for (const name of (match[1] as string).split(",").map((n) => n.trim())) if (name) names.add(name);
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

const optional = (read: Read) => read.name in OPTIONAL || `${read.handler} ${read.name}` in OPTIONAL;

interface Read {
  handler: string;
  name: string;
  set: boolean;
}

function reads(): Read[] {
  if (!existsSync(ENV_READS_FILE))
    throw new Error(
      "no recorded environment reads in .cache/env-reads/: this file checks what the bundles project " +
        "recorded; run that first, or both: npx vitest run --project bundles --project rights",
    );
  return readFileSync(ENV_READS_FILE, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Read);
}

describe("the environment of each function", () => {
  const ours = ourNames();
  const recorded = reads();

  test("the sources' own names are found (the universe of the check)", () => {
    expect([...ours]).toEqual(
      expect.arrayContaining(["TABLE_NAME", "EVIDENCE_BUCKET", "SCHEDULE_GROUP", "JOB_FUNCTION_NAME"]),
    );
  });

  test("the reads come from the functions the bundles project exercises (the recorder is in place)", () => {
    // A function that reaches its store reads the tables' names, and its template gives them (one the
    // tests only call to be refused before that may not).
    const reading = recorded.filter((read) => read.name === "TABLE_NAME");
    expect(reading.every((read) => read.set)).toBe(true);
    expect(reading.length).toBeGreaterThanOrEqual(20);
    expect(reading.map((read) => read.handler)).toEqual(
      expect.arrayContaining([
        "evidence/add",
        "periods/transition",
        "jobs/period-job",
        "jobs/send-reminders",
      ]),
    );
  });

  test("every variable of ours a function reads is set for it in the template, unless optional", () => {
    const missing = recorded
      .filter((read) => !read.set && ours.has(read.name) && !optional(read))
      .map((read) => `${read.handler} reads ${read.name}, which its template does not set`);
    expect(missing).toEqual([]);
  });

  test("each optional variable is one of ours (the list stays short and current)", () => {
    const names = Object.keys(OPTIONAL).map((key) => key.split(" ").at(-1) as string);
    expect(names.filter((name) => !ours.has(name))).toEqual([]);
  });
});
