import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFramework } from "../../../shared/model/framework-rules.ts";
import type { Issue } from "../../../shared/model/issues.ts";
import { stepsMethod } from "../../support/fixtures.ts";

type Raw = Record<string, unknown>;

const leaf = (code: string, maxPoints: number, method: Raw, extra: Raw = {}): Raw => ({
  code,
  name: `Chỉ số ${code}`,
  maxPoints,
  method,
  ...extra,
});
const inner = (code: string, maxPoints: number, children: Raw[], extra: Raw = {}): Raw => ({
  code,
  name: `Chỉ số chính ${code}`,
  maxPoints,
  children,
  ...extra,
});
const group = (id: string, unitKinds: string[], nodes: Raw[], extra: Raw = {}): Raw => ({
  id,
  name: `Khối ${id}`,
  unitKinds,
  nodes,
  ...extra,
});
const framework = (groups: Raw[], extra: Raw = {}): Raw => ({
  id: "test-framework",
  name: "Bộ chỉ số thử",
  groups,
  ...extra,
});
/** One group of one pillar "1" (max 100) over the given leaves. */
const oneGroup = (children: Raw[], maxPoints = 100): Raw =>
  framework([group("department", ["department"], [inner("1", maxPoints, children)])]);

const LEAF = "groups.0.nodes.0.children.0";

const levelMethod = {
  type: "level",
  options: [
    { id: "head", label: "Người đứng đầu", fraction: 1 },
    { id: "deputy", label: "Cấp phó", fraction: 0.5 },
    { id: "none", label: "Không", fraction: 0 },
  ],
};

/** Every method well formed, with caps and evidence rules: the baseline each test breaks in one place. */
const validFramework = (): Raw =>
  framework(
    [
      group(
        "department",
        ["department"],
        [
          inner("1", 60, [
            leaf("1.1", 20, levelMethod, {
              evidence: { required: true, kinds: ["file", "url"], hint: "Quyết định thành lập" },
              guidance: "Chọn theo chức danh Tổ trưởng",
              nameEn: "Head chairs the steering committee",
            }),
            leaf(
              "1.2",
              20,
              {
                type: "ratio",
                target: 0.8,
                whenZero: "exclude",
                numeratorLabel: "Số cuộc họp do người đứng đầu chủ trì",
                denominatorLabel: "Tổng số cuộc họp",
              },
              { evidence: { required: true } },
            ),
            // Listed from the top down, as decisions print them.
            leaf("1.3", 20, stepsMethod([4, 20], [3, 15], [2, 10], [1, 5])),
            // A parent may cap its children: 60 < 20 + 20 + 20 + 10.
            inner("1.4", 10, [leaf("1.4.1", 10, { type: "yesno" }, { source: "system" })]),
          ]),
          inner("2", 40, [
            leaf("2.1", 5, { type: "count", pointsEach: 1 }),
            leaf("2.2", 10, { type: "points" }),
            leaf("2.3", 25, { type: "relative" }),
            leaf("2.4", 0, { type: "info" }),
          ]),
        ],
        {
          bands: [
            { minIndex: 0.75, label: "Rất cao" },
            { minIndex: 0.5, label: "Cao" },
            { minIndex: 0, label: "Thấp", labelEn: "Low" },
          ],
        },
      ),
      // The same codes in another group are fine: codes are unique within a group.
      group("district", ["district", "city"], [inner("1", 10, [leaf("1.1", 10, { type: "yesno" })])]),
    ],
    { decision: "742/QĐ-UBND ngày 24/6/2022", about: "Mẫu thử", missingEvidence: "keep", lineage: "tq" },
  );

function issuesOf(input: unknown): Issue[] {
  const result = parseFramework(input);
  if (result.ok) throw new Error("expected the framework to be refused");
  return result.issues;
}

const issue = (path: string, message: RegExp) => ({ path, message: expect.stringMatching(message) });

