import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseBundle } from "../../../shared/engine/bundle.ts";
import {
  type NewUnit,
  type RestatedUnit,
  type Restatement,
  restateFromJson,
  restateSnapshot,
} from "../../../shared/engine/restate.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import type { Issue } from "../../../shared/model/issues.ts";
import type { RankingSnapshot, SnapshotUnit } from "../../../shared/model/snapshot.ts";
import { generatePeriod, mulberry32, shuffleInPlace } from "../../support/generate-period.ts";

// DOMAIN.md §5 "Restating a ranking on new boundaries". The source is the hand-computed published
// snapshot of test/fixtures/all-methods-expected.md; every figure below is computed by hand from it.

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8"));
const published = fixture("all-methods-expected.json") as RankingSnapshot;
const reform = fixture("restate-units.json") as { units: NewUnit[] };

function restated(units: readonly NewUnit[], source: RankingSnapshot = published): Restatement {
  const result = restateSnapshot(source, units);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return result.value;
}

function refused(units: readonly NewUnit[], source: RankingSnapshot = published): Issue[] {
  const result = restateSnapshot(source, units);
  if (result.ok) throw new Error("expected a refusal");
  return result.issues;
}

/** One unit on a line: "id #rank points/max index band [flags] | per pillar: points/max value #rank". */
const rows = (units: readonly SnapshotUnit[]): string[] =>
  units.map((u) =>
    [
      `${u.unitId} #${u.rank} ${u.points}/${u.maxPoints} ${u.index} ${u.band ?? "-"} [${u.flags.join(",")}]`,
      ...u.nodes.map((n) => `${n.points}/${n.maxPoints} ${n.value ?? "-"} #${n.rank ?? "-"}`),
    ].join(" | "),
  );

const groupOf = (r: Restatement, id: string) => {
  const group = r.snapshot.groups.find((g) => g.id === id);
  if (!group) throw new Error(`no group ${id}`);
  return group;
};
const unitOf = (r: Restatement, id: string): RestatedUnit => {
  const unit = r.snapshot.groups.flatMap((g) => g.units).find((u) => u.unitId === id);
  if (!unit) throw new Error(`no unit ${id}`);
  return unit;
};
const nu = (
  id: string,
  name: string,
  predecessorIds?: string[],
  weights?: Record<string, number>,
): NewUnit => ({
  id,
  code: id.toUpperCase(),
  name,
  ...(predecessorIds ? { predecessorIds } : {}),
  ...(weights ? { predecessorWeights: weights } : {}),
});

