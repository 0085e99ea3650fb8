import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { comparability, sideOfFramework, summaryOf } from "../../../shared/engine/comparability.ts";
import type { Framework } from "../../../shared/model/framework.ts";
import { parseFramework, predecessorIssues } from "../../../shared/model/framework-rules.ts";
import { communeGroup, leaf, pillar, testFramework } from "../../support/fixtures.ts";

// DOMAIN.md §3 "Versions of an index set": the map's rules, every problem with its path.

const old = testFramework({
  id: "old",
  groups: [
    communeGroup([
      pillar("1", "A", 20, [leaf("1.1", "A1", 10), leaf("1.2", "A2", 10)]),
      pillar("2", "B", 20, [pillar("2.1", "B1", 20, [leaf("2.1.1", "B11", 20)])]),
    ]),
  ],
});
const groups = [
  communeGroup([
    pillar("1", "A", 30, [leaf("1.1", "A1", 10), leaf("1.3", "A3", 20)]),
    pillar("2", "B", 20, [pillar("2.1", "B1", 20, [leaf("2.1.1", "B11", 20)])]),
  ]),
];
const draft = (map: unknown[]) => ({
  id: "new",
  name: "Bộ mới",
  predecessor: { frameworkId: "old", map },
  groups,
});

describe("the map's own rules (no predecessor needed)", () => {
  test("every line fits its relation, names this version's group and code, maps a new code once", () => {
    const parsed = parseFramework({
      ...draft([
        { group: "commune", code: "1.3", from: ["1.2"], relation: "same" },
        { group: "commune", code: "1.3", from: ["1.1", "1.2"], relation: "merged" },
        { group: "commune", code: "1.1", relation: "merged", from: ["1.1"] },
        { group: "commune", code: "9.9", relation: "new" },
        { group: "district", code: "1", from: ["1"], relation: "same" },
        { group: "commune", code: "2", relation: "dropped", from: ["2"] },
        { group: "commune", code: "2.1", relation: "new", from: ["2.1"] },
        { group: "commune", code: "2.1.1", relation: "split", from: ["2.1.1"] },
      ]),
      predecessor: {
        frameworkId: "new",
        map: [{ group: "commune", code: "1.1", from: ["1.1", "1.1"], relation: "renamed" }],
      },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual(
      expect.arrayContaining([
        { path: "predecessor.frameworkId", message: "a framework cannot be its own predecessor" },
        { path: "predecessor.map.0.from", message: "a renamed node comes from exactly one old code" },
        { path: "predecessor.map.0.from.1", message: '"1.1" is listed twice' },
      ]),
    );
    const again = parseFramework(
      draft([
        { group: "commune", code: "1.3", from: ["1.2"], relation: "same" },
        { group: "commune", code: "1.3", from: ["1.1", "1.2"], relation: "merged" },
        { group: "commune", code: "1.1", relation: "merged", from: ["1.1"] },
        { group: "commune", code: "9.9", relation: "new" },
        { group: "district", code: "1", from: ["1"], relation: "same" },
        { group: "commune", code: "2", relation: "dropped", from: ["2"] },
        { group: "commune", code: "2.1", relation: "new", from: ["2.1"] },
        { group: "commune", code: "2.1.1", relation: "split", from: ["2.1.1"] },
        { group: "commune", relation: "renamed", from: ["1"] },
      ]),
    );
    expect(again.ok ? [] : again.issues).toEqual([
      { path: "predecessor.map.1.code", message: '"1.3" is already mapped at predecessor.map.0' },
      { path: "predecessor.map.2.from", message: "a merged node comes from two or more old codes" },
      { path: "predecessor.map.3.code", message: '"9.9" is not a code of group "commune"' },
      { path: "predecessor.map.4.group", message: '"district" is not a group of this framework' },
      {
        path: "predecessor.map.5.code",
        message: "a dropped line names no new code: the old code(s) go in `from`",
      },
      { path: "predecessor.map.6.from", message: "a new node comes from no old code: leave `from` out" },
      { path: "predecessor.map.8.code", message: "a renamed line names the new code" },
      {
        path: "predecessor.map.1.from.1",
        message:
          'old code "1.2" is already taken at predecessor.map.0.from.0 (only a split maps one old code to several new ones)',
      },
      {
        path: "predecessor.map.2.from.0",
        message:
          'old code "1.1" is already taken at predecessor.map.1.from.0 (only a split maps one old code to several new ones)',
      },
      {
        path: "predecessor.map.7.from.0",
        message: '"2.1.1" is split into one node only: that is "renamed" (or "same")',
      },
    ]);
  });

  test("a split maps one old code to two or more new ones", () => {
    const ok = parseFramework(
      draft([
        { group: "commune", code: "1.1", from: ["1.2"], relation: "split" },
        { group: "commune", code: "1.3", from: ["1.2"], relation: "split" },
      ]),
    );
    expect(ok.ok ? [] : ok.issues).toEqual([]);
  });
});

describe("the map against the predecessor", () => {
  const issues = (map: unknown[]) => {
    const parsed = parseFramework(draft(map));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    return predecessorIssues(parsed.value, old);
  };

  test("unknown old codes, a leaf mapped to a pillar, a pillar to a sub-pillar", () => {
    expect(
      issues([
        { group: "commune", code: "1.3", from: ["1.2", "7.7"], relation: "merged" },
        { group: "commune", code: "2", from: ["2.1"], relation: "renamed" },
        { group: "commune", code: "2.1.1", from: ["1"], relation: "renamed" },
      ]),
    ).toEqual([
      {
        path: "predecessor.map.0.from.1",
        message: '"7.7" is not a code of group "commune" in the predecessor "old"',
      },
      {
        path: "predecessor.map.1.from.0",
        message:
          'pillar "2" cannot come from sub-pillar "2.1": a node maps to nodes of its level (a leaf to leaves, a pillar to pillars)',
      },
      {
        path: "predecessor.map.2.from.0",
        message:
          'leaf "2.1.1" cannot come from pillar "1": a node maps to nodes of its level (a leaf to leaves, a pillar to pillars)',
      },
    ]);
  });

  test("an indicator compared by points keeps its maximum, mapped or kept by its code", () => {
    expect(issues([{ group: "commune", code: "1.3", from: ["1.2"], relation: "renamed" }])).toEqual([
      {
        path: "predecessor.map.0.relation",
        message:
          'leaf "1.3" has a maximum of 20 points, its old one(s) 10: indicators compare by points, so only at equal maxima; map it "new" (and the old "dropped"), or keep the maximum',
      },
    ]);
    // Merged 1.1 + 1.2 = 20 points: comparable; the new 1.1 keeps 1.1's code but 1.1 is taken, so it is new.
    expect(issues([{ group: "commune", code: "1.3", from: ["1.1", "1.2"], relation: "merged" }])).toEqual([]);
    const grown = testFramework({
      id: "grown",
      predecessor: { frameworkId: "old", map: [] },
      groups: [communeGroup([pillar("1", "A", 30, [leaf("1.1", "A1", 30)])])],
    });
    expect(predecessorIssues(grown, old)).toEqual([
      {
        path: "groups.0.nodes.0.children.0.maxPoints",
        message:
          'leaf "1.1" keeps the code of the predecessor\'s leaf but not its maximum (10): add a line to predecessor.map saying how it relates ("new" when its points are not comparable)',
      },
    ]);
  });
});

describe("the sample 2025 index set", () => {
  const read = (name: string) =>
    parseFramework(
      JSON.parse(readFileSync(new URL(`../../../shared/data/${name}`, import.meta.url), "utf8")),
    );
  const v2022 = read("sample-framework-tq-2022.json");
  const v2025 = read("sample-framework-tq-2025.json");

  test("validates, and its map fits the 2022 set", () => {
    expect(v2022.ok && v2025.ok ? [] : [v2022, v2025]).toEqual([]);
    const [before, after] = [v2022, v2025].map((p) => (p.ok ? p.value : undefined)) as [Framework, Framework];
    expect(after.predecessor?.frameworkId).toBe(before.id);
    expect(after.groups.map((g) => g.id)).toEqual(["department", "commune"]);
    expect(predecessorIssues(after, before)).toEqual([]);
  });

  test("renamed, one split, two merged, a few new and a few dropped", () => {
    const [before, after] = [v2022, v2025].map((p) => (p.ok ? p.value : undefined)) as [Framework, Framework];
    const c = comparability(after, sideOfFramework(before));
    const relations = (group: string) =>
      [...(c.groups.get(group)?.links.leaf ?? [])].map(
        ([code, l]) => `${code}:${l.relation}:${l.from.join("+")}`,
      );
    expect(relations("department")).toEqual(
      expect.arrayContaining([
        "1.4:merged:1.4+1.5",
        "3.4:split:3.4",
        "3.9:split:3.4",
        "5.10:renamed:5.10",
        "3.10:new:",
      ]),
    );
    expect(relations("commune")).toEqual(
      expect.arrayContaining(["4.1:merged:4.1+4.2", "4.2:same:4.3", "5.2:renamed:5.2", "3.5:new:"]),
    );
    expect(summaryOf(c, "department")).toEqual({
      frameworkChanged: true,
      previousFrameworkId: "tq-sample-2022",
      mapped: {},
      notComparable: { pillars: [], leaves: ["3.4", "3.9", "3.10", "4.6", "5.13"] },
      dropped: { pillars: [], leaves: ["3.9", "4.5", "5.11"] },
    });
    expect(summaryOf(c, "commune")?.dropped).toEqual({ pillars: [], leaves: ["3.4", "5.4"] });
  });
});
