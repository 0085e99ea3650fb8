import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { parseBundle } from "../../../shared/engine/bundle.ts";
import { zodAccepts } from "../../../shared/engine/zod-accepts.ts";
import { leafPointsSchema, rankingSnapshotSchema } from "../../../shared/model/snapshot.ts";
import { unitSchema } from "../../../shared/model/unit.ts";

// The bundle's envelope is first checked by a yes/no compiled from its zod schemas; zod parses it only
// when that says no. These tests hold the two ways to the same answer: for every input, parseBundle
// with the fast path gives exactly what zod alone gives (value, or issues with their paths and
// messages in order), and the compiled check never says yes where zod would refuse or change the value.

type Raw = Record<string, unknown>;
const fixture = (name: string): Raw =>
  JSON.parse(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), "utf8")) as Raw;

/** The sample bundle with every optional part: a previous snapshot and its leaf points. */
const SAMPLE: Raw = {
  ...fixture("all-methods-bundle.json"),
  previous: fixture("all-methods-expected.json"),
  previousLeaves: {
    periodId: "2021-h2",
    version: 1,
    groups: [{ id: "department", codes: ["1.1", "1.2"], units: { "so-noi-vu": [1.5, 0] } }],
  },
};
const bundle = (): Raw => structuredClone(SAMPLE);

const units = (b: Raw) => b.units as Raw[];
const previous = (b: Raw) => b.previous as { groups?: { units: Raw[] }[] } & Raw;
const firstRanked = (b: Raw) => previous(b).groups?.[0]?.units[0] as Raw & { nodes: Raw[] };

/** Both ways on the same input (each on its own copy, since neither may depend on the other's work). */
function expectSameAnswer(input: unknown): void {
  const copy = (): unknown => (input === undefined ? undefined : structuredClone(input));
  const fast = parseBundle(copy());
  const zodOnly = parseBundle(copy(), { fastPath: false });
  expect(fast).toStrictEqual(zodOnly);
}

/** The compiled check says yes only when zod succeeds with a value deep-equal to the input. */
function expectSound(schema: z.ZodType, value: unknown): boolean {
  const accepted = zodAccepts(schema)(value);
  if (accepted) {
    const parsed = schema.safeParse(value);
    expect(parsed.success).toBe(true);
    expect(parsed.data).toStrictEqual(value);
  }
  return accepted;
}

/** A whole other input in place of the bundle. */
class Instead {
  constructor(readonly input: unknown) {}
}
const inputOf = (b: Raw, changed: unknown): unknown => (changed instanceof Instead ? changed.input : b);

const ASTRAL = "𝔸"; // one code point, two UTF-16 units: zod counts lengths in code points

