import { describe, expect, it } from "vitest";
import { appraise } from "../../../shared/services/appraisal.ts";
import { periodExport } from "../../../shared/services/period-scoring.ts";
import { sendReminders } from "../../../shared/services/reminders.ts";
import { periodResults } from "../../../shared/services/results.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import {
  appraisalPeriod,
  DEPARTMENT_ANSWERS,
  departmentsPeriod,
  runQueuedJobs,
} from "../../support/fakes/scenarios.ts";
import { at, by, ctxOf, DAY, refusal } from "../../support/fakes/world.ts";

/** A period appraised (so-1's 1.4 set to 4), scored finally and published. */
async function publishedPeriod() {
  const ports = memoryPorts();
  const world = await appraisalPeriod(ports);
  await appraise(ports, by.reviewer(), world.periodId, "so-1", "1.4", { value: 4, reason: "Bốn buổi" });
  await transitionPeriod(ports, by.admin(), world.periodId, { to: "final" });
  await runQueuedJobs(ports);
  await transitionPeriod(ports, by.admin(), world.periodId, { to: "published" });
  await runQueuedJobs(ports);
  return { ports, ...world };
}

describe("final scoring and publication", () => {
  it("scores the appraised values, keeps the final result on each head, and publishes v1 with pointers and index", async () => {
    const { ports, periodId } = await publishedPeriod();
    const period = await ports.periods.require(periodId);
    expect(period).toMatchObject({ state: "published", publication: { version: 1 } });
    expect(period.nextPublication).toBeUndefined();
    const { head } = await ports.submissions.load(periodId, "so-1", "department");
    expect(head.final?.points).toBeGreaterThan(head.provisional?.points ?? 0);
    const base = `public/rankings/${periodId}`;
    expect([...ports.published.files.keys()].sort()).toEqual(
      [
        `${base}.csv`,
        `${base}.json`,
        `${base}.method.json`,
        `${base}.xlsx`,
        `${base}/v1.csv`,
        `${base}/v1.json`,
        `${base}/v1.xlsx`,
        `${base}/v1.leaves.json`,
        "public/rankings/index.json",
        // The official documents: the appendix, each unit's scorecard, the organiser's ZIP.
        `${base}.pdf`,
        `${base}.docx`,
        `${base}/v1.pdf`,
        `${base}/v1.docx`,
        `${base}/units/so-1.pdf`,
        `${base}/units/so-2.pdf`,
        `${base}/v1/units/so-1.pdf`,
        `${base}/v1/units/so-2.pdf`,
        `${base}/phieu-ket-qua.zip`,
        `${base}/v1/phieu-ket-qua.zip`,
      ].sort(),
    );
    expect(period.publication?.documents).toBe(true);
    expect(ports.published.files.get(`${base}/v1/units/so-1.pdf`)?.cache).toBe("immutable");
    expect(ports.published.files.get(`${base}.pdf`)?.downloadName).toBe(
      `phu-luc-xep-hang-${periodId}-v1.pdf`,
    );
    expect(ports.published.files.get(`${base}/units/so-1.pdf`)?.downloadName).toBe(
      `phieu-ket-qua-${periodId}-so-1-v1.pdf`,
    );
    expect(ports.published.invalidated).toContain(`${base}/units/*`);
    expect(ports.published.files.get(`${base}/v1.json`)?.cache).toBe("immutable");
    // Saved as xep-hang-<period>-v<n>.<ext>, from the snapshot and its pointer alike; the index is not a download.
    for (const ext of ["csv", "xlsx", "json"])
      for (const key of [`${base}/v1.${ext}`, `${base}.${ext}`])
        expect(ports.published.files.get(key)?.downloadName, key).toBe(`xep-hang-${periodId}-v1.${ext}`);
    expect(ports.published.files.get("public/rankings/index.json")?.downloadName).toBeUndefined();
    expect(JSON.parse(ports.published.text("public/rankings/index.json") ?? "")).toMatchObject({
      periods: [{ periodId, version: 1, url: `/public/rankings/${periodId}.json`, documents: true }],
    });
    const snapshot = JSON.parse(ports.published.text(`${base}.json`) ?? "");
    expect(snapshot.groups[0].units[0]).toMatchObject({ code: "S1", rank: 1 });
    expect(ports.published.text(`${base}.csv`)).toContain("S1");
    expect(ports.published.invalidated).toContain("public/rankings/index.json");
    // The method file: the index set as ranked, every group's bands and every leaf's method.
    const method = JSON.parse(ports.published.text(`${base}.method.json`) ?? "");
    expect(method.period.id).toBe(periodId);
    expect(method.groups[0]).toMatchObject({ maxPoints: snapshot.groups[0].maxPoints });
    const leaves = (nodes: { method?: unknown; children?: never[] }[]): unknown[] =>
      nodes.flatMap((n) => (n.children ? leaves(n.children) : [n.method]));
    expect(leaves(method.groups[0].nodes).length).toBeGreaterThan(0);
    expect(ports.published.invalidated).toContain(`${base}.method.json`);
  });

  it("publishes a correction as v2, comparing with nothing earlier", async () => {
    const { ports, periodId } = await publishedPeriod();
    await transitionPeriod(ports, by.admin(), periodId, { to: "appraisal" });
    await appraise(ports, by.reviewer(), periodId, "so-2", "1.4", { accept: true });
    await transitionPeriod(ports, by.admin(), periodId, { to: "final" });
    await runQueuedJobs(ports);
    await transitionPeriod(ports, by.admin(), periodId, { to: "published" });
    await runQueuedJobs(ports);
    expect((await ports.periods.require(periodId)).publication?.version).toBe(2);
    expect(ports.published.files.has(`public/rankings/${periodId}/v2.json`)).toBe(true);
    expect(ports.published.files.has(`public/rankings/${periodId}/v1.json`)).toBe(true);
  });

  it("exports the scoring bundle once closed: provisional without appraisals, final with them", async () => {
    const { ports, periodId } = await publishedPeriod();
    const provisional = await periodExport(ports, periodId, "provisional");
    expect(provisional.appraisals).toBeUndefined();
    const final = await periodExport(ports, periodId, undefined);
    expect(final).toMatchObject({ version: 1, appraisals: { "so-1": { "1.4": 4 } } });
    const open = memoryPorts();
    const world = await departmentsPeriod(open);
    expect(await refusal(periodExport(open, world.periodId, undefined))).toBe("conflict/not-closed");
  });
});

