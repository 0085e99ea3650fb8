import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { resumeLifecycle } from "../../infra/local/jobs.ts";
import { roundIndex, roundPoints } from "../../shared/engine/rounding.ts";
import { scorePeriod } from "../../shared/engine/score-period.ts";
import { isTransient } from "../../shared/lifecycle.ts";
import { JOB_STATES, type JobKind, type Period } from "../../shared/model/period.ts";
import { appraise } from "../../shared/services/appraisal.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import type { Ports } from "../../shared/services/context.ts";
import { documentKeys } from "../../shared/services/documents.ts";
import { JOB_LEASE_MS } from "../../shared/services/jobs.ts";
import { periodExport } from "../../shared/services/period-scoring.ts";
import { runPeriodJob, transitionPeriod } from "../../shared/services/transitions.ts";
import { s3Config } from "../../shared/store/evidence-files.ts";
import type { SubmissionHead } from "../../shared/store/submissions.ts";
import {
  ADMIN,
  actorCtx,
  answeredPeriod,
  departmentsWorld,
  REVIEWER,
  type Recorders,
  runJobInChild,
  stackServices,
} from "../support/in-process.ts";
import { runScoreCli } from "../support/lifecycle.ts";
import { runBundledScoreCli } from "../support/score-cli.ts";

/**
 * The crash harness: each job (close, final scoring, publication) runs in a child process that is
 * killed (SIGKILL) after each of its writes in turn — every write boundary — and at random moments;
 * the job is then run again, as Lambda's retry or the local stack's start does, and the period must
 * converge: every unit locked once with the state it had at the close, every accepted appraisal in
 * the final scores, the published files equal to the score CLI's output on the export, byte for
 * byte, and every official document written, each pointer equal to its immutable file.
 */

/**
 * Close and final scoring write per unit (locks, results): eight units. Publication writes two files
 * per unit (scorecard and its pointer) beside a fixed set, and each boundary costs a whole period:
 * three units keep every case (an appraisal accepted as yes, one as no, a unit that did not submit,
 * two sets of answers) with fewer boundaries.
 */
const UNITS: Record<JobKind, number> = { close: 8, finalize: 8, publish: 3 };
const RANDOM_KILLS = 3;
/** Periods brought to their job's start while the harness kills and checks earlier ones. */
const AHEAD = 2;
/** Score CLI processes at once, beside the harness's own work (2 cores). */
const CLI_SLOTS = 2;

type World = Awaited<ReturnType<typeof departmentsWorld>>;
type Before = Awaited<ReturnType<typeof periodBefore>>;
const recorders: Recorders = { armed: [], queued: [] };
const worlds = new Map<number, World>();
let svc: Ports;
let s3: S3Client;
let round = 0;

beforeAll(async () => {
  svc = stackServices(recorders);
  s3 = new S3Client(s3Config(process.env.S3_ENDPOINT));
  for (const units of new Set(Object.values(UNITS)))
    worlds.set(units, await departmentsWorld(svc, `crash${units}`, units));
});

/**
 * The job run again in this process, as a retry would: later than the lease of an attempt that was
 * killed (Lambda retries a failed invocation after a minute), so it takes the job over.
 */
const inline = (ports: Ports, kind: JobKind, periodId: string) =>
  runPeriodJob(
    ports,
    { ...actorCtx(SCHEDULER), now: new Date(Date.now() + JOB_LEASE_MS + 1000) },
    periodId,
    kind,
  );

