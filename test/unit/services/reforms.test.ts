import { describe, expect, it } from "vitest";
import { Refusal } from "../../../shared/errors.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { importFramework } from "../../../shared/services/frameworks.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import type { AuditEntry } from "../../../shared/services/ports.ts";
import { applyReform, carriedUnits, dayBefore, reformUnitId } from "../../../shared/services/reforms.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { frameworkBody } from "../../support/fakes/scenarios.ts";
import { by, refusal } from "../../support/fakes/world.ts";

const u = (id: string, code: string, kind: string, over: Partial<Unit> = {}): Unit => ({
  id,
  code,
  name: `Đơn vị ${code}`,
  kind,
  ...over,
});

/** A district with three communes, a department, and a second district with one commune. */
const MAP_2022 = [
  u("so-noi-vu", "S02", "department"),
  u("huyen-a", "070", "district"),
  u("xa-1", "02509", "commune", { parentId: "huyen-a" }),
  u("xa-2", "02510", "commune", { parentId: "huyen-a" }),
  u("xa-3", "02511", "commune", { parentId: "huyen-a" }),
  u("huyen-b", "071", "district"),
  u("xa-4", "02600", "commune", { parentId: "huyen-b" }),
];

const REFORM = {
  decision: "1684/NQ-UBTVQH15",
  effectiveDate: "2025-07-01",
  units: [
    { code: "02509", name: "Phường Mỹ Lâm", kind: "commune", fromCodes: ["02509", "02510"] },
    { id: "xa-moi", code: "99001", name: "Xã Mới", kind: "commune", fromCodes: ["02511", "02600"] },
  ],
  ended: ["070", "071"],
};

async function seeded() {
  const ports = memoryPorts();
  await upsertUnits(ports, by.admin(), { units: MAP_2022 });
  return ports;
}

async function issuesOf(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Refusal)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: `${error.kind}/${error.code}`, details: error.details };
}