describe("parseFramework: valid frameworks", () => {
  it("accepts the baseline with every method, caps and the same codes in two groups", () => {
    const result = parseFramework(validFramework());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it("fills the documented defaults", () => {
    const result = parseFramework(oneGroup([leaf("1.1", 100, { type: "ratio" })]));
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const node = result.value.groups[0]?.nodes[0];
    const first = node && "children" in node ? node.children[0] : undefined;
    expect(first).toMatchObject({
      method: { type: "ratio", target: 1, whenZero: "full" },
      evidence: { required: false, kinds: ["file", "url"] },
    });
    expect(result.value.missingEvidence).toBe("zero");
    expect(result.value.rankCompare).toBe("rounded");
  });

  it("accepts the shipped sample framework with no issue", () => {
    const raw: unknown = JSON.parse(
      readFileSync(new URL("../../../shared/data/sample-framework-tq-2022.json", import.meta.url), "utf8"),
    );
    const result = parseFramework(raw);
    expect(result.ok ? [] : result.issues).toEqual([]);
    expect(result.ok && result.value.groups.map((g) => g.id)).toEqual(["department", "district", "commune"]);
  });
});

describe("parseFramework: codes", () => {
  it("refuses a code used twice in a group, at the second place, whatever the depth", () => {
    const issues = issuesOf(
      framework([
        group(
          "department",
          ["department"],
          [
            inner("1", 20, [leaf("1.1", 10, { type: "yesno" }), leaf("1.2", 10, { type: "yesno" })]),
            inner("2", 20, [
              leaf("1.1", 10, { type: "yesno" }),
              inner("1", 10, [leaf("2.1", 10, { type: "yesno" })]),
            ]),
          ],
        ),
      ]),
    );
    expect(issues).toEqual([
      issue("groups.0.nodes.1.children.0.code", /"1\.1".*twice.*groups\.0\.nodes\.0\.children\.0/),
      issue("groups.0.nodes.1.children.1.code", /"1".*twice.*groups\.0\.nodes\.0\b/),
    ]);
  });

  it("accepts the same code in two groups", () => {
    const result = parseFramework(
      framework([
        group("department", ["department"], [leaf("1", 10, { type: "yesno" })]),
        group("district", ["district"], [leaf("1", 10, { type: "yesno" })]),
      ]),
    );
    expect(result.ok).toBe(true);
  });

  it("refuses a malformed code", () => {
    expect(issuesOf(oneGroup([leaf("1..1", 100, { type: "yesno" })]))).toEqual([
      issue(`${LEAF}.code`, /1, 1\.2 or A\.1\.3/),
    ]);
  });
});

describe("parseFramework: maximum points", () => {
  it("refuses children whose maxima add up to less than the parent's", () => {
    const issues = issuesOf(
      oneGroup([leaf("1.1", 40, { type: "yesno" }), leaf("1.2", 50, { type: "yesno" })], 100),
    );
    expect(issues).toEqual([issue("groups.0.nodes.0.maxPoints", /^1: .*add up to 90.*less than.*100/)]);
  });

  it("checks nested inner nodes too", () => {
    const issues = issuesOf(
      oneGroup([
        inner("1.1", 30, [leaf("1.1.1", 10, { type: "yesno" })]),
        leaf("1.2", 70, { type: "yesno" }),
      ]),
    );
    expect(issues).toEqual([issue(`${LEAF}.maxPoints`, /^1\.1: .*add up to 10.*less than.*30/)]);
  });

  it("accepts children adding up to exactly the parent's, or more (a cap)", () => {
    expect(
      parseFramework(oneGroup([leaf("1.1", 60, { type: "yesno" }), leaf("1.2", 40, { type: "yesno" })])).ok,
    ).toBe(true);
    expect(
      parseFramework(oneGroup([leaf("1.1", 60, { type: "yesno" }), leaf("1.2", 60, { type: "yesno" })])).ok,
    ).toBe(true);
  });

  it("refuses negative maximum points", () => {
    expect(
      issuesOf(oneGroup([leaf("1.1", -5, { type: "yesno" }), leaf("1.2", 100, { type: "yesno" })])),
    ).toContainEqual(issue(`${LEAF}.maxPoints`, /0/));
  });
});

describe("parseFramework: methods", () => {
  it("refuses a level leaf without options, or with none listed", () => {
    expect(
      issuesOf(
        oneGroup([leaf("1.1", 50, { type: "level" }), leaf("1.2", 50, { type: "level", options: [] })]),
      ),
    ).toEqual([
      issue(`${LEAF}.method.options`, /array/),
      issue("groups.0.nodes.0.children.1.method.options", /1/),
    ]);
  });

  it.each([1.5, -0.1])("refuses a level fraction of %s, outside [0, 1]", (fraction) => {
    expect(
      issuesOf(oneGroup([leaf("1.1", 100, { type: "level", options: [{ id: "a", label: "A", fraction }] })])),
    ).toEqual([issue(`${LEAF}.method.options.0.fraction`, fraction > 1 ? /<=1/ : />=0/)]);
  });

  it("refuses two level options with the same id", () => {
    const method = {
      type: "level",
      options: [
        { id: "head", label: "Người đứng đầu", fraction: 1 },
        { id: "head", label: "Cấp phó", fraction: 0.5 },
      ],
    };
    expect(issuesOf(oneGroup([leaf("1.1", 100, method)]))).toEqual([
      issue(`${LEAF}.method.options.1.id`, /^1\.1: .*"head" repeats/),
    ]);
  });

  it.each([0, 1.5, -0.5])("refuses a ratio target of %s, outside (0, 1]", (target) => {
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "ratio", target })]))).toEqual([
      issue(`${LEAF}.method.target`, target > 1 ? /<=1/ : />0/),
    ]);
  });

  it("accepts ratio targets inside (0, 1]", () => {
    for (const target of [1, 0.5, 0.01])
      expect(parseFramework(oneGroup([leaf("1.1", 100, { type: "ratio", target })])).ok).toBe(true);
  });

  it("refuses an unknown whenZero", () => {
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "ratio", whenZero: "skip" })]))).toEqual([
      issue(`${LEAF}.method.whenZero`, /"full"\|"zero"\|"exclude"/),
    ]);
  });

  it("refuses empty steps", () => {
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "steps", steps: [] })]))).toEqual([
      issue(`${LEAF}.method.steps`, /1/),
    ]);
  });

  it("refuses a step worth more than the leaf's maximum", () => {
    const steps = [
      { min: 1, points: 10 },
      { min: 2, points: 25 },
    ];
    expect(
      issuesOf(oneGroup([leaf("1.1", 20, { type: "steps", steps }), leaf("1.2", 80, { type: "yesno" })])),
    ).toEqual([issue(`${LEAF}.method.steps.1.points`, /^1\.1: .*25 points.*20/)]);
  });

  it("refuses two steps with the same min", () => {
    const steps = [
      { min: 2, points: 10 },
      { min: 1, points: 5 },
      { min: 2, points: 15 },
    ];
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "steps", steps })]))).toEqual([
      issue(`${LEAF}.method.steps.2.min`, /^1\.1: two steps start at 2/),
    ]);
  });

  it("refuses decreasing steps: a higher threshold giving fewer points", () => {
    const steps = [
      { min: 1, points: 10 },
      { min: 3, points: 20 },
      { min: 2, points: 15 },
      { min: 4, points: 5 },
    ];
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "steps", steps })]))).toEqual([
      issue(`${LEAF}.method.steps.3.points`, /^1\.1: .*from 4.*fewer points.*from 3/),
    ]);
  });

  it("refuses a negative step threshold", () => {
    expect(
      issuesOf(oneGroup([leaf("1.1", 100, { type: "steps", steps: [{ min: -1, points: 5 }] })])),
    ).toEqual([issue(`${LEAF}.method.steps.0.min`, />=0/)]);
  });

  it.each([0, -1])("refuses a count worth %s points each", (pointsEach) => {
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "count", pointsEach })]))).toEqual([
      issue(`${LEAF}.method.pointsEach`, />0/),
    ]);
  });

  it("refuses an info leaf with maximum points", () => {
    expect(
      issuesOf(oneGroup([leaf("1.1", 5, { type: "info" }), leaf("1.2", 95, { type: "yesno" })])),
    ).toEqual([issue(`${LEAF}.maxPoints`, /^1\.1: .*info.*maxPoints must be 0/)]);
  });

  it("refuses an unknown method type", () => {
    expect(issuesOf(oneGroup([leaf("1.1", 100, { type: "percent" })]))).toEqual([
      issue(`${LEAF}.method.type`, /yesno/),
    ]);
  });

  it("refuses repeated evidence kinds", () => {
    expect(
      issuesOf(
        oneGroup([
          leaf("1.1", 100, { type: "yesno" }, { evidence: { required: true, kinds: ["file", "file"] } }),
        ]),
      ),
    ).toEqual([issue(`${LEAF}.evidence.kinds`, /repeat/)]);
  });
});

