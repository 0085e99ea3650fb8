import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import {
  apiAs,
  checkA11y,
  type JourneyStack,
  openPeriod,
  shoot,
  signedInPage,
  startJourneyFile,
} from "./support.ts";
import { ADMIN_PASSWORD, framework, LEADER, PASSWORD, UNIT } from "./world.ts";

/**
 * A measured indicator filled from a file: the organiser downloads the period's template, fills in the
 * value a ministry sent, imports it (and again: unchanged; a bad file: refused by row and column); the
 * unit's editor then sees the value read-only on the form, with where it came from, and cannot enter it.
 */
const PERIOD = "measured-2026";
const FRAMEWORK = "e2e-measured";
const SOURCE = { id: "vbdh", name: "Hệ thống quản lý văn bản" };

/** The e2e index set with 1.3 (the ratio of documents signed digitally) measured by the source vbdh. */
function measuredFramework() {
  const copy = structuredClone(framework) as unknown as {
    id: string;
    groups: { nodes: { code: string; children?: Record<string, unknown>[] }[] }[];
  };
  copy.id = FRAMEWORK;
  for (const node of copy.groups[0]?.nodes ?? [])
    for (const leaf of node.children ?? [])
      if (leaf.code === "1.3") leaf.source = { kind: "measured", sourceId: SOURCE.id };
  return copy;
}

let running: JourneyStack | undefined;
let stack: LocalStack;
let browser: Browser;
let admin: Api;
let dataDir: string;
const pages: { name: string; page: Page; errors: string[] }[] = [];

beforeAll(async () => {
  running = await startJourneyFile("measured", {
    framework: measuredFramework(),
    units: [UNIT, LEADER],
    users: [{ username: "editor.m", roles: ["unit-editor"], unitId: UNIT.id }],
    password: PASSWORD,
  });
  ({ stack, browser, admin, dataDir } = running);
  expectStatus(await admin.post(pathFor("POST /api/sources"), SOURCE), 201);
  await openPeriod(admin, {
    id: PERIOD,
    name: "Năm 2026 (số liệu đo)",
    frameworkId: FRAMEWORK,
    unitIds: [UNIT.id, LEADER.id],
  });
}, 90_000);

afterEach(async ({ task }) => {
  if (task.result?.state !== "fail") return;
  for (const { name, page } of pages)
    if (!page.isClosed()) await shoot(page, `failed-measured-${name}`).catch(() => undefined);
});

afterAll(async () => {
  await running?.stop();
});

describe("a measured indicator imported from a file", () => {
  test("the organiser fills in the period's template and imports it; the same file again is unchanged", async () => {
    const made = await signedInPage(browser, stack.url, "admin", ADMIN_PASSWORD);
    pages.push({ name: "admin", ...made });
    const { page } = made;
    await page.goto(`/app/admin/periods/${PERIOD}`);
    await page.getByRole("heading", { level: 2, name: "Nhập số liệu đo từ tệp" }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Tải mẫu số liệu đo của kỳ" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`mau-so-lieu-do-${PERIOD}.xlsx`);
    const path = join(dataDir, "so-lieu-do.xlsx");
    await download.saveAs(path);
    const book = await new ExcelJS.Workbook().xlsx.readFile(path);
    const sheet = book.getWorksheet("Số liệu đo");
    if (!sheet) throw new Error("no sheet Số liệu đo");
    // One row per unit and measured indicator: S01 and S02, each with 1.3.
    const listed = [2, 3].map((r) => [sheet.getCell(r, 1).value, sheet.getCell(r, 3).value]);
    expect(listed.sort()).toEqual([
      [UNIT.code, "1.3"],
      [LEADER.code, "1.3"],
    ]);
    const row = [2, 3].find((r) => sheet.getCell(r, 1).value === UNIT.code) as number;
    sheet.getCell(row, 5).value = "8/10";
    sheet.getCell(row, 6).value = "01/03/2026";
    sheet.spliceRows(row === 2 ? 3 : 2, 1); // the other unit's row is left out of the file
    await book.xlsx.writeFile(path);

    await page.locator("#measurement-file").setInputFiles(path);
    await page
      .getByRole("status")
      .filter({ hasText: "Đã nhập tệp so-lieu-do.xlsx: 1 giá trị lưu mới, 0 không đổi" })
      .waitFor();
    await checkA11y(page, "admin-measurement-import");
    await page.locator("#measurement-file").setInputFiles(path);
    await page
      .getByRole("status")
      .filter({ hasText: "Tệp so-lieu-do.xlsx không làm thay đổi gì: cả 1 giá trị đều không đổi." })
      .waitFor();

    // A file with a bad row: nothing is imported, the row and column are named.
    const bad = `Mã đơn vị;Mã chỉ tiêu;Giá trị\n${UNIT.code};1.3;9/10\n${LEADER.code};1.1;có\n`;
    await page
      .locator("#measurement-file")
      .setInputFiles({ name: "sai.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
    const alert = page.getByRole("alert").filter({ hasText: "1 dòng không nhập được, chưa nhập dòng nào" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      "trang sai.csv, dòng 3, cột B (Mã chỉ tiêu): chỉ tiêu 1.1 do đơn vị tự đánh giá, không phải số liệu đo",
    );
    expect(made.errors).toEqual([]);
  });

  test("the unit's editor sees the imported value read-only, with its provenance", async () => {
    const made = await signedInPage(browser, stack.url, "editor.m", PASSWORD);
    pages.push({ name: "editor", ...made });
    const { page } = made;
    await page.goto(`/app/periods/${PERIOD}/form`);
    await page.getByRole("heading", { level: 1, name: /Tự đánh giá/ }).waitFor();
    const leaf = page.locator('[data-code="1.3"]');
    await leaf.locator(".leaf-measured .answer", { hasText: "8 / 10" }).waitFor();
    const text = (await leaf.locator(".leaf-measured").textContent()) ?? "";
    // Imported, not pushed: the form names the organiser and the file, not the source's automation.
    expect(text).toContain("Số liệu đo do admin nhập từ tệp “so-lieu-do.xlsx”, ngày 01/03/2026");
    expect(text).not.toContain("tự động");
    // Nothing to type into: no input for the ratio (the note stays the unit's).
    expect(await leaf.locator("input").count()).toBe(0);
    await checkA11y(page, "unit-form-measured-imported");
    // The API refuses an entry all the same.
    const editor = await apiAs(stack, "editor.m", PASSWORD);
    const refused = await editor.patch(
      pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", { periodId: PERIOD, unitId: UNIT.id }),
      { answers: { "1.3": { value: { numerator: 10, denominator: 10 } } } },
    );
    expect(refused.status).toBe(422);
    expect(made.errors).toEqual([]);
  });
});
