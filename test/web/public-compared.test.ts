import { afterEach, describe, expect, test, vi } from "vitest";
import type { PublishedPeriod, Snapshot } from "../../web/src/public/data.ts";

/** The data module afresh: it keeps what it read for the page's life. */
async function fresh() {
  vi.resetModules();
  return import("../../web/src/public/data.ts");
}

const period = (periodId: string, publishedAt: string, version = 1): PublishedPeriod => ({
  periodId,
  name: `Kỳ ${periodId}`,
  version,
  publishedAt,
  url: `/public/rankings/${periodId}.json`,
});
const snapshot = (p: PublishedPeriod, previous?: Snapshot["previous"]): Snapshot => ({
  period: { id: p.periodId, name: p.name, framework: { id: "f", name: "Bộ chỉ số", decision: null } },
  version: p.version,
  publishedAt: p.publishedAt,
  ...(previous !== undefined ? { previous } : {}),
  groups: [],
});

/** Published files on `fetch`, by URL; any other URL answers 404. */
function serve(files: Record<string, unknown>) {
  const fetch = vi.fn(async (url: string) =>
    url in files ? new Response(JSON.stringify(files[url])) : new Response("", { status: 404 }),
  );
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe("the snapshot a rank change compares with", () => {
  const a = period("2023", "2024-01-10T00:00:00Z", 2);
  const b = period("2024-h1", "2024-07-10T00:00:00Z");
  const c = period("2024", "2025-01-10T00:00:00Z");
  const index = { "/public/rankings/index.json": { periods: [a, b, c] } };

  test("the version the snapshot names, not the period before it in the index", async () => {
    const named = { ...snapshot(a), period: { ...snapshot(a).period, name: "Năm 2023 (bản 1)" }, version: 1 };
    const fetch = serve({ ...index, "/public/rankings/2023/v1.json": named });
    const { loadCompared } = await fresh();
    const compared = await loadCompared(c, snapshot(c, { periodId: "2023", version: 1 }));
    expect(compared).toEqual({ name: "Năm 2023 (bản 1)", snapshot: named });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual(["/public/rankings/2023/v1.json"]);
  });

  test("null: compared with nothing, nothing is read", async () => {
    const fetch = serve(index);
    const { loadCompared } = await fresh();
    expect(await loadCompared(c, snapshot(c, null))).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });

  test("a snapshot published before it named one: the period before it in the index", async () => {
    serve({ ...index, [b.url]: snapshot(b) });
    const { loadCompared } = await fresh();
    expect(await loadCompared(c, snapshot(c))).toEqual({ name: b.name, snapshot: snapshot(b) });
    expect(await loadCompared(a, snapshot(a))).toBeUndefined();
  });
});