describe("reforms", () => {
  it("creates the new units from the date and ends the old ones the day before, audited", async () => {
    const ports = await seeded();
    const result = await applyReform(ports, by.admin(), REFORM);
    expect(dayBefore("2025-07-01")).toBe("2025-06-30");
    expect(result).toMatchObject({ created: 2, updated: 6, unchanged: 0 });
    expect(result.units).toEqual([
      { code: "02509", id: reformUnitId("02509", "2025-07-01"), predecessorIds: ["xa-1", "xa-2"] },
      { code: "99001", id: "xa-moi", predecessorIds: ["xa-3", "xa-4"] },
    ]);
    const stored = ports.units.stored;
    expect(stored.get("02509-2025-07-01")).toEqual({
      id: "02509-2025-07-01",
      code: "02509",
      name: "Phường Mỹ Lâm",
      kind: "commune",
      validFrom: "2025-07-01",
      predecessorIds: ["xa-1", "xa-2"],
      reform: { decision: "1684/NQ-UBTVQH15", effectiveDate: "2025-07-01" },
    });
    // The old units stay as they were for past periods, only ended.
    expect(stored.get("xa-1")).toEqual({ ...MAP_2022[2], validTo: "2025-06-30" });
    expect(stored.get("huyen-a")?.validTo).toBe("2025-06-30");
    expect(stored.get("so-noi-vu")?.validTo).toBeUndefined();
    expect(ports.audit.actions("unit#xa-moi")).toEqual(["unit.create"]);
    expect(ports.audit.actions("reform#2025-07-01#1684/NQ-UBTVQH15")).toEqual(["reform.apply"]);
    // The same request again changes nothing.
    expect(await applyReform(ports, by.admin(), REFORM)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 8,
    });
  });

  it("names every problem by path and writes nothing", async () => {
    const ports = await seeded();
    const before = structuredClone([...ports.units.stored.values()]);
    const bad = {
      ...REFORM,
      units: [
        { code: "02509", name: "A", kind: "commune", fromCodes: ["02509", "XXX"], parentCode: "NOPE" },
        { code: "02509", name: "B", kind: "commune", fromCodes: ["02510", "02509"] },
      ],
      ended: ["070"],
    };
    const { code, details } = await issuesOf(applyReform(ports, by.admin(), bad));
    expect(code).toBe("unprocessable/invalid-reform");
    const paths = details.map((d) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "units.0.fromCodes.1", // unknown code
        "units.1.code", // a code repeated
        "units.1.id", // and so its id
        "units.1.fromCodes.1", // mapped twice
        "units.0.parentCode", // parent unknown
        "units", // a commune left under a district that ends
      ]),
    );
    expect(details.find((d) => d.path === "units.1.fromCodes.1")?.message).toContain("units.0.fromCodes.0");
    expect([...ports.units.stored.values()]).toEqual(before);
    expect(await refusal(applyReform(ports, by.reviewer(), REFORM))).toBe("forbidden/forbidden");
    expect(await refusal(applyReform(ports, by.admin(), { ...REFORM, effectiveDate: "2025-13-01" }))).toBe(
      "unprocessable/invalid-body",
    );
  });

  it("refuses a predecessor that ended before the date, and an id that is another unit's", async () => {
    const ports = await seeded();
    await upsertUnits(ports, by.admin(), { units: [{ ...MAP_2022[6], validTo: "2024-12-31" } as Unit] });
    const { details } = await issuesOf(
      applyReform(ports, by.admin(), {
        ...REFORM,
        units: [
          { ...REFORM.units[0], id: "so-noi-vu" },
          { ...REFORM.units[1], parentCode: "S02" },
        ],
      }),
    );
    expect(details).toEqual(
      expect.arrayContaining([
        { path: "units.0.id", message: expect.stringContaining("existing unit") },
        { path: "units.1.fromCodes.1", message: expect.stringContaining("already ended on 2024-12-31") },
      ]),
    );
  });

  it("converges when a rerun follows a failure part-way through the batched writes", async () => {
    const clean = await seeded();
    await applyReform(clean, by.admin(), REFORM);

    const ports = await seeded();
    const real = ports.units.upsert.bind(ports.units);
    let budget = 1; // the store dies after writing one unit
    ports.units.upsert = async (
      units: readonly Unit[],
      audit: Omit<AuditEntry, "entity" | "before" | "after" | "action">,
    ) => {
      const part = units.slice(0, budget);
      budget -= part.length;
      await real(part, audit);
      if (part.length < units.length) throw new Error("the store died");
      return { created: part.length, updated: 0, unchanged: 0 };
    };
    await expect(applyReform(ports, by.admin(), REFORM)).rejects.toThrow("the store died");
    expect(ports.units.stored.size).toBe(MAP_2022.length + 1);
    budget = 3; // dies again, further on (predecessors now part-ended)
    await expect(applyReform(ports, by.admin(), REFORM)).rejects.toThrow("the store died");
    ports.units.upsert = real;
    await applyReform(ports, by.admin(), REFORM);
    expect([...ports.units.stored.entries()].sort()).toEqual([...clean.units.stored.entries()].sort());
  });

  it("takes a parent from the reform's own units or one that goes on, never one that ends", async () => {
    const ports = await seeded();
    const { details } = await issuesOf(
      applyReform(ports, by.admin(), {
        ...REFORM,
        units: [{ ...REFORM.units[0], parentCode: "070" }, REFORM.units[1]],
      }),
    );
    expect(details).toEqual([{ path: "units.0.parentCode", message: expect.stringContaining('"070"') }]);
    await applyReform(ports, by.admin(), {
      ...REFORM,
      units: [
        { ...REFORM.units[0], parentCode: "99001" },
        { ...REFORM.units[1], parentCode: "S02" },
      ],
    });
    expect(ports.units.stored.get("02509-2025-07-01")?.parentId).toBe("xa-moi");
    expect(ports.units.stored.get("xa-moi")?.parentId).toBe("so-noi-vu");
  });

  it("lets a code that goes on keep its place, and refuses a new code that clashes with it", async () => {
    const ports = await seeded();
    const { details } = await issuesOf(
      applyReform(ports, by.admin(), {
        ...REFORM,
        units: [...REFORM.units, { code: "S02", name: "Sở trùng", kind: "department", fromCodes: [] }],
      }),
    );
    expect(details).toEqual([{ path: "units.2.code", message: expect.stringContaining("goes on") }]);
  });
});

