import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import type { MethodFile, PublishedPeriod, Snapshot } from "../../web/src/public/data.ts";
import { describe as describeMethod, Method } from "../../web/src/public/Method.tsx";

/** The public method page: generated from the published method file, or the ranking when there is none. */

const period = (periodId: string): PublishedPeriod => ({
  periodId,
  name: `Kỳ ${periodId}`,
  version: 1,
  publishedAt: "2026-01-05T03:00:00Z",
  url: `/public/rankings/${periodId}.json`,
});

const METHOD: MethodFile = {
  period: { id: "m1", name: "Kỳ m1" },
  framework: { id: "f", name: "Bộ chỉ số mẫu", decision: "742/QĐ-UBND", missingEvidence: "zero" },
  groups: [
    {
      id: "commune",
      name: "Xã, phường",
      maxPoints: 40,
      bands: [
        { minIndex: 0.75, label: "Rất cao" },
        { minIndex: 0, label: "Thấp" },
      ],
      nodes: [
        {
          code: "1",
          name: "Hạ tầng số",
          maxPoints: 40,
          children: [
            {
              code: "1.1",
              name: "Có mạng",
              maxPoints: 20,
              method: { type: "yesno" },
              evidenceRequired: true,
            },
            {
              code: "1.2",
              name: "Tổ công nghệ số",
              maxPoints: 20,
              method: {
                type: "level",
                options: [
                  { label: "Đủ", fraction: 1 },
                  { label: "Thiếu", fraction: 0.5 },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

const SNAPSHOT: Snapshot = {
  period: { id: "old", name: "Kỳ old", framework: { id: "f", name: "Bộ cũ", decision: null } },
  version: 1,
  publishedAt: "2025-01-05T03:00:00Z",
  groups: [
    {
      id: "commune",
      name: "Xã, phường",
      maxPoints: 40,
      nodes: [{ code: "1", name: "Hạ tầng số", maxPoints: 40 }],
      units: [],
    },
  ],
};

let root: HTMLElement | undefined;
afterEach(() => {
  if (root) render(null, root);
  root?.remove();
  vi.unstubAllGlobals();
});

/** One index for both tests (the page's data module caches what it fetched, by URL). */
const INDEX = { periods: [period("m1"), period("old")] };

async function page(files: Record<string, unknown>, query: string) {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) =>
      url in files ? new Response(JSON.stringify(files[url])) : new Response("", { status: 404 }),
    ),
  );
  root = document.createElement("div");
  document.body.append(root);
  await act(() =>
    render(<Method location={{ path: "/method", query: new URLSearchParams(query) }} />, root as HTMLElement),
  );
  for (let i = 0; i < 20 && !root.querySelector("h3"); i++)
    await act(() => new Promise((done) => setTimeout(done, 5)));
  return root;
}

describe("the method page", () => {
  test("lists each group's band thresholds and every pillar and indicator with its method", async () => {
    const view = await page(
      {
        "/public/rankings/index.json": INDEX,
        "/public/rankings/m1.method.json": METHOD,
      },
      "period=m1",
    );
    const text = view.textContent ?? "";
    expect(text).toContain("Bộ chỉ số mẫu — 742/QĐ-UBND");
    expect(text).toContain("Mức xếp loại: Rất cao từ 0,75 · Thấp từ 0");
    expect(text).not.toContain("ví dụ");
    expect(view.querySelector("summary")?.textContent).toContain("Hạ tầng số");
    const leaves = [...view.querySelectorAll(".method-sub li")].map((li) => li.textContent);
    expect(leaves).toEqual([
      "1.1 Có mạng (tối đa 20 điểm)Có: 20 điểm; không: 0 điểm · cần tài liệu kiểm chứng",
      "1.2 Tổ công nghệ số (tối đa 20 điểm)Đủ: 20 điểm · Thiếu: 10 điểm",
    ]);
  });

  test("shows the pillars the ranking carries for a period published without a method file", async () => {
    const files = { "/public/rankings/index.json": INDEX, [period("old").url]: SNAPSHOT };
    const view = await page(files, "period=old");
    expect(view.querySelector("h3")?.textContent).toContain("Xã, phường");
    expect(view.querySelector(".pillars")?.textContent).toBe("Hạ tầng số — tối đa 40 điểm");
  });
});

describe("a method in words", () => {
  test.each([
    [{ type: "yesno" }, "Có: 10 điểm; không: 0 điểm"],
    [
      {
        type: "ratio",
        target: 0.8,
        whenZero: "full",
        numeratorLabel: "Số xã có",
        denominatorLabel: "Tổng số xã",
      },
      "Đạt 80% là đủ 10 điểm; thấp hơn tính theo tỷ lệ; a: Số xã có; b: Tổng số xã; không phát sinh (b = 0): đủ điểm",
    ],
    [
      {
        type: "steps",
        steps: [
          { min: 1, points: 5 },
          { min: 3, points: 10 },
        ],
      },
      "từ 3: 10 điểm · từ 1: 5 điểm",
    ],
    [{ type: "count", pointsEach: 2.5 }, "2,5 điểm mỗi đơn vị, tối đa 10 điểm"],
    [{ type: "points" }, "Chấm điểm trực tiếp, từ 0 đến 10"],
    [{ type: "relative" }, "So với đơn vị cao nhất trong nhóm; điểm tính khi đóng kỳ (tối đa 10)"],
    [{ type: "info" }, "Thông tin, không tính điểm"],
  ] as const)("%o", (method, words) => {
    expect(describeMethod(method as Parameters<typeof describeMethod>[0], 10)).toBe(words);
  });
});