describe("restating the published fixture on the reform's units", () => {
  const result = restated(reform.units);

  test("communes: a merge of 2, a merge of 3, units restated as themselves, ranked again", () => {
    // Bình Kim = mean(Bình Yên, Kim Lực): (53.33 + 50) / 2 = 51.665 → 51.67; (0.5333 + 0.5) / 2 =
    // 0.51665 → 0.5167; pillar 1 (23.33 + 20) / 2 = 21.665 → 21.67, (0.4667 + 0.4) / 2 → 0.4334.
    // Sơn Dương = mean(Sơn Dương town, Dương Quang, Đà Vị): (14 + 53.33 + 53.33) / 3 = 40.22;
    // (0.14 + 0.5333 + 0.5333) / 3 = 0.4022; pillar 1 (10 + 25.33 + 25.33) / 3 = 20.22,
    // (0.2 + 0.5066 + 0.5067) / 3 = 0.40443 → 0.4044; pillar 2 (4 + 28 + 28) / 3 = 20, 1.2 / 3 = 0.4.
    expect(rows(groupOf(result, "commune").units)).toStrictEqual([
      "phuong-minh-xuan #1 92/100 0.92 - [] | 50/50 1 #1 | 42/50 0.84 #1",
      "xa-binh-kim #2 51.67/100 0.5167 - [missing-evidence] | 21.67/50 0.4334 #2 | 30/50 0.6 #2",
      "xa-son-duong #3 40.22/100 0.4022 - [unanswered] | 20.22/50 0.4044 #3 | 20/50 0.4 #3",
      "xa-an-khang #4 0/100 0 - [not-submitted] | 0/50 0 #4 | 0/50 0 #4",
    ]);
    expect(unitOf(result, "xa-son-duong").predecessors).toStrictEqual([
      { unitId: "thi-tran-son-duong" },
      { unitId: "xa-duong-quang" },
      { unitId: "xa-da-vi" },
    ]);
  });

  test("departments: one predecessor keeps its band; a non-submitting predecessor counts with 0 and its flag", () => {
    // Nội vụ keeps its id and absorbs Ban Dân tộc (not submitted: 0 points, 0 index, 0 per pillar):
    // 66.67 / 2 = 33.335 → 33.34; 0.6667 / 2 = 0.33335 → 0.3334; pillar 1 31.67 / 2 = 15.835 → 15.84,
    // 0.7918 / 2 = 0.3959; pillar 2 35 / 2 = 17.5, 0.5833 / 2 = 0.29165 → 0.2917; pillar 3 null for both.
    // Merged, so no band (the thresholds are not in the snapshot). Pillar 2: 0.25 twice shares rank 4.
    expect(rows(groupOf(result, "department").units)).toStrictEqual([
      "so-khoa-hoc-va-cong-nghe #1 99/100 0.99 Rất cao [] | 39/40 0.975 #1 | 60/60 1 #1 | 0/0 - #-",
      "so-tu-phap #2 60/90 0.6667 Cao [excluded] | 30/40 0.75 #2 | 30/50 0.6 #2 | 0/0 - #-",
      "so-y-te #3 34.5/100 0.345 Trung bình [missing-evidence] | 19.5/40 0.4875 #3 | 15/60 0.25 #4 | 0/0 - #-",
      "so-noi-vu #4 33.34/100 0.3334 - [not-submitted] | 15.84/40 0.3959 #4 | 17.5/60 0.2917 #3 | 0/0 - #-",
      "so-xay-dung #5 25/100 0.25 Trung bình [missing-evidence,unanswered] | 15/40 0.375 #5 | 10/60 0.1667 #6 | 0/0 - #-",
      "thanh-tra-tinh #6 18/100 0.18 - [unanswered] | 3/40 0.075 #6 | 15/60 0.25 #4 | 0/0 - #-",
    ]);
    // A unit still in the snapshot is its own first predecessor.
    expect(unitOf(result, "so-noi-vu").predecessors).toStrictEqual([
      { unitId: "so-noi-vu" },
      { unitId: "ban-dan-toc" },
    ]);
    expect(unitOf(result, "so-khoa-hoc-va-cong-nghe")).toMatchObject({
      code: "S10",
      name: "Sở Khoa học và Công nghệ",
    });
  });

  test("the envelope: restatedFrom, version and publishedAt kept, rankChange and change null; a unit left out", () => {
    expect(result.snapshot.restatedFrom).toStrictEqual({
      periodId: "minh-hoa-2024",
      version: 2,
      rule: "mean",
    });
    expect(result.snapshot).toMatchObject({
      period: published.period,
      version: 2,
      publishedAt: "2025-05-20T09:00:00+07:00",
    });
    for (const unit of result.snapshot.groups.flatMap((g) => g.units))
      expect([unit.rankChange, unit.change]).toStrictEqual([null, null]);
    // Xã Tân Trào's only predecessor took no part in the period.
    expect(result.leftOut).toStrictEqual(["xa-tan-trao"]);
    expect(() => unitOf(result, "xa-tan-trao")).toThrow();
    expect(groupOf(result, "department")).toMatchObject({ name: "Sở, ban, ngành", maxPoints: 100 });
  });

  test("restateFromJson takes the files as read and gives the same", () => {
    expect(restateFromJson(published, reform)).toStrictEqual({ ok: true, value: result });
  });
});

