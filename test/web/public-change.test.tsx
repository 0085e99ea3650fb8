import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import { explainChange } from "../../web/src/public/change.ts";
import type {
  MethodFile,
  PublishedPeriod,
  Snapshot,
  SnapshotGroup,
  SnapshotUnit,
  UnitChange,
} from "../../web/src/public/data.ts";
import { Rankings } from "../../web/src/public/Rankings.tsx";
import { UnitProfile } from "../../web/src/public/UnitProfile.tsx";

/** Why a rank changed, in words, from hand-made snapshots; and the compare and year-over-year views. */

const MINUS = "\u2212";
const PILLARS = [
  { code: "1", name: "Nhận thức số", maxPoints: 40 },
  { code: "2", name: "Hạ tầng số", maxPoints: 30 },
  { code: "3", name: "Nhân lực số", maxPoints: 30 },
];

function unit(
  unitId: string,
  rank: number,
  points: number[],
  extra: Partial<SnapshotUnit> = {},
): SnapshotUnit {
  const total = points.reduce((a, b) => a + b, 0);
  return {
    unitId,
    code: unitId.toUpperCase(),
    name: `Xã ${unitId}`,
    rank,
    points: total,
    maxPoints: 100,
    index: total / 100,
    band: null,
    rankChange: null,
    flags: [],
    nodes: PILLARS.map((p, i) => ({
      code: p.code,
      points: points[i] ?? 0,
      maxPoints: p.maxPoints,
      value: (points[i] ?? 0) / p.maxPoints,
      rank: rank,
    })),
    ...extra,
  };
}

const group = (units: SnapshotUnit[]): SnapshotGroup => ({
  id: "commune",
  name: "Xã, phường",
  maxPoints: 100,
  nodes: PILLARS,
  units,
});

const snapshot = (id: string, name: string, units: SnapshotUnit[], frameworkId = "dti-2022"): Snapshot => ({
  period: { id, name, framework: { id: frameworkId, name: "Bộ chỉ số", decision: null } },
  version: 1,
  publishedAt: "2026-01-05T03:00:00Z",
  groups: [group(units)],
});

const METHOD: MethodFile = {
  period: { id: "2022", name: "Năm 2022" },
  framework: { id: "dti-2022", name: "Bộ chỉ số", decision: null, missingEvidence: "zero" },
  groups: [
    {
      id: "commune",
      name: "Xã, phường",
      maxPoints: 100,
      bands: [],
      nodes: PILLARS.map((p) => ({
        code: p.code,
        name: p.name,
        maxPoints: p.maxPoints,
        children: [1, 2, 3].map((n) => ({
          code: `${p.code}.${n}`,
          name: `Chỉ tiêu ${p.code}.${n}`,
          maxPoints: 10,
          method: { type: "yesno" as const },
        })),
      })),
    },
  ],
};

const CHANGE: UnitChange = {
  points: 8.5,
  index: 0.085,
  nodes: [
    { code: "1", points: 0, value: 0 },
    { code: "2", points: 12.5, value: 0.4167 },
    { code: "3", points: -4, value: -0.1333 },
  ],
  leaves: [
    { code: "2.3", points: 4 },
    { code: "2.1", points: 2.5 },
    { code: "3.2", points: -4 },
  ],
};

const BEFORE = snapshot("2021", "Năm 2021", [unit("a", 6, [10, 5, 20]), unit("b", 1, [30, 20, 25])]);

