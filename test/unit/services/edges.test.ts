import { describe, expect, it } from "vitest";
import { closePeriod } from "../../../shared/services/close.ts";
import { addEvidence, evidenceDownload } from "../../../shared/services/evidence.ts";
import { extendUnitDeadline, patchPeriod } from "../../../shared/services/periods.ts";
import { SubmissionWriteConflict } from "../../../shared/services/ports.ts";
import { previousRef } from "../../../shared/services/previous.ts";
import { periodResults } from "../../../shared/services/results.ts";
import { getSubmission, saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { parseIfMatch } from "../../../shared/services/unit-scope.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { appraisalPeriod, departmentsPeriod, runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

describe("If-Match and lost races", () => {
  it('reads a version as 3, "3" or W/"3"; none for empty or *; refuses anything else', () => {
    expect(["3", '"3"', 'W/"3"', ' "3" '].map(parseIfMatch)).toEqual([3, 3, 3, 3]);
    expect([undefined, "", "*"].map(parseIfMatch)).toEqual([undefined, undefined, undefined]);
    expect(() => parseIfMatch("abc")).toThrow(/If-Match must be a version/);
  });

  it("gives up with 409 busy when every attempt loses a race", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    ports.submissions.write = async () => {
      throw new SubmissionWriteConflict("version", { version: 99 });
    };
    const body = { answers: { "1.4": { value: 1 } } };
    expect(await refusal(saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, undefined))).toBe(
      "conflict/busy",
    );
  });

  it("answers 409 state-changed when the submission was submitted between the read and the write", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const write = ports.submissions.write.bind(ports.submissions);
    ports.submissions.write = async (change) => {
      const part = ports.submissions.partition(periodId, "so-1");
      part.head = { ...part.head, state: "submitted", version: 0 };
      return write(change);
    };
    const body = { answers: { "1.4": { value: 1 } } };
    expect(await refusal(saveAnswers(ports, by.editor("so-1"), periodId, "so-1", body, undefined))).toBe(
      "conflict/state-changed",
    );
  });
});

describe("who reads a submission", () => {
  it("the unit and staff read it; other units and callers of units outside the period get 404", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    expect(await getSubmission(ports, by.reviewer(), periodId, "so-1")).toMatchObject({
      unitId: "so-1",
      groupId: "department",
      version: 0,
      editable: true,
    });
    expect(await refusal(getSubmission(ports, by.editor("so-2"), periodId, "so-1"))).toBe(
      "not-found/not-found",
    );
    expect(await refusal(getSubmission(ports, by.admin(), periodId, "ghost"))).toBe("not-found/not-found");
    expect(await refusal(getSubmission(ports, by.admin(), "nope", "so-1"))).toBe("not-found/not-found");
  });

  it("a URL's download is the URL itself; unknown evidence is 404", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const editor = by.editor("so-1");
    const url = "https://so-1.example.vn/";
    const { evidence } = await addEvidence(ports, editor, periodId, "so-1", { indicatorCodes: ["2.3"], url });
    expect(await evidenceDownload(ports, by.reviewer(), periodId, "so-1", evidence?.id as string)).toEqual({
      url,
    });
    expect(await refusal(evidenceDownload(ports, editor, periodId, "so-1", "nope"))).toBe(
      "not-found/not-found",
    );
  });
});

describe("deadlines and the close schedule", () => {
  it("a draft period's deadline moves without arming; opening arms it", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports, { draft: true });
    await patchPeriod(ports, by.admin(), periodId, { closesAt: at(3 * DAY).toISOString() });
    expect(ports.scheduler.armed).toEqual([{ periodId, closesAt: null }]);
    await transitionPeriod(ports, by.admin(), periodId, { to: "open" });
    expect(Date.parse(ports.scheduler.armed.at(-1)?.closesAt ?? "")).toBe(at(3 * DAY).getTime());
  });

  it("the close waits for the latest unit deadline; the extended unit writes and submits until then", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await extendUnitDeadline(ports, by.admin(), periodId, "so-2", { closesAt: at(4 * DAY).toISOString() });
    expect(await closePeriod(ports, by.scheduler(at(2 * DAY)), periodId)).toMatchObject({
      changed: false,
    });
    const late = by.approver("so-2", at(3 * DAY));
    await saveAnswers(ports, late, periodId, "so-2", { answers: { "1.4": { value: 2 } } }, undefined);
    expect(await submit(ports, late, periodId, "so-2")).toMatchObject({ state: "submitted" });
    expect(await closePeriod(ports, by.scheduler(at(4 * DAY)), periodId)).toMatchObject({
      changed: true,
    });
    const { head } = await ports.submissions.load(periodId, "so-2", "department");
    expect(head).toMatchObject({ state: "locked", submitted: true, provisional: { rank: 1 } });
  });

  it("refuses a period change made on a version that is no longer stored (409 period-changed)", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    const read = await ports.periods.require(periodId);
    await ports.periods.update(
      read,
      { ...read, name: "một" },
      { entity: "e", action: "a", actor: "x", requestId: "r", time: "t" },
    );
    expect(
      await refusal(
        ports.periods.update(
          read,
          { ...read, name: "hai" },
          { entity: "e", action: "a", actor: "x", requestId: "r2", time: "t" },
        ),
      ),
    ).toBe("conflict/period-changed");
  });
});

