import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { MIN_COMPRESSED_BYTES } from "../../infra/local/static-files.ts";
import { pathFor, routePaths } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import {
  approverOf,
  checkA11y,
  type InPage,
  type JourneyStack,
  movePeriod,
  newPage,
  openPeriod,
  phoneProblems,
  ROOT,
  SHOTS,
  shoot,
  shootSmall,
  startJourneyFile,
} from "./support.ts";
import { PASSWORD } from "./world.ts";

/**
 * The public journey of a reader on a phone on a weak link: the 164 units of Tuyên Quang ranked with
 * the sample index set (created through the API, two communes submitting), published; the public
 * page opened at 360 px under emulated slow 3G (CDP: 400 kbit/s each way, 400 ms latency). The time
 * from navigation to the first ranking row is printed, not asserted (machines differ); what is
 * asserted is behaviour: rows visible, rank, name, points and index on screen without sideways
 * scroll, the data compressed. Then the method page, generated from the published index set, on the
 * phone and the desktop. An earlier period of the same index set is published first (the two
 * communes submitting the other way round; it ranks six communes only, all the comparison needs,
 * which saves most of a second 164-unit publication), so the unit page explains the rank change; the compare
 * view, the group over the periods and the official documents are checked on the desktop, and those
 * views again at 360 px (no sideways scroll, every text at a readable size on the screen). axe on each
 * screen; screenshots under test-results/e2e/.
 */
declare const document: InPage;
declare const window: InPage;

const PERIOD = "public-2022";
const PERIOD_NAME = "Năm 2022 (công khai)";
const EARLIER = "public-2021";
const EARLIER_NAME = "Năm 2021 (công khai)";
const DATA = join(ROOT, "shared/data");
/** The built web app the local site serves (npm run build:web). */
const WEB_DIST = join(ROOT, "web/dist");
/** The earlier period ranks this many communes (the two that submit first): enough to compare with. */
const EARLIER_UNITS = 6;
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };

let running: JourneyStack | undefined;
let stack: LocalStack;
let browser: Browser;
let admin: Api;
/** The phone page's errors, as newPage records them (page errors and console errors). */
let errors: string[] = [];
/** The communes of the earlier period; the first two submit in both periods. */
let communes: { id: string; code: string; name: string }[] = [];

async function json(file: string) {
  return JSON.parse(await readFile(join(DATA, file), "utf8"));
}

/**
 * The unit answers the two leaves of the communes' group that take a link as evidence (1.4, steps;
 * 5.4, count), links one page as their evidence, and submits: `scale` sets how well it does.
 */
async function submitWithLinks(unit: Api, periodId: string, unitId: string, scale: number): Promise<void> {
  const ids = { periodId, unitId };
  const answers = { "1.4": { value: 10 * scale }, "5.4": { value: scale } };
  const saved = await unit.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ids), {
    answers,
  });
  expectStatus(saved, 200);
  const link = { indicatorCodes: ["1.4", "5.4"], url: `https://example.org/${unitId}`, title: "Bài đăng" };
  expectStatus(
    await unit.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence", ids), link),
    201,
  );
  expectStatus(await unit.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", ids)), 200);
}