const MALFORMED: [name: string, change: (b: Raw) => unknown][] = [
  ["not an object", () => new Instead("bundle")],
  ["null", () => new Instead(null)],
  ["an array", () => new Instead([])],
  ["an unknown top-level field", (b) => Object.assign(b, { extra: 1 })],
  ["no framework", (b) => Object.assign(b, { framework: undefined })],
  ["no units", (b) => Object.assign(b, { units: undefined })],
  ["units not a list", (b) => Object.assign(b, { units: {} })],
  ["a unit id that is not a slug", (b) => Object.assign(units(b)[0] as Raw, { id: "Sở Nội vụ" })],
  ["a unit id of 65 characters", (b) => Object.assign(units(b)[0] as Raw, { id: "a".repeat(65) })],
  ["a unit code with a space", (b) => Object.assign(units(b)[1] as Raw, { code: "S 02" })],
  ["an empty unit name", (b) => Object.assign(units(b)[0] as Raw, { name: "" })],
  ["a unit name of spaces", (b) => Object.assign(units(b)[0] as Raw, { name: "   " })],
  ["a unit name with a line break", (b) => Object.assign(units(b)[0] as Raw, { name: "Sở\nNội vụ" })],
  ["a unit name with a bidi override", (b) => Object.assign(units(b)[0] as Raw, { name: "Sở\u202e vụ" })],
  ["a unit name of 501 characters", (b) => Object.assign(units(b)[0] as Raw, { name: "a".repeat(501) })],
  [
    "a unit name of 501 astral characters",
    (b) => Object.assign(units(b)[0] as Raw, { name: ASTRAL.repeat(501) }),
  ],
  ["an unknown unit field", (b) => Object.assign(units(b)[0] as Raw, { colour: "red" })],
  ["a unit without a kind", (b) => delete (units(b)[0] as Raw).kind],
  ["an empty unit kind", (b) => Object.assign(units(b)[0] as Raw, { kind: "" })],
  ["a unit kind as a number", (b) => Object.assign(units(b)[0] as Raw, { kind: 7 })],
  ["a bad e-mail", (b) => Object.assign(units(b)[0] as Raw, { email: "not-an-email" })],
  ["a bad validFrom", (b) => Object.assign(units(b)[0] as Raw, { validFrom: "2022-13-01" })],
  ["predecessors not slugs", (b) => Object.assign(units(b)[0] as Raw, { predecessorIds: ["OK", 3] })],
  [
    "a reform with a blank decision",
    (b) => Object.assign(units(b)[0] as Raw, { reform: { decision: " ", effectiveDate: "2025-07-01" } }),
  ],
  ["a unit that is null", (b) => units(b).splice(1, 1, null as unknown as Raw)],
  [
    "a unit with an own __proto__ key",
    (b) =>
      units(b).splice(
        0,
        1,
        JSON.parse('{"__proto__": {"x": 1}, "id": "a", "code": "A", "name": "A", "kind": "department"}'),
      ),
  ],
  ["an empty period id", (b) => Object.assign(b.period as Raw, { id: "" })],
  ["a period id of 65 characters", (b) => Object.assign(b.period as Raw, { id: "p".repeat(65) })],
  ["a period without a name", (b) => delete (b.period as Raw).name],
  ["version 0", (b) => Object.assign(b, { version: 0 })],
  ["version 1.5", (b) => Object.assign(b, { version: 1.5 })],
  ["version as text", (b) => Object.assign(b, { version: "1" })],
  ["version beyond safe integers", (b) => Object.assign(b, { version: 2 ** 60 })],
  ["publishedAt without an offset", (b) => Object.assign(b, { publishedAt: "2022-07-15T10:00:00" })],
  ["submissions as a list", (b) => Object.assign(b, { submissions: [] })],
  ["appraisals as text", (b) => Object.assign(b, { appraisals: "none" })],
  ["a previous snapshot without groups", (b) => delete previous(b).groups],
  ["a previous rank of 1.5", (b) => Object.assign(firstRanked(b), { rank: 1.5 })],
  ["a previous points of NaN", (b) => Object.assign(firstRanked(b), { points: Number.NaN })],
  [
    "a previous points of Infinity",
    (b) => Object.assign(firstRanked(b), { points: Number.POSITIVE_INFINITY }),
  ],
  ["a previous node value as text", (b) => Object.assign(firstRanked(b).nodes[0] as Raw, { value: "0.5" })],
  ["a previous unit without flags", (b) => delete firstRanked(b).flags],
  ["a previous version of 0", (b) => Object.assign(previous(b), { version: 0 })],
  [
    "a previous restatement with an unknown rule",
    (b) => Object.assign(previous(b), { restatedFrom: { periodId: "x", version: 1, rule: "median" } }),
  ],
  [
    "previous leaf points as text",
    (b) =>
      Object.assign(b, {
        previousLeaves: { periodId: "x", version: 1, groups: [{ id: "g", codes: [], units: { a: ["1"] } }] },
      }),
  ],
  [
    "many problems at once",
    (b) => {
      Object.assign(units(b)[0] as Raw, { id: "X", name: "" });
      Object.assign(b, { version: -1, extra: true });
      delete (b.period as Raw).id;
    },
  ],
];

/** Inputs zod accepts but changes (it trims, strips unknown keys of a lenient object): zod's value is kept. */
const CHANGED_BY_ZOD: [name: string, change: (b: Raw) => unknown][] = [
  ["a unit name to trim", (b) => Object.assign(units(b)[0] as Raw, { name: "  Sở Nội vụ " })],
  ["an unknown field in the previous snapshot", (b) => Object.assign(previous(b), { note: "kept out" })],
  ["an unknown field in a previous unit", (b) => Object.assign(firstRanked(b), { extra: [1, 2] })],
  [
    "submissions with an own __proto__ key",
    (b) => Object.assign(b, { submissions: JSON.parse('{"__proto__": {}}') }),
  ],
];