/** A period brought to the moment `kind`'s job has been recorded (queued) but not run. */
async function periodBefore(kind: JobKind) {
  const world = worlds.get(UNITS[kind]) as World;
  const periodId = `${world.prefix}-r${round++}`;
  const submitted = await answeredPeriod(svc, world, periodId);
  const appraised = new Map<string, boolean>();
  if (kind !== "close") {
    await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "appraisal" });
    await inline(svc, "close", periodId);
    // A reviewer sets 1.1 on every other unit (accepted 200s that final scoring must count).
    for (const [i, unitId] of world.unitIds.entries()) {
      if (i % 2) continue;
      const value = i % 4 === 0;
      await appraise(svc, actorCtx(REVIEWER), periodId, unitId, "1.1", { value, reason: "kiểm tra lại" });
      appraised.set(unitId, value);
    }
    await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "final" });
    if (kind === "publish") {
      await inline(svc, "finalize", periodId);
      await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "published" });
    }
  } else await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "appraisal" });
  const period = await svc.periods.require(periodId);
  expect(period.job).toMatchObject({ kind, status: "queued" });
  return { periodId, world, submitted, appraised };
}

/**
 * `kind`'s periods, each prepared (periodBefore) while earlier ones are killed and checked: `take`
 * hands the next one, `prepare(n)` keeps n being prepared behind it. Each period is used once.
 */
function preparedPeriods(kind: JobKind) {
  const ready: Promise<Before>[] = [];
  const start = () => {
    const before = periodBefore(kind);
    before.catch(() => undefined); // awaited when taken; no unhandled rejection before that
    return before;
  };
  return {
    take: (): Promise<Before> => ready.shift() ?? start(),
    prepare(ahead: number): void {
      while (ready.length < ahead) ready.push(start());
    },
  };
}

/**
 * Each published ranking against the score CLI on its own period's export: every period's bundle is
 * distinct (its id, name and publication time are in it), so the CLI runs once per period. It runs
 * as its source bundled once (bundledScript) by node, which starts in a fifth of tsx's time, in the
 * background, at most CLI_SLOTS at once, while the harness goes on; with `asTheOrganiser`, also as
 * `npm run -s score` runs it (tsx), and the two print the same bytes.
 */
function cliChecks() {
  const running = new Set<Promise<unknown>>();
  const all: Promise<void>[] = [];
  return {
    async add(
      periodId: string,
      bundle: unknown,
      published: Record<string, string>,
      asTheOrganiser = false,
    ): Promise<void> {
      while (running.size >= CLI_SLOTS) await Promise.race(running);
      const check = (async () => {
        const file = join(inject("chisoStack").dataDir, `${periodId}-export.json`);
        await writeFile(file, JSON.stringify(bundle));
        const cli = await runBundledScoreCli(file);
        expect(cli.code, cli.stderr).toBe(0);
        for (const [key, body] of Object.entries(published)) expect(body, key).toBe(cli.stdout);
        if (!asTheOrganiser) return;
        const organiser = await runScoreCli(file);
        expect(organiser.code, organiser.stderr).toBe(0);
        expect(organiser.stdout, "tsx and the bundle print the same").toBe(cli.stdout);
      })();
      check.catch(() => undefined); // awaited by settle()
      const slot = check.catch(() => undefined).finally(() => running.delete(slot));
      running.add(slot);
      all.push(check);
    },
    /** Every check so far passed (else the first failure). */
    settle: async () => void (await Promise.all(all.splice(0))),
  };
}

const cli = cliChecks();

async function heads(periodId: string): Promise<SubmissionHead[]> {
  return (await svc.submissions.listHeads(periodId, { limit: 1000 })).items;
}

const TARGET: Record<JobKind, Period["state"]> = {
  close: "appraisal",
  finalize: "final",
  publish: "published",
};

/**
 * The period converged: in the target state, the job succeeded once, every unit's result exact.
 * A publication's files are read now; their check against the score CLI is queued (cli.settle()),
 * `asTheOrganiser` as well (cliChecks).
 */
