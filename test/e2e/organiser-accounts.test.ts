import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import {
  apiAs,
  checkA11y,
  type InPage,
  type JourneyStack,
  shoot,
  signedInPage,
  startJourneyFile,
} from "./support.ts";
import { ADMIN_PASSWORD, framework, LAST, LEADER, PASSWORD, UNIT } from "./world.ts";

/**
 * The organiser's accounts, units and audit log in the browser: an account created (a duplicate
 * refused in Vietnamese only), found, given another role, unit and reviewer scope, disabled (it can no
 * longer sign in), enabled and given a new password; a unit found, renamed and the units exported;
 * the audit log filtered to those changes. axe on each screen; the accounts list on a 360 px phone.
 */
declare const document: InPage;

const NEW_USER = "can.bo.moi";
const NEW_PASSWORD = "Moi#Mat5khau";

let running: JourneyStack | undefined;
let stack: LocalStack;
let browser: Browser;
let admin: Api;
let page: Page;
/** The signed-in page's errors, as newPage records them (page errors and console errors). */
let errors: string[] = [];

const dialog = () => page.getByRole("dialog");
const confirmPanel = () => dialog().getByRole("alertdialog");
const status = (text: string) => page.getByRole("status").filter({ hasText: text }).first().waitFor();
const user = async (name: string) =>
  expectStatus(await admin.get(pathFor("GET /api/users/{username}", { username: name })), 200);

beforeAll(async () => {
  running = await startJourneyFile("organiser-accounts", { framework, units: [UNIT, LEADER, LAST] });
  ({ stack, browser, admin } = running);
  const made = await signedInPage(browser, stack.url, "admin", ADMIN_PASSWORD);
  page = made.page;
  errors = made.errors;
}, 60_000);

afterAll(async () => {
  await running?.stop();
});

