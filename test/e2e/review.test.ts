import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { tinyPdf } from "../../infra/local/demo/pdf.ts";
import type { LocalStack } from "../../infra/local/stack.ts";
import { routePaths as paths } from "../../shared/api/paths.ts";
import { expectStatus } from "../support/client.ts";
import { uploadFile } from "../support/evidence-upload.ts";
import {
  apiAs,
  checkA11y,
  type InPage,
  type JourneyStack,
  movePeriod,
  openPeriod,
  shoot,
  signedInPage,
  startJourneyFile,
} from "./support.ts";
import { framework, LAST, LAST_ANSWERS, LEADER, LEADER_ANSWERS, PASSWORD, UNIT } from "./world.ts";

/**
 * The reviewer's journey after the close in Chromium: four units, two submitted, the
 * period closed early. The "submitted" filter finds the two; the list sorts; appraisal progress per
 * unit and for the period moves after an appraisal; "next unit"; back to the list with its filter and
 * sort; a PDF and an image shown inline in the side panel (no new tab, no download); a 360 px phone.
 */
declare const document: InPage;

const PERIOD = "e2e-review";
const ABSENT = { id: "so-vang-mat", code: "S04", name: "Sở Vắng mặt", kind: "department" };
const REVIEWER = "thamdinh.review";
/** The department group's leaves: 8, for each of the 2 units that submitted. */
const LEAVES = 8;

let running: JourneyStack;
let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

/** A real PNG of 40×30 pixels (one colour), as a phone's photo would be shown. */
function png(): Buffer {
  return Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAAK0lEQVR4nO3NMQ0AAAgDsP2IwxeqkQFHk/5N9ZyIWCwWi8VisVgsFov/xgu8Biz90Fw1fQAAAABJRU5ErkJggg==",
    "base64",
  );
}

/** Index set, 4 units, a reviewer and two approvers. */
const WORLD = {
  framework,
  units: [UNIT, LEADER, LAST, ABSENT],
  users: [
    { username: REVIEWER, roles: ["reviewer"] },
    { username: "approver.r02", roles: ["unit-approver"], unitId: LEADER.id },
    { username: "approver.r03", roles: ["unit-approver"], unitId: LAST.id },
  ],
  password: PASSWORD,
};

/** The leader and the last submit (with a PDF and a photo); closed early. */
async function setUp(): Promise<void> {
  const { admin } = running;
  await openPeriod(admin, {
    id: PERIOD,
    name: "Kỳ thẩm định (kiểm thử)",
    frameworkId: framework.id,
    unitIds: [UNIT.id, LEADER.id, LAST.id, ABSENT.id],
  });
  const submitted = [
    ["approver.r02", LEADER, LEADER_ANSWERS],
    ["approver.r03", LAST, LAST_ANSWERS],
  ] as const;
  await Promise.all(
    submitted.map(async ([username, unit, answers]) => {
      const approver = await apiAs(stack, username, PASSWORD);
      expectStatus(await approver.patch(paths.answers(PERIOD, unit.id), { answers }), 200);
      if (unit === LEADER) {
        // One after the other: each adds to the same submission.
        const at = { periodId: PERIOD, unitId: LEADER.id };
        const codes = ["1.1", "2.2"];
        const pdf = tinyPdf("Ke hoach chuyen doi so");
        await uploadFile(approver, at, codes, "ke-hoach.pdf", "application/pdf", pdf);
        await uploadFile(approver, at, codes, "anh-hien-truong.png", "image/png", png());
      }
      expectStatus(await approver.post(paths.submit(PERIOD, unit.id)), 200);
    }),
  );
  // The close runs as a job (202, "closing"): a period without its succeeded job did not close.
  const closed = await movePeriod(admin, PERIOD, "appraisal");
  expect(closed).toMatchObject({ state: "appraisal", job: { kind: "close", status: "succeeded" } });
}