describe("parseFramework: unknown fields are refused, so typos surface", () => {
  it.each<[string, Raw, string]>([
    [
      "framework",
      framework([group("g", ["k"], [leaf("1", 1, { type: "yesno" })])], { missingEvidnce: "keep" }),
      "missingEvidnce",
    ],
    [
      "group",
      framework([group("g", ["k"], [leaf("1", 1, { type: "yesno" })], { unitKind: "x" })]),
      "groups.0.unitKind",
    ],
    [
      "inner node",
      framework([group("g", ["k"], [inner("1", 1, [leaf("1.1", 1, { type: "yesno" })], { maxPoint: 1 })])]),
      "groups.0.nodes.0.maxPoint",
    ],
    [
      "leaf",
      oneGroup([leaf("1.1", 100, { type: "yesno" }, { evidnce: { required: true } })]),
      `${LEAF}.evidnce`,
    ],
    ["method", oneGroup([leaf("1.1", 100, { type: "ratio", targte: 0.5 })]), `${LEAF}.method.targte`],
    [
      "level option",
      oneGroup([
        leaf("1.1", 100, { type: "level", options: [{ id: "a", label: "A", fraction: 1, points: 3 }] }),
      ]),
      `${LEAF}.method.options.0.points`,
    ],
    [
      "step",
      oneGroup([leaf("1.1", 100, { type: "steps", steps: [{ min: 1, points: 5, max: 3 }] })]),
      `${LEAF}.method.steps.0.max`,
    ],
    [
      "evidence",
      oneGroup([leaf("1.1", 100, { type: "yesno" }, { evidence: { required: true, hnt: "x" } })]),
      `${LEAF}.evidence.hnt`,
    ],
    [
      "band",
      framework([
        group("g", ["k"], [leaf("1", 1, { type: "yesno" })], {
          bands: [{ minIndex: 0, label: "Thấp", colour: "red" }],
        }),
      ]),
      "groups.0.bands.0.colour",
    ],
  ])("at the %s level", (_level, input, path) => {
    expect(issuesOf(input)).toEqual([{ path, message: "unknown field" }]);
  });

  it("names a typo deep in a nested tree by its full path", () => {
    const input = oneGroup([
      inner("1.1", 100, [inner("1.1.1", 100, [leaf("1.1.1.1", 100, { type: "yesno" }, { evidnce: {} })])]),
    ]);
    expect(issuesOf(input)).toEqual([
      { path: `${LEAF}.children.0.children.0.evidnce`, message: "unknown field" },
    ]);
  });
});

