import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, expect, test, vi } from "vitest";
import type { PublishedPeriod, RestatedSnapshot, Snapshot, SnapshotUnit } from "../../web/src/public/data.ts";
import { Rankings } from "../../web/src/public/Rankings.tsx";

/** The period's page offers the ranking as published and as restated on the later units, each labelled. */

const RESTATED_URL = "/public/rankings/2022/restated-2025-07-01.json";
const PERIOD: PublishedPeriod = {
  periodId: "2022",
  name: "Năm 2022",
  version: 1,
  publishedAt: "2023-01-05T03:00:00Z",
  url: "/public/rankings/2022.json",
  restatements: [{ asOf: "2025-07-01", url: RESTATED_URL, units: 2, rule: "mean" }],
};
const unit = (unitId: string, name: string, rank: number, index: number): SnapshotUnit => ({
  unitId,
  code: unitId.toUpperCase(),
  name,
  rank,
  points: index * 100,
  maxPoints: 100,
  index,
  band: null,
  rankChange: null,
  flags: [],
  nodes: [],
});
const group = { id: "commune", name: "Xã, phường", maxPoints: 100, nodes: [] };
const SNAPSHOT: Snapshot = {
  period: { id: "2022", name: "Năm 2022", framework: { id: "f", name: "Bộ chỉ số", decision: null } },
  version: 1,
  publishedAt: PERIOD.publishedAt,
  groups: [
    {
      ...group,
      units: [unit("a", "Xã A", 1, 0.8), unit("b", "Xã B", 2, 0.6), unit("c", "Xã C", 3, 0.5)],
    },
  ],
};
const RESTATED: RestatedSnapshot = {
  ...SNAPSHOT,
  asOf: "2025-07-01",
  groups: [
    {
      ...group,
      units: [
        {
          ...unit("m", "Xã Mới", 1, 0.7),
          predecessors: [
            { unitId: "a", code: "A", name: "Xã A" },
            { unitId: "b", code: "B", name: "Xã B" },
          ],
        },
        { ...unit("c", "Xã C", 2, 0.5), predecessors: [{ unitId: "c", code: "C", name: "Xã C" }] },
      ],
    },
  ],
};

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  vi.unstubAllGlobals();
});

const settle = async (done: () => boolean) => {
  for (let i = 0; i < 40 && !done(); i++) await act(() => new Promise((ok) => setTimeout(ok, 5)));
};

test("a labelled choice between the published and the restated ranking; the restated one names predecessors", async () => {
  const files: Record<string, unknown> = {
    "/public/rankings/index.json": { periods: [PERIOD] },
    [PERIOD.url]: SNAPSHOT,
    [RESTATED_URL]: RESTATED,
  };
  const fetched = vi.fn(async (url: string) =>
    url in files ? new Response(JSON.stringify(files[url])) : new Response("", { status: 404 }),
  );
  vi.stubGlobal("fetch", fetched);
  root = document.createElement("div");
  document.body.append(root);
  await act(() =>
    render(<Rankings location={{ path: "/", query: new URLSearchParams() }} />, root as HTMLElement),
  );
  const view = root;
  await settle(() => view.querySelectorAll("tbody tr").length > 0);
  const labels = [...view.querySelectorAll(".view-choice label")].map((l) => l.textContent?.trim());
  expect(labels).toEqual([
    "Xếp hạng đã công bố (3 đơn vị)",
    "Tính lại theo đơn vị hành chính từ 01/07/2025 (2 đơn vị)",
  ]);
  const radios = [...view.querySelectorAll<HTMLInputElement>(".view-choice input")];
  expect(radios.map((r) => r.checked)).toEqual([true, false]);
  expect(view.querySelectorAll("tbody tr")).toHaveLength(3);
  const count = () => view.querySelector(".count")?.textContent;
  expect(count()).toBe("3");

  await act(() => radios[1]?.click());
  await settle(() => (view.textContent ?? "").includes("gồm:"));
  const rows = [...view.querySelectorAll("tbody tr")].map((r) => r.textContent);
  expect(rows).toHaveLength(2);
  expect(rows[0]).toContain("Xã Mới");
  expect(rows[0]).toContain("gồm: Xã A, Xã B");
  // A unit that is its own only predecessor lists nothing.
  expect(rows[1]).not.toContain("gồm:");
  expect(view.textContent).toContain("trung bình cộng điểm, chỉ số đã công bố");
  // The tab counts the restated units; the file is fetched once for the tabs and the table.
  expect(count()).toBe("2");
  expect(fetched.mock.calls.filter(([url]) => url === RESTATED_URL)).toHaveLength(1);
});