describe("results", () => {
  it("pages the units by group then unit, filtered by unit and group; bad cursors are refused", async () => {
    const ports = memoryPorts();
    const { periodId } = await appraisalPeriod(ports, 3);
    const first = await periodResults(ports, by.admin(), periodId, { limit: 2 }, {});
    expect(first.items.map((r) => r.unitId)).toEqual(["so-1", "so-2"]);
    const rest = await periodResults(
      ports,
      by.admin(),
      periodId,
      { limit: 2, cursor: first.nextCursor ?? undefined },
      {},
    );
    expect(rest).toMatchObject({ items: [{ unitId: "so-3", code: "S3", name: "Sở 3" }], nextCursor: null });
    expect(
      (await periodResults(ports, by.admin(), periodId, { limit: 5 }, { unitId: "so-2" })).items,
    ).toHaveLength(1);
    expect(
      (await periodResults(ports, by.admin(), periodId, { limit: 5 }, { groupId: "commune" })).items,
    ).toEqual([]);
    expect(await refusal(periodResults(ports, by.admin(), periodId, { limit: 5, cursor: "!!" }, {}))).toBe(
      "bad-request/bad-cursor",
    );
  });
});

describe("the snapshot a publication compares with", () => {
  it("is the latest published period of the same framework lineage that closed earlier", async () => {
    const ports = memoryPorts();
    const first = await appraisalPeriod(ports);
    expect(await previousRef(ports, await ports.periods.require(first.periodId))).toBeNull();
    await transitionPeriod(ports, by.admin(), first.periodId, { to: "final" });
    await runQueuedJobs(ports);
    await transitionPeriod(ports, by.admin(), first.periodId, { to: "published" });
    await runQueuedJobs(ports);
    const second = await departmentsPeriod(ports, { periodId: "ky-2026", closesIn: 30 * DAY });
    expect(await previousRef(ports, await ports.periods.require(second.periodId))).toEqual({
      periodId: first.periodId,
      version: 1,
    });
    await transitionPeriod(ports, by.admin(), second.periodId, { to: "appraisal" });
    await runQueuedJobs(ports);
    await transitionPeriod(ports, by.admin(), second.periodId, { to: "final" });
    await runQueuedJobs(ports);
    await transitionPeriod(ports, by.admin(), second.periodId, { to: "published" });
    await runQueuedJobs(ports);
    const snapshot = JSON.parse(ports.published.text(`public/rankings/${second.periodId}.json`) ?? "");
    // Against the first period: nobody submitted this time, so no rank change (a rule change, DOMAIN.md §5:
    // it needs a submission in both periods; before it, so-2's shared first place showed "▲1").
    expect(snapshot.groups[0].units.map((u: { rankChange: number | null }) => u.rankChange)).toEqual([
      null,
      null,
    ]);
    expect((await ports.periods.require(second.periodId)).publication?.previous).toEqual({
      periodId: first.periodId,
      version: 1,
    });
    const index = JSON.parse(ports.published.text("public/rankings/index.json") ?? "");
    expect(index.periods.map((p: { periodId: string }) => p.periodId)).toEqual([
      second.periodId,
      first.periodId,
    ]);
  });
});

describe("the audit log", () => {
  it("lists an entity's records newest first, and a day's records", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    await patchPeriod(ports, by.admin(at(1000)), periodId, { name: "Kỳ đổi tên" });
    const byEntity = await ports.audit.list({ entity: `period#${periodId}` }, { limit: 2 });
    expect(byEntity.items.map((r) => r.action)).toEqual(["period.update", "period.create"]);
    const older = await ports.audit.list(
      { entity: `period#${periodId}` },
      { limit: 2, cursor: byEntity.nextCursor ?? undefined },
    );
    expect(older.items.map((r) => r.action)).toEqual(["period.transition"]);
    const day = await ports.audit.list({ day: at(0).toISOString().slice(0, 10) }, { limit: 100 });
    expect(day.items.length).toBeGreaterThan(3);
  });
});