beforeAll(async () => {
  const t0 = Date.now();
  const lap = (what: string) => console.log(`setup ${what}: ${Date.now() - t0} ms`);
  const framework = await json("sample-framework-tq-2022.json");
  const file = await json("tuyen-quang-units-2022.json");
  const units = file.units.map((u: object) => ({ ...u, validFrom: file.validFrom, validTo: file.validTo }));
  running = await startJourneyFile("public", { framework, units });
  lap("stack and world");
  ({ stack, browser, admin } = running);
  const day = 86_400_000;
  const unitIds = units.map((u: { id: string }) => u.id);
  communes = units.filter((u: { kind: string }) => u.kind === "commune").slice(0, EARLIER_UNITS);
  // The earlier period closes first: it is the one the later period's rank change compares with.
  await Promise.all([
    openPeriod(admin, {
      id: PERIOD,
      name: PERIOD_NAME,
      frameworkId: framework.id,
      unitIds,
      closesAt: new Date(Date.now() + 30 * day).toISOString(),
    }),
    openPeriod(admin, {
      id: EARLIER,
      name: EARLIER_NAME,
      frameworkId: framework.id,
      unitIds: communes.map((u) => u.id),
      closesAt: new Date(Date.now() + 20 * day).toISOString(),
    }),
  ]);
  lap("open");
  const [first, second] = communes as unknown as [{ id: string }, { id: string }];
  const [a, b] = await Promise.all([
    approverOf({ admin, stack }, first.id, PASSWORD),
    approverOf({ admin, stack }, second.id, PASSWORD),
  ]);
  // The first commune does better now than the second; the other way round before.
  await Promise.all([
    submitWithLinks(a, PERIOD, first.id, 3),
    submitWithLinks(b, PERIOD, second.id, 1),
    submitWithLinks(a, EARLIER, first.id, 1),
    submitWithLinks(b, EARLIER, second.id, 3),
  ]);
  // Closed early, with 162 units not submitted; then final and published, the earlier one first.
  lap("submitted");
  await Promise.all([movePeriod(admin, PERIOD, "appraisal"), movePeriod(admin, EARLIER, "appraisal")]);
  lap("closed");
  await Promise.all([movePeriod(admin, PERIOD, "final"), movePeriod(admin, EARLIER, "final")]);
  lap("final");
  await movePeriod(admin, EARLIER, "published");
  await movePeriod(admin, PERIOD, "published");
  lap("published");
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

/** The first screen's requests: their URL, the bytes on the wire, the encoding. */
function recordRequests(cdp: CDPSession) {
  const seen = new Map<string, { url: string; encoding: string; bytes: number }>();
  cdp.on("Network.responseReceived", (e) => {
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    seen.set(e.requestId, {
      url: e.response.url,
      encoding: String(headers["content-encoding"] ?? ""),
      bytes: 0,
    });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const entry = seen.get(e.requestId);
    if (entry) entry.bytes = e.encodedDataLength;
  });
  return seen;
}

describe("the public page on a 360 px phone on slow 3G", () => {
  let phone: Page;

  test("shows the ranking rows within the first screen, no sideways scroll", async () => {
    const made = await newPage(browser, stack.url, { width: 360, height: 740 });
    phone = made.page;
    errors = made.errors;
    const cdp = await made.context.newCDPSession(phone);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
    const requests = recordRequests(cdp);

    const start = Date.now();
    await phone.goto("/", { waitUntil: "commit" });
    const firstRow = phone.locator("table.ranking tbody tr").first();
    await firstRow.waitFor({ state: "visible", timeout: 60_000 });
    const elapsed = Date.now() - start;
    console.log(`public ranking on slow 3G at 360 px: ${elapsed} ms`);
    for (const r of requests.values())
      console.log(`  ${new URL(r.url).pathname} ${r.bytes} B ${r.encoding || "identity"}`);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });

    // The text the first screen waited for came compressed: the app's script and the ranking JSON.
    const byPath = [...requests.values()].map((r) => [new URL(r.url).pathname, r.encoding] as const);
    const assets = byPath.filter(([path]) => /\.(js|css)$/.test(path));
    expect(assets.length).toBeGreaterThan(0);
    // As CloudFront does, a file under 1,000 bytes comes as it is and every larger one as brotli.
    const sizes = await Promise.all(assets.map(([path]) => stat(join(WEB_DIST, path)).then((s) => s.size)));
    expect(
      assets.filter(([, enc], i) => enc !== ((sizes[i] ?? 0) < MIN_COMPRESSED_BYTES ? "" : "br")),
    ).toEqual([]);
    expect(sizes.filter((size) => size >= MIN_COMPRESSED_BYTES).length).toBeGreaterThan(0);
    expect(byPath.find(([path]) => path === `/public/rankings/${PERIOD}.json`)?.[1]).toBe("br");

    // Rank, name, points and index of the first row are on the screen, within 360 px.
    const cells = await firstRow.evaluate((row: InPage) =>
      [...row.children]
        .filter((c: InPage) => c.offsetParent !== null)
        .map((c: InPage) => {
          const box = c.getBoundingClientRect();
          return { text: c.textContent.trim(), right: box.right, bottom: box.bottom };
        }),
    );
    expect(cells).toHaveLength(4);
    for (const cell of cells) {
      expect(cell.right).toBeLessThanOrEqual(360);
      expect(cell.bottom).toBeLessThanOrEqual(740);
    }
    expect(cells[3]?.text).toMatch(/^\d,\d{4}$/);
    const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(360);
    // The groups are one row of tabs; the three of them, none stacked.
    const tabs = await phone
      .getByRole("tab")
      .evaluateAll((all: InPage[]) => all.map((t: InPage) => t.getBoundingClientRect().top));
    expect(tabs).toHaveLength(3);
    expect(new Set(tabs).size).toBe(1);
    await checkA11y(phone, "public-phone");
    await shoot(phone, "public-phone");
    // What the reader sees first (the README's phone screenshot).
    await phone.screenshot({ path: join(SHOTS, "public-phone-first-screen.png") });
  });

  test("the communes tab: the two that submitted first, the others labelled 'Không nộp'", async () => {
    await phone.getByRole("tab", { name: /Xã, phường/ }).click();
    const rows = phone.locator("table.ranking tbody tr");
    await expect.poll(() => rows.count()).toBe(50);
    expect(await rows.nth(0).getByText("Không nộp").count()).toBe(0);
    expect(await rows.nth(2).getByText("Không nộp").count()).toBe(1);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  test("the method page lists every pillar and indicator with its method and the bands", async () => {
    await phone.goto("/method");
    const communes = phone.getByRole("region", { name: /Xã, phường/ });
    await communes.waitFor();
    await expect.poll(() => communes.textContent()).toContain("Rất cao từ 0,75");
    const text = (await phone.locator("article").textContent()) ?? "";
    expect(text).not.toContain("ví dụ");
    expect(text).toContain("Có: 20 điểm; không: 0 điểm");
    expect(text).toMatch(/điểm mỗi đơn vị/);
    expect(text).toMatch(/từ \d+: \d+ điểm/);
    expect(text).toContain("cần tài liệu kiểm chứng");
    // A pillar opens to its indicators, each with its method.
    await communes.locator("summary").first().click();
    await communes.locator(".method-how").first().waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await checkA11y(phone, "method-phone");
    await shoot(phone, "method-phone");
  });
});

describe("the public page on the desktop", () => {
  test("the ranking keeps its wide table; the method page reads as on the phone", async () => {
    const { page, errors: pageErrors } = await newPage(browser, stack.url);
    await page.goto("/");
    await page.locator("table.ranking tbody tr").first().waitFor();
    // Change, band and the pillars are columns again.
    expect(await page.locator("table.ranking thead th").count()).toBeGreaterThan(6);
    await shoot(page, "public-desktop");
    await page.getByRole("link", { name: "Phương pháp" }).first().click();
    await page.getByRole("region", { name: "Sở, ban, ngành" }).first().waitFor();
    expect(await page.locator(".method-how").count()).toBeGreaterThan(100);
    await checkA11y(page, "method-desktop");
    await shoot(page, "method-desktop");
    expect([...errors, ...pageErrors]).toEqual([]);
  });

  test("the unit page explains its rank change; compare, the group over the periods, the documents", async () => {
    const { page, errors: pageErrors } = await newPage(browser, stack.url);
    const [first, second] = communes as unknown as [
      { id: string; name: string },
      { id: string; name: string },
    ];
    const unitPage = `/units/${first.id}?period=${PERIOD}`;
    await page.goto(unitPage);
    const sentence = page.locator(".change-text");
    await sentence.waitFor();
    expect(await sentence.textContent()).toMatch(
      new RegExp(`^Lên 1 bậc so với ${EARLIER_NAME.replace(/[()]/g, "\\$&")}: `),
    );
    expect(await sentence.textContent()).toMatch(/ \+[\d,]+ điểm/);
    // The pillars over the two periods: the table beside the chart.
    const pillars = page.getByRole("table", { name: /Giá trị từng trụ cột/ });
    expect(await pillars.locator("thead th").allTextContents()).toEqual([
      "Điểm theo trụ cột",
      EARLIER_NAME,
      PERIOD_NAME,
    ]);
    await checkA11y(page, "unit-change-desktop");
    await shoot(page, "unit-change-desktop");

    // The unit's scorecard, as published.
    const scorecard = await page.getByRole("link", { name: "Phiếu kết quả (PDF)" }).getAttribute("href");
    expect(scorecard).toBe(`/public/rankings/${PERIOD}/units/${first.id}.pdf`);
    const pdf = await page.request.get(scorecard as string);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()["content-type"]).toBe("application/pdf");

    // Compare with the other commune: its address names both units.
    await page.getByRole("link", { name: "So sánh với…" }).click();
    await page.getByLabel("Đơn vị so sánh").selectOption(second.id);
    await page.waitForURL(`**${unitPage}&compare=${second.id}`);
    const compare = page.locator("table.compare");
    await compare.waitFor();
    expect(await compare.locator("thead th a").allTextContents()).toEqual([first.name, second.name]);
    expect(await compare.locator("tbody tr").count()).toBeGreaterThan(2);
    await checkA11y(page, "compare-desktop");
    await shoot(page, "compare-desktop");

    // The communes over the periods, from the rankings page; the decision's appendix beside the downloads.
    await page.goto("/");
    await page.getByRole("tab", { name: /Xã, phường/ }).click();
    const appendix = await page.getByRole("link", { name: "Phụ lục quyết định (PDF)" }).getAttribute("href");
    expect(appendix).toBe(`/public/rankings/${PERIOD}.pdf`);
    const appendixPdf = await page.request.get(appendix as string);
    expect([appendixPdf.status(), appendixPdf.headers()["content-type"]]).toEqual([200, "application/pdf"]);
    await page.getByRole("link", { name: "Chỉ số nhóm qua các kỳ" }).click();
    const years = page.locator("table.years");
    await years.waitFor();
    expect(await years.locator("thead th").allTextContents()).toEqual(["Đơn vị", EARLIER_NAME, PERIOD_NAME]);
    expect(await years.locator("tbody tr").first().textContent()).toContain(first.name);
    await checkA11y(page, "group-years-desktop");
    await shoot(page, "group-years-desktop");
    expect(pageErrors).toEqual([]);
  });
});

describe("the unit page, compare and the group's years on a 360 px phone", () => {
  test("each reads within the screen's width", async () => {
    const { page, errors: pageErrors } = await newPage(browser, stack.url, { width: 360, height: 740 });
    const [first, second] = communes as unknown as [{ id: string }, { id: string }];
    const unitPage = `/units/${first.id}?period=${PERIOD}`;

    // The change explained in a sentence that wraps, the pillars' chart and table.
    await page.goto(unitPage);
    await page.locator(".change-text").waitFor();
    await page.getByRole("table", { name: /Giá trị từng trụ cột/ }).waitFor();
    await page.locator("figure.chart").first().waitFor();
    expect(await phoneProblems(page)).toEqual([]);
    const sentence = await page.locator(".change-text").boundingBox();
    expect(sentence?.height ?? 0).toBeGreaterThan(30);
    await checkA11y(page, "unit-change-phone");
    await shoot(page, "unit-change-phone");

    await page.goto(`${unitPage}&compare=${second.id}`);
    await page.locator("table.compare tbody tr").first().waitFor();
    expect(await phoneProblems(page)).toEqual([]);
    await checkA11y(page, "compare-phone");
    await shoot(page, "compare-phone");

    await page.goto("/");
    await page.getByRole("tab", { name: /Xã, phường/ }).click();
    await page.getByRole("link", { name: "Chỉ số nhóm qua các kỳ" }).click();
    await page.locator("table.years tbody tr").first().waitFor();
    expect(await phoneProblems(page)).toEqual([]);
    await checkA11y(page, "group-years-phone");
    await shoot(page, "group-years-phone");
    expect(pageErrors).toEqual([]);
  });
});

/** The reform the restatement follows: the two communes that submitted merge from this day on. */
const REFORM_DAY = "2024-01-01";
const MERGED = { code: "99001", name: "Xã Tràng Kim", kind: "commune" };

describe("the ranking restated on the units after a reform", () => {
  test("both rankings, each labelled; the merged commune lists its units; 360 px", async () => {
    // Last in the file: the choice of rankings sits above the table the first-screen test measures.
    const [first, second] = communes as unknown as [
      { code: string; name: string },
      { code: string; name: string },
    ];
    const reform = {
      decision: "Nghị quyết kiểm thử 1/NQ",
      effectiveDate: REFORM_DAY,
      units: [{ ...MERGED, parentCode: "070", fromCodes: [first.code, second.code] }],
    };
    expectStatus(await admin.post(routePaths.reforms, reform), 200);
    const restatements = pathFor("POST /api/periods/{periodId}/restatements", { periodId: PERIOD });
    const restated = expectStatus(await admin.post(restatements, { asOf: REFORM_DAY }), 201);
    expect(restated.units).toBe(163);

    const { page, errors: pageErrors } = await newPage(browser, stack.url, { width: 360, height: 740 });
    await page.goto("/");
    const published = page.getByRole("radio", { name: "Xếp hạng đã công bố (164 đơn vị)" });
    const restatedView = page.getByRole("radio", {
      name: "Tính lại theo đơn vị hành chính từ 01/01/2024 (163 đơn vị)",
    });
    await published.waitFor();
    expect(await published.isChecked()).toBe(true);
    expect(await page.locator(".view-choice legend").textContent()).toBe("Xem");
    await restatedView.check();
    await expect.poll(() => page.url()).toContain(`restated=${REFORM_DAY}`);
    await page.getByRole("tab", { name: /Xã, phường/ }).click();
    const row = page.locator("table.ranking tbody tr").filter({ hasText: MERGED.name });
    await row.waitFor();
    expect(await row.locator("td").first().textContent()).toBe("1");
    expect(await row.textContent()).toContain(`gồm: ${first.name}, ${second.name}`);
    const small = await row.locator("small").evaluate((el: InPage) => window.getComputedStyle(el).fontSize);
    expect(Number.parseFloat(small)).toBeGreaterThanOrEqual(12);
    // The predecessors are not ranked on their own any more.
    expect(
      await page
        .locator("table.ranking tbody tr")
        .filter({ hasText: new RegExp(`^\\d+${first.name}`) })
        .count(),
    ).toBe(0);
    expect(await phoneProblems(page)).toEqual([]);
    await checkA11y(page, "public-restated-phone");
    await shoot(page, "public-restated-phone");
    await shootSmall(page, "public-restated");

    // Back to the ranking as published: the two communes again, the merged one not.
    await published.check();
    const rows = page.locator("table.ranking tbody tr");
    // Waited for: the restated table also names the two communes (in "gồm: …") until it is replaced.
    await expect.poll(() => rows.filter({ hasText: MERGED.name }).count()).toBe(0);
    await rows.filter({ hasText: first.name }).first().waitFor();
    expect(await phoneProblems(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