describe("weights, ties and a pillar null for some predecessors", () => {
  test("weights 2:1 give the weighted mean and rule weighted-mean", () => {
    // (2 × 99 + 1 × 66.67) / 3 = 88.2233 → 88.22; (2 × 0.99 + 0.6667) / 3 = 0.88223 → 0.8822;
    // pillar 1 (2 × 39 + 31.67) / 3 = 36.5567 → 36.56, (2 × 0.975 + 0.7918) / 3 = 0.91393 → 0.9139.
    const r = restated([
      nu("so-moi", "Sở Mới", ["so-thong-tin-va-truyen-thong", "so-noi-vu"], {
        "so-thong-tin-va-truyen-thong": 2,
        "so-noi-vu": 1,
      }),
      nu("so-tu-phap", "Sở Tư pháp"),
    ]);
    expect(r.snapshot.restatedFrom.rule).toBe("weighted-mean");
    expect(rows([unitOf(r, "so-moi")])).toStrictEqual([
      "so-moi #1 88.22/100 0.8822 - [] | 36.56/40 0.9139 #1 | 51.67/60 0.8611 #1 | 0/0 - #-",
    ]);
    expect(unitOf(r, "so-moi").predecessors).toStrictEqual([
      { unitId: "so-thong-tin-va-truyen-thong", weight: 2 },
      { unitId: "so-noi-vu", weight: 1 },
    ]);
    expect(unitOf(r, "so-tu-phap").predecessors).toStrictEqual([{ unitId: "so-tu-phap" }]);
  });

  test("two merged units whose means tie at the 4th decimal share a rank, listed by Vietnamese name", () => {
    const source = structuredClone(published);
    const communes = source.groups[1]?.units as SnapshotUnit[];
    // Set four indexes: mean(0.6, 0.4333) = 0.51665 → 0.5167 and mean(0.5001, 0.5333) = 0.5167.
    const set = (id: string, index: number) => {
      (communes.find((u) => u.unitId === id) as SnapshotUnit).index = index;
    };
    set("xa-binh-yen", 0.6);
    set("xa-kim-luc", 0.4333);
    set("xa-duong-quang", 0.5001);
    set("xa-da-vi", 0.5333);
    const r = restated(
      [
        // Codes and ids in the other order: the name decides ("Dương" before "Đồng").
        { ...nu("xa-a", "Xã Đồng Tâm", ["xa-binh-yen", "xa-kim-luc"]), code: "C01" },
        { ...nu("xa-b", "Xã Dương Hòa", ["xa-duong-quang", "xa-da-vi"]), code: "C02" },
        nu("phuong-minh-xuan", "Phường Minh Xuân"),
      ],
      source,
    );
    expect(groupOf(r, "commune").units.map((u) => [u.unitId, u.rank, u.index])).toStrictEqual([
      ["phuong-minh-xuan", 1, 0.92],
      ["xa-b", 2, 0.5167],
      ["xa-a", 2, 0.5167],
    ]);
  });

  test("a pillar value is the mean over the predecessors where it is not null", () => {
    const source = structuredClone(published);
    const tuPhap = source.groups[0]?.units.find((u) => u.unitId === "so-tu-phap") as SnapshotUnit;
    // Its pillar 2 wholly excluded: 0 of 0, value null.
    tuPhap.nodes[1] = { code: "2", points: 0, maxPoints: 0, value: null, rank: null };
    const r = restated([nu("so-moi", "Sở Mới", ["so-tu-phap", "so-noi-vu"])], source);
    // Points and maxima over both ((0 + 35) / 2, (0 + 60) / 2), the value over Nội vụ alone.
    expect(unitOf(r, "so-moi").nodes[1]).toStrictEqual({
      code: "2",
      points: 17.5,
      maxPoints: 30,
      value: 0.5833,
      rank: 1,
    });
  });
});

