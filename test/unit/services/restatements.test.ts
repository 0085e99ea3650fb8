import { describe, expect, it } from "vitest";
import { appraise } from "../../../shared/services/appraisal.ts";
import { restatementKey, restatePeriod } from "../../../shared/services/restatements.ts";
import { transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { appraisalPeriod, departmentsPeriod, runQueuedJobs } from "../../support/fakes/scenarios.ts";
import { by, refusal } from "../../support/fakes/world.ts";

// DOMAIN.md §5 "Restating a ranking on new boundaries" (the second publication): on the in-memory fakes.

const ASOF = "2025-07-01";

async function publishedPeriod() {
  const ports = memoryPorts();
  const world = await appraisalPeriod(ports, 3);
  await appraise(ports, by.reviewer(), world.periodId, "so-1", "1.4", { value: 4, reason: "Bốn buổi" });
  await transitionPeriod(ports, by.admin(), world.periodId, { to: "final" });
  await runQueuedJobs(ports);
  await transitionPeriod(ports, by.admin(), world.periodId, { to: "published" });
  await runQueuedJobs(ports);
  return { ports, ...world };
}

/** so-1 and so-2 end on 30/06/2025 and form so-moi; so-3 goes on. */
const reform = [
  { id: "so-1", code: "S1", name: "Sở 1", kind: "department", validTo: "2025-06-30" },
  { id: "so-2", code: "S2", name: "Sở 2", kind: "department", validTo: "2025-06-30" },
  {
    id: "so-moi",
    code: "S9",
    name: "Sở Mới",
    kind: "department",
    validFrom: ASOF,
    predecessorIds: ["so-1", "so-2"],
  },
];

describe("restating a published period on the units of a later day", () => {
  it("writes the immutable JSON and CSV, records it with one audit record, lists it in index.json", async () => {
    const { ports, periodId } = await publishedPeriod();
    await upsertUnits(ports, by.admin(), { units: reform });
    const first = await restatePeriod(ports, by.admin(), periodId, { asOf: ASOF });
    const key = restatementKey(periodId, ASOF, 1, "json");
    expect(key).toBe(`public/rankings/${periodId}/restated-${ASOF}.json`);
    expect(first).toMatchObject({
      created: true,
      restatement: { asOf: ASOF, version: 1, url: `/${key}`, units: 2, rule: "mean" },
    });
    const file = JSON.parse(ports.published.text(key) ?? "");
    const published = JSON.parse(ports.published.text(`public/rankings/${periodId}/v1.json`) ?? "");
    const old = (id: string) => published.groups[0].units.find((u: { unitId: string }) => u.unitId === id);
    const merged = file.groups[0].units.find((u: { unitId: string }) => u.unitId === "so-moi");
    // The mean of the predecessors' published indexes, each predecessor named.
    expect(merged.index).toBeCloseTo((old("so-1").index + old("so-2").index) / 2, 4);
    expect(merged.predecessors).toStrictEqual([
      { unitId: "so-1", code: "S1", name: "Sở 1" },
      { unitId: "so-2", code: "S2", name: "Sở 2" },
    ]);
    expect(file).toMatchObject({ asOf: ASOF, restatedFrom: { periodId, version: 1, rule: "mean" } });
    expect(ports.published.files.get(key)?.cache).toBe("immutable");
    const csv = ports.published.text(restatementKey(periodId, ASOF, 1, "csv")) ?? "";
    expect(csv).toContain("Gồm (đơn vị trước sắp xếp)");
    expect(csv).toContain("Sở 1; Sở 2");
    // The open-data CSV (BOM, CRLF): a header and one row per restated unit.
    const csvBody = ports.published.files.get(restatementKey(periodId, ASOF, 1, "csv"))?.body;
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(csvBody).startsWith("\uFEFF")).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.trimEnd().split("\r\n")).toHaveLength(3);
    expect(ports.audit.actions(`period#${periodId}`).filter((a) => a === "period.restate")).toHaveLength(1);
    expect(JSON.parse(ports.published.text("public/rankings/index.json") ?? "").periods[0]).toMatchObject({
      periodId,
      restatements: [{ asOf: ASOF, url: `/${key}`, units: 2, rule: "mean" }],
    });

    // Asked again: the recorded one, the same bytes, no second audit record.
    const bytes = ports.published.text(key);
    const again = await restatePeriod(ports, by.admin(), periodId, { asOf: ASOF });
    expect(again).toStrictEqual({ created: false, restatement: first.restatement });
    expect(ports.published.text(key)).toBe(bytes);
    expect(ports.audit.actions(`period#${periodId}`).filter((a) => a === "period.restate")).toHaveLength(1);
    expect((await ports.periods.require(periodId)).restatements).toHaveLength(1);
  });

  it("two admins at once: one record, one audit record, the same answer", async () => {
    const { ports, periodId } = await publishedPeriod();
    await upsertUnits(ports, by.admin(), { units: reform });
    const both = await Promise.all([
      restatePeriod(ports, by.admin(), periodId, { asOf: ASOF }),
      restatePeriod(ports, by.admin(), periodId, { asOf: ASOF }),
    ]);
    expect(both.map((r) => r.created).sort()).toStrictEqual([false, true]);
    expect(both[0]?.restatement).toStrictEqual(both[1]?.restatement);
    expect((await ports.periods.require(periodId)).restatements).toHaveLength(1);
    expect(ports.audit.actions(`period#${periodId}`).filter((a) => a === "period.restate")).toHaveLength(1);
  });

  it("refuses a period never published, a day none of whose units maps, a mapping restate refuses", async () => {
    const unpublished = memoryPorts();
    const world = await departmentsPeriod(unpublished, { units: 2 });
    expect(await refusal(restatePeriod(unpublished, by.admin(), world.periodId, { asOf: ASOF }))).toBe(
      "conflict/not-published",
    );

    const { ports, periodId } = await publishedPeriod();
    // Every unit ended the day before, no successor: nothing maps (422 naming asOf).
    await upsertUnits(ports, by.admin(), {
      units: ["1", "2", "3"].map((n) => ({
        id: `so-${n}`,
        code: `S${n}`,
        name: `Sở ${n}`,
        kind: "department",
        validTo: "2025-06-30",
      })),
    });
    const none = await restatePeriod(ports, by.admin(), periodId, { asOf: ASOF }).catch((e) => e);
    expect([none.kind, none.code, none.details[0].path]).toStrictEqual([
      "unprocessable",
      "no-units-on-day",
      "asOf",
    ]);
    // A unit whose predecessors are only partly in the ranking: refused, naming it.
    await upsertUnits(ports, by.admin(), {
      units: [{ ...reform[2], predecessorIds: ["so-1", "so-ngoai"] } as (typeof reform)[number]],
    });
    const partial = await restatePeriod(ports, by.admin(), periodId, { asOf: ASOF }).catch((e) => e);
    expect([partial.code, partial.details[0].path]).toStrictEqual(["restatement-refused", "units.so-moi"]);
    expect(partial.message).toContain("so-moi");
    // Bad input and a non-admin: refused, nothing written.
    expect(await refusal(restatePeriod(ports, by.admin(), periodId, { asOf: "01/07/2025" }))).toBe(
      "unprocessable/invalid-body",
    );
    expect(await refusal(restatePeriod(ports, by.reviewer(), periodId, { asOf: ASOF }))).toBe(
      "forbidden/forbidden",
    );
    expect([...ports.published.files.keys()].some((k) => k.includes("restated"))).toBe(false);
    expect((await ports.periods.require(periodId)).restatements).toBeUndefined();
  });
});
