import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { resumeLifecycle } from "../../infra/local/jobs.ts";
import { roundIndex, roundPoints } from "../../shared/engine/rounding.ts";
import { scorePeriod } from "../../shared/engine/score-period.ts";
import { isTransient } from "../../shared/lifecycle.ts";
import { JOB_STATES, type JobKind, type Period } from "../../shared/model/period.ts";
import { appraise } from "../../shared/services/appraisal.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import type { Ports } from "../../shared/services/context.ts";
import { JOB_LEASE_MS } from "../../shared/services/jobs.ts";
import { periodExport } from "../../shared/services/period-scoring.ts";
import { runPeriodJob, transitionPeriod } from "../../shared/services/transitions.ts";
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

/**
 * The crash harness: each job (close, final scoring, publication) runs in a child process that is
 * killed (SIGKILL) after each of its writes in turn — every write boundary — and at random moments;
 * the job is then run again, as Lambda's retry or the local stack's start does, and the period must
 * converge: every unit locked once with the state it had at the close, every accepted appraisal in
 * the final scores, and the published files equal to the score CLI's output on the export, byte for
 * byte.
 */

const UNITS = 8;
const RANDOM_KILLS = 3;
const recorders: Recorders = { armed: [], queued: [] };
let svc: Ports;
let world: Awaited<ReturnType<typeof departmentsWorld>>;
let round = 0;

beforeAll(async () => {
  svc = stackServices(recorders);
  world = await departmentsWorld(svc, "crash", UNITS);
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
  return { periodId, submitted, appraised };
}

async function heads(periodId: string): Promise<SubmissionHead[]> {
  return (await svc.submissions.listHeads(periodId, { limit: 1000 })).items;
}

const TARGET: Record<JobKind, Period["state"]> = {
  close: "appraisal",
  finalize: "final",
  publish: "published",
};

/** The period converged: in the target state, the job succeeded once, every unit's result exact. */
async function expectConverged(kind: JobKind, before: Awaited<ReturnType<typeof periodBefore>>) {
  const { periodId, submitted, appraised } = before;
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
    expect(period.publication?.version).toBe(1);
    const file = join(inject("chisoStack").dataDir, `${periodId}-export.json`);
    await writeFile(file, JSON.stringify(bundle));
    const cli = await runScoreCli(file);
    expect(cli.code, cli.stderr).toBe(0);
    for (const key of [`public/rankings/${periodId}.json`, `public/rankings/${periodId}/v1.json`]) {
      const published = await svc.published.get(key);
      expect(Buffer.from(published ?? []).toString("utf8"), key).toBe(cli.stdout);
    }
  }
}

describe.each(["close", "finalize", "publish"] as const)("the %s job", (kind) => {
  let writesOfACleanRun = 0;
  let cleanMs = 0;

  it("runs to its end in a child process of its own", async () => {
    const before = await periodBefore(kind);
    const started = Date.now();
    const run = await runJobInChild(before.periodId, kind);
    cleanMs = Date.now() - started;
    expect(run.outcome?.result).toMatchObject({ changed: true, state: TARGET[kind] });
    writesOfACleanRun = run.outcome?.writes ?? 0;
    expect(writesOfACleanRun).toBeGreaterThan(2);
    await expectConverged(kind, before);
  });

  it("converges when killed after each of its writes, then run again", async () => {
    expect(writesOfACleanRun, "the clean run came first").toBeGreaterThan(0);
    // Progress writes are throttled by time, so a run may write a little more or less than the clean
    // one: kill after k writes for every k until a run ends by itself.
    for (let k = 1; ; k++) {
      const before = await periodBefore(kind);
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
      expect(k, "killed no later than its writes allow").toBeLessThan(writesOfACleanRun + 4);
    }
  }, 240_000);

  it("converges when killed at random moments, then run again", async () => {
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const before = await periodBefore(kind);
      await runJobInChild(before.periodId, kind, { killAfterMs: Math.random() * cleanMs });
      await inline(svc, kind, before.periodId);
      await expectConverged(kind, before);
    }
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