/** Inputs at the edges that are valid: the fast path takes them as zod does. */
const VALID: [name: string, change: (b: Raw) => unknown][] = [
  ["as it is", () => undefined],
  [
    "a unit name of 500 astral characters (1,000 UTF-16 units)",
    (b) => Object.assign(units(b)[0] as Raw, { name: ASTRAL.repeat(500) }),
  ],
  ["a parent id of 64 characters", (b) => Object.assign(units(b)[0] as Raw, { parentId: "a".repeat(64) })],
  ["a one-character name", (b) => Object.assign(units(b)[0] as Raw, { name: "A" })],
  [
    "every optional unit field",
    (b) =>
      Object.assign(units(b)[0] as Raw, {
        nameEn: "Department of Home Affairs",
        parentId: "tinh",
        validFrom: "2022-01-01",
        validTo: "2025-06-30",
        email: "so@example.gov.vn",
        predecessorIds: ["so-cu"],
        reform: { decision: "Nghị quyết 1684/NQ-UBTVQH15", effectiveDate: "2025-07-01" },
      }),
  ],
  ["publishedAt null", (b) => Object.assign(b, { publishedAt: null })],
  [
    "no previous parts",
    (b) => {
      delete b.previous;
      delete b.previousLeaves;
      delete b.appraisals;
    },
  ],
];

describe("parseBundle: the fast path and zod agree", () => {
  it.each(MALFORMED)("refuses %s with zod's own issues", (_name, change) => {
    const b = bundle();
    const input = inputOf(b, change(b));
    expectSameAnswer(input);
    const result = parseBundle(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
  });

  it.each(CHANGED_BY_ZOD)("accepts %s with zod's value", (_name, change) => {
    const b = bundle();
    change(b);
    expectSameAnswer(b);
    expect(parseBundle(b).ok).toBe(true);
  });

  it.each(VALID)("accepts a bundle with %s, uncopied", (_name, change) => {
    const b = bundle();
    change(b);
    expectSameAnswer(b);
    const result = parseBundle(b);
    expect(result.ok).toBe(true);
    // Taken by the fast path: the units are the input's own objects.
    if (result.ok) expect(result.value.units).toBe(b.units);
  });

  it("gives a submission without evidence, or with null, an empty list and copies nothing else", () => {
    const b = bundle();
    const submissions = b.submissions as Record<string, Raw>;
    const [first, second, third] = Object.keys(submissions) as [string, string, string];
    delete submissions[first]?.evidence;
    (submissions[second] as Raw).evidence = null;
    expectSameAnswer(b);
    const result = parseBundle(b);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.submissions[first]?.evidence).toEqual([]);
    expect(result.value.submissions[second]?.evidence).toEqual([]);
    expect(result.value.submissions[third]).toBe(submissions[third]);
    // With every list present the record itself is the input's.
    const whole = bundle();
    const parsed = parseBundle(whole);
    expect(parsed.ok && parsed.value.submissions).toBe(whole.submissions);
  });

  // Level and ratio answers, valid and not: the same issues both ways, at the answer's path.
  it.each<[string, unknown, boolean]>([
    ["a level option", "head", true],
    ["an unknown level option", "boss", false],
    ["a level as a number", 1, false],
    ["a level's option list's own name", "options", false],
    ["a ratio", { numerator: 3, denominator: 4 }, true],
    ["a ratio 0/0", { numerator: 0, denominator: 0 }, true],
    ["a ratio above 1", { numerator: 5, denominator: 4 }, false],
    ["a ratio with a third key", { numerator: 1, denominator: 4, extra: 0 }, false],
    ["a ratio without a denominator", { numerator: 1, x: 4 }, false],
    ["a ratio of decimals", { numerator: 0.5, denominator: 1 }, false],
    ["a ratio of negatives", { numerator: -1, denominator: 1 }, false],
    ["a ratio as a list", [1, 2], false],
    ["a ratio as text", "1/2", false],
  ])("answers %s as answerProblem does", (_name, value, valid) => {
    for (const code of ["1.2", "1.3"]) {
      const b = bundle();
      ((b.submissions as Record<string, Raw>)["so-noi-vu"]?.answers as Raw)[code] = value;
      const fast = parseBundle(b);
      expect(fast).toStrictEqual(parseBundle(structuredClone(b), { fastPath: false }));
      // The value is valid for one of the two leaves at most (1.2 is a level, 1.3 a ratio).
      const meant = typeof value === "string" ? "1.2" : "1.3";
      expect(fast.ok, code).toBe(valid && code === meant);
      if (!fast.ok) expect(fast.issues.map((i) => i.path)).toEqual([`submissions.so-noi-vu.answers.${code}`]);
    }
  });

  it("agrees on 100 random corruptions of the sample bundle", () => {
    let seed = 2022;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const JUNK: unknown[] = [
      null,
      undefined,
      true,
      0,
      -1,
      1.5,
      2 ** 53,
      "",
      " x ",
      "x",
      "a-b",
      ASTRAL,
      [],
      {},
      [1],
      { a: 1 },
      Number.NaN,
    ];
    let refused = 0;
    for (let round = 0; round < 100; round++) {
      const b = bundle();
      // A random container somewhere in the envelope (not in the answers: those are checked by hand).
      const roots: unknown[] = [
        b,
        b.period,
        ...units(b),
        previous(b),
        ...(previous(b).groups ?? []),
        ...(previous(b).groups ?? []).flatMap((g) => g.units),
        b.previousLeaves,
      ];
      let at = pick(roots) as Raw | unknown[];
      for (let depth = 0; depth < 3 && random() < 0.5; depth++) {
        const inner = Object.values(at).filter((v) => typeof v === "object" && v !== null);
        if (inner.length === 0) break;
        at = pick(inner) as Raw | unknown[];
      }
      // JSON data only (what JSON.parse gives): an array gets no named keys and no holes.
      const keys = Object.keys(at);
      if (Array.isArray(at)) {
        const i = keys.length === 0 || random() < 0.15 ? at.length : Number(pick(keys));
        if (random() < 0.1) at.splice(i, 1);
        else at[i] = pick(JUNK);
      } else {
        const key = random() < 0.15 || keys.length === 0 ? "unexpected" : pick(keys);
        if (random() < 0.1) delete at[key];
        else at[key] = pick(JUNK);
      }
      expectSameAnswer(b);
      if (!parseBundle(b).ok) refused++;
    }
    expect(refused).toBeGreaterThan(50);
  });
});

