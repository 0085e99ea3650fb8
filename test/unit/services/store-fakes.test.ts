import { describe, expect, it } from "vitest";
import type { Period } from "../../../shared/model/period.ts";
import { type AuditEntry, JobLost, SubmissionWriteConflict } from "../../../shared/services/ports.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { at, DAY, refusal } from "../../support/fakes/world.ts";

/**
 * The fakes keep the conditions the services rely on, as the DynamoDB adapters do (the integration
 * suite proves those): a test on the fakes is only worth as much as these.
 */
const audit: AuditEntry = { entity: "e", action: "a", actor: "t", requestId: "r", time: at(0).toISOString() };

async function openPeriod() {
  const ports = memoryPorts();
  const { periodId } = await departmentsPeriod(ports);
  return { ports, periodId, read: () => ports.periods.require(periodId) };
}

describe("the period store", () => {
  it("refuses a taken id, and members of an unknown period", async () => {
    const { ports, periodId, read } = await openPeriod();
    expect(await refusal(ports.periods.create(await read(), new Map(), audit))).toBe(
      "conflict/period-exists",
    );
    expect(await refusal(ports.periods.members("nope"))).toBe("not-found/not-found");
    expect(await ports.periods.get("nope")).toBeUndefined();
    expect((await ports.periods.members(periodId)).size).toBe(2);
  });

  it("writes only what changed: a job's write keeps a rename made meanwhile, and never moves the counts", async () => {
    const { ports, periodId, read } = await openPeriod();
    const claimed = (await ports.periods.claimJob(periodId, "open", {
      runId: "x",
      now: "",
      leaseUntil: "",
    })) as Period | undefined;
    expect(claimed).toBeUndefined(); // no job to claim while open
    const current = await read();
    await ports.periods.update(current, { ...current, name: "Tên mới" }, audit);
    const stale = {
      ...current,
      job: { kind: "close", status: "running", runId: "run", done: 0, total: 1, queuedAt: "", attempts: 1 },
    } as Period;
    ports.periods.stored.set(periodId, { ...(await read()), job: stale.job });
    await ports.periods.update(
      stale,
      { ...stale, state: "appraisal", counts: { units: 9, submitted: 9, draft: 0 } },
      audit,
      { runId: "run" },
    );
    expect(await read()).toMatchObject({
      name: "Tên mới",
      state: "appraisal",
      counts: { units: 2, submitted: 0 },
    });
    await expect(ports.periods.update(stale, stale, audit, { runId: "other" })).rejects.toThrow(JobLost);
  });

  it("lets one attempt claim a job: a live lease keeps it, a lapsed one gives it to the next attempt", async () => {
    const { ports, periodId, read } = await openPeriod();
    const current = await read();
    const job = {
      kind: "close" as const,
      status: "failed" as const,
      done: 0,
      total: 4,
      queuedAt: "",
      attempts: 1,
      error: "x",
    };
    await ports.periods.update(current, { ...current, state: "closing", job }, audit);
    const claim = (runId: string, now: number) =>
      ports.periods.claimJob(periodId, "closing", {
        runId,
        now: at(now).toISOString(),
        leaseUntil: at(now + 30_000).toISOString(),
      });
    expect((await claim("a", 0))?.job).toMatchObject({ status: "running", runId: "a", attempts: 2 });
    expect((await read()).job?.error).toBeUndefined();
    expect(await claim("b", 10_000)).toBeUndefined();
    expect((await claim("c", 40_000))?.job).toMatchObject({ runId: "c", attempts: 3 });
    await expect(
      ports.periods.jobProgress(periodId, "a", { done: 1, total: 4, leaseUntil: "" }),
    ).rejects.toThrow(JobLost);
    await ports.periods.failJob(periodId, "c", { error: "boom", at: at(0).toISOString() });
    expect((await read()).job).toMatchObject({ status: "failed", error: "boom" });
    expect((await read()).job?.leaseUntil).toBeUndefined();
  });

  it("claims a reminder once until it is given back; keeps bundles by stage and time", async () => {
    const { ports, periodId } = await openPeriod();
    expect(await ports.periods.claimReminder(periodId, 1, "so-1", "t")).toBe(true);
    expect(await ports.periods.claimReminder(periodId, 1, "so-1", "t")).toBe(false);
    await ports.periods.releaseReminder(periodId, 1, "so-1");
    expect(await ports.periods.claimReminder(periodId, 1, "so-1", "t")).toBe(true);
    expect(await ports.periods.kept(periodId, "final", "t")).toBeUndefined();
    const bundle = { framework: { id: "fw" } } as never;
    await ports.periods.keep(periodId, "final", "t", bundle);
    expect(await ports.periods.kept(periodId, "final", "t")).toEqual(bundle);
  });
});

describe("the submission store", () => {
  const change = (periodId: string, over: Record<string, unknown> = {}) => ({
    periodId,
    unitId: "so-1",
    groupId: "department",
    expectVersion: 0,
    expectState: "draft" as const,
    period: { nowMs: at(0).getTime(), extended: false },
    audit: [audit],
    ...over,
  });

  it("writes on the version and state read, and says which condition failed", async () => {
    const { ports, periodId } = await openPeriod();
    expect(await ports.submissions.write(change(periodId))).toBe(1);
    const lost = await ports.submissions.write(change(periodId)).catch((e: unknown) => e);
    expect(lost).toMatchObject({ reason: "version", current: { version: 1 } });
    const state = await ports.submissions
      .write(change(periodId, { expectVersion: 1, expectState: "submitted" }))
      .catch((e: unknown) => e);
    expect(state).toMatchObject({ reason: "state" });
    const late = change(periodId, {
      expectVersion: 1,
      period: { nowMs: at(3 * DAY).getTime(), extended: false },
    });
    await expect(ports.submissions.write(late)).rejects.toThrow(SubmissionWriteConflict);
    expect((await ports.submissions.load(periodId, "so-1", "department")).head.version).toBe(1);
  });

  it("locks heads read in their state (again, idempotently), and refuses one that moved", async () => {
    const { ports, periodId } = await openPeriod();
    const result = { points: 0, index: 0, rank: 1, band: null, flags: [] };
    const heads = [
      { unitId: "so-1", groupId: "department", seenState: "draft" as const, submitted: false, result },
    ];
    await ports.submissions.lockWithResults(periodId, "t", heads);
    await ports.submissions.lockWithResults(periodId, "t", heads);
    expect((await ports.submissions.load(periodId, "so-1", "department")).head).toMatchObject({
      state: "locked",
      version: 0,
    });
    ports.submissions.partition(periodId, "so-2").head = { state: "submitted", version: 2 };
    await expect(
      ports.submissions.lockWithResults(periodId, "t", [
        { ...heads[0], unitId: "so-2" } as (typeof heads)[0],
      ]),
    ).rejects.toMatchObject({ reason: "state" });
  });
});
