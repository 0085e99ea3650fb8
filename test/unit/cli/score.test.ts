import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { restateFromJson } from "../../../shared/engine/restate.ts";
import { runBundledScoreCli, runScoreCli } from "../../support/score-cli.ts";

// Black-box tests of `npm run -s score -- <bundle.json>`: the real CLI in a child process, one per
// test, the tests at once. The two that print a snapshot run it as the organiser does (tsx, about two
// seconds of CPU per start); the refusals run the same source bundled once, by node (a fifth of that),
// with the same arguments, exit code and output.

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = join(root, "test", "fixtures");
const bundlePath = join(fixtures, "all-methods-bundle.json");
const work = mkdtempSync(join(tmpdir(), "chiso-score-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The same command as the npm script, without npm's own start-up. */
const score = runScoreCli;
/** The same CLI bundled, for the refusals (runBundledScoreCli). */
const scoreBundled = runBundledScoreCli;

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

/** The parts of a bundle that the variants below change. */
interface BundleJson {
  framework: { groups: { nodes: { maxPoints: number }[] }[] };
  submissions: Record<string, { answers: Record<string, unknown> }>;
}

function answersOf(bundle: BundleJson, unitId: string): Record<string, unknown> {
  const submission = bundle.submissions[unitId];
  if (!submission) throw new Error(`the fixture has no submission for ${unitId}`);
  return submission.answers;
}

/** Whether one line of stderr names all of these (a unit id and a leaf code, say). */
const namedOnOneLine = (stderr: string, ...parts: string[]): boolean =>
  stderr.split("\n").some((line) => parts.every((part) => line.includes(part)));

/** Writes a variant of the fixture bundle and returns its path. */
function variant(name: string, change: (bundle: BundleJson) => void): string {
  const bundle = readJson(bundlePath) as BundleJson;
  change(bundle);
  const path = join(work, name);
  writeFileSync(path, JSON.stringify(bundle));
  return path;
}

describe.concurrent("score CLI", { timeout: 30_000 }, () => {
  test("prints exactly the hand-computed snapshot of the fixture bundle", async () => {
    const run = await score(bundlePath);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toStrictEqual(readJson(join(fixtures, "all-methods-expected.json")));
  });

  test("refuses an answer to an unknown leaf code, naming the unit and the code", async () => {
    const path = variant("unknown-leaf.json", (b) => {
      answersOf(b, "so-noi-vu")["9.9"] = true;
    });
    const run = await scoreBundled(path);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(namedOnOneLine(run.stderr, "so-noi-vu", "9.9"), run.stderr).toBe(true);
  });

  test("refuses a ratio whose numerator exceeds its denominator, naming the unit and the code", async () => {
    const path = variant("bad-ratio.json", (b) => {
      answersOf(b, "xa-da-vi")["1.1"] = { numerator: 5, denominator: 4 };
    });
    const run = await scoreBundled(path);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(namedOnOneLine(run.stderr, "xa-da-vi", "1.1", "numerator"), run.stderr).toBe(true);
  });

  test("refuses a bad framework, naming the path of the problem", async () => {
    // Node 2 of the department group: children add up to 70, less than 80.
    const path = variant("bad-framework.json", (b) => {
      const node = b.framework.groups[0]?.nodes[1];
      if (!node) throw new Error("the fixture's department group has no node 2");
      node.maxPoints = 80;
    });
    const run = await scoreBundled(path);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("framework.groups.0.nodes.1.maxPoints");
  });

  test("refuses malformed JSON", async () => {
    const path = join(work, "malformed.json");
    writeFileSync(path, '{"framework": {');
    const run = await scoreBundled(path);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(path);
  });

  test("refuses a missing file", async () => {
    const path = join(work, "no-such-bundle.json");
    const run = await scoreBundled(path);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(path);
  });
});

/** `npm run -s score -- restate <snapshot> <units>`, as the organiser runs it. */
const restate = (snapshot: string, units: string) => runScoreCli("restate", snapshot, units);
/** The same, bundled (runBundledScoreCli). */
const restateBundled = (snapshot: string, units: string) => runBundledScoreCli("restate", snapshot, units);

describe.concurrent("score CLI: restate", { timeout: 30_000 }, () => {
  const snapshotPath = join(fixtures, "all-methods-expected.json");
  const unitsPath = join(fixtures, "restate-units.json");
  const units = (name: string, list: unknown[]): string => {
    const path = join(work, name);
    writeFileSync(path, JSON.stringify({ units: list }));
    return path;
  };

  test("prints the restated snapshot and nothing else; the unit left out is a note on stderr", async () => {
    const run = await restate(snapshotPath, unitsPath);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    const expected = restateFromJson(readJson(snapshotPath), readJson(unitsPath));
    expect(expected.ok && printed).toStrictEqual(expected.ok && expected.value.snapshot);
    // Hand-computed in test/unit/engine/restate.test.ts: Bình Kim = mean(Bình Yên, Kim Lực).
    expect(printed.groups[1].units[1]).toMatchObject({
      unitId: "xa-binh-kim",
      rank: 2,
      points: 51.67,
      index: 0.5167,
    });
    expect(run.stderr).toContain("xa-tan-trao");
    expect(run.stderr).not.toContain("refused");
  });

  test("refuses predecessors in two groups, naming the unit, with nothing on stdout", async () => {
    const path = units("two-groups.json", [
      { id: "xa-lien-hop", code: "X1", name: "Xã Liên Hợp", predecessorIds: ["xa-kim-luc", "so-y-te"] },
    ]);
    const run = await restateBundled(snapshotPath, path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(namedOnOneLine(run.stderr, "xa-lien-hop", "xa-kim-luc", "so-y-te"), run.stderr).toBe(true);
  });

  test("refuses a predecessor named by two units, naming both", async () => {
    const path = units("twice.json", [
      { id: "xa-a", code: "X1", name: "Xã A", predecessorIds: ["xa-kim-luc"] },
      { id: "xa-b", code: "X2", name: "Xã B", predecessorIds: ["xa-kim-luc", "xa-da-vi"] },
    ]);
    const run = await restateBundled(snapshotPath, path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(namedOnOneLine(run.stderr, "xa-a", "xa-b", "xa-kim-luc"), run.stderr).toBe(true);
  });

  test("refuses a bad snapshot and a units file of the wrong shape, with their paths", async () => {
    const bad = join(work, "bad-snapshot.json");
    writeFileSync(bad, JSON.stringify({ ...(readJson(snapshotPath) as object), groups: "none" }));
    const path = units("no-name.json", [{ id: "xa-a", code: "X1" }]);
    const run = await restateBundled(bad, path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("snapshot.groups");
    expect(run.stderr).toContain("units.0.name");
  });

  test("refuses an unreadable units file", async () => {
    const path = join(work, "no-such-units.json");
    const run = await restateBundled(snapshotPath, path);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(path);
  });
});
