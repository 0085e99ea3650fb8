import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { scoreBundleFile } from "../../shared/cli/score-file.ts";
import { parseBundle } from "../../shared/engine/bundle.ts";
import { scorePeriod } from "../../shared/engine/score-period.ts";
import { toSnapshot } from "../../shared/engine/snapshot.ts";
import { type Framework, type FrameworkNode, isLeaf, type Leaf } from "../../shared/model/framework.ts";
import { parseFramework } from "../../shared/model/framework-rules.ts";
import type { RankingSnapshot } from "../../shared/model/snapshot.ts";
import { stepsMethod } from "../support/fixtures.ts";
import { generatePeriod, nationalUnits } from "../support/generate-period.ts";
import { int, load, mib, ms, table, times } from "./report.ts";

/**
 * Scoring and ranking a national-scale period in-process: 12,000 units × 100 leaves,
 * about 1.2 million answers, generated deterministically. Measured from the bundle's JSON text in
 * RUNS rounds after WARMUPS warm-ups, each round the CLI's path on a fresh parse, with a full GC
 * before every step:
 *   (a) JSON.parse of the text — the floor;
 *   (b) parseBundle: validation of the parsed bundle (envelope, framework, every answer);
 *   (c) scorePeriod + toSnapshot: scoring and ranking. Goal: (c) within 2× (a);
 *   (d) the score CLI's whole path, in-process (scoreBundleFile, the function the CLI runs): read the
 *       bundle file, JSON.parse, validate, score and rank, write the indented snapshot to a file.
 *       Goal: (d) within 2.5× (a). Validation, (b), within 0.5× (a).
 * Figures are medians over the rounds; ratios are taken within a round, so that a busy machine,
 * which slows whole rounds, moves them little.
 */

const UNITS = 12_000;
const LEAVES_PER_GROUP = 100;
const SEED = 2022;
const SUBMITTED_SHARE = 0.95;
const EVIDENCE_SHARE = 0.9;
const WARMUPS = 1;
const RUNS = 5;
const GOAL_RATIO = 2;
const VALIDATION_GOAL = 0.5;
const CLI_GOAL = 2.5;

// ---------------------------------------------------------------------------------------------------
// The framework: the sample's groups grown to LEAVES_PER_GROUP leaves each, with all eight methods.

/** A node of a framework file as written (before parseFramework fills defaults). */
interface RawNode {
  code: string;
  name: string;
  maxPoints: number;
  children?: RawNode[];
  method?: Record<string, unknown>;
  [field: string]: unknown;
}
interface RawGroup {
  id: string;
  nodes: RawNode[];
  [field: string]: unknown;
}
interface RawFramework {
  groups: RawGroup[];
  [field: string]: unknown;
}

const rawLeafCount = (node: RawNode): number =>
  node.children ? node.children.reduce((n, child) => n + rawLeafCount(child), 0) : 1;

/** A copy of a pillar with every code prefixed, so codes stay unique within the group. */
function renamed(node: RawNode, prefix: string, copy: number): RawNode {
  const out: RawNode = { ...node, code: `${prefix}${node.code}` };
  if (node.children) {
    out.name = `${node.name} (bản sao ${copy})`;
    out.children = node.children.map((child) => renamed(child, prefix, copy));
  }
  return out;
}

const LEVEL_OPTIONS = [
  { id: "full", label: "Đầy đủ", fraction: 1 },
  { id: "part", label: "Một phần", fraction: 0.5 },
  { id: "none", label: "Chưa có", fraction: 0 },
];

/** The methods of the synthetic pillar, in turn: relative and points are absent from the sample. */
const SYNTHETIC_METHODS: readonly { maxPoints: number; method: Record<string, unknown> }[] = [
  { maxPoints: 10, method: { type: "relative" } },
  { maxPoints: 0, method: { type: "info" } },
  { maxPoints: 10, method: { type: "points" } },
  { maxPoints: 10, method: { type: "yesno" } },
  { maxPoints: 10, method: { type: "level", options: LEVEL_OPTIONS } },
  { maxPoints: 10, method: { type: "ratio", target: 0.8, whenZero: "exclude" } },
  { maxPoints: 10, method: stepsMethod([0, 0], [3, 5], [6, 10]) },
  { maxPoints: 10, method: { type: "count", pointsEach: 2 } },
];

