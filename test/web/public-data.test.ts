import { afterEach, describe, expect, test, vi } from "vitest";
import {
  downloads,
  historySeries,
  type PublishedPeriod,
  rankSeries,
  type Snapshot,
  type SnapshotGroup,
  type SnapshotUnit,
} from "../../web/src/public/data.ts";

/** The data module afresh: it keeps what it read for the page's life. */
async function fresh() {
  vi.resetModules();
  return import("../../web/src/public/data.ts");
}

// uPlot draws on a canvas, which happy-dom has not: the chart module is checked against a stand-in.
const plots: { options: Record<string, unknown>; data: number[][]; size?: unknown; destroyed?: boolean }[] =
  [];
vi.mock("uplot", () => {
  class FakePlot {
    static paths = { bars: () => "bars-path" };
    record: (typeof plots)[number];
    constructor(options: Record<string, unknown>, data: number[][]) {
      this.record = { options, data };
      plots.push(this.record);
    }
    setSize(size: unknown) {
      this.record.size = size;
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return { default: FakePlot };
});

/** What the tests' units share; each differs by id, rank and index. */
const UNIT: Omit<SnapshotUnit, "unitId" | "code" | "name" | "rank" | "index" | "points"> = {
  maxPoints: 100,
  band: null,
  rankChange: null,
  flags: [],
  nodes: [],
};
const unit = (unitId: string, rank: number, index: number): SnapshotUnit => ({
  ...UNIT,
  unitId,
  code: unitId.toUpperCase(),
  name: `Đơn vị ${unitId}`,
  rank,
  index,
  points: index * 100,
});
const group = (id: string, units: SnapshotUnit[]): SnapshotGroup => ({
  id,
  name: `Khối ${id}`,
  maxPoints: 100,
  nodes: [],
  units,
});
const period = (periodId: string, publishedAt: string): PublishedPeriod => ({
  periodId,
  name: `Kỳ ${periodId}`,
  version: 1,
  publishedAt,
  url: `/public/rankings/${periodId}.json`,
});
const snapshot = (p: PublishedPeriod, groups: SnapshotGroup[]): Snapshot => ({
  period: { id: p.periodId, name: p.name, framework: { id: "f", name: "Bộ chỉ số", decision: null } },
  version: 1,
  publishedAt: p.publishedAt,
  groups,
});

/** Published files on `fetch`, by URL; any other URL answers 404. */
function serve(files: Record<string, unknown>, status: Record<string, number> = {}) {
  const fetch = vi.fn(async (url: string) =>
    url in files || url in status
      ? new Response(JSON.stringify(files[url] ?? {}), { status: status[url] ?? 200 })
      : new Response("", { status: 404 }),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe("the published files", () => {
  test("the index lists the published periods, the latest first", async () => {
    const older = period(`a`, "2024-01-10T00:00:00Z");
    const newer = period(`b`, "2025-01-10T00:00:00Z");
    serve({ "/public/rankings/index.json": { periods: [older, newer] } });
    const { loadIndex } = await fresh();
    expect((await loadIndex()).map((p) => p.periodId)).toEqual([newer.periodId, older.periodId]);
  });

  test("nothing published yet (404) is an empty list; another failure is an error", async () => {
    const { loadIndex } = await fresh();
    serve({});
    expect(await loadIndex()).toEqual([]);
    serve({}, { "/public/rankings/index.json": 500 });
    await expect(loadIndex()).rejects.toThrow("500");
  });

  test("a snapshot is read once, and read again after a failure", async () => {
    const p = period(`s`, "2025-01-10T00:00:00Z");
    const { loadSnapshot } = await fresh();
    const failing = serve({}, { [p.url]: 503 });
    await expect(loadSnapshot(p)).rejects.toThrow("503");
    const working = serve({ [p.url]: snapshot(p, []) });
    await loadSnapshot(p);
    await loadSnapshot(p);
    expect(failing).toHaveBeenCalledTimes(1);
    expect(working).toHaveBeenCalledTimes(1);
  });

  test("a period's downloads sit next to its JSON, saved as xep-hang-<period>-v<version>", () => {
    expect(downloads({ ...period("2024 Q1", "2025-01-01T00:00:00Z"), version: 3 })).toEqual([
      { label: "CSV", href: "/public/rankings/2024%20Q1.csv", fileName: "xep-hang-2024 Q1-v3.csv" },
      { label: "XLSX", href: "/public/rankings/2024%20Q1.xlsx", fileName: "xep-hang-2024 Q1-v3.xlsx" },
      { label: "JSON", href: "/public/rankings/2024 Q1.json", fileName: "xep-hang-2024 Q1-v3.json" },
    ]);
  });

  test("a unit's history: each period it was ranked in, oldest first, with its group", async () => {
    const first = period(`h1-`, "2024-01-10T00:00:00Z");
    const second = period(`h2-`, "2025-01-10T00:00:00Z");
    const third = period(`h3-`, "2026-01-10T00:00:00Z");
    serve({
      "/public/rankings/index.json": { periods: [first, third, second] },
      [first.url]: snapshot(first, [group("g1", [unit("u1", 2, 0.5)])]),
      [second.url]: snapshot(second, [group("g1", [unit("u2", 1, 0.9)])]),
      [third.url]: snapshot(third, [group("g1", [unit("u2", 1, 0.9)]), group("g2", [unit("u1", 1, 0.75)])]),
    });
    const { unitHistory } = await fresh();
    const history = await unitHistory("u1");
    expect(history.map((a) => [a.period.periodId, a.group.id, a.unit.rank])).toEqual([
      [first.periodId, "g1", 2],
      [third.periodId, "g2", 1],
    ]);
    expect(historySeries(history)).toEqual({ labels: [first.name, third.name], values: [0.5, 0.75] });
    expect(await unitHistory("nobody")).toEqual([]);
  });
});

describe("the charts", () => {
  test("a group's bars are its units in rank order", () => {
    const g = group("g", [unit("c", 3, 0.2), unit("a", 1, 0.9), unit("b", 2, 0.5)]);
    expect(rankSeries(g)).toEqual({ labels: ["Đơn vị a", "Đơn vị b", "Đơn vị c"], values: [0.9, 0.5, 0.2] });
    expect(g.units.map((u) => u.unitId)).toEqual(["c", "a", "b"]);
  });

  test("bars stand at positions 1…n with the index scale 0–1, and report the hovered point", async () => {
    const { barChart } = await import("../../web/src/public/chart.ts");
    const hovered: (number | null)[] = [];
    const handle = barChart(document.createElement("div"), {
      labels: ["A", "B", "C"],
      values: [0.9, 0.5, null],
      xLabel: "Hạng",
      yLabel: "Chỉ số",
      width: 300,
      height: 200,
      onHover: (i) => hovered.push(i),
      formatY: (v) => v.toFixed(1),
    });
    const plot = plots.at(-1) as (typeof plots)[number];
    expect(plot.data).toEqual([
      [1, 2, 3],
      [0.9, 0.5, null],
    ]);
    const options = plot.options as {
      width: number;
      scales: { y: { range: number[] }; x: { range: (u: unknown, min: number, max: number) => number[] } };
      series: { label?: string; paths?: unknown }[];
      axes: { label: string; values: (u: unknown, splits: number[]) => string[] }[];
      hooks: { setCursor: ((u: { cursor: { idx: number | null } }) => void)[] };
    };
    expect(options.width).toBe(300);
    expect(options.scales.y.range).toEqual([0, 1]);
    expect(options.scales.x.range(null, 1, 3)).toEqual([0.5, 3.5]);
    expect(options.series[1]?.paths).toBe("bars-path");
    expect(options.axes[0]?.values(null, [1, 1.5, 2])).toEqual(["1", "", "2"]);
    expect(options.axes[1]?.values(null, [0, 0.5])).toEqual(["0.0", "0.5"]);
    options.hooks.setCursor[0]?.({ cursor: { idx: 2 } });
    options.hooks.setCursor[0]?.({ cursor: { idx: null } });
    expect(hovered).toEqual([2, null]);
    handle.resize(500);
    expect(plot.size).toEqual({ width: 500, height: 200 });
    handle.destroy();
    expect(plot.destroyed).toBe(true);
  });

  test("a line runs over the periods, labelled by their names", async () => {
    const { lineChart } = await import("../../web/src/public/chart.ts");
    lineChart(document.createElement("div"), {
      labels: ["2024", "2025"],
      values: [0.4, 0.6],
      xLabel: "Kỳ",
      yLabel: "Chỉ số",
      width: 300,
      height: 200,
      formatY: String,
    });
    const plot = plots.at(-1) as (typeof plots)[number];
    expect(plot.data[0]).toEqual([0, 1]);
    const options = plot.options as {
      axes: { values: (u: unknown, splits: number[]) => string[] }[];
      series: { fill?: unknown }[];
    };
    expect(options.axes[0]?.values(null, [0, 0.5, 1])).toEqual(["2024", "", "2025"]);
    expect(options.series[1]?.fill).toBeUndefined();
  });
});