describe("a period created from the previous one", () => {
  const period = (id: string, closesAt: string, over: Record<string, unknown> = {}) => ({
    id,
    name: `Kỳ ${id}`,
    opensAt: "2022-01-01T00:00:00+07:00",
    closesAt,
    ...over,
  });

  async function world() {
    const ports = await seeded();
    await importFramework(ports, by.admin(), frameworkBody("fw"));
    // 2022: every department and commune but xa-2 (left out on purpose).
    await createPeriod(ports, by.admin(), {
      ...period("2022", "2022-12-15T17:00:00+07:00", { frameworkId: "fw" }),
      unitIds: ["so-noi-vu", "xa-1", "xa-3", "xa-4"],
    });
    await applyReform(ports, by.admin(), REFORM);
    // A ward that starts in 2025 with no lineage.
    await upsertUnits(ports, by.admin(), {
      units: [u("phuong-moi", "99500", "ward", { validFrom: "2025-09-01" })],
    });
    return ports;
  }

  it("carries the units through the reform, deduplicated, with the units that started since", async () => {
    const ports = await world();
    const created = await createPeriod(
      ports,
      by.admin(),
      period("2025", "2025-12-15T17:00:00+07:00", { from: "2022" }),
    );
    expect(created).toMatchObject({ frameworkId: "fw", counts: { units: 4 } });
    expect(created).not.toHaveProperty("from");
    const members = await ports.periods.members("2025");
    expect([...members.entries()].sort()).toEqual([
      ["02509-2025-07-01", "commune"], // from xa-1 (xa-2 merged in too, though left out of 2022)
      ["phuong-moi", "commune"],
      ["so-noi-vu", "department"],
      ["xa-moi", "commune"], // from xa-3 and xa-4: once
    ]);
    // Before the reform took effect the old units stay.
    await createPeriod(ports, by.admin(), period("2025h1", "2025-06-15T17:00:00+07:00", { from: "2022" }));
    expect([...(await ports.periods.members("2025h1")).keys()].sort()).toEqual([
      "so-noi-vu",
      "xa-1",
      "xa-3",
      "xa-4",
    ]);
  });

  it("follows successive reforms and drops a unit that ended with no successor", () => {
    const units = [
      u("a", "A", "commune", { validTo: "2024-12-31" }),
      u("b", "B", "commune", { validFrom: "2025-01-01", validTo: "2025-06-30", predecessorIds: ["a"] }),
      u("c", "C", "commune", { validFrom: "2025-07-01", predecessorIds: ["b", "d"] }),
      u("d", "D", "commune", { validTo: "2025-06-30" }),
      u("e", "E", "commune", { validTo: "2023-12-31" }),
    ];
    expect(carriedUnits(["a", "d", "e", "nope"], "2025-12-31", units).map((x) => x.id)).toEqual(["c"]);
    expect(carriedUnits(["a", "d"], "2025-03-01", units).map((x) => x.id)).toEqual(["b", "d"]);
  });

  it("refuses with paths: an unknown or later period, from with unitIds, nothing to carry", async () => {
    const ports = await world();
    const issues = async (body: unknown) => (await issuesOf(createPeriod(ports, by.admin(), body))).details;
    expect(await issues(period("x", "2025-12-15T17:00:00+07:00", { from: "nope" }))).toEqual([
      { path: "from", message: "unknown period" },
    ]);
    expect(await issues(period("x", "2022-12-01T17:00:00+07:00", { from: "2022" }))).toEqual([
      { path: "from", message: expect.stringContaining("not before closesAt") },
    ]);
    expect(
      await issues(period("x", "2025-12-15T17:00:00+07:00", { from: "2022", unitIds: ["xa-1"] })),
    ).toEqual([expect.objectContaining({ path: "from" })]);
    expect(await issues(period("x", "2025-12-15T17:00:00+07:00"))).toEqual([
      expect.objectContaining({ path: "frameworkId" }),
    ]);
    // Every unit of 2022 ended with no successor by 2030 (the fakes' units end by hand).
    for (const unit of ports.units.stored.values())
      ports.units.stored.set(unit.id, { ...unit, validTo: "2029-12-31" });
    expect(await issues(period("x", "2030-12-15T17:00:00+07:00", { from: "2022" }))).toEqual([
      { path: "from", message: expect.stringContaining("no unit of") },
    ]);
  });
});