describe("zodAccepts", () => {
  it("says yes to the sample's units, snapshot and leaf points, as zod does", () => {
    const b = bundle();
    for (const unit of units(b)) expect(expectSound(unitSchema, unit)).toBe(true);
    expect(expectSound(rankingSnapshotSchema, b.previous)).toBe(true);
    expect(expectSound(leafPointsSchema, b.previousLeaves)).toBe(true);
  });

  it.each<[string, z.ZodType, unknown[]]>([
    ["min 2 (code points)", z.string().min(2), ["ab", ASTRAL, `${ASTRAL}${ASTRAL}`, "a", "", 2]],
    ["max 2 (code points)", z.string().max(2), ["ab", "abc", `${ASTRAL}${ASTRAL}`, `${ASTRAL}${ASTRAL}a`]],
    ["trimmed", z.string().trim().min(1), ["a", " a", "a ", " "]],
    ["refined", z.string().refine((s) => s.startsWith("x")), ["x", "y"]],
    ["int > 0", z.number().int().positive(), [1, 0, -1, 1.5, 2 ** 53, Number.NaN, "1"]],
    ["≥ 0 ≤ 10", z.number().min(0).max(10), [0, 10, -0.1, 10.1]],
    ["email", z.email(), ["a@b.vn", "a@", ""]],
    ["date", z.iso.date(), ["2022-02-28", "2022-02-30", "2022-2-1"]],
    ["enum", z.enum(["mean", "weighted-mean"]), ["mean", "median", undefined]],
    ["literal", z.literal(true), [true, false, "true"]],
    [
      "nullable optional in an object",
      z.object({ a: z.number().nullable().optional() }),
      [{}, { a: null }, { a: 1 }, { a: undefined }, { a: "1" }, { b: 1 }],
    ],
    ["strict object", z.strictObject({ a: z.string() }), [{ a: "x" }, { a: "x", b: 1 }, {}, [], null]],
    ["record", z.record(z.string(), z.array(z.number())), [{}, { a: [1] }, { a: [1, "2"] }, [], { a: null }]],
    ["default (not compiled)", z.object({ a: z.number().default(1) }), [{}, { a: 2 }]],
    ["union (not compiled)", z.union([z.string(), z.number()]), ["a", 1]],
  ])("%s: never more accepting than zod", (_name, schema, values) => {
    for (const value of values) expectSound(schema, value);
  });

  it("counts lengths in code points where zod does", () => {
    expect(zodAccepts(z.string().max(2))(`${ASTRAL}${ASTRAL}`)).toBe(true);
    expect(zodAccepts(z.string().min(2))(ASTRAL)).toBe(false);
  });
});
