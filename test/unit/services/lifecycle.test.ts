import { describe, expect, it } from "vitest";
import { closePeriod } from "../../../shared/services/close.ts";
import { JOB_LEASE_MS, runJob, startJob } from "../../../shared/services/jobs.ts";
import { patchPeriod } from "../../../shared/services/periods.ts";
import { JobLost } from "../../../shared/services/ports.ts";
import { runPeriodJob, transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { appraisalPeriod, departmentsPeriod, runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

describe("moving a period", () => {
  it("opens a draft and arms its close; refuses a passed deadline and moves the lifecycle forbids", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports, { draft: true });
    expect(await refusal(transitionPeriod(ports, by.admin(), periodId, { to: "final" }))).toBe(
      "conflict/transition-not-allowed",
    );
    expect(await refusal(transitionPeriod(ports, by.admin(at(3 * DAY)), periodId, { to: "open" }))).toBe(
      "conflict/deadline-passed",
    );
    expect(await refusal(transitionPeriod(ports, by.reviewer(), periodId, { to: "open" }))).toBe(
      "forbidden/forbidden",
    );
    const { period, started } = await transitionPeriod(ports, by.admin(), periodId, { to: "open" });
    expect({ state: period.state, started }).toEqual({ state: "open", started: false });
    expect(ports.scheduler.armed).toEqual([{ periodId, closesAt: period.closesAt }]);
    expect(ports.audit.actions(`period#${periodId}`)).toEqual(["period.create", "period.transition"]);
  });

  it("closes early as a job: the intent is recorded and queued, a double click starts nothing more", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const first = await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    expect(first).toMatchObject({
      started: true,
      period: { state: "closing", job: { kind: "close", status: "queued" } },
    });
    expect(ports.scheduler.armed.at(-1)).toEqual({ periodId, closesAt: null });
    const again = await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    expect(again.period.version).toBe(first.period.version);
    expect(ports.jobs.queued).toEqual([
      { periodId, kind: "close" },
      { periodId, kind: "close" },
    ]);
    await runQueuedJobs(ports);
    expect(await ports.periods.require(periodId)).toMatchObject({
      state: "appraisal",
      job: { status: "succeeded" },
    });
  });

  it("opens the explanation round only with a future explanation deadline", async () => {
    const ports = memoryPorts();
    const { periodId } = await appraisalPeriod(ports);
    expect(await refusal(transitionPeriod(ports, by.admin(), periodId, { to: "explanation" }))).toBe(
      "conflict/no-explanation-round",
    );
    await patchPeriod(ports, by.admin(), periodId, { explanationClosesAt: at(9 * DAY).toISOString() });
    const { period } = await transitionPeriod(ports, by.admin(), periodId, { to: "explanation" });
    expect(period.state).toBe("explanation");
  });
});

describe("the close", () => {
  it("locks every head with whether it submitted and its provisional result, and counts progress", async () => {
    const ports = memoryPorts();
    const { periodId } = await appraisalPeriod(ports, 3);
    const period = await ports.periods.require(periodId);
    expect(period).toMatchObject({ state: "appraisal", job: { status: "succeeded", done: 6, total: 6 } });
    expect(period.bests?.provisional?.department).toBeDefined();
    const heads = (await ports.submissions.listHeads(periodId, { limit: 10 })).items;
    expect(heads.map((h) => [h.unitId, h.state, h.submitted, h.provisional?.rank])).toEqual([
      ["so-1", "locked", true, 1],
      ["so-2", "locked", false, 2],
      ["so-3", "locked", false, 2],
    ]);
    expect(ports.audit.actions(`period#${periodId}`).slice(-2)).toEqual([
      "period.close-early",
      "period.scored",
    ]);
  });

  it("at the deadline, the schedule closes an open period; before it, it arms itself again", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const early = await closePeriod(ports, by.scheduler(at(DAY)), periodId);
    expect(early).toMatchObject({ changed: false, period: { state: "open" } });
    expect(ports.scheduler.armed.at(-1)?.periodId).toBe(periodId);
    const due = await closePeriod(ports, by.scheduler(at(2 * DAY)), periodId);
    expect(due).toMatchObject({ changed: true, period: { state: "appraisal" } });
    expect(await closePeriod(ports, by.scheduler(at(3 * DAY)), periodId)).toMatchObject({
      changed: false,
    });
  });

  it("refuses to finish when a head moved after it was read (a write that landed anyway)", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    const lock = ports.submissions.lockWithResults.bind(ports.submissions);
    ports.submissions.lockWithResults = async (id, closedAt, heads, onWritten) => {
      const part = ports.submissions.partition(id, "so-1");
      part.head = { ...part.head, state: "submitted", version: 1 };
      return lock(id, closedAt, heads, onWritten);
    };
    await expect(runQueuedJobs(ports)).rejects.toThrow("submission write refused: state");
    expect((await ports.periods.require(periodId)).job).toMatchObject({ status: "failed" });
  });
});

describe("a job attempt", () => {
  it("answers busy while another attempt holds a live lease, and takes over one that ran out", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    const claimed = await ports.periods.claimJob(periodId, "closing", {
      runId: "dead",
      now: at(0).toISOString(),
      leaseUntil: at(JOB_LEASE_MS).toISOString(),
    });
    expect(claimed?.job?.attempts).toBe(1);
    expect(await runPeriodJob(ports, by.scheduler(at(1000)), periodId, "close")).toMatchObject({
      busy: true,
      changed: false,
      state: "closing",
    });
    const later = await runPeriodJob(ports, by.scheduler(at(JOB_LEASE_MS + 1000)), periodId, "close");
    expect(later).toMatchObject({ changed: true, state: "appraisal" });
    expect((await ports.periods.require(periodId)).job?.attempts).toBe(2);
  });

  it("stops without writing when another attempt took the job over meanwhile", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    const outcome = await runJob(ports, by.scheduler(), periodId, "close", async () => {
      const stored = ports.periods.stored.get(periodId);
      if (stored?.job) stored.job.runId = "another"; // its lease ran out and another attempt claimed it
      return { changes: {}, audit: { action: "period.scored", after: {} } };
    });
    expect(outcome).toBe("lost");
    expect((await ports.periods.require(periodId)).state).toBe("closing");
    await expect(
      ports.periods.jobProgress(periodId, "mine", { done: 1, total: 2, leaseUntil: "" }),
    ).rejects.toThrow(JobLost);
  });

  it("records a failed attempt; asking again queues it again with its changes kept", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    const closedAt = (await ports.periods.require(periodId)).closedAt;
    await expect(
      runJob(ports, by.scheduler(), periodId, "close", async () => {
        throw new Error("the disk is full");
      }),
    ).rejects.toThrow("the disk is full");
    const failed = await ports.periods.require(periodId);
    expect(failed.job).toMatchObject({ status: "failed", error: "the disk is full" });
    const retried = await startJob(ports, by.admin(), failed, "close");
    expect(retried).toMatchObject({ state: "closing", closedAt, job: { status: "queued", attempts: 1 } });
    expect(ports.audit.actions(`period#${periodId}`).at(-1)).toBe("period.job-retry");
  });
});