describe("parseFramework: node shape", () => {
  it("refuses a node with both children and a method", () => {
    const input = oneGroup([
      { ...inner("1.1", 100, [leaf("1.1.1", 100, { type: "yesno" })]), method: { type: "yesno" } },
    ]);
    expect(issuesOf(input)).toContainEqual(issue(LEAF, /^1\.1: .*either children or a method, not both/));
  });

  it("refuses a node with neither children nor a method", () => {
    const input = oneGroup([{ code: "1.1", name: "Trống", maxPoints: 100 }]);
    expect(issuesOf(input)).toContainEqual(issue(LEAF, /^1\.1: .*needs children.*or a method/));
  });

  it("refuses an inner node without children", () => {
    expect(issuesOf(oneGroup([inner("1.1", 100, [])]))).toContainEqual(issue(`${LEAF}.children`, />=1/));
  });
});

describe("parseFramework: groups", () => {
  it("refuses duplicate group ids", () => {
    const issues = issuesOf(
      framework([
        group("department", ["department"], [leaf("1", 1, { type: "yesno" })]),
        group("department", ["district"], [leaf("1", 1, { type: "yesno" })]),
      ]),
    );
    expect(issues).toEqual([issue("groups.1.id", /"department".*groups\.0/)]);
  });

  it("refuses a unit kind ranked in two groups", () => {
    const issues = issuesOf(
      framework([
        group("department", ["department"], [leaf("1", 1, { type: "yesno" })]),
        group("district", ["district", "department"], [leaf("1", 1, { type: "yesno" })]),
      ]),
    );
    expect(issues).toEqual([issue("groups.1.unitKinds.1", /"department".*group "department"/)]);
  });

  it("refuses two bands with the same minIndex", () => {
    const bands = [
      { minIndex: 0.5, label: "Cao" },
      { minIndex: 0, label: "Thấp" },
      { minIndex: 0.5, label: "Khá" },
    ];
    expect(issuesOf(framework([group("g", ["k"], [leaf("1", 1, { type: "yesno" })], { bands })]))).toEqual([
      issue("groups.0.bands.2.minIndex", /two bands start at 0\.5/),
    ]);
  });

  it("refuses a band minIndex outside [0, 1]", () => {
    const bands = [{ minIndex: 1.2, label: "Cao" }];
    expect(issuesOf(framework([group("g", ["k"], [leaf("1", 1, { type: "yesno" })], { bands })]))).toEqual([
      issue("groups.0.bands.0.minIndex", /<=1/),
    ]);
  });

  it("refuses a framework without groups, and a group without nodes or kinds", () => {
    expect(issuesOf(framework([]))).toEqual([issue("groups", /1/)]);
    expect(issuesOf(framework([group("g", [], [])]))).toEqual([
      issue("groups.0.unitKinds", /1/),
      issue("groups.0.nodes", /1/),
    ]);
  });

  it("refuses input that is not an object", () => {
    for (const input of [null, [], "framework", 3]) expect(issuesOf(input)).toEqual([issue("", /object/)]);
  });
});

