import { describe, expect, it } from "vitest";
import { parseBundle, type ScoringBundle } from "../../../shared/engine/bundle.ts";
import { scorePeriod } from "../../../shared/engine/score-period.ts";
import { toSnapshot } from "../../../shared/engine/snapshot.ts";
import type { Issue } from "../../../shared/model/issues.ts";

type Raw = Record<string, unknown>;

const framework = (): Raw => ({
  id: "test-framework",
  name: "Bộ chỉ số thử",
  groups: [
    {
      id: "department",
      name: "Sở, ban, ngành",
      unitKinds: ["department"],
      nodes: [
        {
          code: "1",
          name: "Nhận thức số",
          maxPoints: 30,
          children: [
            { code: "1.1", name: "Có kế hoạch", maxPoints: 10, method: { type: "yesno" } },
            {
              code: "1.2",
              name: "Tỷ lệ hồ sơ trực tuyến",
              maxPoints: 10,
              method: { type: "ratio" },
              evidence: { required: true },
            },
            {
              code: "1.3",
              name: "Số ứng dụng dùng chung",
              maxPoints: 10,
              method: { type: "relative" },
              evidence: { required: true },
            },
          ],
        },
      ],
    },
    {
      id: "commune",
      name: "Xã, phường, thị trấn",
      unitKinds: ["commune", "ward"],
      nodes: [{ code: "1", name: "Có cổng thông tin", maxPoints: 10, method: { type: "yesno" } }],
    },
  ],
});

const units = (): Raw[] => [
  { id: "so-noi-vu", code: "S02", name: "Sở Nội vụ", kind: "department" },
  { id: "so-tu-phap", code: "S03", name: "Sở Tư pháp", kind: "department" },
  { id: "xa-an-tuong", code: "02512", name: "Xã An Tường", kind: "commune", parentId: "tp-tuyen-quang" },
];

const bundle = (patch: Raw = {}): Raw => ({
  framework: framework(),
  period: { id: "2022-y", name: "Năm 2022" },
  units: units(),
  submissions: {
    "so-noi-vu": {
      submitted: true,
      answers: { "1.1": true, "1.2": { numerator: 3, denominator: 4 }, "1.3": 7 },
      evidence: ["1.2", "1.3"],
    },
    "so-tu-phap": { submitted: false, answers: { "1.1": false }, evidence: [] },
    "xa-an-tuong": { submitted: true, answers: { "1": true }, evidence: [] },
  },
  appraisals: { "so-noi-vu": { "1.1": false } },
  ...patch,
});

function issuesOf(input: unknown): Issue[] {
  const result = parseBundle(input);
  if (result.ok) throw new Error("expected the bundle to be refused");
  return result.issues;
}

const issue = (path: string, ...parts: string[]) => ({
  path,
  message: expect.stringMatching(
    new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")),
  ),
});