describe("why a rank changed, in words", () => {
  test("a rise: the rank, then the pillars by size with their indicators; an unchanged pillar left out", () => {
    const a = unit("a", 1, [10, 17.5, 16], { rankChange: 5, change: CHANGE });
    const now = snapshot("2022", "Năm 2022", [a]);
    const words = explainChange({
      unit: a,
      group: now.groups[0] as SnapshotGroup,
      snapshot: now,
      previous: { name: "Năm 2021", snapshot: BEFORE },
      method: METHOD,
    });
    expect(words.text).toBe(
      "Lên 5 bậc so với Năm 2021: Hạ tầng số +12,5 điểm (chỉ tiêu 2.3 “Chỉ tiêu 2.3” +4 điểm, " +
        `chỉ tiêu 2.1 “Chỉ tiêu 2.1” +2,5 điểm); Nhân lực số ${MINUS}4 điểm (chỉ tiêu 3.2 “Chỉ tiêu 3.2” ${MINUS}4 điểm)`,
    );
    expect(words.text).not.toContain("Nhận thức số");
    expect(words.setChanged).toBe(false);
  });

  test("a fall, without a method file: indicators by code under their pillar", () => {
    const change: UnitChange = {
      points: -6.25,
      index: -0.0625,
      nodes: [
        { code: "1", points: -6.25, value: -0.1563 },
        { code: "2", points: 0, value: 0 },
      ],
      leaves: [{ code: "1.2", points: -6.25 }],
    };
    const a = unit("a", 9, [3.75, 5, 20], { rankChange: -3, change });
    const now = snapshot("2022", "Năm 2022", [a]);
    const words = explainChange({
      unit: a,
      group: now.groups[0] as SnapshotGroup,
      snapshot: now,
      previous: { name: "Năm 2021", snapshot: BEFORE },
    });
    expect(words.text).toBe(
      `Xuống 3 bậc so với Năm 2021: Nhận thức số ${MINUS}6,25 điểm (chỉ tiêu 1.2 ${MINUS}6,25 điểm)`,
    );
  });

  test("no change: the same rank, no pillar moved", () => {
    const change: UnitChange = {
      points: 0,
      index: 0,
      nodes: PILLARS.map((p) => ({ code: p.code, points: 0, value: 0 })),
      leaves: [],
    };
    const a = unit("a", 6, [10, 5, 20], { rankChange: 0, change });
    const now = snapshot("2022", "Năm 2022", [a]);
    const words = explainChange({
      unit: a,
      group: now.groups[0] as SnapshotGroup,
      snapshot: now,
      previous: { name: "Năm 2021", snapshot: BEFORE },
    });
    expect(words.text).toBe("Giữ nguyên thứ hạng so với Năm 2021; điểm các trụ cột không đổi");
  });

  test("no previous result: says so", () => {
    const a = unit("a", 1, [10, 5, 20], { change: null });
    const now = snapshot("2022", "Năm 2022", [a]);
    const words = explainChange({ unit: a, group: now.groups[0] as SnapshotGroup, snapshot: now });
    expect(words).toEqual({ text: "Không có kết quả kỳ trước để so sánh", setChanged: false });
  });

  test("a merged unit, absent from the previous ranking: compared with its predecessors' mean", () => {
    const change: UnitChange = {
      points: 2,
      index: 0.02,
      nodes: [{ code: "3", points: 2, value: 0.0667 }],
      leaves: [],
    };
    const m = unit("merged", 2, [10, 5, 22], { rankChange: 1, change });
    const now = snapshot("2022", "Năm 2022", [m]);
    const words = explainChange({
      unit: m,
      group: now.groups[0] as SnapshotGroup,
      snapshot: now,
      previous: { name: "Năm 2021", snapshot: BEFORE },
    });
    expect(words.text).toBe(
      "Lên 1 bậc so với Năm 2021 (bình quân các đơn vị hợp nhất thành đơn vị này): Nhân lực số +2 điểm",
    );
  });

  test("the index set changed: flagged, only the pillars with the same code compared", () => {
    const change: UnitChange = {
      points: 1,
      index: 0.01,
      nodes: [{ code: "2", points: 1, value: 0.0333 }],
      leaves: [],
    };
    const a = unit("a", 4, [10, 6, 20], { rankChange: 2, change });
    const now = snapshot("2022", "Năm 2022", [a], "dti-2022-moi");
    const words = explainChange({
      unit: a,
      group: now.groups[0] as SnapshotGroup,
      snapshot: now,
      previous: { name: "Năm 2021", snapshot: BEFORE },
    });
    expect(words).toEqual({
      text: "Lên 2 bậc so với Năm 2021: Hạ tầng số +1 điểm",
      setChanged: true,
      note: "Bộ chỉ số đã thay đổi giữa hai kỳ: chỉ so sánh các trụ cột và chỉ tiêu có cùng mã.",
    });
  });
});

// --- The pages, against published files on `fetch` ---

