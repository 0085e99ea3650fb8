import { describe, expect, it } from "vitest";
import { carryOver } from "../../../shared/services/carry-over.ts";
import { submissionFacts } from "../../../shared/services/period-scoring.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { DEPARTMENT_ANSWERS, departmentsPeriod } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

/** A first period answered by so-1, and a second one (closing later) of so-1, so-2 and so-3 (so-1's successor). */
async function twoPeriods() {
  const ports = memoryPorts();
  await departmentsPeriod(ports, { periodId: "p1", closesIn: 2 * DAY });
  await saveAnswers(ports, by.editor("so-1"), "p1", "so-1", { answers: DEPARTMENT_ANSWERS }, undefined);
  await upsertUnits(ports, by.admin(), {
    units: [
      { id: "so-3", code: "S3", name: "Sở 3", kind: "department", predecessorIds: ["so-1"] },
      { id: "so-4", code: "S4", name: "Sở 4", kind: "department", predecessorIds: ["so-1", "so-2"] },
    ],
  });
  await createPeriod(ports, by.admin(), {
    id: "p2",
    name: "Kỳ 2",
    frameworkId: "fw",
    unitIds: ["so-1", "so-2", "so-3", "so-4"],
    opensAt: at(-DAY).toISOString(),
    closesAt: at(20 * DAY).toISOString(),
  });
  await transitionPeriod(ports, by.admin(), "p2", { to: "open" });
  return ports;
}

describe("answers carried over", () => {
  it("copies the last submission's answers, marked carried, counted nowhere until confirmed", async () => {
    const ports = await twoPeriods();
    const view = await carryOver(ports, by.editor("so-1"), "p2", "so-1");
    expect(Object.keys(view.answers).sort()).toEqual(Object.keys(DEPARTMENT_ANSWERS).sort());
    expect(view.answers["1.2"]).toMatchObject({ value: "deputy", note: "Quyết định 12/QĐ", carried: true });
    expect(view.preview.points).toBe(0);
    const stored = await ports.submissions.load("p2", "so-1", "department");
    expect(submissionFacts(stored).answers).toEqual({});
    expect(ports.audit.actions("submission#p2#so-1")).toEqual(
      Array(Object.keys(DEPARTMENT_ANSWERS).length).fill("answer.carry"),
    );
    // Saving (the same value: "Xác nhận", or another) confirms it: it counts from then on.
    const saved = await saveAnswers(
      ports,
      by.editor("so-1"),
      "p2",
      "so-1",
      { answers: { "2.1": { value: 12.5 } } },
      undefined,
    );
    expect(saved.answers["2.1"]).not.toHaveProperty("carried");
    expect(saved.preview.points).toBeGreaterThan(0);
    await saveAnswers(
      ports,
      by.editor("so-1"),
      "p2",
      "so-1",
      { answers: { "1.4": { value: 1 } } },
      undefined,
    );
    // A second call overwrites nothing the unit changed, and copies nothing new.
    const again = await carryOver(ports, by.editor("so-1"), "p2", "so-1");
    expect(again.answers["1.4"]).toMatchObject({ value: 1 });
    expect(again.answers["1.4"]).not.toHaveProperty("carried");
    expect(again.version).toBe(saved.version + 1);
  });

  it("takes a successor's only predecessor's answers, and none for a merger of several", async () => {
    const ports = await twoPeriods();
    const successor = await carryOver(ports, by.editor("so-3"), "p2", "so-3");
    expect(successor.answers["2.1"]).toMatchObject({ value: 12.5, carried: true });
    const merger = await carryOver(ports, by.editor("so-4"), "p2", "so-4");
    expect(merger.answers).toEqual({});
  });

  it("prefers the unit's own latest period over its predecessor's", async () => {
    const ports = await twoPeriods();
    await carryOver(ports, by.editor("so-3"), "p2", "so-3");
    await saveAnswers(
      ports,
      by.editor("so-3"),
      "p2",
      "so-3",
      { answers: { "2.1": { value: 7.5 } } },
      undefined,
    );
    await createPeriod(ports, by.admin(), {
      id: "p3",
      name: "Kỳ 3",
      frameworkId: "fw",
      unitIds: ["so-1", "so-3"],
      opensAt: at(-DAY).toISOString(),
      closesAt: at(40 * DAY).toISOString(),
    });
    await transitionPeriod(ports, by.admin(), "p3", { to: "open" });
    const own = await carryOver(ports, by.editor("so-3"), "p3", "so-3");
    expect(own.answers["2.1"]).toMatchObject({ value: 7.5, carried: true });
    // The latest period it took part in is the source, even when it answered nothing there.
    const latest = await carryOver(ports, by.editor("so-1"), "p3", "so-1");
    expect(latest.answers).toEqual({});
  });

  it("only the unit's own editors, only into a draft of an open period", async () => {
    const ports = await twoPeriods();
    expect(await refusal(carryOver(ports, by.editor("so-2"), "p2", "so-1"))).toBe("not-found/not-found");
    expect(await refusal(carryOver(ports, by.reviewer(), "p2", "so-1"))).toBe("forbidden/forbidden");
    await submit(ports, by.approver("so-2"), "p2", "so-2");
    expect(await refusal(carryOver(ports, by.editor("so-2"), "p2", "so-2"))).toMatch(/^conflict\//);
    expect(await refusal(carryOver(ports, by.editor("so-1", at(30 * DAY)), "p2", "so-1"))).toMatch(
      /^conflict\//,
    );
  });
});