/** A pillar of `count` leaves cycling through all eight methods, capped below its children's sum. */
function syntheticPillar(count: number): RawNode {
  const children: RawNode[] = [];
  for (let i = 0; i < count; i++) {
    const { maxPoints, method } = SYNTHETIC_METHODS[
      i % SYNTHETIC_METHODS.length
    ] as (typeof SYNTHETIC_METHODS)[0];
    children.push({
      code: `X.${i + 1}`,
      name: `Chỉ số tổng hợp ${i + 1} (${method.type})`,
      maxPoints,
      method,
      evidence: { required: method.type !== "info" && i % 2 === 0, kinds: ["file", "url"] },
    });
  }
  const sum = children.reduce((s, c) => s + c.maxPoints, 0);
  return { code: "X", name: "Chỉ số bổ sung (tổng hợp)", maxPoints: Math.floor(sum * 0.9), children };
}

/**
 * Each group of the sample grown to exactly `leaves` leaves: copies of its pillars (codes prefixed
 * "R1-", "R2-", …) while they fit, then one synthetic pillar "X" of at least eight leaves that fills
 * the rest, so every method (relative and info included) appears in every group.
 */
export function nationalFramework(leaves: number): Framework {
  const sample = JSON.parse(
    readFileSync(new URL("../../shared/data/sample-framework-tq-2022.json", import.meta.url), "utf8"),
  ) as RawFramework;
  const room = leaves - SYNTHETIC_METHODS.length;
  const groups = sample.groups.map((group): RawGroup => {
    const nodes = [...group.nodes];
    let count = nodes.reduce((n, node) => n + rawLeafCount(node), 0);
    for (let copy = 1; ; copy++) {
      const before = count;
      for (const pillar of group.nodes) {
        const size = rawLeafCount(pillar);
        if (count + size > room) continue;
        nodes.push(renamed(pillar, `R${copy}-`, copy));
        count += size;
      }
      if (count === before) break;
    }
    nodes.push(syntheticPillar(leaves - count));
    return { ...group, nodes };
  });
  const parsed = parseFramework({ ...sample, id: "national-bench", groups });
  if (!parsed.ok) {
    const shown = parsed.issues.slice(0, 10).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`the benchmark framework is invalid:\n${shown.join("\n")}`);
  }
  return parsed.value;
}