async function expectConverged(kind: JobKind, before: Before, asTheOrganiser = false) {
  const { periodId, world, submitted, appraised } = before;
  const period = await svc.periods.require(periodId);
  expect(period.state).toBe(TARGET[kind]);
  expect(period.job).toMatchObject({ kind, status: "succeeded" });
  const audit = await svc.audit.list({ entity: `period#${periodId}` }, { limit: 1000 });
  const finishes = { close: "period.scored", finalize: "period.transition", publish: "period.publish" };
  const finished = audit.items.filter(
    (r) => r.action === finishes[kind] && (r.before as { state?: string })?.state === JOB_STATES[kind].during,
  );
  expect(finished, "the job finished once").toHaveLength(1);

  const rows = await heads(periodId);
  expect(rows.map((h) => h.unitId).sort()).toEqual([...world.unitIds].sort());
  for (const head of rows) {
    expect(head.state, head.unitId).toBe("locked");
    expect((head as unknown as { lockedAt: string }).lockedAt, head.unitId).toBe(period.closedAt);
    expect(head.submitted, head.unitId).toBe(submitted.has(head.unitId));
  }
  // Every unit's kept result is the engine's on the export (what anyone can recompute).
  const stage = kind === "close" ? "provisional" : "final";
  const bundle = await periodExport(svc, periodId, stage);
  for (const [unitId, value] of appraised)
    expect(bundle.appraisals?.[unitId]?.["1.1"], `${unitId}'s appraisal`).toBe(value);
  const score = scorePeriod(bundle);
  expect(score.groups.flatMap((g) => g.units.map((u) => u.unit.id)).sort()).toEqual(
    [...world.unitIds].sort(),
  );
  for (const group of score.groups)
    for (const u of group.units) {
      const head = rows.find((h) => h.unitId === u.unit.id);
      expect(head?.[stage], u.unit.id).toMatchObject({
        points: roundPoints(u.points),
        index: roundIndex(u.index),
        rank: u.rank,
      });
    }
  if (kind === "publish") {
    expect(period.publication).toMatchObject({ version: 1, documents: true });
    expect(period.nextPublication).toBeUndefined();
    const published: Record<string, string> = {};
    for (const key of [`public/rankings/${periodId}.json`, `public/rankings/${periodId}/v1.json`])
      published[key] = await text(key);
    await expectDocuments(periodId, world.unitIds);
    await cli.add(periodId, bundle, published, asTheOrganiser);
  }
}

const text = async (key: string) => Buffer.from((await svc.published.get(key)) ?? []).toString("utf8");
const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The keys the site bucket holds under `prefix`. */
async function listed(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: process.env.SITE_BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ""));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/**
 * The publication's documents, all written: the appendix (PDF, DOCX), one scorecard per unit and no
 * other, the ZIP of every scorecard; each pointer equal to its immutable file; the index says so.
 */
async function expectDocuments(periodId: string, unitIds: string[]) {
  const keys = documentKeys(periodId, 1);
  const pairs = {
    "appendix.pdf": keys.appendix("pdf"),
    "appendix.docx": keys.appendix("docx"),
    zip: keys.zip,
    ...Object.fromEntries(unitIds.map((unitId) => [unitId, keys.scorecard(unitId)])),
  };
  const files = Object.fromEntries(
    await Promise.all(
      Object.entries(pairs).map(async ([name, { file, pointer }]) => {
        const [immutable, moving] = await Promise.all([svc.published.get(file), svc.published.get(pointer)]);
        expect(immutable, `${name}: ${file}`).toBeDefined();
        expect(Buffer.compare(Buffer.from(moving ?? []), Buffer.from(immutable ?? [])), pointer).toBe(0);
        return [name, immutable ?? new Uint8Array()] as const;
      }),
    ),
  );
  // What each file is by its first bytes: "%PDF", or a ZIP's local header "PK\3\4" (DOCX, ZIP).
  const magic = (name: string) =>
    Buffer.from(files[name] ?? [])
      .subarray(0, 4)
      .toString("hex");
  for (const name of ["appendix.pdf", ...unitIds]) expect(magic(name), name).toBe("25504446");
  for (const name of ["appendix.docx", "zip"]) expect(magic(name), name).toBe("504b0304");
  // One scorecard per unit, in v1 and as pointers: none missing, none left over.
  const base = `public/rankings/${periodId}`;
  expect(await listed(`${base}/v1/units/`)).toEqual(unitIds.map((u) => keys.scorecard(u).file).sort());
  expect(await listed(`${base}/units/`)).toEqual(unitIds.map((u) => keys.scorecard(u).pointer).sort());
  // The ZIP: a PDF and a DOCX per unit, its PDFs the scorecards published.
  const entries = Object.entries(unzipSync(files.zip ?? new Uint8Array()));
  expect(entries).toHaveLength(2 * unitIds.length);
  expect(entries.filter(([name]) => name.endsWith(".docx"))).toHaveLength(unitIds.length);
  expect(
    entries
      .filter(([name]) => name.endsWith(".pdf"))
      .map(([, bytes]) => sha(bytes))
      .sort(),
  ).toEqual(unitIds.map((u) => sha(files[u] ?? new Uint8Array())).sort());
  const index = JSON.parse(await text("public/rankings/index.json")) as {
    periods: { periodId: string; version: number; documents?: boolean }[];
  };
  expect(index.periods.find((p) => p.periodId === periodId)).toMatchObject({ version: 1, documents: true });
}

