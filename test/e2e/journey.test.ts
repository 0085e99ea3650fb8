import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { expectStatus } from "../support/client.ts";
import {
  apiAs,
  axeFindings,
  type BrowserStack,
  checkA11y,
  type InPage,
  newPage,
  paddedPdf,
  shoot,
  shootSmall,
  signIn,
  startBrowserStack,
} from "./support.ts";
import {
  ADMIN_PASSWORD,
  framework,
  LAST,
  LAST_ANSWERS,
  LEADER,
  LEADER_ANSWERS,
  PASSWORD,
  PERIOD_ID,
  PERIOD_NAME,
  UNIT,
  units,
} from "./world.ts";

/**
 * The whole journey of every kind of user in the browser, against the local stack started here (empty, data
 * set up through the API and the admin screens): the admin imports the index set and the units,
 * creates a reviewer and a period and opens it; an editor answers every kind of leaf and uploads a
 * PDF with progress; the approver submits; the admin closes early; a reviewer adjusts a leaf; the
 * unit contests, the reviewer decides; final; publish; the public page shows the unit at its rank.
 * Every screen passes axe-core with no serious or critical violation; screenshots go to test-results/.
 */
declare const window: InPage;
declare const document: InPage;
declare const PerformanceObserver: InPage;

let running: BrowserStack | undefined;
let stack: LocalStack;
let dataDir: string;
let browser: Browser;
const pages: { name: string; page: Page; errors: string[] }[] = [];
let admin: Page;
let editor: Page;
let approver: Page;
let reviewer: Page;
const REVIEWER = "thamdinh.e2e";

async function open(name: string, options?: { width?: number; height?: number }): Promise<Page> {
  const made = await newPage(browser, stack.url, options);
  pages.push({ name, page: made.page, errors: made.errors });
  return made.page;
}

const leaf = (page: Page, code: string) => page.locator(`[id="leaf-${code}"]`);