describe("refusals name the unit", () => {
  const messages = (issues: Issue[]) => issues.map((i) => `${i.path}: ${i.message}`);

  test("predecessors in two groups", () => {
    expect(messages(refused([nu("x", "Xã X", ["xa-kim-luc", "so-y-te"])]))).toStrictEqual([
      "units.0: unit x: predecessors in different groups: xa-kim-luc (commune), so-y-te (department)",
    ]);
  });

  test("a predecessor named by two new units", () => {
    const issues = messages(
      refused([nu("a", "Xã A", ["xa-kim-luc", "xa-da-vi"]), nu("b", "Xã B", ["xa-da-vi"])]),
    );
    expect(issues).toStrictEqual(["units.1: unit b: predecessor xa-da-vi is also claimed by unit a"]);
  });

  test("an old unit left in the units file beside the unit it merged into", () => {
    const issues = messages(
      refused([nu("xa-kim-luc", "Xã Kim Lực"), nu("b", "Xã B", ["xa-kim-luc", "xa-da-vi"])]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain("unit b: predecessor xa-kim-luc is also claimed by unit xa-kim-luc");
  });

  test("weights that do not name exactly the predecessors", () => {
    const preds = ["xa-kim-luc", "xa-da-vi"];
    const issues = messages(
      refused([
        nu("a", "Xã A", preds, { "xa-kim-luc": 1 }),
        nu("b", "Xã B", ["xa-binh-yen"], { "xa-binh-yen": 1, "xa-an-khang": 2 }),
      ]),
    );
    expect(issues).toStrictEqual([
      "units.0: unit a: predecessorWeights must name exactly its predecessors (xa-kim-luc, xa-da-vi), not xa-kim-luc",
      "units.1: unit b: predecessorWeights must name exactly its predecessors (xa-binh-yen), not xa-binh-yen, xa-an-khang",
    ]);
  });

  test("a predecessor not in the snapshot beside others that are; a unit listed twice", () => {
    expect(
      messages(refused([nu("a", "Xã A", ["xa-kim-luc", "xa-khong-co"]), nu("c", "Xã C"), nu("c", "Xã C")])),
    ).toStrictEqual([
      "units.0: unit a: predecessors not in the snapshot: xa-khong-co",
      "units.2.id: unit c: listed twice",
    ]);
  });

  test("a bad units shape and a bad snapshot, with their paths", () => {
    const result = restateFromJson(
      { ...published, version: "2" },
      {
        units: [{ id: "a", code: "A", name: "Xã A", predecessorWeights: { x: 0 } }],
      },
    );
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toStrictEqual(["snapshot.version", "units.0.predecessorWeights.x"]);
  });
});

// ---- Properties, over snapshots the engine itself publishes ---------------------------------------

const bundle = (() => {
  const parsed = parseBundle(fixture("all-methods-bundle.json"));
  if (!parsed.ok) throw new Error("the fixture bundle is refused");
  return parsed.value;
})();

/** A published snapshot of the fixture's framework and units with generated answers. */
function publishedFor(seed: number): RankingSnapshot {
  const period = generatePeriod({
    framework: bundle.framework,
    units: bundle.units,
    seed,
    submittedShare: 0.8,
    evidenceShare: 0.7,
  });
  return toSnapshot(scorePeriod(period), {
    period: bundle.period,
    version: 3,
    publishedAt: "2025-06-01T09:00:00+07:00",
  });
}

/** Names with repeats, so name ties (and the code after them) are exercised. */
const NAMES = ["Xã Đà Vị", "Xã Dương Quang", "Xã An Khang", "Phường Ỷ La", "Xã Đà Vị"];

/** A random merge of each group's units into new units (some weighted), from one seed. */
function mergeOf(source: RankingSnapshot, seed: number): NewUnit[] {
  const random = mulberry32(seed);
  const out: NewUnit[] = [];
  for (const group of source.groups) {
    const ids = shuffleInPlace(
      group.units.map((u) => u.unitId),
      random,
    );
    while (ids.length > 0) {
      const take = ids.splice(0, 1 + Math.floor(random() * 3));
      const weighted = random() < 0.3;
      out.push({
        id: `moi-${out.length}`,
        code: `M${Math.floor(random() * 5)}`,
        name: NAMES[Math.floor(random() * NAMES.length)] as string,
        predecessorIds: take,
        ...(weighted
          ? { predecessorWeights: Object.fromEntries(take.map((id) => [id, 1 + Math.floor(random() * 4)])) }
          : {}),
      });
    }
  }
  return out;
}

describe("properties", () => {
  const seeds = fc.integer({ min: 1, max: 2 ** 31 - 1 });

  test("every unit as itself gives the same snapshot apart from the added fields", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const source = publishedFor(seed);
        const units = source.groups.flatMap((g) =>
          g.units.map((u) => ({ id: u.unitId, code: u.code, name: u.name })),
        );
        const r = restated(units, source);
        const { restatedFrom, ...rest } = r.snapshot;
        expect(restatedFrom).toStrictEqual({ periodId: source.period.id, version: 3, rule: "mean" });
        expect(rest).toStrictEqual({
          ...source,
          groups: source.groups.map((g) => ({
            ...g,
            units: g.units.map((u) => ({
              ...u,
              rankChange: null,
              change: null,
              predecessors: [{ unitId: u.unitId }],
            })),
          })),
        });
      }),
      { numRuns: 40 },
    );
  });

  test("the order of the new units does not change the result", () => {
    fc.assert(
      fc.property(seeds, seeds, seeds, (a, b, c) => {
        const source = publishedFor(a);
        const units = mergeOf(source, b);
        const shuffled = shuffleInPlace([...units], mulberry32(c));
        expect(restated(shuffled, source)).toStrictEqual(restated(units, source));
      }),
      { numRuns: 40 },
    );
  });

  test("every restated index lies between its predecessors' least and greatest", () => {
    fc.assert(
      fc.property(seeds, seeds, (a, b) => {
        const source = publishedFor(a);
        const indexOf = new Map(source.groups.flatMap((g) => g.units.map((u) => [u.unitId, u.index])));
        for (const unit of restated(mergeOf(source, b), source).snapshot.groups.flatMap((g) => g.units)) {
          const indexes = unit.predecessors.map((p) => indexOf.get(p.unitId) as number);
          expect(unit.index).toBeGreaterThanOrEqual(Math.min(...indexes));
          expect(unit.index).toBeLessThanOrEqual(Math.max(...indexes));
        }
      }),
      { numRuns: 40 },
    );
  });
});
