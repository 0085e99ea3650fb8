import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import type { Row } from "../support/lifecycle.ts";
import {
  apiAs,
  checkA11y,
  type InPage,
  type JourneyStack,
  movePeriod,
  newPage,
  openPeriod,
  paddedPdf,
  shoot,
  signIn,
  startJourneyFile,
} from "./support.ts";
import { framework, LEADER, LEADER_ANSWERS, PASSWORD, UNIT, units } from "./world.ts";

/**
 * The unit's journey finished, in Chromium: no edit lost when leaving by an in-app link or reloading
 * within the autosave delay, one list of evidence, the points waiting for evidence, a phone photo
 * shrunk before upload, withdraw confirmed, the submission history with its printable receipt, and —
 * on a 360 px phone — the results with the appraised total and a contest citing new evidence; then the
 * next period started from this one, the photo carried over without an upload.
 */
declare const window: InPage;
declare const document: InPage;
declare const getComputedStyle: InPage;

const PERIOD = "unit-e2e";
const of = { periodId: PERIOD, unitId: UNIT.id };
const SUBMISSION = pathFor("GET /api/periods/{periodId}/units/{unitId}/submission", of);

let running: JourneyStack | undefined;
let stack: LocalStack;
let browser: Browser;
let admin: Api;
let editorApi: Api;
/** Each page opened, with the errors newPage records for it (page errors and console errors). */
const pages: { name: string; page: Page; errors: string[] }[] = [];
const allErrors = () => pages.flatMap(({ name, errors }) => errors.map((e) => `${name}: ${e}`));

async function open(name: string, options?: { width?: number; height?: number }): Promise<Page> {
  const made = await newPage(browser, stack.url, options);
  pages.push({ name, page: made.page, errors: made.errors });
  return made.page;
}

const leaf = (page: Page, code: string) => page.locator(`[id="leaf-${code}"]`);
const stored = async () => expectStatus(await editorApi.get(SUBMISSION), 200) as Row;