function collectLeaves(nodes: readonly FrameworkNode[], out: Leaf[] = []): Leaf[] {
  for (const node of nodes) {
    if (isLeaf(node)) out.push(node);
    else collectLeaves(node.children, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Measuring.

/** A full garbage collection, so one step's garbage is not collected during the next. */
const collectGarbage: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/** Wall and CPU time (this process, user + system, every thread) of one call, in milliseconds. */
interface Timing {
  wall: number;
  cpu: number;
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  collectGarbage();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [result, { wall, cpu: (used.user + used.system) / 1000 }];
}

function timed<T>(fn: () => T): [T, Timing] {
  collectGarbage();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [result, { wall, cpu: (used.user + used.system) / 1000 }];
}

const sum = (a: Timing, b: Timing): Timing => ({ wall: a.wall + b.wall, cpu: a.cpu + b.cpu });

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Peak resident set size so far, in bytes (maxRSS is in KiB). */
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

// ---------------------------------------------------------------------------------------------------

/** One round: the whole path from the JSON text to the snapshot, each step timed on its own. */
interface Round {
  parse: Timing;
  validate: Timing;
  score: Timing;
  snapshot: Timing;
  cli: Timing;
  result: RankingSnapshot;
}

/** The CLI's path on the bundle file, its output written to `output` as `score … > output` does. */
async function cliRun(bundleFile: string, output: string): Promise<void> {
  const fd = openSync(output, "w");
  try {
    const outcome = await scoreBundleFile(bundleFile, (chunk) => {
      writeSync(fd, chunk);
    });
    if (!outcome.ok)
      throw new Error(`the CLI refused the generated bundle: ${JSON.stringify(outcome).slice(0, 500)}`);
  } finally {
    closeSync(fd);
  }
}

async function round(text: string, bundleFile: string, output: string): Promise<Round> {
  const [parsed, parse] = timed(() => JSON.parse(text) as unknown);
  const [checked, validate] = timed(() => parseBundle(parsed));
  if (!checked.ok) {
    const shown = checked.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
    throw new Error(`the generated bundle is refused:\n${shown.join("\n")}`);
  }
  const bundle = checked.value;
  const [score, scoreTime] = timed(() => scorePeriod(bundle));
  const [result, snapshot] = timed(() => toSnapshot(score, bundle));
  const [, cli] = await timedAsync(() => cliRun(bundleFile, output));
  return { parse, validate, score: scoreTime, snapshot, cli, result };
}

export async function run(): Promise<void> {
  const setupStart = performance.now();
  const framework = nationalFramework(LEAVES_PER_GROUP);
  const units = nationalUnits(UNITS);
  const leavesOfGroup = framework.groups.map((g) => collectLeaves(g.nodes).length);
  const methods = new Set(framework.groups.flatMap((g) => collectLeaves(g.nodes).map((l) => l.method.type)));

  // The previous period (another seed), so ranking includes rank change as a real period does.
  const common = { framework, units, submittedShare: SUBMITTED_SHARE, evidenceShare: EVIDENCE_SHARE };
  const before = generatePeriod({ ...common, seed: SEED - 1 });
  const previous: RankingSnapshot = toSnapshot(scorePeriod(before), before);

  let text: string;
  let answers = 0;
  let submitted = 0;
  {
    const bundle = { ...generatePeriod({ ...common, seed: SEED }), previous };
    for (const s of Object.values(bundle.submissions)) {
      answers += Object.keys(s.answers).length;
      if (s.submitted) submitted++;
    }
    text = JSON.stringify(bundle);
  }
  const work = mkdtempSync(join(tmpdir(), "chiso-bench-scoring-"));
  const bundleFile = join(work, "bundle.json");
  const output = join(work, "snapshot.json");
  writeFileSync(bundleFile, text);
  const setupMs = performance.now() - setupStart;
  const rssAfterSetup = peakRss();

  const kindsOf = framework.groups.map((g) => new Set(g.unitKinds));
  const leafResults = units.reduce(
    (n, u) => n + (leavesOfGroup[kindsOf.findIndex((k) => k.has(u.kind))] ?? 0),
    0,
  );

  console.log("scoring — score and rank a national-scale period in-process");
  console.log(
    `  input   ${int(units.length)} units in ${framework.groups.length} groups × ${leavesOfGroup.join("/")} leaves ` +
      `(${methods.size} methods) = ${int(leafResults)} leaf results; ${int(submitted)} submitted`,
  );
  console.log(
    `          ${int(answers)} answers in the bundle; JSON ${mib(Buffer.byteLength(text), 0)} ` +
      `(with a previous snapshot for rank change); set-up ${ms(setupMs)}`,
  );
  console.log(
    `  runs    ${RUNS} rounds after ${WARMUPS} warm-up; a round = (a) → (b) → (c) on a fresh parse, then (d); full GC before each step`,
  );
  const busy = loadavg()[0] ?? 0;
  console.log(`  load    average ${load()} (1, 5, 15 min) before the runs`);
  if (busy > availableParallelism() * 0.75)
    console.log(
      `  !       the machine is busy (load ${busy.toFixed(1)} on ${availableParallelism()} cores): wall times are inflated`,
    );
  console.log();

  // Interleaved rounds: on a shared machine every step of a round sees the same load, so the ratios
  // of a round are fair even when the absolute times drift.
  const rounds: Round[] = [];
  let cliOutput: Buffer;
  try {
    for (let r = 0; r < WARMUPS + RUNS; r++) {
      const result = await round(text, bundleFile, output);
      if (r >= WARMUPS) rounds.push(result);
    }
    cliOutput = readFileSync(output);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const last = rounds[rounds.length - 1]?.result;
  const ranked = last?.groups.reduce((n, g) => n + g.units.length, 0) ?? 0;
  if (ranked !== units.length) throw new Error(`the snapshot ranks ${ranked} units, not ${units.length}`);
  const digest = createHash("sha256").update(JSON.stringify(last)).digest("hex").slice(0, 16);
  // The CLI's file is the snapshot as published (indented by 2, a final newline), byte for byte.
  if (!cliOutput.equals(Buffer.from(`${JSON.stringify(last, null, 2)}\n`)))
    throw new Error("the CLI's output differs from JSON.stringify(snapshot, null, 2)");

  const steps: [name: string, of: (r: Round) => Timing][] = [
    ["(a) JSON.parse — the floor", (r) => r.parse],
    ["(b) parseBundle — validation", (r) => r.validate],
    ["(c) scorePeriod + toSnapshot", (r) => sum(r.score, r.snapshot)],
    ["      of which scorePeriod", (r) => r.score],
    ["      of which toSnapshot", (r) => r.snapshot],
    ["(b)+(c) — validation, scoring, ranking", (r) => sum(r.validate, sum(r.score, r.snapshot))],
    ["(a)+(b)+(c) — JSON text to snapshot", (r) => sum(r.parse, sum(r.validate, sum(r.score, r.snapshot)))],
    ["(d) score CLI — file to file, in-process", (r) => r.cli],
  ];
  /** Median over the rounds of each round's step ÷ floor, in wall or CPU time. */
  const ratio = (of: (r: Round) => Timing, clock: keyof Timing = "wall"): number =>
    median(rounds.map((r) => of(r)[clock] / r.parse[clock]));
  console.log(
    table([
      ["step", "wall median", "min", "max", "÷ floor", "CPU median", "÷ floor"],
      ...steps.map(([name, of]) => {
        const wall = rounds.map((r) => of(r).wall);
        return [
          name,
          ms(median(wall)),
          ms(Math.min(...wall)),
          ms(Math.max(...wall)),
          times(ratio(of)),
          ms(median(rounds.map((r) => of(r).cpu))),
          times(ratio(of, "cpu")),
        ];
      }),
    ]),
  );
  console.log(
    "  ÷ floor: the median over the rounds of the step ÷ that round's JSON.parse. CPU: this process's\n" +
      "  user + system time, all threads (GC helpers too): steadier than wall time on a busy machine.\n",
  );

  const scoring = (r: Round): Timing => sum(r.score, r.snapshot);
  const checked = (r: Round): Timing => sum(r.validate, scoring(r));
  const scoringWall = median(rounds.map((r) => scoring(r).wall));
  const goal = ratio(scoring);
  const goalCpu = ratio(scoring, "cpu");
  const best = Math.min(...rounds.map((r) => scoring(r).wall)) / Math.min(...rounds.map((r) => r.parse.wall));
  const scoringCpu = median(rounds.map((r) => scoring(r).cpu));
  const perSecond = (count: number, msTaken: number): string => int(Math.round(count / (msTaken / 1000)));
  console.log(
    `  throughput (c)   ${perSecond(leafResults, scoringWall)} leaves/s (${perSecond(units.length, scoringWall)} units/s), ` +
      `median wall; by CPU time ${perSecond(leafResults, scoringCpu)} leaves/s`,
  );
  console.log(
    `  goal             (c) ≤ ${GOAL_RATIO}× floor: wall ${times(goal)} (best ÷ best ${times(best)}), ` +
      `CPU ${times(goalCpu)} — ${goal <= GOAL_RATIO && goalCpu <= GOAL_RATIO ? "met" : "MISSED"}`,
  );
  console.log(`  (b)+(c) ÷ floor  wall ${times(ratio(checked))}, CPU ${times(ratio(checked, "cpu"))}`);
  const validation = ratio((r) => r.validate);
  const validationCpu = ratio((r) => r.validate, "cpu");
  console.log(
    `  goal             (b) ≤ ${VALIDATION_GOAL}× floor: wall ${times(validation)}, CPU ${times(validationCpu)} — ` +
      `${validation <= VALIDATION_GOAL && validationCpu <= VALIDATION_GOAL ? "met" : "MISSED"}`,
  );
  const cli = ratio((r) => r.cli);
  const cliCpu = ratio((r) => r.cli, "cpu");
  console.log(
    `  goal             (d) ≤ ${CLI_GOAL}× floor: wall ${times(cli)}, CPU ${times(cliCpu)} — ` +
      `${cli <= CLI_GOAL && cliCpu <= CLI_GOAL ? "met" : "MISSED"} (output ${mib(cliOutput.length, 0)}, ` +
      "byte for byte JSON.stringify(snapshot, null, 2))",
  );
  console.log(
    `  total time       ${ms(median(rounds.map((r) => sum(r.parse, checked(r)).wall)))} from JSON text to snapshot, (a)+(b)+(c), median`,
  );
  console.log(`  peak RSS         ${mib(peakRss(), 0)} (after set-up: ${mib(rssAfterSetup, 0)})`);
  console.log(`  load             average ${load()} after the runs`);
  console.log(`  snapshot digest  ${digest} (sha256 of its JSON; equal digests = identical rankings)`);
}