describe("parseBundle", () => {
  it("accepts a valid bundle and fills the framework's defaults", () => {
    const result = parseBundle(bundle());
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const pillar = result.value.framework.groups[0]?.nodes[0];
    expect(pillar && "children" in pillar && pillar.children[1]).toMatchObject({
      method: { type: "ratio", target: 1, whenZero: "full" },
    });
    expect(result.value.units).toHaveLength(3);
  });

  it("refuses an answer for an unknown leaf code, naming the unit and the code", () => {
    const input = bundle();
    (input.submissions as Raw)["so-noi-vu"] = { submitted: true, answers: { "9.9": true }, evidence: [] };
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-noi-vu.answers.9.9", "unit so-noi-vu, leaf 9.9", "not a leaf"),
    ]);
  });

  it("refuses an answer for an inner node: only leaves are answered", () => {
    const input = bundle();
    (input.submissions as Raw)["so-noi-vu"] = { submitted: true, answers: { "1": 30 }, evidence: [] };
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-noi-vu.answers.1", "unit so-noi-vu, leaf 1", "not a leaf"),
    ]);
  });

  it("refuses a leaf code of another group", () => {
    const input = bundle();
    (input.submissions as Raw)["xa-an-tuong"] = { submitted: true, answers: { "1.1": true }, evidence: [] };
    expect(issuesOf(input)).toEqual([
      issue("submissions.xa-an-tuong.answers.1.1", "unit xa-an-tuong, leaf 1.1", "not a leaf"),
    ]);
  });

  it("refuses values outside their leaf's domain, each with its unit and leaf", () => {
    const input = bundle();
    (input.submissions as Raw)["so-noi-vu"] = {
      submitted: true,
      answers: { "1.1": "yes", "1.2": { numerator: 5, denominator: 4 }, "1.3": -1 },
      evidence: [],
    };
    // Drafts are checked too: an unsubmitted value is still saved data.
    (input.submissions as Raw)["so-tu-phap"] = { submitted: false, answers: { "1.2": 0.5 }, evidence: [] };
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-noi-vu.answers.1.1", "unit so-noi-vu, leaf 1.1", "true or false"),
      issue("submissions.so-noi-vu.answers.1.2", "unit so-noi-vu, leaf 1.2", "must not exceed"),
      issue("submissions.so-noi-vu.answers.1.3", "unit so-noi-vu, leaf 1.3", "≥ 0"),
      issue("submissions.so-tu-phap.answers.1.2", "unit so-tu-phap, leaf 1.2", "numerator"),
    ]);
  });

  it("refuses evidence for a non-leaf or an unknown code", () => {
    const input = bundle();
    (input.submissions as Raw)["so-noi-vu"] = {
      submitted: true,
      answers: {},
      evidence: ["1.2", "1", "7.7", 12],
    };
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-noi-vu.evidence.1", "unit so-noi-vu", '"1"', "not a leaf"),
      issue("submissions.so-noi-vu.evidence.2", "unit so-noi-vu", '"7.7"', "not a leaf"),
      issue("submissions.so-noi-vu.evidence.3", "unit so-noi-vu", "12", "not a leaf"),
    ]);
  });

  it("refuses a submission or an appraisal for a unit that is not in units", () => {
    const input = bundle();
    (input.submissions as Raw)["so-y-te"] = { submitted: true, answers: {}, evidence: [] };
    input.appraisals = { "so-xay-dung": { "1.1": true } };
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-y-te", "unit so-y-te", "not among the bundle's units"),
      issue("appraisals.so-xay-dung", "unit so-xay-dung", "not among the bundle's units"),
    ]);
  });

  it("refuses a unit of a kind no group ranks", () => {
    const input = bundle({
      units: [
        ...units(),
        { id: "dac-khu-van-don", code: "DK1", name: "Đặc khu Vân Đồn", kind: "special-zone" },
      ],
    });
    expect(issuesOf(input)).toEqual([issue("units.3.kind", "unit dac-khu-van-don", '"special-zone"')]);
  });

  it("does not call a unit of an unranked kind a stranger when it has a submission", () => {
    const input = bundle({
      units: [
        ...units(),
        { id: "dac-khu-van-don", code: "DK1", name: "Đặc khu Vân Đồn", kind: "special-zone" },
      ],
    });
    (input.submissions as Raw)["dac-khu-van-don"] = { submitted: true, answers: {}, evidence: [] };
    const issues = issuesOf(input);
    expect(issues).toContainEqual(issue("units.3.kind", "unit dac-khu-van-don", '"special-zone"'));
    // The unit is listed in units: saying otherwise sends the reader to the wrong problem.
    expect(issues.filter((i) => /not among the bundle's units/.test(i.message))).toEqual([]);
  });

  it("refuses duplicate unit ids", () => {
    const input = bundle({
      units: [...units(), { id: "so-tu-phap", code: "S99", name: "Sở Tư pháp (trùng)", kind: "department" }],
    });
    expect(issuesOf(input)).toEqual([issue("units.3.id", "unit so-tu-phap", "twice")]);
  });

  it("refuses an empty appraised value and an appraised value outside the domain", () => {
    const input = bundle({ appraisals: { "so-noi-vu": { "1.1": null, "1.2": { numerator: 1 } } } });
    expect(issuesOf(input)).toEqual([
      issue("appraisals.so-noi-vu.1.1", "unit so-noi-vu, leaf 1.1", "cannot be empty"),
      issue("appraisals.so-noi-vu.1.2", "unit so-noi-vu, leaf 1.2", "denominator"),
    ]);
  });

  it("refuses malformed submissions", () => {
    const input = bundle();
    const submissions = input.submissions as Raw;
    submissions["so-noi-vu"] = { submitted: "yes", answers: [], evidence: "1.2", extra: 1 };
    submissions["so-tu-phap"] = [];
    expect(issuesOf(input)).toEqual([
      issue("submissions.so-noi-vu.extra", "unit so-noi-vu", "unknown field"),
      issue("submissions.so-noi-vu.submitted", "unit so-noi-vu", "true or false"),
      issue("submissions.so-noi-vu.answers", "unit so-noi-vu", "leaf code"),
      issue("submissions.so-noi-vu.evidence", "unit so-noi-vu", "list"),
      issue("submissions.so-tu-phap", "unit so-tu-phap"),
    ]);
  });

  it("reports the problems of every unit at once", () => {
    const input = bundle({
      units: [...units(), { id: "so-noi-vu", code: "S02", name: "Sở Nội vụ", kind: "department" }],
      appraisals: { "so-tu-phap": { "1.1": null } },
    });
    const submissions = input.submissions as Raw;
    submissions["so-noi-vu"] = { submitted: true, answers: { "1.1": 1 }, evidence: [] };
    submissions["xa-an-tuong"] = { submitted: true, answers: { "1": true }, evidence: ["2"] };
    expect(issuesOf(input).map((i) => i.path)).toEqual([
      "units.3.id",
      "submissions.so-noi-vu.answers.1.1",
      "submissions.xa-an-tuong.evidence.0",
      "appraisals.so-tu-phap.1.1",
    ]);
  });

  it("refuses a bad framework, with its problems' paths under framework.", () => {
    const fw = framework();
    const groups = fw.groups as Raw[];
    (groups[1] as Raw).unitKinds = ["commune", "department"];
    const pillar = ((groups[0] as Raw).nodes as Raw[])[0] as Raw;
    (pillar.children as Raw[])[0] = {
      code: "1.1",
      name: "Có kế hoạch",
      maxPoints: 10,
      method: { type: "level" },
    };
    expect(issuesOf(bundle({ framework: fw }))).toEqual([
      issue("framework.groups.0.nodes.0.children.0.method.options", "array"),
      issue("framework.groups.1.unitKinds.1", '"department"'),
    ]);
  });

  it("refuses a bundle without a framework, at the path framework", () => {
    const input = bundle();
    delete input.framework;
    expect(issuesOf(input)).toContainEqual(issue("framework", "object"));
  });

  it("refuses unknown top-level fields and a malformed unit", () => {
    const input = bundle({
      answers: {},
      units: [{ id: "Sở Nội vụ", code: "S02", name: "Sở Nội vụ", kind: "department" }],
    });
    const paths = issuesOf(input).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["answers", "units.0.id"]));
  });

  it("accepts a submission that leaves out its evidence list, and scores it", () => {
    const input = bundle({ appraisals: {} });
    (input.submissions as Raw)["so-noi-vu"] = {
      submitted: true,
      answers: { "1.1": true, "1.2": { numerator: 1, denominator: 1 }, "1.3": 5 },
    };
    const result = parseBundle(input);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    // No evidence: the two evidence-required leaves score 0 (missingEvidence defaults to "zero").
    const score = (bundle: ScoringBundle) => toSnapshot(scorePeriod(bundle), bundle);
    const unit = score(result.value).groups[0]?.units.find((u) => u.unitId === "so-noi-vu");
    expect(unit).toMatchObject({ points: 10, flags: ["missing-evidence"] });
  });
});