const row = (name: string) => page.locator("tbody tr", { has: page.getByRole("link", { name }) });
const firstRowNames = () => page.locator("tbody th[scope=row] a").allTextContents();
const noSideScroll = () =>
  page.evaluate(() => document.scrollingElement.scrollWidth <= document.documentElement.clientWidth);

describe("the reviewer's journey, finished", () => {
  beforeAll(async () => {
    running = await startJourneyFile("review", WORLD);
    ({ stack, browser } = running);
    await setUp();
    ({ context, page, errors } = await signedInPage(browser, stack.url, REVIEWER, PASSWORD));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && !page.isClosed())
      await shoot(page, `failed-review-${task.name.slice(0, 30).replace(/[^a-z0-9]+/gi, "-")}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await running?.stop();
  });

  test("after the close the list tells who submitted, filters and sorts them, with progress", async () => {
    await page.goto(`/app/review/${PERIOD}`);
    await page.getByRole("heading", { level: 1, name: /Danh sách đơn vị/ }).waitFor();
    await page.getByText(/4 đơn vị · 2 đã nộp · 2 không nộp/).waitFor();
    await page.getByText(`Tiến độ thẩm định của kỳ: 0/${2 * LEAVES} chỉ tiêu`).waitFor();
    await row(ABSENT.name).getByText("Không nộp").waitFor();
    expect(await row(ABSENT.name).locator("td").nth(5).textContent()).toBe("—");

    await page.locator("#filter-submitted").selectOption("yes");
    await page.getByText("2 đơn vị", { exact: true }).waitFor();
    expect((await firstRowNames()).sort()).toEqual([LAST.name, LEADER.name].sort());
    expect(await row(LEADER.name).getByText(`0/${LEAVES} chỉ tiêu`).count()).toBe(1);

    // Sort by the self-assessed points, highest first (a second click turns the order round).
    const points = page.getByRole("columnheader", { name: "Điểm" });
    await points.getByRole("button").click();
    expect(await points.getAttribute("aria-sort")).toBe("ascending");
    expect(await firstRowNames()).toEqual([LAST.name, LEADER.name]);
    await points.getByRole("button").click();
    expect(await points.getAttribute("aria-sort")).toBe("descending");
    expect(await firstRowNames()).toEqual([LEADER.name, LAST.name]);
    expect(new URL(page.url()).search).toBe("?sub=yes&sort=points&dir=desc");
    await checkA11y(page, "review-list-sorted");
    await shoot(page, "review-list-sorted");
  });

  test("an appraisal moves the progress; back keeps the filter and sort; next unit", async () => {
    await row(LEADER.name).getByRole("link", { name: LEADER.name }).click();
    await page.getByRole("heading", { level: 1, name: `Thẩm định: ${LEADER.name}` }).waitFor();
    await page.getByRole("button", { name: "Đơn vị tiếp theo →" }).waitFor();
    await page.getByRole("button", { name: "Chấp nhận 1.2" }).click();
    await page.locator(".stats", { hasText: `1/${LEAVES}` }).waitFor();
    await checkA11y(page, "appraisal-with-next");

    await page.getByRole("link", { name: /Danh sách đơn vị/ }).click();
    await page.getByText(`Tiến độ thẩm định của kỳ: 1/${2 * LEAVES} chỉ tiêu`).waitFor();
    expect(new URL(page.url()).search).toBe("?sub=yes&sort=points&dir=desc");
    expect(await page.locator("#filter-submitted").inputValue()).toBe("yes");
    expect(await firstRowNames()).toEqual([LEADER.name, LAST.name]);
    expect(await row(LEADER.name).getByText(`1/${LEAVES} chỉ tiêu`).count()).toBe(1);

    // "Next unit" reads the list on the click: the next in its order with leaves left to appraise.
    await row(LEADER.name).getByRole("link", { name: LEADER.name }).click();
    await page.getByRole("heading", { level: 1, name: `Thẩm định: ${LEADER.name}` }).waitFor();
    await page.getByRole("button", { name: "Đơn vị tiếp theo →" }).click();
    await page.getByRole("heading", { level: 1, name: `Thẩm định: ${LAST.name}` }).waitFor();
    expect(new URL(page.url()).search).toBe("?sub=yes&sort=points&dir=desc");
    // From the last in the list, "next" goes round to the first that still has leaves to appraise.
    await page.getByRole("button", { name: "Đơn vị tiếp theo →" }).click();
    await page.getByRole("heading", { level: 1, name: `Thẩm định: ${LEADER.name}` }).waitFor();
    expect(new URL(page.url()).search).toBe("?sub=yes&sort=points&dir=desc");
  });

  test("a PDF and an image are shown in the side panel: no new tab, no download", async () => {
    await page.goto(`/app/review/${PERIOD}/units/${LEADER.id}?sub=yes`);
    await page.getByRole("heading", { level: 1, name: `Thẩm định: ${LEADER.name}` }).waitFor();
    const tabs = context.pages().length;
    const downloads: string[] = [];
    page.on("download", (d) => downloads.push(d.suggestedFilename()));
    const leaf = page.locator('[data-code="1.1"]');

    const pdfShown = page.waitForResponse((r) => r.url().includes("/s3/") && r.status() === 200);
    await leaf.getByRole("button", { name: "ke-hoach.pdf" }).click();
    const panel = page.getByRole("region", { name: "ke-hoach.pdf" });
    const frame = panel.locator("iframe");
    await frame.waitFor();
    expect(await frame.getAttribute("title")).toBe("Nội dung tệp PDF ke-hoach.pdf");
    const pdf = await pdfShown;
    expect(pdf.headers()["content-type"]).toBe("application/pdf");
    expect(pdf.headers()["content-disposition"]).toMatch(/^inline/);
    await shoot(page, "evidence-panel-pdf");
    // Beside the leaves on a desktop.
    const box = await panel.boundingBox();
    expect(box?.x).toBeGreaterThan(500);

    await leaf.getByRole("button", { name: "anh-hien-truong.png" }).click();
    const image = page.getByRole("region").getByRole("img", { name: "Ảnh anh-hien-truong.png" });
    await image.waitFor();
    await page.waitForFunction(
      () => (document.querySelector(".evidence-panel img")?.naturalWidth ?? 0) === 40,
    );
    await checkA11y(page, "evidence-panel");
    await shoot(page, "evidence-panel");
    expect(context.pages().length).toBe(tabs);
    expect(downloads).toEqual([]);
    // Downloading stays a choice: the file downloads from this tab, and no other tab opens.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Tải về anh-hien-truong.png" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("anh-hien-truong.png");
    expect(context.pages().length).toBe(tabs);

    // Close: focus goes back to the button that opened it.
    await page.getByRole("button", { name: "Đóng" }).click();
    expect(await page.locator(".evidence-panel").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("anh-hien-truong.png");
    expect(errors).toEqual([]);
  });

  test("on a 360 px phone: the list as cards with no sideways scroll, the panel as a full-screen sheet", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`/app/review/${PERIOD}`);
    await page.getByText("4 đơn vị", { exact: true }).waitFor();
    expect(await noSideScroll()).toBe(true);
    await checkA11y(page, "review-list-phone");
    await shoot(page, "review-list-phone");

    await page.goto(`/app/review/${PERIOD}/units/${LEADER.id}`);
    await page.locator('[data-code="1.1"]').getByRole("button", { name: "anh-hien-truong.png" }).click();
    const panel = page.getByRole("region", { name: "anh-hien-truong.png" });
    await panel.getByRole("img").waitFor();
    const box = await panel.boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 360, height: 740 });
    expect(await noSideScroll()).toBe(true);
    await checkA11y(page, "evidence-panel-phone");
    await shoot(page, "evidence-panel-phone");
    await page.keyboard.press("Escape");
    expect(await page.locator(".evidence-panel").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
