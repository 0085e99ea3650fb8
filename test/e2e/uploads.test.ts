import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { pathFor, routePaths as paths } from "../../shared/api/paths.ts";
import { type Api, expectStatus } from "../support/client.ts";
import {
  apiAs,
  type InPage,
  type JourneyStack,
  openPeriod,
  paddedPdf,
  shoot,
  signedInPage,
  startJourneyFile,
} from "./support.ts";
import { framework, PASSWORD, UNIT } from "./world.ts";

/**
 * A resumable upload in Chromium: a ~20 MB PDF goes in 8 MiB parts; the connection drops
 * for one part (its PUTs are aborted), the upload stops with the parts storage has; "try again"
 * resumes without resending them; the page is reloaded and the same file chosen again: only the
 * missing part is sent, the file is completed, confirmed, listed once and reads back byte for byte.
 */

declare const localStorage: InPage;

const PERIOD = "e2e-uploads";
const EDITOR = "bientap.uploads";
const FILE = "bao-cao-tong-hop-2024.pdf";
const SIZE = 20 * 1024 * 1024 + 4321;

let running: JourneyStack;
let stack: LocalStack;
let browser: Browser;
let page: Page;
let errors: string[];
let editorApi: Api;
let filePath: string;
let bytes: Buffer;

const leaf = (code: string) => page.locator(`[id="leaf-${code}"]`);
/** The part number of a storage PUT, or undefined for any other request. */
const partOf = (request: Request) => {
  const url = new URL(request.url());
  return request.method() === "PUT" && url.pathname.startsWith("/s3/")
    ? Number(url.searchParams.get("partNumber"))
    : undefined;
};

async function setUp(): Promise<void> {
  const { admin } = running;
  await openPeriod(admin, {
    id: PERIOD,
    name: "Kỳ tải tệp lớn (kiểm thử)",
    frameworkId: framework.id,
    unitIds: [UNIT.id],
  });
  editorApi = await apiAs(stack, EDITOR, PASSWORD);
  // A file on disk: choosing it again after a reload gives the same name, size and date.
  bytes = paddedPdf("Bao cao tong hop chuyen doi so 2024", SIZE);
  filePath = join(running.dataDir, FILE);
  await writeFile(filePath, bytes);
}

async function openForm(): Promise<void> {
  await page.getByRole("link", { name: "Tự đánh giá" }).first().click();
  await page.getByRole("heading", { level: 1, name: /Tự đánh giá/ }).waitFor();
}

describe("a large file, resumed after the connection drops and after a reload", () => {
  beforeAll(async () => {
    running = await startJourneyFile("uploads", {
      framework,
      units: [UNIT],
      users: [{ username: EDITOR, roles: ["unit-editor"], unitId: UNIT.id }],
      password: PASSWORD,
    });
    ({ stack, browser } = running);
    await setUp();
    ({ page, errors } = await signedInPage(browser, stack.url, EDITOR, PASSWORD));
    await openForm();
  });

  afterAll(async () => {
    if (page && !page.isClosed() && errors.length > 0)
      await shoot(page, "failed-uploads").catch(() => undefined);
    await running?.stop();
  });

  test("the parts storage has are never sent twice; the file is listed once and reads back whole", async () => {
    const started = Date.now();
    const sent: number[] = [];
    page.on("request", (request) => {
      const part = partOf(request);
      if (part) sent.push(part);
    });
    // The connection drops for part 2, every time it is tried.
    await page.route("**/s3/**", (route) =>
      partOf(route.request()) === 2 ? route.abort("connectionreset") : route.fallback(),
    );
    await leaf("1.1").locator('[id="ev-1.1-file"]').setInputFiles(filePath);
    await leaf("1.1").getByRole("alert").filter({ hasText: "Mất kết nối" }).waitFor({ timeout: 20_000 });
    expect(sent.filter((n) => n === 1)).toHaveLength(1);
    expect(sent.filter((n) => n === 3)).toHaveLength(1);
    expect(sent.filter((n) => n === 2).length).toBeGreaterThanOrEqual(3);

    // "Try again" while the link is still down: parts 1 and 3 are not sent again.
    sent.length = 0;
    // The old alert is on screen until the retry starts: wait for the retried part first, so the
    // alert waited for is the retry's own failure (while uploading the item shows a status instead).
    const retried = page.waitForRequest((request) => partOf(request) === 2, { timeout: 20_000 });
    await leaf("1.1").getByRole("button", { name: "Thử lại" }).click();
    await retried;
    await leaf("1.1").getByRole("alert").filter({ hasText: "Mất kết nối" }).waitFor({ timeout: 20_000 });
    expect(sent.filter((n) => n === 2).length).toBeGreaterThanOrEqual(3);
    expect(sent.filter((n) => n !== 2)).toEqual([]);
    await shoot(page, "unit-upload-dropped");

    // The page is reloaded, the link is back, the same file is chosen again: only part 2 goes.
    await page.unroute("**/s3/**");
    await page.reload();
    await page.getByRole("heading", { level: 1, name: /Tự đánh giá/ }).waitFor();
    sent.length = 0;
    await leaf("1.1").locator('[id="ev-1.1-file"]').setInputFiles(filePath);
    await leaf("1.1")
      .getByRole("link", { name: new RegExp(FILE.replace(/\./g, "\\.")) })
      .waitFor({ timeout: 20_000 });
    expect(sent).toEqual([2]);
    await expect
      .poll(() =>
        leaf("1.1")
          .getByRole("link", { name: new RegExp(FILE.replace(/\./g, "\\.")) })
          .count(),
      )
      .toBe(1);
    await shoot(page, "unit-upload-resumed");

    // One item, confirmed, whose download is the file byte for byte.
    const submission = expectStatus(await editorApi.get(paths.submission(PERIOD, UNIT.id)), 200);
    const items = (submission.evidence as { id: string; fileName?: string; status: string }[]).filter(
      (e) => e.fileName === FILE,
    );
    expect(items.map((e) => e.status)).toEqual(["confirmed"]);
    const link = expectStatus(
      await editorApi.get(
        pathFor("GET /api/periods/{periodId}/units/{unitId}/evidence/{evidenceId}/download", {
          periodId: PERIOD,
          unitId: UNIT.id,
          evidenceId: (items[0] as { id: string }).id,
        }),
      ),
      200,
    );
    const downloaded = Buffer.from(await (await fetch(new URL(link.url, stack.url))).arrayBuffer());
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(sha(downloaded)).toBe(sha(bytes));
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("chiso.upload:"))),
    ).toEqual([]);
    // A dropped part is logged by Chromium as a failed resource load (net::ERR_CONNECTION_RESET),
    // which newPage leaves out: the app itself logs nothing.
    expect(errors).toEqual([]);
    console.log(
      `uploads: ${(SIZE / 1024 / 1024).toFixed(1)} MB, dropped, retried, reloaded, resumed in ${Date.now() - started} ms`,
    );
  });
});
