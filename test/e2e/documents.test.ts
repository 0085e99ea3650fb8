import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pathFor } from "../../shared/api/paths.ts";
import { expectStatus } from "../support/client.ts";
import { pdfPagePng, pdfText, requirePoppler } from "../support/poppler.ts";
import {
  approverOf,
  checkA11y,
  DOCS_SHOTS,
  type JourneyStack,
  movePeriod,
  openPeriod,
  SHOTS,
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
 * The official documents in the browser: the organiser fills in the decision on the period screen,
 * the period is published, the screen links the appendix (PDF, DOCX) and the scorecards' ZIP; the
 * appendix PDF behind the link carries the decision. Page 1 of the appendix and of one scorecard are
 * rendered (pdftoppm) for the README (docs/screenshots/appendix.png, scorecard.png) when
 * UPDATE_SCREENSHOTS is set, else into test-results/e2e/.
 */
const PERIOD = "documents-2026";

let running: JourneyStack | undefined;
let page: Page;

beforeAll(async () => {
  requirePoppler();
  running = await startJourneyFile("documents", { framework, units: [UNIT, LEADER, LAST] });
  const { admin } = running;
  await openPeriod(admin, {
    id: PERIOD,
    name: "Năm 2026 (văn bản)",
    frameworkId: framework.id,
    unitIds: [UNIT.id, LEADER.id, LAST.id],
  });
  for (const [unitId, answers] of [
    [LEADER.id, LEADER_ANSWERS],
    [LAST.id, LAST_ANSWERS],
  ] as const) {
    const unit = await approverOf(running, unitId, PASSWORD);
    const ids = { periodId: PERIOD, unitId };
    expectStatus(
      await unit.patch(pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", ids), { answers }),
      200,
    );
    expectStatus(await unit.post(pathFor("POST /api/periods/{periodId}/units/{unitId}/submit", ids)), 200);
  }
  await movePeriod(admin, PERIOD, "appraisal");
  await movePeriod(admin, PERIOD, "final");
  ({ page } = await signedInPage(running.browser, running.stack.url, "admin", ADMIN_PASSWORD));
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

const shotPath = (name: string) => join(process.env.UPDATE_SCREENSHOTS ? DOCS_SHOTS : SHOTS, name);

describe("the decision and the official documents", () => {
  test("the organiser fills in the decision, publishes, and follows the appendix link", async () => {
    if (!running) throw new Error("no stack");
    await page.goto(`${running.stack.url}/app/admin/periods/${PERIOD}`);
    await page.getByRole("heading", { name: "Quyết định công bố xếp hạng" }).waitFor();
    await page.getByLabel("Cơ quan ban hành").fill("Ủy ban nhân dân tỉnh Tuyên Quang");
    await page.getByLabel("Số, ký hiệu").fill("1234/QĐ-UBND");
    await page.getByLabel("Ngày ký").fill("2026-12-20");
    await page.getByLabel("Địa danh").fill("Tuyên Quang");
    await page.getByLabel("Chức vụ người ký").fill("KT. Chủ tịch – Phó Chủ tịch");
    await page.getByLabel("Họ tên người ký").fill("Nguyễn Văn Ánh");
    await page.getByRole("button", { name: "Lưu quyết định" }).click();
    await page.getByRole("status").filter({ hasText: "Đã lưu quyết định" }).waitFor();
    await checkA11y(page, "admin period: decision");
    const stored = expectStatus(
      await running.admin.get(pathFor("GET /api/periods/{periodId}", { periodId: PERIOD })),
      200,
    );
    expect(stored.decision).toMatchObject({
      number: "1234/QĐ-UBND",
      date: "2026-12-20",
      signerName: "Nguyễn Văn Ánh",
    });

    await movePeriod(running.admin, PERIOD, "published");
    await page.reload();
    const link = page.getByRole("link", { name: "Phụ lục xếp hạng (PDF)" });
    await link.waitFor();
    await expect(page.getByRole("link", { name: "Phụ lục xếp hạng (DOCX)" }).count()).resolves.toBe(1);
    await expect(
      page.getByRole("link", { name: "Phiếu kết quả của mọi đơn vị (ZIP)" }).count(),
    ).resolves.toBe(1);
    await checkA11y(page, "admin period: documents");
    const href = await link.getAttribute("href");
    expect(href).toBe(`/public/rankings/${PERIOD}.pdf`);
    const response = await page.request.get(`${running.stack.url}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("application/pdf");
    expect(response.headers()["content-disposition"]).toContain(`phu-luc-xep-hang-${PERIOD}-v1.pdf`);
    const appendix = await response.body();
    const text = pdfText(appendix).replace(/\s+/g, " ");
    for (const words of ["1234/QĐ-UBND", "ngày 20 tháng 12 năm 2026", "Nguyễn Văn Ánh", LEADER.name])
      expect(text, words).toContain(words);
    await writeFile(shotPath("appendix.png"), pdfPagePng(appendix, 1, 60));

    const card = await page.request.get(
      `${running.stack.url}/public/rankings/${PERIOD}/units/${LEADER.id}.pdf`,
    );
    expect(card.status()).toBe(200);
    const scorecard = await card.body();
    expect(pdfText(scorecard)).toContain(LEADER.name);
    await writeFile(shotPath("scorecard.png"), pdfPagePng(scorecard, 1, 60));
  }, 60_000);
});