describe("parseFramework: one file, every problem", () => {
  it("lists all problems of a file at once, shape and rules together", () => {
    const input = framework(
      [
        group(
          "department",
          ["department"],
          [
            inner("1", 100, [
              leaf("1.1", 20, { type: "level" }),
              leaf("1.2", 20, { type: "ratio", target: 0, whenZero: "never" }),
              leaf("1.3", 20, {
                type: "steps",
                steps: [
                  { min: 1, points: 30 },
                  { min: 1, points: 10 },
                ],
              }),
              leaf("1.4", 5, { type: "count", pointsEach: 0 }),
              leaf("1.5", 5, { type: "info" }),
              leaf("1.1", 10, { type: "yesno" }, { evidnce: { required: true } }),
            ]),
            leaf("2", 10, {
              type: "level",
              options: [
                { id: "a", label: "A", fraction: 2 },
                { id: "a", label: "B", fraction: 0.5 },
              ],
            }),
          ],
          {
            bands: [
              { minIndex: 0.5, label: "Cao" },
              { minIndex: 0.5, label: "Khá" },
            ],
          },
        ),
        group("department", ["department"], [{ code: "1", name: "Trống", maxPoints: 1 }]),
      ],
      { colour: "blue" },
    );
    const issues = issuesOf(input);
    const paths = issues.map((i) => i.path);
    const N = "groups.0.nodes.0.children";
    // Exactly these: each problem reported, nothing invented.
    expect([...paths].sort()).toEqual(
      [
        "colour",
        "groups.0.nodes.0.maxPoints",
        `${N}.0.method.options`,
        `${N}.1.method.target`,
        `${N}.1.method.whenZero`,
        `${N}.2.method.steps.0.points`,
        `${N}.2.method.steps.1.min`,
        `${N}.3.method.pointsEach`,
        `${N}.4.maxPoints`,
        `${N}.5.code`,
        `${N}.5.evidnce`,
        "groups.0.nodes.1.method.options.0.fraction",
        "groups.0.nodes.1.method.options.1.id",
        "groups.0.bands.1.minIndex",
        "groups.1.id",
        "groups.1.unitKinds.0",
        "groups.1.nodes.0",
        "groups.1.nodes.0.method",
      ].sort(),
    );
    // Each problem once: the shape and the rules do not report the same thing twice.
    expect(new Set(issues.map((i) => `${i.path}|${i.message}`)).size).toBe(issues.length);
  });
});
