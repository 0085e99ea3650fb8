import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import {
  approverOf,
  checkA11y,
  type JourneyStack,
  movePeriod,
  openPeriod,
  ROOT,
  shoot,
  signedInPage,
  startJourneyFile,
} from "./support.ts";
import {
  ADMIN_PASSWORD,
  framework,
  LAST,
  LAST_ANSWERS,
  LEADER,
  LEADER_ANSWERS,
  PASSWORD,
  UNIT,
} from "./world.ts";

/**
 * The organiser's period screen in the browser: one unit's deadline extended while open, the early
 * close that says how many units will score 0, the per-group table after it, the supplement request
 * (and the refusal of a second one, in Vietnamese), the publication preview with its warnings, then
 * the publication; and the index set's Excel template with its labels and drop-downs, downloaded and
 * imported back. Four units, two of which submit (through the API). Then a reorganisation from an
 * Excel file on the Units screen (two of the four merge) and a period created from the published one,
 * whose units are the reorganised ones. axe on every new screen.
 */
const PERIOD = "organiser-2026";
const PERIOD_NAME = "Năm 2026 (tổ chức)";
const FOURTH = { id: "so-thu-tu", code: "S04", name: "Sở Thứ tư", kind: "department" };

let running: JourneyStack | undefined;
let stack: LocalStack;
let browser: Browser;
let admin: Api;
let page: Page;
let dataDir: string;
/** The signed-in page's errors, as newPage records them (page errors and console errors). */
let errors: string[] = [];

async function submit(unitId: string, answers: Record<string, unknown>): Promise<void> {
  const unit = await approverOf({ admin, stack }, unitId, PASSWORD);
  const ids = { periodId: PERIOD, unitId };
  expectStatus(
    await unit.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ids), { answers }),
    200,
  );
  expectStatus(await unit.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", ids)), 200);
}

const dialog = () => page.getByRole("dialog");

/** Opens a move's confirmation; returns its text. */
async function ask(button: string): Promise<string> {
  await page.getByRole("button", { name: button, exact: true }).click();
  await dialog().waitFor();
  return (await dialog().locator(".consequence").textContent()) ?? "";
}

async function confirmMove(state: string): Promise<void> {
  await dialog().getByRole("button", { name: "Xác nhận" }).click();
  await page
    .getByRole("status")
    .filter({ hasText: `Kỳ đã chuyển sang bước: ${state}.` })
    .waitFor({ timeout: 30_000 });
}

const pick = (unit: { id: string }) => page.locator("#one-unit-pick").selectOption(unit.id);

