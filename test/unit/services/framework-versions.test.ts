import { describe, expect, it } from "vitest";
import { rankingSnapshotSchema } from "../../../shared/model/snapshot.ts";
import { importFramework } from "../../../shared/services/frameworks.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import {
  appraisalPeriod,
  DEPARTMENT_ANSWERS,
  frameworkBody,
  runQueuedJobs,
} from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

// A period ranked with the next version of its index set publishes `change` keyed by the new codes and
// says what compares (DOMAIN.md §3 "Versions of an index set"), through the services on the fakes.

/** The next version: pillar 1 renumbered 3, its 1.4 and 1.5 merged into 3.4, 2.3 dropped, 2.5 new. */
function nextVersion(predecessor: string) {
  const body = frameworkBody("fw-next") as {
    groups: { id: string; nodes: { code: string; children: { code: string; maxPoints: number }[] }[] }[];
  } & Record<string, unknown>;
  const department = body.groups[0];
  if (!department) throw new Error("no department group");
  const [one, two] = department.nodes as [
    (typeof department.nodes)[number],
    (typeof department.nodes)[number],
  ];
  one.code = "3";
  one.children = one.children.filter((c) => c.code !== "1.5");
  for (const c of one.children) c.code = c.code.replace(/^1\./, "3.");
  const merged = one.children.find((c) => c.code === "3.4");
  if (merged) Object.assign(merged, { maxPoints: 20, method: { type: "points" } });
  two.children = [
    ...two.children.filter((c) => c.code !== "2.3"),
    { code: "2.5", name: "Chỉ tiêu mới", maxPoints: 10, method: { type: "yesno" } } as never,
  ];
  const map = [
    { group: "department", code: "3", from: ["1"], relation: "renamed" },
    ...["1", "2", "3"].map((n) => ({
      group: "department",
      code: `3.${n}`,
      from: [`1.${n}`],
      relation: "same",
    })),
    { group: "department", code: "3.4", from: ["1.4", "1.5"], relation: "merged" },
    { group: "department", from: ["2.3"], relation: "dropped" },
    { group: "department", code: "2.5", relation: "new" },
  ];
  return { ...body, predecessor: { frameworkId: predecessor, map } };
}

describe("publishing with the next version of the index set", () => {
  it("refuses an unknown predecessor, naming the field, and imports the next version into the lineage", async () => {
    const ports = memoryPorts();
    const world = await appraisalPeriod(ports);
    expect(await refusal(importFramework(ports, by.admin(), nextVersion("nowhere")))).toContain(
      "invalid-framework",
    );
    const created = await importFramework(ports, by.admin(), nextVersion(world.frameworkId));
    expect(created.lineage).toBe(world.frameworkId);
  });

  it("compares only what the map makes comparable, keyed by the new codes", async () => {
    const ports = memoryPorts();
    const world = await appraisalPeriod(ports);
    await transitionPeriod(ports, by.admin(), world.periodId, { to: "final" });
    await runQueuedJobs(ports);
    await transitionPeriod(ports, by.admin(), world.periodId, { to: "published" });
    await runQueuedJobs(ports);

    await importFramework(ports, by.admin(), nextVersion(world.frameworkId));
    const periodId = "ky-2026";
    const [first] = world.unitIds as [string];
    await createPeriod(ports, by.admin(), {
      id: periodId,
      name: "Kỳ 2026",
      frameworkId: "fw-next",
      unitIds: world.unitIds,
      opensAt: at(DAY).toISOString(),
      closesAt: at(20 * DAY).toISOString(),
    });
    await transitionPeriod(ports, by.admin(at(2 * DAY)), periodId, { to: "open" });
    const answers = Object.fromEntries(
      Object.entries(DEPARTMENT_ANSWERS)
        .filter(([code]) => !["1.4", "1.5", "2.3"].includes(code))
        .map(([code, v]) => [code.replace(/^1\./, "3."), v]),
    );
    const when = at(3 * DAY);
    await saveAnswers(
      ports,
      by.approver(first, when),
      periodId,
      first,
      { answers: { ...answers, "3.4": { value: 15 }, "2.5": { value: true } } },
      undefined,
    );
    await submit(ports, by.approver(first, when), periodId, first);
    await transitionPeriod(ports, by.admin(when), periodId, { to: "appraisal" });
    await runQueuedJobs(ports, when);
    await transitionPeriod(ports, by.admin(when), periodId, { to: "final" });
    await runQueuedJobs(ports, when);
    await transitionPeriod(ports, by.admin(when), periodId, { to: "published" });
    await runQueuedJobs(ports, when);

    const file = ports.published.files.get(`public/rankings/${periodId}/v1.json`);
    expect(file).toBeDefined();
    const snapshot = rankingSnapshotSchema.parse(
      JSON.parse(new TextDecoder().decode(file?.body as Uint8Array)),
    );
    const group = snapshot.groups.find((g) => g.id === "department");
    expect(group?.comparability).toEqual({
      frameworkChanged: true,
      previousFrameworkId: world.frameworkId,
      mapped: { "3": ["1"] },
      notComparable: { pillars: [], leaves: ["2.5"] },
      dropped: { pillars: [], leaves: ["2.3"] },
    });
    const unit = group?.units.find((u) => u.unitId === first);
    expect(unit?.change?.nodes.map((n) => n.code)).toEqual(["3", "2"]);
    for (const leaf of unit?.change?.leaves ?? [])
      expect(["2.5", "1.4", "1.5", "2.3"]).not.toContain(leaf.code);
    // 3.4 (15 points) against 1.4 + 1.5 of the previous period.
    expect(unit?.change?.leaves.map((l) => l.code)).toContain("3.4");
  });
});
