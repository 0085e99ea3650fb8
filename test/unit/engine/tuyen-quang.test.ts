import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBundle, type ScoringBundle } from "../../../shared/engine/bundle.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import { type Framework, isLeaf } from "../../../shared/model/framework.ts";
import { parseFramework } from "../../../shared/model/framework-rules.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { generatePeriod, mulberry32, nationalUnits, shuffleInPlace } from "../../support/generate-period.ts";

const readJson = (path: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/data/${path}`, import.meta.url), "utf8"));

function loadFramework(): Framework {
  const parsed = parseFramework(readJson("sample-framework-tq-2022.json"));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

/** The 164 units of 2022; the file's validity applies to each unit that does not set its own. */
function loadUnits(): Unit[] {
  const file = readJson("tuyen-quang-units-2022.json") as {
    validFrom: string;
    validTo: string;
    units: Unit[];
  };
  return file.units.map((unit) => ({ validFrom: file.validFrom, validTo: file.validTo, ...unit }));
}

const framework = loadFramework();
const units = loadUnits();
const options = { framework, units, seed: 2022, submittedShare: 0.9, evidenceShare: 0.85 };
const bundle = generatePeriod(options);
const score = scorePeriod(bundle);
const snapshot = toSnapshot(score, bundle);
const vietnamese = new Intl.Collator("vi");

describe("Tuyên Quang 2022: 164 units on the sample framework", () => {
  it("generates a valid bundle: parseBundle accepts every unit, answer and evidence", () => {
    const parsed = parseBundle(bundle);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    expect(units).toHaveLength(164);
    expect(units.every((u) => u.validFrom === "2021-07-01" && u.validTo === "2025-06-30")).toBe(true);
  });

  it("generates the same period for the same seed, and another for another seed", () => {
    expect(generatePeriod(options)).toEqual(bundle);
    expect(generatePeriod({ ...options, seed: 2023 }).submissions).not.toEqual(bundle.submissions);
  });

  it("answers every leaf of every unit that saved something, with gaps in submission and evidence", () => {
    const submissions = Object.entries(bundle.submissions);
    const leafCodes = new Map(
      framework.groups.flatMap((g) => {
        const codes: string[] = [];
        const walk = (nodes: typeof g.nodes) => {
          for (const node of nodes) isLeaf(node) ? codes.push(node.code) : walk(node.children);
        };
        walk(g.nodes);
        return g.unitKinds.map((kind) => [kind, codes] as const);
      }),
    );
    for (const [unitId, submission] of submissions) {
      const unit = units.find((u) => u.id === unitId) as Unit;
      expect(Object.keys(submission.answers).sort()).toEqual([...(leafCodes.get(unit.kind) ?? [])].sort());
    }
    const submitted = submissions.filter(([, s]) => s.submitted).length;
    expect(submitted).toBeGreaterThan(130);
    expect(submitted).toBeLessThan(164);
    // Some units that did not submit left a draft; others saved nothing.
    expect(submissions.some(([, s]) => !s.submitted)).toBe(true);
    expect(submissions.length).toBeLessThan(164);
    const flags = snapshot.groups.flatMap((g) => g.units.flatMap((u) => u.flags));
    expect(flags).toContain("missing-evidence");
    expect(flags).toContain("not-submitted");
  });

  it("ranks 3 groups of 19, 7 and 138 units", () => {
    expect(snapshot.groups.map((g) => [g.id, g.units.length])).toEqual([
      ["department", 19],
      ["district", 7],
      ["commune", 138],
    ]);
    expect(snapshot.groups.map((g) => g.maxPoints)).toEqual([1000, 1000, 500]);
    const listed = snapshot.groups.flatMap((g) => g.units.map((u) => u.unitId));
    expect(new Set(listed).size).toBe(164);
  });

  it("puts every unit in the group that ranks its kind", () => {
    const kindOf = new Map(units.map((u) => [u.id, u.kind]));
    for (const group of score.groups)
      for (const unit of group.units)
        expect(group.compiled.group.unitKinds).toContain(kindOf.get(unit.unit.id));
  });

  it("gives competition ranks by index, ties by Vietnamese name", () => {
    for (const group of snapshot.groups) {
      group.units.forEach((unit, i) => {
        const before = group.units[i - 1];
        if (!before) {
          expect(unit.rank).toBe(1);
        } else if (unit.index === before.index) {
          expect(unit.rank).toBe(before.rank);
          expect(vietnamese.compare(before.name, unit.name)).toBeLessThanOrEqual(0);
        } else {
          expect(unit.index).toBeLessThan(before.index);
          expect(unit.rank).toBe(i + 1);
        }
      });
    }
    // The data must exercise ties: at least the units that did not submit share the last rank.
    expect(snapshot.groups.some((g) => new Set(g.units.map((u) => u.rank)).size < g.units.length)).toBe(true);
  });

  it("gives units that did not submit 0 points and the not-submitted flag", () => {
    const notSubmitted = units.filter((u) => !bundle.submissions[u.id]?.submitted).map((u) => u.id);
    expect(notSubmitted.length).toBeGreaterThan(0);
    const results = snapshot.groups.flatMap((g) => g.units);
    for (const unit of results) {
      if (notSubmitted.includes(unit.unitId)) {
        expect(unit.points).toBe(0);
        expect(unit.index).toBe(0);
        expect(unit.nodes.every((n) => n.points === 0)).toBe(true);
        expect(unit.flags).toContain("not-submitted");
      } else expect(unit.flags).not.toContain("not-submitted");
    }
  });

  it("keeps points and indexes in range, with bands matching the index", () => {
    for (const group of snapshot.groups)
      for (const unit of group.units) {
        expect(unit.points).toBeGreaterThanOrEqual(0);
        expect(unit.points).toBeLessThanOrEqual(unit.maxPoints);
        expect(unit.index).toBeGreaterThanOrEqual(0);
        expect(unit.index).toBeLessThanOrEqual(1);
        const band =
          unit.index >= 0.75
            ? "Rất cao"
            : unit.index >= 0.5
              ? "Cao"
              : unit.index >= 0.25
                ? "Trung bình"
                : "Thấp";
        expect(unit.band).toBe(band);
      }
  });

  it("gives the same result when units and submissions are shuffled", () => {
    const random = mulberry32(7);
    const shuffledSubmissions: Record<string, ScoringBundle["submissions"][string]> = {};
    for (const id of shuffleInPlace(Object.keys(bundle.submissions), random))
      shuffledSubmissions[id] = bundle.submissions[id] as (typeof bundle.submissions)[string];
    const shuffled: ScoringBundle = {
      ...bundle,
      units: shuffleInPlace([...bundle.units], random),
      submissions: shuffledSubmissions,
    };
    expect(JSON.stringify(toSnapshot(scorePeriod(shuffled), shuffled))).toBe(JSON.stringify(snapshot));
  });
});

describe("nationalUnits", () => {
  const national = nationalUnits(2000);

  it("makes unique ids, codes and names over every kind of the sample framework", () => {
    expect(national).toHaveLength(2000);
    for (const key of ["id", "code", "name"] as const)
      expect(new Set(national.map((u) => u[key])).size).toBe(2000);
    expect(new Set(national.map((u) => u.kind))).toEqual(
      new Set(["department", "district", "city", "commune", "ward", "township"]),
    );
    expect(new Set(nationalUnits(6).map((u) => u.kind)).size).toBe(6);
    expect(nationalUnits(50)).toEqual(national.slice(0, 50));
  });

  it("makes units that a bundle accepts and the engine ranks", () => {
    const generated = generatePeriod({
      framework,
      units: national,
      seed: 1,
      submittedShare: 0.95,
      evidenceShare: 0.9,
    });
    const parsed = parseBundle(generated);
    expect(parsed.ok ? [] : parsed.issues.slice(0, 5)).toEqual([]);
    const ranked = toSnapshot(scorePeriod(generated), generated);
    expect(ranked.groups.reduce((n, g) => n + g.units.length, 0)).toBe(2000);
  });
});