beforeAll(async () => {
  const units = [UNIT, LEADER, LAST, FOURTH];
  running = await startJourneyFile("organiser-period", { framework, units });
  ({ stack, browser, dataDir, admin } = running);
  await openPeriod(admin, {
    id: PERIOD,
    name: PERIOD_NAME,
    frameworkId: framework.id,
    unitIds: units.map((u) => u.id),
    closesAt: "2026-12-28T10:17:00+07:00",
  });
  await submit(LEADER.id, LEADER_ANSWERS);
  await submit(LAST.id, LAST_ANSWERS);
  const made = await signedInPage(browser, stack.url, "admin", ADMIN_PASSWORD);
  page = made.page;
  errors = made.errors;
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

describe("the organiser's period screen", () => {
  test("one unit's deadline is extended from the period screen; dates read dd/MM/yyyy HH:mm", async () => {
    await page.goto(`/app/admin/periods/${PERIOD}`);
    await page.getByRole("heading", { level: 2, name: "Một đơn vị" }).waitFor();
    // The period's deadline in the Vietnamese form (not 12/28/2026, 10:17 AM).
    await page.locator(".facts dd", { hasText: "28/12/2026 10:17" }).first().waitFor();
    // Typed the same way, whatever the browser's language (a native datetime-local input is not).
    expect(await page.locator("#edit-closes").inputValue()).toBe("28/12/2026 10:17");
    await pick(UNIT);
    await page.locator(".unit-pick .card dd", { hasText: "28/12/2026 10:17" }).waitFor();
    await page.getByRole("button", { name: "Gia hạn cho đơn vị này" }).click();
    await dialog().getByText("Hạn mới phải sau hạn chung 28/12/2026 10:17").waitFor();
    expect(await dialog().locator("#extend-until").inputValue()).toBe("31/12/2026 10:17");
    await checkA11y(page, "admin-unit-extend");
    await dialog().getByRole("button", { name: "Xác nhận" }).click();
    await page.getByRole("status").filter({ hasText: "S01 · Sở Thử nghiệm đến 31/12/2026 10:17" }).waitFor();
    await page.locator(".unit-pick .card dd", { hasText: "31/12/2026 10:17" }).waitFor();
  });

  test("closing early says that 2 of 4 units will score 0; the table then agrees with the line", async () => {
    const text = await ask("Đóng sớm, chuyển sang thẩm định");
    expect(text).toContain("2/4 đơn vị chưa nộp sẽ bị khoá với 0 điểm, ghi “Không nộp”; 2 đơn vị đã nộp");
    await checkA11y(page, "admin-close-early");
    await confirmMove("Thẩm định");
    await page.getByText("2/4 đơn vị đã nộp, 2 không nộp.").waitFor();
    const row = page.locator("section[aria-labelledby=progress] tbody tr").first();
    await row.locator("td", { hasText: "50%" }).waitFor();
    expect(await row.locator("td.num").allTextContents()).toEqual(["4", "2", "2"]);
    await page.getByRole("columnheader", { name: "Không nộp" }).waitFor();
  });

  test("a unit is asked for a supplement; a second request is refused in Vietnamese", async () => {
    await pick(LEADER);
    await page.getByRole("button", { name: "Yêu cầu bổ sung" }).click();
    await dialog()
      .getByRole("checkbox", { name: /^1\.1 / })
      .check();
    await dialog().getByLabel("Lời nhắn cho đơn vị").fill("Bổ sung kế hoạch đã ký");
    await checkA11y(page, "admin-unit-supplement");
    await dialog().getByRole("button", { name: "Xác nhận" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "Đã yêu cầu S02 · Sở Dẫn đầu bổ sung 1 chỉ tiêu" })
      .waitFor();
    await page.locator(".unit-pick .card dd", { hasText: /^1\.1 → / }).waitFor();

    await page.getByRole("button", { name: "Yêu cầu bổ sung" }).click();
    await dialog()
      .getByRole("checkbox", { name: /^1\.2 / })
      .check();
    await dialog().getByRole("button", { name: "Xác nhận" }).click();
    const alert = dialog().getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("Đơn vị đã được yêu cầu bổ sung một lần");
    await dialog().getByRole("button", { name: "Huỷ" }).click();
  });

  test("the publication is previewed with its warnings, then published", async () => {
    await movePeriod(admin, PERIOD, "final", 30_000);
    await page.reload();
    const text = await ask("Công bố");
    expect(text).toContain("phiên bản 1");
    const preview = dialog().locator(".publish-preview");
    await preview.getByRole("table").waitFor();
    const warnings = await preview.getByRole("note").locator("li").allTextContents();
    expect(warnings).toEqual([
      "2 đơn vị đã nộp còn chỉ tiêu chưa thẩm định.",
      "2 đơn vị không nộp: xếp 0 điểm, ghi “Không nộp”.",
    ]);
    const rows = await preview
      .locator("tbody tr")
      .evaluateAll((all) => all.map((tr) => [...tr.children].map((c) => (c.textContent ?? "").trim())));
    expect(rows).toHaveLength(4);
    expect(rows[0]?.slice(1, 3)).toEqual(["1", "S02 · Sở Dẫn đầu"]);
    expect(rows.filter((r) => r[2]?.includes("Không nộp"))).toHaveLength(2);
    await checkA11y(page, "admin-publish-preview");
    await shoot(page, "admin-publish-preview");
    // On a 360 px phone the dialog fits the screen; the ranking scrolls inside it.
    await page.setViewportSize({ width: 360, height: 740 });
    const box = await dialog().boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 360).toBe(true);
    await checkA11y(page, "admin-publish-preview-phone");
    await page.setViewportSize({ width: 1280, height: 900 });
    await confirmMove("Đã công bố");
  });

  test("the index set's template has labels, drop-downs and the current data, and imports back", async () => {
    await page.goto("/app/admin");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Tải mẫu Excel của bộ chỉ số" }).click(),
    ]);
    const path = join(dataDir, "bo-chi-so.xlsx");
    await download.saveAs(path);
    const book = await new ExcelJS.Workbook().xlsx.readFile(path);
    const nodes = book.getWorksheet("Chỉ tiêu");
    expect(nodes?.getRow(1).getCell(6).value).toBe("Cách chấm");
    expect(nodes?.getCell("F3").dataValidation).toMatchObject({ type: "list" });
    expect(book.getWorksheet("Bộ chỉ số")?.getCell("B2").value).toBe(framework.id);
    // The same index set again: refused, in Vietnamese.
    await page.locator("#framework-file").setInputFiles(path);
    await page
      .getByRole("alert")
      .filter({ hasText: "Đã có bộ chỉ số với mã này; hãy nhập phiên bản mới với mã mới" })
      .waitFor();
    // Under a new id (Excel's own save, exceljs here), it imports as it is.
    const fields = book.getWorksheet("Bộ chỉ số");
    if (!fields) throw new Error("no sheet Bộ chỉ số");
    fields.getCell("B2").value = "organiser-copy";
    await book.xlsx.writeFile(path);
    await page.locator("#framework-file").setInputFiles(path);
    await page.getByText("Đã nhập bộ chỉ số organiser-copy.").waitFor();
    const copy = expectStatus(
      await admin.get(pathFor("GET /api/frameworks/{frameworkId}", { frameworkId: "organiser-copy" })),
      200,
    );
    const original = expectStatus(
      await admin.get(pathFor("GET /api/frameworks/{frameworkId}", { frameworkId: framework.id })),
      200,
    );
    expect({ ...copy, id: framework.id }).toEqual(original);
    expect(errors).toEqual([]);
  });
});

