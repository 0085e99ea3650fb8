import { describe, expect, it } from "vitest";
import { frameworkSchema } from "../../../shared/model/framework.ts";
import { carryLinks, carryOver } from "../../../shared/services/carry-over.ts";
import { importFramework } from "../../../shared/services/frameworks.ts";
import { submissionFacts } from "../../../shared/services/period-scoring.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import {
  DEPARTMENT_ANSWERS,
  departmentsPeriod,
  frameworkBody,
  openLaterPeriod,
} from "../../support/fakes/scenarios.ts";
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
  await openLaterPeriod(ports, "p2", ["so-1", "so-2", "so-3", "so-4"]);
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
    await openLaterPeriod(ports, "p3", ["so-1", "so-3"], 40 * DAY);
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

/**
 * A new version of the integration framework (fw): the department group renumbered and rewritten,
 * its map naming fw. The commune group is unchanged.
 */
function nextVersion(): Record<string, unknown> {
  const base = frameworkBody("fw-2") as { groups: { id: string; nodes: unknown[] }[] };
  const yesno = { type: "yesno" };
  const ratio = { type: "ratio", target: 1, whenZero: "full" };
  const leaf = (code: string, method: unknown, maxPoints = 10) => ({
    code,
    name: `Chỉ tiêu ${code}`,
    maxPoints,
    method,
  });
  const level = {
    type: "level",
    options: [
      { id: "head", label: "Người đứng đầu", fraction: 1 },
      { id: "deputy", label: "Cấp phó", fraction: 0.5 },
      { id: "none", label: "Chưa phân công", fraction: 0 },
    ],
  };
  const department = {
    ...(base.groups.find((g) => g.id === "department") as object),
    nodes: [
      {
        code: "1",
        name: "Nhận thức số",
        maxPoints: 50,
        children: [
          leaf("1.1", yesno), // mapped from the old 2.3
          leaf("1.2", level), // the same code and method, but mapped "new"
          leaf("1.3", ratio, 5), // the old 1.3 split in two
          leaf("1.4", { type: "count", pointsEach: 2 }), // no line, the same code, another method
          leaf("1.5", yesno), // mapped "same" from the old 1.5, a count: its value is refused
          leaf("1.6", ratio, 5),
        ],
      },
      {
        code: "2",
        name: "Hạ tầng số",
        maxPoints: 50,
        children: [
          leaf("2.1", { type: "points" }, 20), // no line: code for code
          leaf("2.2", { type: "relative" }, 20),
          leaf("2.3", yesno), // mapped from the old 1.1
          leaf("2.4", { type: "info" }, 0),
        ],
      },
    ],
  };
  return {
    ...base,
    groups: base.groups.map((g) => (g.id === "department" ? department : g)),
    predecessor: {
      frameworkId: "fw",
      map: [
        { group: "department", code: "1.1", from: ["2.3"], relation: "renamed" },
        { group: "department", code: "2.3", from: ["1.1"], relation: "renamed" },
        { group: "department", code: "1.2", relation: "new" },
        { group: "department", code: "1.3", from: ["1.3"], relation: "split" },
        { group: "department", code: "1.6", from: ["1.3"], relation: "split" },
        { group: "department", code: "1.5", from: ["1.5"], relation: "same" },
      ],
    },
  };
}

describe("answers carried over across versions of the index set", () => {
  it("follows the predecessor's map where it has a line, code for code (same method) elsewhere", async () => {
    const ports = memoryPorts();
    await departmentsPeriod(ports, { periodId: "p1", closesIn: 2 * DAY });
    await saveAnswers(ports, by.editor("so-1"), "p1", "so-1", { answers: DEPARTMENT_ANSWERS }, undefined);
    await importFramework(ports, by.admin(), nextVersion());
    await createPeriod(ports, by.admin(), {
      id: "p2",
      name: "Kỳ 2",
      frameworkId: "fw-2",
      unitIds: ["so-1"],
      opensAt: at(-DAY).toISOString(),
      closesAt: at(20 * DAY).toISOString(),
    });
    await transitionPeriod(ports, by.admin(), "p2", { to: "open" });
    const view = await carryOver(ports, by.editor("so-1"), "p2", "so-1");
    // 1.1 and 2.3 swapped by the map; 2.1, 2.2, 2.4 by their codes. Not carried: 1.2 (mapped new),
    // 1.3 and 1.6 (a split), 1.4 (no line, the method changed), 1.5 (mapped, a count the yes/no refuses).
    expect(Object.keys(view.answers).sort()).toEqual(["1.1", "2.1", "2.2", "2.3", "2.4"]);
    expect(view.answers["1.1"]).toMatchObject({ value: false, carried: true });
    expect(view.answers["2.3"]).toMatchObject({ value: true, carried: true });
    expect(view.answers["2.1"]).toMatchObject({ value: 12.5, carried: true });
    const records = ports.audit.records.filter((r) => r.entity === "submission#p2#so-1");
    const from = records.find((r) => (r.after as { code: string }).code === "1.1")?.before;
    expect(from).toEqual({ code: "1.1", from: { periodId: "p1", unitId: "so-1", code: "2.3" } });
  });

  it("does not carry on an answer that was itself carried and never confirmed", async () => {
    const ports = await twoPeriods();
    await carryOver(ports, by.editor("so-1"), "p2", "so-1");
    await saveAnswers(
      ports,
      by.editor("so-1"),
      "p2",
      "so-1",
      { answers: { "2.1": { value: 12.5 } } },
      undefined,
    );
    await openLaterPeriod(ports, "p3", ["so-1"], 40 * DAY);
    const view = await carryOver(ports, by.editor("so-1"), "p3", "so-1");
    expect(Object.keys(view.answers)).toEqual(["2.1"]);
  });
});

describe("carryLinks", () => {
  const fw = frameworkSchema.parse(frameworkBody("fw"));
  const codes = (links: Map<string, { from: string }>) =>
    Object.fromEntries([...links].map(([code, link]) => [code, link.from]));

  it("carries nothing from an older ancestor than the predecessor the map names", () => {
    const next = frameworkSchema.parse({ ...nextVersion(), id: "fw-3" });
    const third = { ...next, predecessor: { frameworkId: "fw-2", map: [] } };
    expect(carryLinks(third, "department", fw, "department").size).toBe(0);
    // Its own predecessor: the map's lines and the implicit ones.
    expect(codes(carryLinks(frameworkSchema.parse(nextVersion()), "department", fw, "department"))).toEqual({
      "1.1": "2.3",
      "2.3": "1.1",
      "1.4": "1.4",
      "1.5": "1.5",
      "2.1": "2.1",
      "2.2": "2.2",
      "2.4": "2.4",
    });
  });

  it("code for code with no map, in the same framework, and for a unit that changed group", () => {
    const { predecessor: _p, ...unmapped } = frameworkSchema.parse(nextVersion());
    expect(carryLinks(unmapped, "department", fw, "department").get("1.2")).toEqual({
      from: "1.2",
      mapped: false,
    });
    expect(carryLinks(fw, "department", fw, "department").size).toBe(9);
    expect(codes(carryLinks(fw, "department", fw, "commune"))).toEqual({ "1.1": "1.1", "1.2": "1.2" });
  });
});