describe("the organiser's accounts, units and audit log", () => {
  test("an account is created from the accounts screen; a duplicate is refused in Vietnamese only", async () => {
    await page.goto("/app/admin");
    await page.getByRole("link", { name: "Danh sách tài khoản" }).click();
    await page.getByRole("heading", { level: 1, name: "Tài khoản" }).waitFor();
    await page.getByRole("rowheader", { name: "admin (bạn)" }).waitFor();
    await checkA11y(page, "admin-accounts");
    const create = async () => {
      await page.locator("#user-name").fill(NEW_USER);
      await page.locator("#user-password").fill(PASSWORD);
      await page.locator("#user-unit").selectOption(UNIT.id);
      await page.getByRole("button", { name: "Tạo tài khoản" }).click();
    };
    await create();
    await status(NEW_USER);
    await page.getByRole("row", { name: new RegExp(NEW_USER) }).waitFor();
    await create();
    const alert = page.getByRole("alert").filter({ hasText: "Đã có tài khoản" });
    await alert.waitFor();
    expect(await alert.textContent()).not.toMatch(/exists|user "/);
  });

  test("found by name; its roles, unit and reviewer scope changed after a confirmation", async () => {
    await page.locator("#account-search").fill("can.bo");
    await page.getByRole("button", { name: "Lọc" }).click();
    await page.getByRole("status").filter({ hasText: "1 tài khoản" }).waitFor();
    await page.getByRole("button", { name: `Sửa ${NEW_USER}` }).click();
    await dialog().getByRole("checkbox", { name: "Thẩm định" }).check();
    await dialog().locator("#account-edit-unit").selectOption(LEADER.id);
    await dialog().getByRole("checkbox", { name: "Sở, ban, ngành" }).check();
    await dialog().getByRole("checkbox", { name: "1. Nhận thức số" }).check();
    await checkA11y(page, "admin-account-edit");
    await dialog().getByRole("button", { name: "Lưu" }).click();
    expect(await confirmPanel().textContent()).toContain("Quyền mới có hiệu lực từ lần đăng nhập sau");
    await confirmPanel().getByRole("button", { name: "Lưu" }).click();
    await status(`Đã lưu tài khoản ${NEW_USER}.`);
    expect(await user(NEW_USER)).toMatchObject({
      roles: ["reviewer", "unit-editor"],
      unitId: LEADER.id,
      scope: { groups: ["department"], nodes: ["1"] },
    });
  });

  test("disabled, it cannot sign in; enabled with a new password, it signs in with that one", async () => {
    await dialog().getByRole("button", { name: "Khoá tài khoản", exact: true }).click();
    expect(await confirmPanel().textContent()).toContain("sẽ không đăng nhập được nữa");
    await confirmPanel().getByRole("button", { name: "Khoá tài khoản", exact: true }).click();
    await status(`Đã khoá tài khoản ${NEW_USER}.`);
    await expect(apiAs(stack, NEW_USER, PASSWORD)).rejects.toThrow(/NotAuthorized.*"User is disabled\."/);
    await dialog().getByRole("button", { name: "Mở khoá tài khoản", exact: true }).click();
    await confirmPanel().getByRole("button", { name: "Mở khoá tài khoản", exact: true }).click();
    await status(`Đã mở khoá tài khoản ${NEW_USER}.`);
    await dialog().getByLabel("Mật khẩu mới").fill(NEW_PASSWORD);
    await dialog().getByRole("button", { name: "Đặt lại mật khẩu" }).click();
    expect(await confirmPanel().textContent()).toContain("Mật khẩu cũ không dùng được nữa");
    await confirmPanel().getByRole("button", { name: "Đặt lại mật khẩu" }).click();
    await status(`Đã đặt mật khẩu mới cho ${NEW_USER}.`);
    await apiAs(stack, NEW_USER, NEW_PASSWORD);
    // The old password is refused (cognito-local answers InvalidPasswordException where Cognito says
    // NotAuthorizedException "Incorrect username or password.").
    await expect(apiAs(stack, NEW_USER, PASSWORD)).rejects.toThrow(
      /"InvalidPasswordException","message":"Invalid password"/,
    );
    await dialog().getByRole("button", { name: "Quay lại" }).click();
  });

  test("the own admin account cannot be disabled from the screen", async () => {
    await page.locator("#account-search").fill("admin");
    await page.getByRole("button", { name: "Lọc" }).click();
    await page.getByRole("button", { name: "Sửa admin" }).click();
    expect(await dialog().getByRole("button", { name: "Khoá tài khoản", exact: true }).count()).toBe(0);
    expect(await dialog().getByRole("checkbox", { name: "Quản trị" }).isDisabled()).toBe(true);
    await dialog().getByRole("button", { name: "Quay lại" }).click();
  });

  test("a unit is found, renamed (its id kept) and the units exported to Excel", async () => {
    await page.goto("/app/admin/units");
    await page.getByRole("heading", { level: 1, name: "Danh sách đơn vị" }).waitFor();
    await page.locator("#unit-search").fill("dan dau");
    await page.getByRole("status").filter({ hasText: "1 đơn vị" }).waitFor();
    await checkA11y(page, "admin-units");
    await page.getByRole("button", { name: `Sửa ${LEADER.name}` }).click();
    await dialog().getByLabel("Tên").fill("Sở Dẫn đầu (mới)");
    await dialog().getByLabel("Mã").fill("S02B");
    await dialog().getByRole("button", { name: "Lưu" }).click();
    await status("Đã lưu đơn vị Sở Dẫn đầu (mới).");
    const units = expectStatus(await admin.get(pathFor("GET /api/units")), 200).items;
    expect(units.find((u: { id: string }) => u.id === LEADER.id)).toMatchObject({
      name: "Sở Dẫn đầu (mới)",
      code: "S02B",
      kind: "department",
    });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Xuất Excel" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("don-vi.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile((await download.path()) as string)) as unknown as ArrayBuffer);
    const cells = book.worksheets[0]
      ?.getSheetValues()
      .flat()
      .map((c) => String(c ?? ""));
    expect(cells).toEqual(expect.arrayContaining(["S02B", "Sở Dẫn đầu (mới)", LEADER.id, UNIT.id]));
  });

  test("the audit log shows who changed which account, filtered by action and actor", async () => {
    await page.goto("/app/admin/audit");
    await page.getByRole("heading", { level: 1, name: "Nhật ký thay đổi" }).waitFor();
    await page.locator("#audit-action").selectOption("user.");
    await page.locator("#audit-actor").fill("admin");
    await page.getByRole("button", { name: "Lọc" }).click();
    const row = page.getByRole("row").filter({ hasText: "enabled: true → false" });
    await row.waitFor();
    expect(await row.textContent()).toContain(`user#${NEW_USER}`);
    expect(await row.locator("td").first().textContent()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    // The first listing (every action of the last 7 days) is replaced by the filtered one.
    await expect
      .poll(async () => new Set(await page.locator("tbody tr td:nth-child(3)").allTextContents()))
      .toEqual(new Set(["user.create", "user.update", "user.password"]));
    await checkA11y(page, "admin-audit");
    await shoot(page, "admin-audit");
    expect(errors).toEqual([]);
  });

  test("on a 360 px phone the accounts list fits the screen width", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto("/app/admin/users");
    await page.getByRole("rowheader", { name: "admin (bạn)" }).waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);
    await checkA11y(page, "admin-accounts-phone");
  });
});