const P2021: PublishedPeriod = {
  periodId: "2021",
  name: "Năm 2021",
  version: 1,
  publishedAt: "2025-01-05T03:00:00Z",
  url: "/public/rankings/2021.json",
};
const P2022: PublishedPeriod = {
  periodId: "2022",
  name: "Năm 2022",
  version: 1,
  publishedAt: "2026-01-05T03:00:00Z",
  url: "/public/rankings/2022.json",
  documents: true,
};
const NOW = snapshot("2022", "Năm 2022", [
  unit("a", 1, [10, 17.5, 16], { rankChange: 5, change: CHANGE }),
  unit("b", 2, [30, 10, 2], { rankChange: -1, change: null }),
]);

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  vi.unstubAllGlobals();
});

async function show(node: preact.VNode, ready: string) {
  const files: Record<string, unknown> = {
    "/public/rankings/index.json": { periods: [P2021, P2022] },
    [P2021.url]: BEFORE,
    [P2022.url]: NOW,
    "/public/rankings/2022.method.json": METHOD,
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) =>
      url in files ? new Response(JSON.stringify(files[url])) : new Response("", { status: 404 }),
    ),
  );
  root = document.createElement("div");
  document.body.append(root);
  await act(() => render(node, root as HTMLElement));
  for (let i = 0; i < 40 && !root.querySelector(ready); i++)
    await act(() => new Promise((done) => setTimeout(done, 5)));
  return root;
}

const at = (path: string, query: string) => ({ path, query: new URLSearchParams(query) });

describe("the unit page, the compare view and the group over the periods", () => {
  test("the unit page explains the change and links its scorecard and the compare view", async () => {
    const view = await show(
      <UnitProfile unitId="a" location={at("/units/a", "period=2022")} />,
      ".change-text",
    );
    expect(view.querySelector(".change-text")?.textContent).toMatch(
      /^Lên 5 bậc so với Năm 2021: Hạ tầng số \+12,5 điểm/,
    );
    const links = [...view.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")]);
    expect(links).toContainEqual(["Phiếu kết quả (PDF)", "/public/rankings/2022/units/a.pdf"]);
    expect(links).toContainEqual(["So sánh với…", "/units/a?period=2022&compare="]);
    // The pillars over the periods, as a table beside the chart.
    const caption = [...view.querySelectorAll("caption")].map((c) => c.textContent);
    expect(caption).toContain("Giá trị từng trụ cột (phần trăm điểm tối đa) qua các kỳ");
  });

  test("compare: two units' pillars side by side", async () => {
    const view = await show(
      <UnitProfile unitId="a" location={at("/units/a", "period=2022&compare=b")} />,
      "table.compare",
    );
    const head = [...view.querySelectorAll("table.compare thead th")].map((th) => th.textContent);
    expect(head).toEqual(["Điểm theo trụ cột", "Xã a", "Xã b"]);
    const rows = [...view.querySelectorAll("table.compare tbody tr")].map((tr) =>
      [...tr.children].map((c) => c.textContent),
    );
    expect(rows).toHaveLength(4);
    expect(rows[2]).toEqual(["2. Hạ tầng số", "17,5/3058,3%#1", "10/3033,3%#2"]);
  });

  test("the group over the periods: each unit's index per period, with the change", async () => {
    const view = await show(
      <Rankings location={at("/", "period=2022&group=commune&view=years")} />,
      "table.years tbody tr",
    );
    const head = [...view.querySelectorAll("table.years thead th")].map((th) => th.textContent);
    expect(head).toEqual(["Đơn vị", "Năm 2021", "Năm 2022"]);
    const first = [...(view.querySelector("table.years tbody tr")?.children ?? [])].map((c) => c.textContent);
    expect(first).toEqual(["Xã a", "0,3500", "0,4350 (+0,0850)"]);
  });

  test("the rankings page links the decision's appendix when the documents exist", async () => {
    const view = await show(<Rankings location={at("/", "period=2022")} />, "table.ranking tbody tr");
    const links = [...view.querySelectorAll(".downloads a")].map((a) => [
      a.textContent,
      a.getAttribute("href"),
    ]);
    expect(links.slice(3)).toEqual([
      ["Phụ lục quyết định (PDF)", "/public/rankings/2022.pdf"],
      ["Phụ lục quyết định (DOCX)", "/public/rankings/2022.docx"],
    ]);
    const years = [...view.querySelectorAll("a")].find((a) => a.textContent === "Chỉ số nhóm qua các kỳ");
    expect(years?.getAttribute("href")).toBe("/?period=2022&group=commune&view=years");
  });
});