/** An .xlsx made by exceljs (deflated entries, shared strings): what Excel itself writes. */
async function workbook(sheets: Record<string, (string | number)[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const NODE_HEADER = ["group", "code", "name", "nameEn", "maxPoints", "method", "options"];
/** A framework workbook as the admin fills in the template: one commune group, the given node rows. */
const excelFramework = async (name: string, nodes: (string | number)[][]) => ({
  name,
  mimeType: XLSX,
  buffer: await workbook({
    framework: [
      ["field", "value"],
      ["id", "e2e-excel"],
      ["name", "Bộ chỉ số nhập từ Excel"],
    ],
    groups: [
      ["id", "name", "nameEn", "unitKinds", "bands"],
      ["commune", "Xã, phường", "", "commune, ward", "0.5:Cao; 0:Thấp"],
    ],
    nodes: [NODE_HEADER, ...nodes],
  }),
});

/** A pillar with one level leaf whose "Đủ" option is worth `fraction` of the leaf (above 1 is invalid). */
const digitalTeam = (fraction: number) => [
  ["commune", "1", "Hạ tầng số", "", 10, ""],
  ["commune", "1.1", "Tổ công nghệ số", "", 10, "level", `du:${fraction}:Đủ; thieu:0:Thiếu`],
];

/** A JSON file for a file input. */
const jsonFile = (name: string, value: unknown) => ({
  name,
  mimeType: "application/json",
  buffer: Buffer.from(JSON.stringify(value)),
});

/**
 * Confirms a move and waits until the screen shows the period in its target state: at once for a move
 * the API answers 200, after the job's progress for one it answers 202 (the close, final, publish),
 * whose transient state (e.g. "Đang tính điểm chính thức") must not pass for the target.
 */
async function confirmTransition(page: Page, button: string, state: string): Promise<void> {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await checkA11y(page, `admin-transition-${state}`);
  await dialog.getByRole("button", { name: "Xác nhận" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `Kỳ đã chuyển sang bước: ${state}.` })
    .waitFor({ timeout: 60_000 });
  await page.getByRole("heading", { level: 1 }).getByText(state, { exact: true }).waitFor();
  expect(await page.locator('.lifecycle [aria-current="step"]').textContent()).toBe(state);
}

describe("the journey in the browser", () => {
  beforeAll(async () => {
    running = await startBrowserStack("journey");
    ({ stack, dataDir, browser } = running);
  });

  // A failed step leaves a screenshot of every open page, for the CI log's reader.
  afterEach(async ({ task }) => {
    if (task.result?.state !== "fail") return;
    const step = task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-");
    for (const { name, page } of pages)
      if (!page.isClosed()) await shoot(page, `failed-${step}-${name}`).catch(() => undefined);
  });

  afterAll(() => running?.stop());

  test("the public page before anything is published", async () => {
    const page = await open("public-empty");
    await page.goto("/");
    await page.getByText("Chưa có kết quả nào được công bố.").waitFor();
    await checkA11y(page, "public-empty");
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
    await checkA11y(page, "sign-in");
    await page.getByLabel("Tên đăng nhập").fill("admin");
    await page.getByLabel("Mật khẩu").fill("wrong-password");
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.getByRole("alert").filter({ hasText: "không đúng" }).waitFor();
  });

  test("the admin imports the index set and the units, creates a reviewer, creates and opens a period", async () => {
    admin = await open("admin");
    await signIn(admin, "admin", ADMIN_PASSWORD);
    await checkA11y(admin, "home-admin");
    await admin.getByRole("link", { name: "Quản trị" }).first().click();
    await admin.getByRole("heading", { level: 1, name: "Quản trị" }).waitFor();

    // A framework with a mistake: every problem is listed.
    const broken = { ...framework, id: "broken", groups: [{ ...framework.groups[0], unitKinds: [] }] };
    await admin.locator("#framework-file").setInputFiles(jsonFile("broken.json", broken));
    await admin.getByRole("alert").filter({ hasText: "unitKinds" }).waitFor();

    await admin.locator("#framework-file").setInputFiles(jsonFile("e2e.json", framework));
    await admin.getByText(`Đã nhập bộ chỉ số ${framework.id}.`).waitFor();

    // The Excel template: downloaded with the current index set, readable by Excel (exceljs here), and
    // imported back under a new id (an index set's id is never reused).
    const [template] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("button", { name: "Tải mẫu Excel của bộ chỉ số" }).click(),
    ]);
    const templatePath = join(dataDir, "mau-bo-chi-so.xlsx");
    await template.saveAs(templatePath);
    const book = await new ExcelJS.Workbook().xlsx.readFile(templatePath);
    expect(book.worksheets.map((w) => w.name)).toEqual([
      "Bộ chỉ số",
      "Nhóm",
      "Chỉ tiêu",
      // The map to the previous version of the index set (empty for a first version).
      "Ánh xạ",
      "Hướng dẫn",
      "Danh mục",
    ]);
    const fields = book.getWorksheet("Bộ chỉ số");
    if (!fields) throw new Error("no sheet Bộ chỉ số");
    expect(fields.getCell("B2").value).toBe(framework.id);
    fields.getCell("B2").value = "mau-bo-chi-so";
    await book.xlsx.writeFile(templatePath);
    await admin.locator("#framework-file").setInputFiles(templatePath);
    await admin.getByText("Đã nhập bộ chỉ số mau-bo-chi-so.").waitFor();
    // A filled-in template with mistakes: each is named by sheet, row and column, whether found while
    // reading the workbook or by the API's validation.
    await admin
      .locator("#framework-file")
      .setInputFiles(await excelFramework("sai.xlsx", [["commune", "1", "Hạ tầng số", "", "abc", "yesno"]]));
    await admin.getByText("trang nodes, dòng 2, cột E (maxPoints): “abc” không phải là số").waitFor();
    // A level whose "Đủ" is worth twice the leaf.
    await admin
      .locator("#framework-file")
      .setInputFiles(await excelFramework("sai-ty-le.xlsx", digitalTeam(2)));
    await admin.getByRole("alert").filter({ hasText: "trang nodes, dòng 3, cột G (options)" }).waitFor();
    await checkA11y(admin, "admin-import-errors");
    await admin.locator("#framework-file").setInputFiles(await excelFramework("dung.xlsx", digitalTeam(1)));
    await admin.getByText("Đã nhập bộ chỉ số e2e-excel.").waitFor();
    const [unitsTemplate] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByRole("button", { name: "Tải mẫu Excel danh sách đơn vị" }).click(),
    ]);
    const unitsPath = join(dataDir, "mau-don-vi.xlsx");
    await unitsTemplate.saveAs(unitsPath);
    const unitsBook = await new ExcelJS.Workbook().xlsx.readFile(unitsPath);
    expect(unitsBook.getWorksheet("Đơn vị")?.getRow(1).values).toContain("Đơn vị tiền thân");
    await admin.locator("#units-file").setInputFiles(jsonFile("units.json", units));
    await admin.getByText("Đã nhập: 3 đơn vị mới, 0 đơn vị cập nhật.").waitFor();

    // The reviewer's account, through the form.
    await admin.locator("#user-name").fill(REVIEWER);
    await admin.locator("#user-password").fill(PASSWORD);
    await admin.getByRole("checkbox", { name: "Cán bộ nhập liệu" }).uncheck();
    await admin.getByRole("checkbox", { name: "Thẩm định" }).check();
    await admin.getByRole("button", { name: "Tạo tài khoản" }).click();
    await admin.getByText(`Đã tạo tài khoản ${REVIEWER}.`).waitFor();
    await checkA11y(admin, "admin");
    await shoot(admin, "admin");

    // The units' accounts through the API (the same route the form uses).
    const call = await apiAs(stack, "admin", ADMIN_PASSWORD);
    for (const [username, roles, unitId] of [
      ["editor.s01", ["unit-editor"], UNIT.id],
      ["approver.s01", ["unit-approver"], UNIT.id],
      ["approver.s02", ["unit-approver"], LEADER.id],
      ["approver.s03", ["unit-approver"], LAST.id],
    ] as const)
      expectStatus(
        await call.post(pathFor("POST /api/users"), { username, password: PASSWORD, roles, unitId }),
        201,
      );

    await admin.locator("#period-id").fill(PERIOD_ID);
    await admin.locator("#period-name").fill(PERIOD_NAME);
    await admin.locator("#period-framework").selectOption(framework.id);
    await admin.getByRole("button", { name: "Tạo kỳ" }).click();
    await admin.waitForURL(`**/app/admin/periods/${PERIOD_ID}`);
    await admin
      .getByRole("heading", { level: 1, name: new RegExp(PERIOD_NAME.replace(/[()]/g, ".")) })
      .waitFor();

    // Move the deadline (PATCH), then open.
    const later = new Date(Date.now() + 40 * 86400_000 + 7 * 3600_000).toISOString().slice(0, 16);
    await admin.locator("#edit-closes").fill(later);
    await admin.getByRole("button", { name: "Lưu thay đổi" }).click();
    await admin.getByText("Đã lưu.").waitFor();
    await confirmTransition(admin, "Mở kỳ", "Đang mở");
    await checkA11y(admin, "admin-period");
    await shoot(admin, "admin-period");
  });

  test("the two other units answer and submit (through the API)", async () => {
    const ofLeader = { periodId: PERIOD_ID, unitId: LEADER.id };
    const leader = await apiAs(stack, "approver.s02", PASSWORD);
    const answers = pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ofLeader);
    expectStatus(await leader.patch(answers, { answers: LEADER_ANSWERS }), 200);
    const evidence = pathFor("POST /api/periods/{periodId}/units/{unitId}/evidence", ofLeader);
    const link = {
      indicatorCodes: ["1.1", "2.2"],
      url: "https://example.org/ke-hoach-chuyen-doi-so.pdf",
      title: "Kế hoạch và biên bản",
    };
    expectStatus(await leader.post(evidence, link), 201);
    expectStatus(
      await leader.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", ofLeader)),
      200,
    );
    const ofLast = { periodId: PERIOD_ID, unitId: LAST.id };
    const last = await apiAs(stack, "approver.s03", PASSWORD);
    const lastAnswers = pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ofLast);
    expectStatus(await last.patch(lastAnswers, { answers: LAST_ANSWERS }), 200);
    expectStatus(await last.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", ofLast)), 200);
  });

  test("an editor answers every kind of leaf, uploads a PDF with progress, meets a conflict", async () => {
    editor = await open("editor");
    await signIn(editor, "editor.s01", PASSWORD);
    await checkA11y(editor, "home-editor");
    await editor.getByRole("link", { name: "Tự đánh giá" }).click();
    await editor.getByRole("heading", { level: 1, name: /Tự đánh giá/ }).waitFor();
    await editor.getByText("7 chỉ tiêu chưa trả lời:").waitFor();
    await checkA11y(editor, "unit-form-empty");

    await leaf(editor, "1.1").getByRole("radio", { name: "Có", exact: true }).check();
    await leaf(editor, "1.2")
      .getByRole("radio", { name: /Cấp phó/ })
      .check();
    await leaf(editor, "1.3").getByLabel("Số văn bản đi được ký số").fill("3");
    await leaf(editor, "1.3").getByLabel("Tổng số văn bản đi").fill("4");
    await leaf(editor, "1.4").getByLabel("Giá trị").fill("3");
    await leaf(editor, "2.1").getByLabel("Số lượng").fill("3");
    await leaf(editor, "2.2").getByLabel("Điểm tự chấm (0–20)").fill("25");
    await leaf(editor, "2.2").getByText("Không vượt quá 20.").waitFor();
    await leaf(editor, "2.2").getByLabel("Điểm tự chấm (0–20)").fill("12");
    await leaf(editor, "2.3").getByLabel("Giá trị").fill("50");
    await leaf(editor, "2.4").getByLabel("Thông tin").fill("Đang triển khai thí điểm");
    await leaf(editor, "1.2").getByRole("button", { name: "Thêm ghi chú" }).click();
    await leaf(editor, "1.2").getByLabel("Ghi chú").fill("Quyết định 12/QĐ-STN");

    // Saved, with the live score of each leaf and of the unit: 1.1 and 2.2 lack their evidence (0).
    await editor.locator('[data-save="saved"]').waitFor();
    await editor.locator(".form-total", { hasText: "32,5/100" }).waitFor();
    await leaf(editor, "1.3").locator(".leaf-score", { hasText: "7,5" }).waitFor();
    await leaf(editor, "1.1").locator(".flag", { hasText: "thiếu tài liệu kiểm chứng" }).waitFor();
    await leaf(editor, "2.3").locator(".flag", { hasText: "tính khi đóng kỳ" }).waitFor();

    // A file of a refused type: a clear error, nothing sent.
    await editor.locator('[id="ev-1.1-file"]').setInputFiles({
      name: "ghi-chu.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("không phải PDF"),
    });
    await leaf(editor, "1.1").getByRole("alert").filter({ hasText: "loại tệp không được nhận" }).waitFor();
    await leaf(editor, "1.1").getByRole("button", { name: "Bỏ qua" }).click();

    // A 1.5 MB PDF on a slow link: the progress bar moves, then the file is confirmed.
    const cdp = await editor.context().newCDPSession(editor);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 40,
      downloadThroughput: 4 * 1024 * 1024,
      uploadThroughput: 512 * 1024,
    });
    // The bar's value as the page sees it, sampled while the upload runs.
    await editor.evaluate(() => {
      const w = window;
      w.progressSeen = [];
      w.progressTimer = setInterval(() => {
        const bar = document.querySelector(".upload progress");
        if (bar && bar.position >= 0) w.progressSeen.push(Math.round(bar.value));
      }, 15);
    });
    await editor.locator('[id="ev-1.1-file"]').setInputFiles({
      name: "ke-hoach-chuyen-doi-so.pdf",
      mimeType: "application/pdf",
      buffer: paddedPdf("Ke hoach chuyen doi so 2024", 1_500_000),
    });
    await leaf(editor, "1.1").locator(".upload progress").waitFor();
    await shoot(editor, "unit-form-uploading");
    await leaf(editor, "1.1")
      .getByRole("link", { name: /ke-hoach-chuyen-doi-so\.pdf/ })
      .waitFor({ timeout: 60_000 });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const seen = await editor.evaluate(() => {
      const w = window;
      clearInterval(w.progressTimer);
      return w.progressSeen as number[];
    });
    expect(
      seen.some((v) => v > 0 && v < 100),
      `progress seen: ${seen.join(",")}`,
    ).toBe(true);
    expect(Math.max(...seen)).toBe(100);
    await editor.locator(".form-total", { hasText: "42,5/100" }).waitFor();

    // Someone else saves meanwhile: the next autosave meets a 412 and says so.
    const other = await apiAs(stack, "editor.s01", PASSWORD);
    const ofUnit = { periodId: PERIOD_ID, unitId: UNIT.id };
    const submission = pathFor("GET /api/periods/{periodId}/units/{unitId}/submission", ofUnit);
    const current: { version: number } = expectStatus(await other.get(submission), 200);
    const saved = await other.patch(
      pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ofUnit),
      { answers: { "2.4": { value: "Đã triển khai ở 2 phường" } } },
      { headers: { "if-match": `"${current.version}"` } },
    );
    expectStatus(saved, 200);
    await leaf(editor, "2.1").getByLabel("Số lượng").fill("4");
    await editor.getByRole("alert").filter({ hasText: "Người khác vừa lưu" }).waitFor();
    await checkA11y(editor, "unit-form-conflict");
    await shoot(editor, "unit-form-conflict");
    await editor.getByRole("button", { name: "Tải bản mới nhất" }).click();
    await editor.waitForFunction(
      () => document.querySelector('[id="leaf-2.4"] textarea')?.value === "Đã triển khai ở 2 phường",
    );
    expect(await leaf(editor, "2.4").getByLabel("Thông tin").inputValue()).toBe("Đã triển khai ở 2 phường");
    expect(await leaf(editor, "2.1").getByLabel("Số lượng").inputValue()).toBe("3");

    await editor.getByText("1 chỉ tiêu thiếu tài liệu kiểm chứng:").waitFor();
    await checkA11y(editor, "unit-form");
    await shoot(editor, "unit-form");
    await shootSmall(editor, "unit-form");
    await editor.setViewportSize({ width: 360, height: 780 });
    await shoot(editor, "unit-form-360");
    expect(await editor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await editor.setViewportSize({ width: 1280, height: 900 });
  });

  test("the approver sees what is missing, submits, withdraws and submits again", async () => {
    approver = await open("approver");
    await signIn(approver, "approver.s01", PASSWORD);
    // An IdToken about to expire is refreshed (REFRESH_TOKEN_AUTH) before the next call.
    const stale = await approver.evaluate(() => {
      const session = JSON.parse(window.localStorage.getItem("chiso.session"));
      session.expiresAt = Date.now() - 1000;
      window.localStorage.setItem("chiso.session", JSON.stringify(session));
      return session.idToken as string;
    });
    await approver.goto(`/app/periods/${PERIOD_ID}/form`);
    await approver.getByRole("button", { name: "Nộp bản tự đánh giá…" }).waitFor();
    const fresh = await approver.evaluate(() => JSON.parse(window.localStorage.getItem("chiso.session")));
    expect(fresh.expiresAt).toBeGreaterThan(Date.now());
    expect(fresh.idToken).not.toBe(stale);
    await approver.getByRole("button", { name: "Nộp bản tự đánh giá…" }).click();
    const dialog = approver.getByRole("dialog");
    await dialog.getByText("1 chỉ tiêu thiếu tài liệu kiểm chứng: 2.2").waitFor();
    await checkA11y(approver, "submit-dialog");
    await shoot(approver, "submit-dialog");
    await dialog.getByRole("button", { name: "Nộp", exact: true }).click();
    await approver.getByText("Đã nộp bản tự đánh giá.").waitFor();
    // Withdrawing is confirmed in a dialog that says what happens.
    await approver.getByRole("button", { name: "Rút lại", exact: true }).click();
    await approver.getByRole("dialog").getByRole("button", { name: "Rút lại bài nộp", exact: true }).click();
    await approver.getByText("Đã rút lại; bản tự đánh giá có thể sửa tiếp.").waitFor();
    await approver.getByRole("button", { name: "Nộp bản tự đánh giá…" }).click();
    await approver.getByRole("dialog").getByRole("button", { name: "Nộp", exact: true }).click();
    await approver.getByText("Đã nộp bản tự đánh giá.").waitFor();
    await approver.locator(".state", { hasText: "Đã nộp" }).first().waitFor();
    await checkA11y(approver, "unit-form-submitted");
    // An editor is not offered the approver's submit; no role but admin is offered administration.
    await editor.reload();
    await editor.getByText(/Đã nộp bởi approver\.s01/).waitFor();
    expect(await editor.getByRole("button", { name: /Nộp bản tự đánh giá|Rút lại/ }).count()).toBe(0);
    await editor.goto("/app/admin");
    await editor.getByRole("heading", { name: "Màn hình này không dành cho vai trò của bạn" }).waitFor();
    await editor.goto(`/app/periods/${PERIOD_ID}/form`);
  });

  test("the admin closes the period early; the form becomes read-only", async () => {
    await confirmTransition(admin, "Đóng sớm, chuyển sang thẩm định", "Thẩm định");
    await admin.getByText("3/3 đơn vị đã nộp, 0 không nộp.").waitFor();
    await editor.reload();
    await editor.getByText(/Kỳ đánh giá đã đóng/).waitFor();
    expect(await editor.locator("input, textarea").count()).toBe(0);
    await checkA11y(editor, "unit-form-closed");
  });

  test("a reviewer opens the unit, reads the evidence, adjusts a leaf with a reason", async () => {
    reviewer = await open("reviewer");
    await signIn(reviewer, REVIEWER, PASSWORD);
    await reviewer.getByRole("link", { name: "Thẩm định" }).click();
    await reviewer.getByRole("heading", { level: 1, name: /Danh sách đơn vị/ }).waitFor();
    await reviewer.locator("#filter-submitted").selectOption("yes");
    await reviewer.getByText("3 đơn vị", { exact: true }).waitFor();
    await reviewer.locator("#filter-search").fill("thu nghiem");
    await reviewer.getByText("1 đơn vị", { exact: true }).waitFor();
    await checkA11y(reviewer, "review-list");
    await shoot(reviewer, "review-list");
    await reviewer.getByRole("link", { name: UNIT.name }).click();
    await reviewer.getByRole("heading", { level: 1, name: `Thẩm định: ${UNIT.name}` }).waitFor();

    // The evidence opens in a panel beside the leaf; downloading it is a choice, in this tab (no new one).
    await reviewer.getByRole("button", { name: "ke-hoach-chuyen-doi-so.pdf" }).click();
    const panel = reviewer.getByRole("region", { name: "ke-hoach-chuyen-doi-so.pdf" });
    await panel.locator("iframe").waitFor();
    const tabs = reviewer.context().pages().length;
    const [download] = await Promise.all([
      reviewer.waitForEvent("download", { timeout: 20_000 }),
      panel.getByRole("button", { name: /Tải về/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("ke-hoach-chuyen-doi-so.pdf");
    expect(reviewer.context().pages().length).toBe(tabs);
    await panel.getByRole("button", { name: "Đóng" }).click();

    const adjust = reviewer.locator('[data-code="2.2"]');
    await adjust.getByRole("button", { name: /Điều chỉnh/ }).click();
    await adjust.getByLabel("Điểm tự chấm (0–20)").fill("8");
    await adjust.getByLabel("Lý do (bắt buộc)").fill("Biên bản kiểm tra chỉ xác nhận 8 điểm");
    await adjust.getByRole("button", { name: "Lưu điều chỉnh" }).click();
    await adjust.getByText("Điều chỉnh: 8").waitFor();
    await reviewer.getByRole("button", { name: "Chấp nhận 7 chỉ tiêu còn lại" }).click();
    await reviewer.getByText("Đã chấp nhận 7 chỉ tiêu.").waitFor();
    await reviewer.locator(".stats", { hasText: "60,5" }).waitFor();
    await checkA11y(reviewer, "appraisal");
    await shoot(reviewer, "appraisal");
    await shootSmall(reviewer, "appraisal");
  });

  test("the explanation round: the approver contests, the reviewer upholds", async () => {
    await confirmTransition(admin, "Mở vòng giải trình", "Giải trình");
    await approver.goto(`/app/periods/${PERIOD_ID}/results`);
    await approver.getByRole("heading", { level: 1, name: /Kết quả và giải trình/ }).waitFor();
    await approver.getByText("Biên bản kiểm tra chỉ xác nhận 8 điểm").waitFor();
    await checkA11y(approver, "results-ledger");
    await approver.getByRole("button", { name: "Khiếu nại 2.2" }).click();
    await approver.getByLabel("Giải trình").fill("Biên bản bổ sung xác nhận 12 điểm");
    await checkA11y(approver, "contest-dialog");
    await approver.getByRole("button", { name: "Gửi khiếu nại" }).click();
    await approver.getByText("đang chờ quyết định").waitFor();
    await shoot(approver, "results-ledger");

    await reviewer.goto(`/app/review/${PERIOD_ID}/contests`);
    await reviewer.getByText("Chờ quyết định (1)").waitFor();
    await checkA11y(reviewer, "contests");
    await reviewer.getByRole("radio", { name: "Giữ nguyên" }).check();
    await reviewer.getByLabel("Lý do (bắt buộc)").fill("Biên bản bổ sung lập sau kỳ đánh giá");
    await reviewer.getByRole("button", { name: "Lưu quyết định" }).click();
    await reviewer.getByText("Đã quyết định (1)").waitFor();
    await shoot(reviewer, "contests");
  });

  test("the admin computes the final scores and publishes", async () => {
    await confirmTransition(admin, "Tính điểm chính thức", "Chính thức");
    await confirmTransition(admin, "Công bố", "Đã công bố");
    await admin.getByRole("link", { name: /Trang công bố/ }).waitFor();
    await checkA11y(admin, "admin-period-published");
    // Published: the unit's ledger shows the final result; then the approver signs out.
    await approver.goto(`/app/periods/${PERIOD_ID}/results`);
    await approver.locator(".stats", { hasText: "60,5" }).waitFor();
    await approver.getByRole("button", { name: "Đăng xuất" }).click();
    await approver.waitForURL("**/sign-in");
    await approver.getByRole("navigation").getByRole("link", { name: "Đăng nhập" }).waitFor();
    expect(await approver.evaluate(() => window.localStorage.getItem("chiso.session"))).toBeNull();
  });

  test("the public page shows the unit at its rank, its profile, the method and the data", async () => {
    const page = await open("public");
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Xếp hạng chuyển đổi số" }).waitFor();
    const row = page.locator("tbody tr", { hasText: UNIT.name });
    await row.waitFor();
    expect(await row.locator("td").first().textContent()).toBe("2");
    expect(await row.textContent()).toContain("60,5");
    expect(await row.textContent()).toContain("0,6050");
    expect(await page.locator("tbody tr").first().textContent()).toContain(LEADER.name);
    await page.locator(".chart").scrollIntoViewIfNeeded();
    await page.locator(".chart-box canvas").waitFor();
    await checkA11y(page, "public");
    await shoot(page, "public");
    await shootSmall(page, "public-ranking");

    await page.getByRole("button", { name: /Đơn vị/ }).click();
    expect(await page.locator("tbody tr").first().textContent()).toContain(LAST.name);
    await page.getByLabel("Tìm đơn vị").fill("thu nghiem");
    await page.getByText("Hiển thị 1–1 trên 1 đơn vị").waitFor();

    const csv = await (await fetch(`${stack.url}/public/rankings/${PERIOD_ID}.csv`)).text();
    expect(csv).toContain(UNIT.name);
    expect(await page.getByRole("link", { name: "XLSX" }).getAttribute("href")).toBe(
      `/public/rankings/${PERIOD_ID}.xlsx`,
    );

    await page.getByRole("link", { name: UNIT.name }).click();
    await page.getByRole("heading", { level: 1, name: UNIT.name }).waitFor();
    await page.getByText("Điểm theo trụ cột").waitFor();
    await checkA11y(page, "public-unit");
    await shoot(page, "public-unit");

    await page.getByRole("link", { name: "Phương pháp", exact: true }).first().click();
    await page.getByRole("heading", { level: 1, name: "Phương pháp đánh giá" }).waitFor();
    await page.getByText(framework.name).waitFor();
    await checkA11y(page, "method");

    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { level: 1, name: "Method" }).waitFor();
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Digital transformation rankings" }).waitFor();
    await checkA11y(page, "public-en");
    await page.getByRole("button", { name: "Tiếng Việt" }).click();

    const phone = await open("public-360", { width: 360, height: 780 });
    await phone.goto("/");
    await phone.locator("tbody tr", { hasText: UNIT.name }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await checkA11y(phone, "public-360");
    await shoot(phone, "public-360");
  });

  test("a 4,000-unit group renders 50 rows at a time and sorts without a long freeze", async () => {
    const page = await open("public-4000");
    const nodes = [1, 2, 3, 4, 5].map((n) => ({ code: String(n), name: `Trụ cột ${n}`, maxPoints: 200 }));
    const many = Array.from({ length: 4000 }, (_, i) => {
      const points = 1000 - i * 0.2;
      return {
        unitId: `xa-${i}`,
        code: String(10000 + i),
        name: `Xã Thử ${i}`,
        rank: i + 1,
        points,
        maxPoints: 1000,
        index: points / 1000,
        band: "Cao",
        rankChange: (i % 7) - 3,
        flags: [],
        nodes: nodes.map((n, k) => ({
          code: n.code,
          points: points / 5,
          maxPoints: 200,
          value: ((i * (k + 3)) % 997) / 997,
          rank: 1 + ((i * (k + 1)) % 4000),
        })),
      };
    });
    await page.route("**/public/rankings/index.json", (route) =>
      route.fulfill({
        json: {
          periods: [
            {
              periodId: "big",
              name: "Kỳ lớn",
              version: 1,
              publishedAt: new Date().toISOString(),
              url: "/public/rankings/big.json",
            },
          ],
        },
      }),
    );
    await page.route("**/public/rankings/big.json", (route) =>
      route.fulfill({
        json: {
          period: { id: "big", name: "Kỳ lớn", framework: { id: "f", name: "F", decision: null } },
          version: 1,
          publishedAt: new Date().toISOString(),
          groups: [{ id: "commune", name: "Xã", maxPoints: 1000, nodes, units: many }],
        },
      }),
    );
    await page.goto("/");
    await page.getByText("Hiển thị 1–50 trên 4000 đơn vị").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(50);
    await page.evaluate(() => {
      const w = window;
      w.longTasks = [];
      new PerformanceObserver((list: InPage) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: "longtask", buffered: false });
    });
    const started = Date.now();
    await page.getByRole("button", { name: /^2\. Trụ cột 2/ }).click();
    await page
      .getByRole("columnheader", { name: /Trụ cột 2/ })
      .and(page.locator("[aria-sort]"))
      .waitFor();
    await page.getByLabel("Tìm đơn vị").fill("Thử 39");
    await page.getByText(/trên 111 đơn vị/).waitFor();
    const elapsed = Date.now() - started;
    await page.locator(".chart").scrollIntoViewIfNeeded();
    await page.locator(".chart-box canvas").waitFor();
    const longest = await page.evaluate(() => Math.max(0, ...(window.longTasks as number[])));
    expect(elapsed, "sorting and searching 4,000 units").toBeLessThan(3000);
    expect(longest, "the longest main-thread task (ms)").toBeLessThan(400);
    await shoot(page, "public-4000");
  });

  test("no page logged an error; axe findings below serious are listed", () => {
    const errors = pages.flatMap((p) => p.errors.map((e) => `${p.name}: ${e}`));
    expect(errors).toEqual([]);
    const minor = Object.entries(axeFindings).flatMap(([screen, list]) =>
      list.map((v) => `${screen}: ${v.impact} ${v.id} (${v.nodes.length})`),
    );
    if (minor.length > 0) console.log(`axe, moderate or minor:\n  ${minor.join("\n  ")}`);
  });
});