interface SheetSpec {
  name: string;
  rows: (string | number)[][];
}

/**
 * The reorganisation template, filled in: the web app's own writer (web/src/app/admin/excel), the one
 * its "Tải mẫu sắp xếp đơn vị" uses. Loaded by path: the root tsconfig has no DOM types for the web.
 */
async function reformFile(decision: string, day: string, units: string[][]): Promise<Buffer> {
  const excel = join(ROOT, "web/src/app/admin/excel");
  const { xlsxBytes } = (await import(join(excel, "xlsx.ts"))) as {
    xlsxBytes: (sheets: SheetSpec[]) => Uint8Array;
  };
  const { reformSheets } = (await import(join(excel, "reform.ts"))) as { reformSheets: () => SheetSpec[] };
  const [sheet] = reformSheets();
  if (!sheet) throw new Error("no reform sheet in the template");
  // Rows 1–3: decision, date, codes ended with no successor; row 5 the header; the samples replaced.
  const [decisionRow, dayRow, endedRow, blank, header] = sheet.rows;
  const rows = [
    [decisionRow?.[0] ?? "", decision],
    [dayRow?.[0] ?? "", day],
    [endedRow?.[0] ?? "", ""],
    blank ?? [],
    header ?? [],
    ...units,
  ];
  return Buffer.from(xlsxBytes([{ ...sheet, rows }]));
}

const MERGED = { code: "S05", name: "Sở Hợp nhất", kind: "department" };
const NEXT = "organiser-2027";

describe("a reorganisation, then a period from the previous one", () => {
  test("the Units screen applies the Excel file; the new period takes the new units", async () => {
    await page.goto("/app/admin");
    await page.getByRole("heading", { level: 3, name: "Sắp xếp đơn vị hành chính" }).waitFor();
    // Sở Cuối bảng and Sở Thứ tư merge from 01/01/2027; the period published above keeps them.
    const file = await reformFile("Quyết định kiểm thử 9/QĐ", "01/01/2027", [
      [MERGED.code, MERGED.name, MERGED.kind, "", `${LAST.code}, ${FOURTH.code}`, ""],
    ]);
    const mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    await page.locator("#reform-file").setInputFiles({ name: "sap-xep.xlsx", mimeType: mime, buffer: file });
    await page
      .getByRole("status")
      .filter({
        hasText: "Đã áp dụng Quyết định kiểm thử 9/QĐ: 1 đơn vị mới, 2 đơn vị chấm dứt từ 01/01/2027.",
      })
      .waitFor();
    await checkA11y(page, "admin-reform");
    await shoot(page, "admin-reform");
    // The units' list: the new one with where it comes from.
    await page.goto("/app/admin/units");
    const merged = page.getByRole("row").filter({ hasText: MERGED.name });
    await merged.waitFor();
    expect(await merged.locator("th .muted").textContent()).toBe(
      `Sáp nhập từ ${LAST.name}, ${FOURTH.name} theo Quyết định kiểm thử 9/QĐ, hiệu lực từ 01/01/2027`,
    );

    // A period of 2027 from the one published above: its index set, its units carried to 2027.
    await page.goto("/app/admin");
    await page.locator("#period-id").fill(NEXT);
    await page.locator("#period-name").fill("Năm 2027 (tổ chức)");
    await page.getByLabel("Tạo từ kỳ trước").selectOption(PERIOD);
    expect(await page.locator("#period-framework option:checked").textContent()).toBe("Như kỳ trước");
    await page.locator("#period-closes").fill("31/12/2027 17:00");
    await page.locator("#period-explanation").fill("31/01/2028 17:00");
    await checkA11y(page, "admin-period-from");
    await page.getByRole("button", { name: "Tạo kỳ", exact: true }).click();
    await page.waitForURL(`**/app/admin/periods/${NEXT}`);
    await page.getByText("0/3 đơn vị đã nộp, 3 chưa nộp.").waitFor();
    // Opened, its units are the ones a unit action picks from: the merged one instead of its two.
    await page.getByRole("button", { name: "Mở kỳ", exact: true }).click();
    await confirmMove("Đang mở");
    // The submissions are read again once the move is done: waited for, not read at once.
    const options = page.locator("#one-unit-pick option");
    await expect.poll(() => options.count()).toBe(4);
    expect((await options.allTextContents()).slice(1)).toEqual([
      `${UNIT.code} · ${UNIT.name}`,
      `${LEADER.code} · ${LEADER.name}`,
      `${MERGED.code} · ${MERGED.name}`,
    ]);
    const created = expectStatus(
      await admin.get(pathFor("GET /api/periods/{periodId}", { periodId: NEXT })),
      200,
    );
    expect([created.frameworkId, created.counts.units]).toEqual([framework.id, 3]);
    expect(errors).toEqual([]);
  });
});
