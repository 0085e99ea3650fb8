import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { PublishedPeriod, Snapshot, SnapshotUnit } from "../../web/src/public/data.ts";
import { Rankings } from "../../web/src/public/Rankings.tsx";

/** The public ranking page against published files on `fetch`: who did not submit, and the downloads. */

const PERIOD: PublishedPeriod = {
  periodId: "2025",
  name: "Năm 2025",
  version: 2,
  publishedAt: "2026-01-05T03:00:00Z",
  url: "/public/rankings/2025.json",
};
const unit = (unitId: string, rank: number, points: number, flags: string[]): SnapshotUnit => ({
  unitId,
  code: unitId.toUpperCase(),
  name: `Sở ${unitId}`,
  rank,
  points,
  maxPoints: 100,
  index: points / 100,
  band: null,
  rankChange: null,
  flags,
  nodes: [],
});
const SNAPSHOT: Snapshot = {
  period: { id: "2025", name: "Năm 2025", framework: { id: "f", name: "Bộ chỉ số", decision: null } },
  version: 2,
  publishedAt: PERIOD.publishedAt,
  groups: [
    {
      id: "department",
      name: "Sở, ngành",
      maxPoints: 100,
      nodes: [],
      units: [unit("a", 1, 80, []), unit("b", 2, 0, ["not-submitted"]), unit("c", 2, 0, ["not-submitted"])],
    },
  ],
};

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  vi.unstubAllGlobals();
});

async function page() {
  const files: Record<string, unknown> = {
    "/public/rankings/index.json": { periods: [PERIOD] },
    [PERIOD.url]: SNAPSHOT,
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) =>
      url in files ? new Response(JSON.stringify(files[url])) : new Response("", { status: 404 }),
    ),
  );
  root = document.createElement("div");
  document.body.append(root);
  await act(() =>
    render(<Rankings location={{ path: "/", query: new URLSearchParams() }} />, root as HTMLElement),
  );
  for (let i = 0; i < 20 && !root.querySelector("tbody tr"); i++)
    await act(() => new Promise((done) => setTimeout(done, 5)));
  return root;
}

describe("the public ranking", () => {
  test("labels the units that did not submit, in words, on their rows only", async () => {
    const view = await page();
    const rows = [...view.querySelectorAll("tbody tr")];
    expect(rows).toHaveLength(3);
    const label = (row: Element) => row.querySelector(".not-submitted")?.textContent ?? null;
    expect(rows.map(label)).toEqual([null, "Không nộp", "Không nộp"]);
    // The row's header cell (the unit's accessible name in the table) carries the words.
    expect(rows[1]?.querySelector("th")?.textContent).toContain("Không nộp");
  });

  test("names each download after the period and the version", async () => {
    const view = await page();
    const links = [...view.querySelectorAll(".downloads a")].map((a) => [
      a.textContent,
      a.getAttribute("href"),
      a.getAttribute("download"),
    ]);
    expect(links).toEqual([
      ["CSV", "/public/rankings/2025.csv", "xep-hang-2025-v2.csv"],
      ["XLSX", "/public/rankings/2025.xlsx", "xep-hang-2025-v2.xlsx"],
      ["JSON", "/public/rankings/2025.json", "xep-hang-2025-v2.json"],
    ]);
  });
});