describe.each(["close", "finalize", "publish"] as const)("the %s job", (kind) => {
  let writesOfACleanRun = 0;
  let cleanMs = 0;
  const periods = preparedPeriods(kind);

  it("runs to its end in a child process of its own", async () => {
    const before = await periods.take();
    const started = Date.now();
    const run = await runJobInChild(before.periodId, kind);
    cleanMs = Date.now() - started;
    periods.prepare(AHEAD); // the first killed runs' periods, while this one is checked
    expect(run.outcome?.result).toMatchObject({ changed: true, state: TARGET[kind] });
    writesOfACleanRun = run.outcome?.writes ?? 0;
    expect(writesOfACleanRun).toBeGreaterThan(2);
    await expectConverged(kind, before, true);
    await cli.settle();
  });

  it("converges when killed after each of its writes, then run again", async () => {
    expect(writesOfACleanRun, "the clean run came first").toBeGreaterThan(0);
    // Progress writes are throttled by time, so a run may write a little more or less than the clean
    // one: kill after k writes for every k until a run ends by itself. The periods prepared ahead and
    // not needed here are the random kills' (AHEAD <= RANDOM_KILLS).
    for (let k = 1; ; k++) {
      const before = await periods.take();
      periods.prepare(AHEAD);
      const run = await runJobInChild(before.periodId, kind, { killAfterWrites: k });
      // Half the retries as Lambda retries the invocation, half as the local stack resumes at start.
      if (k % 2) await inline(svc, kind, before.periodId);
      else await resumeInline(before.periodId);
      await expectConverged(kind, before);
      if (!run.signal) {
        expect(k, "a run ended by itself only once past its last write").toBeGreaterThan(
          writesOfACleanRun - 2,
        );
        console.log(`crash harness: the ${kind} job killed after each of its ${k - 1} writes, converged`);
        break;
      }
      expect(run.signal).toBe("SIGKILL");
      expect(k, "killed no later than its writes allow").toBeLessThan(writesOfACleanRun + 4);
    }
    await cli.settle();
  }, 240_000);

  it("converges when killed at random moments, then run again", async () => {
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const before = await periods.take();
      periods.prepare(Math.min(AHEAD, RANDOM_KILLS - 1 - i));
      await runJobInChild(before.periodId, kind, { killAfterMs: Math.random() * cleanMs });
      await inline(svc, kind, before.periodId);
      await expectConverged(kind, before);
    }
    await cli.settle();
  }, 120_000);
});

/** The local stack's start: every period in a transient state gets its job started again. */
async function resumeInline(periodId: string): Promise<void> {
  const queued: { periodId: string; kind: JobKind }[] = [];
  await resumeLifecycle(svc, { arm: async () => undefined } as never, {
    enqueue: async (job) => void queued.push(job),
  });
  const mine = queued.filter((job) => job.periodId === periodId);
  // Unless the killed attempt had already made its last write, the period waits in its transient state.
  const { state } = await svc.periods.require(periodId);
  expect(mine).toHaveLength(isTransient(state) ? 1 : 0);
  for (const job of mine) await inline(svc, job.kind, job.periodId);
}