describe("the unit's journey", () => {
  let editor: Page;
  let approver: Page;

  beforeAll(async () => {
    running = await startJourneyFile("unit", {
      framework,
      units: units.units,
      users: [
        { username: "editor.u", roles: ["unit-editor"], unitId: UNIT.id },
        { username: "approver.u", roles: ["unit-approver"], unitId: UNIT.id },
        { username: "approver.l", roles: ["unit-approver"], unitId: LEADER.id },
      ],
      password: PASSWORD,
    });
    ({ stack, browser, admin } = running);
    const now = Date.now();
    await openPeriod(admin, {
      id: PERIOD,
      name: "Kỳ kiểm thử đơn vị",
      frameworkId: framework.id,
      unitIds: [UNIT.id, LEADER.id],
      closesAt: new Date(now + 10 * 86400_000).toISOString(),
    });
    editorApi = await apiAs(stack, "editor.u", PASSWORD);
    // 2.2 answered (12 points) without its evidence: the form shows what waits for it.
    expectStatus(
      await editorApi.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", of), {
        answers: { "1.2": { value: "deputy" }, "2.2": { value: 12 } },
      }),
      200,
    );
    const leader = await apiAs(stack, "approver.l", PASSWORD);
    const ofLeader = { periodId: PERIOD, unitId: LEADER.id };
    expectStatus(
      await leader.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ofLeader), {
        answers: LEADER_ANSWERS,
      }),
      200,
    );
  });

  afterEach(async ({ task }) => {
    if (task.result?.state !== "fail") return;
    const step = task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-");
    for (const { name, page } of pages)
      if (!page.isClosed()) await shoot(page, `failed-unit-${step}-${name}`).catch(() => undefined);
  });

  afterAll(() => running?.stop());

  test("the points waiting for evidence; an edit is saved when leaving by a link or reloading at once", async () => {
    editor = await open("editor");
    await signIn(editor, "editor.u", PASSWORD);
    await editor.goto(`/app/periods/${PERIOD}/form`);
    await editor.getByRole("heading", { level: 1, name: /Tự đánh giá/ }).waitFor();
    await leaf(editor, "2.2").getByText("12 điểm khi có minh chứng").waitFor();
    await editor.locator(".form-total", { hasText: "12 điểm đang chờ minh chứng" }).waitFor();
    await leaf(editor, "1.1").getByRole("radio", { name: "Có", exact: true }).check();
    await leaf(editor, "1.1").getByText("10 điểm khi có minh chứng").waitFor();
    await editor.locator(".form-total", { hasText: "22 điểm đang chờ minh chứng" }).waitFor();
    await checkA11y(editor, "unit-form-pending-points");

    // Within the autosave delay, an in-app link: the save goes first, then the move.
    await leaf(editor, "1.4").getByLabel("Giá trị").fill("3");
    await editor.locator('header a[href="/app"]').click();
    await editor.waitForURL("**/app");
    expect((await stored()).answers["1.4"]?.value).toBe(3);

    // Within the delay, a reload: the keepalive save on pagehide lands.
    await editor.goto(`/app/periods/${PERIOD}/form`);
    await leaf(editor, "2.1").getByLabel("Số lượng").waitFor();
    editor.once("dialog", (dialog) => void dialog.accept());
    await leaf(editor, "2.1").getByLabel("Số lượng").fill("2");
    await editor.reload();
    await leaf(editor, "2.1").getByLabel("Số lượng").waitFor();
    await expect.poll(async () => (await stored()).answers["2.1"]?.value, { timeout: 5000 }).toBe(2);
  });

  test("a 4 MB phone photo is shrunk in the browser and listed once", async () => {
    // A noisy 2600 × 1950 photo, made by the page's canvas: a few MB as a JPEG at quality 0.95.
    const photo = (await editor.evaluate(async () => {
      const canvas = document.createElement("canvas");
      canvas.width = 2600;
      canvas.height = 1950;
      const context = canvas.getContext("2d");
      const image = context.createImageData(2600, 1950);
      let seed = 7;
      for (let i = 0; i < image.data.length; i += 4) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        image.data[i] = (i / 4000) % 255;
        image.data[i + 1] = seed & 0xff;
        image.data[i + 2] = (seed >> 8) & 0xff;
        image.data[i + 3] = 255;
      }
      context.putImageData(image, 0, 0);
      const blob: InPage = await new Promise((done) => canvas.toBlob(done, "image/jpeg", 0.95));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = "";
      for (let i = 0; i < bytes.length; i += 0x8000)
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return window.btoa(text);
    })) as string;
    const original = Buffer.from(photo, "base64");
    expect(original.byteLength).toBeGreaterThan(3 * 1024 * 1024);
    await editor.locator('[id="ev-1.1-file"]').setInputFiles({
      name: "anh-chup-ke-hoach.jpg",
      mimeType: "image/jpeg",
      buffer: original,
    });
    const item = leaf(editor, "1.1").getByRole("link", { name: "anh-chup-ke-hoach.jpg" });
    await item.waitFor({ timeout: 30_000 });
    await leaf(editor, "1.1")
      .getByText(/Ảnh đã thu nhỏ/)
      .waitFor();
    // One list: the file once in its leaf, no finished upload row beside it.
    expect(await leaf(editor, "1.1").locator("li", { hasText: "anh-chup-ke-hoach.jpg" }).count()).toBe(1);
    expect(await leaf(editor, "1.1").locator(".uploads li").count()).toBe(0);
    const evidence = (await stored()).evidence.find(
      (e: { fileName?: string }) => e.fileName === "anh-chup-ke-hoach.jpg",
    );
    expect(evidence).toMatchObject({ status: "confirmed", contentType: "image/jpeg" });
    expect(evidence.size).toBeLessThan(original.byteLength * 0.5);
    console.info(`photo shrunk: ${original.byteLength} → ${evidence.size} bytes`);
    await editor.locator(".form-total", { hasText: "12 điểm đang chờ minh chứng" }).waitFor();
  });

  test("the approver submits, withdraws after a dialog that says what happens, resubmits; history and receipt", async () => {
    approver = await open("approver");
    await signIn(approver, "approver.u", PASSWORD);
    await approver.goto(`/app/periods/${PERIOD}/form`);
    const submit = async () => {
      await approver.getByRole("button", { name: "Nộp bản tự đánh giá…" }).click();
      await approver.getByRole("dialog").getByRole("button", { name: "Nộp", exact: true }).click();
      await approver.getByText("Đã nộp bản tự đánh giá.").waitFor();
    };
    await submit();
    await approver.getByRole("button", { name: "Rút lại", exact: true }).click();
    const dialog = approver.getByRole("dialog", { name: "Rút lại bài đã nộp?" });
    await dialog.getByText(/trở về bản nháp/).waitFor();
    await dialog.getByText(/0 điểm/).waitFor();
    await checkA11y(approver, "withdraw-dialog");
    await dialog.getByRole("button", { name: "Giữ bài đã nộp" }).click();
    expect((await stored()).state).toBe("submitted");
    await approver.getByRole("button", { name: "Rút lại", exact: true }).click();
    await dialog.getByRole("button", { name: "Rút lại bài nộp", exact: true }).click();
    await approver.getByText("Đã rút lại; bản tự đánh giá có thể sửa tiếp.").waitFor();
    await submit();

    const history = approver.locator(".history-list li");
    await expect.poll(() => history.count()).toBe(3);
    expect(await history.evaluateAll((rows) => rows.map((r) => r.dataset.action))).toEqual([
      "submit",
      "withdraw",
      "submit",
    ]);
    expect(await history.first().textContent()).toContain("bởi approver.u");
    await checkA11y(approver, "submission-history");

    await approver.getByRole("button", { name: "Biên nhận nộp bài" }).click();
    const receipt = approver.locator(".receipt");
    await receipt.getByRole("heading", { name: "Biên nhận nộp bài tự đánh giá" }).waitFor();
    const text = (await receipt.textContent()) ?? "";
    for (const part of [UNIT.name, "Kỳ kiểm thử đơn vị", "approver.u", "Tổng điểm tự đánh giá", "5 / 8"])
      expect(text).toContain(part);
    expect(text).toMatch(/Số tài liệu kiểm chứng\s*1/);
    await checkA11y(approver, "submission-receipt");
    // Printed, the receipt alone shows.
    await approver.emulateMedia({ media: "print" });
    const visibility = await approver.evaluate(() => [
      getComputedStyle(document.querySelector(".receipt h2")).visibility,
      getComputedStyle(document.querySelector("h1")).visibility,
      getComputedStyle(document.querySelector(".receipt .no-print")).display,
    ]);
    expect(visibility).toEqual(["visible", "hidden", "none"]);
    await shoot(approver, "unit-receipt-print");
    await approver.emulateMedia({ media: null });
  });

  test("on a 360 px phone: results with the appraised total, a contest citing new evidence", async () => {
    await movePeriod(admin, PERIOD, "appraisal");
    const period = (await admin.get(pathFor("GET /api/periods/{periodId}", { periodId: PERIOD }))).body;
    expectStatus(
      await admin.patch(pathFor("PATCH /api/periods/{periodId}", { periodId: PERIOD }), {
        explanationClosesAt: new Date(Date.parse(period.closesAt) + 2 * 86400_000).toISOString(),
      }),
      200,
    );
    await movePeriod(admin, PERIOD, "explanation");
    const selfPoints = (await stored()).preview.points;

    const phone = await open("phone", { width: 360, height: 740 });
    await signIn(phone, "approver.u", PASSWORD);
    await phone.goto(`/app/periods/${PERIOD}/results`);
    await phone.getByRole("heading", { level: 1, name: /Kết quả và giải trình/ }).waitFor();
    const totals = phone.locator(".result-totals");
    await totals.getByText("Sau thẩm định").waitFor();
    // 1.1 10 (the photo), 1.2 5, 1.4 5, 2.1 10, 2.2 0 (no evidence): 30, nothing appraised otherwise yet.
    expect(selfPoints).toBe(30);
    expect(await totals.locator('[data-total="self"]').textContent()).toBe("30 / 100");
    expect(await totals.locator('[data-total="appraised"]').textContent()).toBe("30 / 100");
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await checkA11y(phone, "results-phone");
    await shoot(phone, "unit-results-360");

    await phone.getByRole("button", { name: "Khiếu nại 2.2" }).click();
    const dialog = phone.getByRole("dialog");
    await dialog
      .getByLabel("Giải trình", { exact: true })
      .fill("Biên bản kiểm tra an toàn thông tin lập trong kỳ");
    await dialog.getByLabel("Tải lên minh chứng mới").setInputFiles({
      name: "bien-ban-kiem-tra.pdf",
      mimeType: "application/pdf",
      buffer: paddedPdf("Bien ban kiem tra", 20_000),
    });
    await dialog.getByText("Đã tải lên bien-ban-kiem-tra.pdf").waitFor();
    expect(await dialog.getByRole("checkbox", { name: "bien-ban-kiem-tra.pdf" }).isChecked()).toBe(true);
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await checkA11y(phone, "contest-dialog-phone");
    await shoot(phone, "unit-contest-360");
    await dialog.getByRole("button", { name: "Gửi khiếu nại" }).click();
    await phone.getByText("đang chờ quyết định").waitFor();

    const after = await stored();
    const added = after.evidence.find((e: { fileName?: string }) => e.fileName === "bien-ban-kiem-tra.pdf");
    expect(added).toMatchObject({ status: "confirmed", round: "explanation" });
    expect(after.preview.points).toBe(selfPoints);
    expect(after.preview.leaves["2.2"]).toMatchObject({ score: 0, flags: ["missing-evidence"] });
    expect(allErrors()).toEqual([]);
  });

  test("the next period starts from this one: answers to confirm, the photo without an upload, not the contest's file", async () => {
    const next = "unit-e2e-next";
    await openPeriod(admin, {
      id: next,
      name: "Kỳ kiểm thử tiếp theo",
      frameworkId: framework.id,
      unitIds: [UNIT.id],
      closesAt: new Date(Date.now() + 30 * 86400_000).toISOString(),
    });
    await editor.goto(`/app/periods/${next}/form`);
    await editor.getByRole("button", { name: "Bắt đầu từ kỳ trước" }).click();
    const photo = leaf(editor, "1.1").locator(".evidence-list li", { hasText: "anh-chup-ke-hoach.jpg" });
    await photo.getByText("chuyển từ kỳ trước").waitFor();
    await leaf(editor, "1.1").getByText("Chuyển từ kỳ trước — cần xác nhận").waitFor();
    // The contest's file backed a contest, never the self-assessment: it stays behind.
    expect(await editor.getByText("bien-ban-kiem-tra.pdf").count()).toBe(0);
    const carried = expectStatus(
      await editorApi.get(
        pathFor("GET /api/periods/{periodId}/units/{unitId}/submission", { periodId: next, unitId: UNIT.id }),
      ),
      200,
    ) as Row;
    expect(carried.evidence).toEqual([
      expect.objectContaining({
        fileName: "anh-chup-ke-hoach.jpg",
        status: "confirmed",
        carriedFrom: expect.objectContaining({ periodId: PERIOD, unitId: UNIT.id }),
      }),
    ]);
    await checkA11y(editor, "unit-form-carried");
    expect(allErrors()).toEqual([]);
  });
});
