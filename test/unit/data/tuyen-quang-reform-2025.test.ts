import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type NewUnit, restateSnapshot } from "../../../shared/engine/restate.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { codeSchema, dateSchema, idSchema, nameSchema } from "../../../shared/model/common.ts";
import { parseFramework } from "../../../shared/model/framework-rules.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { generatePeriod } from "../../support/generate-period.ts";

// The 2025 map of Tuyên Quang (shared/data/tuyen-quang-reform-2025.json): every 2022 commune has
// exactly one successor, and the 2022 ranking restates onto the new units.

const readJson = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/data/${path}`, import.meta.url), "utf8"));

interface ReformUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  fromCodes: string[];
}
interface ReformFile {
  about: string;
  decision: string;
  effectiveDate: string;
  units: ReformUnit[];
  ended: string[];
}

const COMMUNE_KINDS = ["commune", "ward", "township"];
const reform = readJson("tuyen-quang-reform-2025.json") as ReformFile;
const file2022 = readJson("tuyen-quang-units-2022.json") as {
  validFrom: string;
  validTo: string;
  units: Unit[];
};
const units2022: Unit[] = file2022.units.map((u) => ({
  validFrom: file2022.validFrom,
  validTo: file2022.validTo,
  ...u,
}));
const byCode2022 = new Map(units2022.map((u) => [u.code, u]));
const communes2022 = units2022.filter((u) => COMMUNE_KINDS.includes(u.kind));
const departments2022 = units2022.filter((u) => u.kind === "department");
const districts2022 = units2022.filter((u) => !COMMUNE_KINDS.includes(u.kind) && u.kind !== "department");

const newCommunes = reform.units.filter((u) => u.kind === "commune" || u.kind === "ward");
const newDepartments = reform.units.filter((u) => u.kind === "department");

/** How often each 2022 code is named in a fromCodes list. */
function claims(units: readonly ReformUnit[]): Map<string, number> {
  const count = new Map<string, number>();
  for (const u of units) for (const code of u.fromCodes) count.set(code, (count.get(code) ?? 0) + 1);
  return count;
}

describe("the 2025 reform file of Tuyên Quang", () => {
  it("parses, with its legal basis, effective date and only known kinds", () => {
    expect(reform.about).toContain("1684/NQ-UBTVQH15");
    expect(reform.about).toContain("202/2025/QH15");
    expect(dateSchema.safeParse(reform.effectiveDate).success).toBe(true);
    expect(reform.effectiveDate).toBe("2025-07-01");
    expect(reform.decision.length).toBeGreaterThan(0);
    expect(reform.decision.length).toBeLessThanOrEqual(100);
    for (const u of reform.units) {
      expect(idSchema.safeParse(u.id).success, u.id).toBe(true);
      expect(codeSchema.safeParse(u.code).success, u.code).toBe(true);
      expect(nameSchema.safeParse(u.name).success, u.name).toBe(true);
      expect(u.name, u.name).toBe(u.name.normalize("NFC"));
      expect(["department", "commune", "ward"]).toContain(u.kind);
      expect(u.fromCodes.length, u.id).toBeGreaterThan(0);
    }
    // 1684/NQ-UBTVQH15: 48 merged units and 3 unchanged communes come from the old Tuyên Quang.
    expect([newCommunes.length, newCommunes.filter((u) => u.kind === "ward").length]).toEqual([51, 5]);
    expect(newDepartments).toHaveLength(13);
  });

  it("names every 2022 commune-level unit in exactly one fromCodes list, and nothing else of a commune", () => {
    const count = claims(newCommunes);
    expect(communes2022).toHaveLength(138);
    expect(communes2022.filter((u) => count.get(u.code) !== 1).map((u) => u.code)).toEqual([]);
    expect([...count.keys()].filter((code) => !communes2022.some((u) => u.code === code))).toEqual([]);
  });

  it("names every 2022 department once, in a department's list", () => {
    const count = claims(newDepartments);
    expect(departments2022.filter((u) => count.get(u.code) !== 1).map((u) => u.code)).toEqual([]);
    expect([...count.keys()].filter((code) => byCode2022.get(code)?.kind !== "department")).toEqual([]);
  });

  it("only names codes of the 2022 file; ends exactly its district-level units", () => {
    const unknown = reform.units.flatMap((u) => u.fromCodes.filter((code) => !byCode2022.has(code)));
    expect(unknown).toEqual([]);
    expect([...reform.ended].sort()).toEqual(districts2022.map((u) => u.code).sort());
    expect(reform.units.flatMap((u) => u.fromCodes).filter((code) => reform.ended.includes(code))).toEqual(
      [],
    );
  });

  it("has unique ids, none a 2022 id, and unique codes", () => {
    const ids = reform.units.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ids2022 = new Set(units2022.map((u) => u.id));
    expect(ids.filter((id) => ids2022.has(id))).toEqual([]);
    const codes = reform.units.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("restates a 2022 ranking onto the new units: every new unit ranked, ranks 1..n", () => {
    const parsed = parseFramework(readJson("sample-framework-tq-2022.json"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const bundle = generatePeriod({
      framework: parsed.value,
      units: units2022,
      seed: 2025,
      submittedShare: 0.9,
      evidenceShare: 0.85,
    });
    const snapshot = toSnapshot(scorePeriod(bundle), bundle);
    const newUnits: NewUnit[] = reform.units.map((u) => ({
      id: u.id,
      code: u.code,
      name: u.name,
      predecessorIds: u.fromCodes.map((code) => byCode2022.get(code)?.id as string),
    }));

    const result = restateSnapshot(snapshot, newUnits);
    if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    const { snapshot: restated, leftOut } = result.value;
    expect(leftOut).toEqual([]);
    const groups = Object.fromEntries(restated.groups.map((g) => [g.id, g.units]));
    expect(Object.keys(groups).sort()).toEqual(["commune", "department", "district"]);
    expect(groups.district).toEqual([]);
    for (const [groupId, expected] of [
      ["department", newDepartments],
      ["commune", newCommunes],
    ] as const) {
      const ranked = groups[groupId] ?? [];
      expect(ranked.map((u) => u.unitId).sort()).toEqual(expected.map((u) => u.id).sort());
      const ranks = ranked.map((u) => u.rank);
      // Competition ranks: 1 first, never above n, non-decreasing down the list.
      expect(ranks[0]).toBe(1);
      expect(
        ranks.every((r, i) => r >= 1 && r <= ranked.length && (i === 0 || r >= (ranks[i - 1] as number))),
      ).toBe(true);
      for (const u of ranked) {
        const from = expected.find((e) => e.id === u.unitId)?.fromCodes ?? [];
        expect(u.predecessors.map((p) => p.unitId).sort()).toEqual(
          from.map((code) => byCode2022.get(code)?.id as string).sort(),
        );
      }
    }
  });
});