describe("results", () => {
  it("gives each unit's ledger to staff, and a unit only its own", async () => {
    const { ports, periodId } = await publishedPeriod();
    const all = await periodResults(ports, by.reviewer(), periodId, { limit: 10 }, {});
    expect(all.items.map((r) => [r.unitId, r.submitted])).toEqual([
      ["so-1", true],
      ["so-2", false],
    ]);
    const leaf = all.items[0]?.leaves.find((l) => l.code === "1.4");
    expect(leaf).toMatchObject({ self: { value: 2 }, appraisal: { value: 4 }, final: { value: 4 } });
    expect(all.items[1]?.leaves[0]?.self.flags).toEqual(["not-submitted"]);
    const own = await periodResults(ports, by.editor("so-2"), periodId, { limit: 10 }, { unitId: "so-1" });
    expect(own.items.map((r) => r.unitId)).toEqual(["so-2"]);
  });

  it("refuses before the close (409) and callers without a unit or staff role (403)", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports);
    expect(await refusal(periodResults(ports, by.admin(), periodId, { limit: 1 }, {}))).toBe(
      "conflict/not-closed",
    );
    const other = memoryPorts();
    await appraisalPeriod(other);
    const nobody = { username: "x", roles: [] };
    expect(await refusal(periodResults(other, ctxOf(nobody), periodId, { limit: 1 }, {}))).toBe(
      "forbidden/forbidden",
    );
  });
});

describe("deadline reminders", () => {
  it("tells each unit that has not submitted what is missing, once per reminder day", async () => {
    const ports = memoryPorts();
    const { periodId } = await departmentsPeriod(ports, { units: 3, closesIn: 0.5 * DAY });
    await saveAnswers(
      ports,
      by.approver("so-1"),
      periodId,
      "so-1",
      { answers: DEPARTMENT_ANSWERS },
      undefined,
    );
    await submit(ports, by.approver("so-1"), periodId, "so-1");
    expect(await sendReminders(ports, by.admin())).toEqual({ sent: 2 });
    expect(ports.mailer.mail.map((m) => [m.unitId, m.to])).toEqual([
      ["so-2", ["so-2@example.vn"]],
      ["so-3", ["so-3@example.vn"]],
    ]);
    expect(ports.mailer.mail[0]?.subject).toContain("Còn 1 ngày");
    expect(ports.mailer.mail[0]?.text).toContain(
      "Chỉ số chưa trả lời (8): 1.1, 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 2.3.",
    );
    expect(await sendReminders(ports, by.admin(at(DAY / 4)))).toEqual({ sent: 0 });
  });

  it("sends nothing far from the deadline, and gives a claim back when sending fails", async () => {
    const ports = memoryPorts();
    await departmentsPeriod(ports, { units: 1, closesIn: 5 * DAY });
    expect(await sendReminders(ports, by.admin())).toEqual({ sent: 0 });
    ports.mailer.failMail = true;
    await expect(sendReminders(ports, by.admin(at(2.5 * DAY)))).rejects.toThrow("mail server");
    expect(ports.periods.reminders.size).toBe(0);
    ports.mailer.failMail = false;
    expect(await sendReminders(ports, by.admin(at(2.5 * DAY)))).toEqual({ sent: 1 });
  });
});
