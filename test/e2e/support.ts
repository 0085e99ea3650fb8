import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import type { LocalStack, StackOptions } from "../../infra/local/stack.ts";
import { routePaths } from "../../shared/api/paths.ts";
import { type Api, clientAt, expectStatus } from "../support/client.ts";
import { startEmptyStack } from "../support/empty-stack.ts";
import { moveTo } from "../support/period-move.ts";
import { signInAt } from "../support/sign-in.ts";
import { ADMIN_PASSWORD } from "./world.ts";

/**
 * The end-to-end harness: a local stack and Debian's Chromium driven by playwright-core, sign-in
 * through the app's own form, an axe-core check of each screen, screenshots under test-results/e2e/.
 */
/**
 * The page's globals, in functions that run in the browser (page.evaluate): the root tsconfig is for
 * Node and has no DOM types.
 */
// biome-ignore lint/suspicious/noExplicitAny: browser globals, checked by running them
export type InPage = any;
declare const window: InPage;
declare const document: InPage;

export const ROOT = resolve(import.meta.dirname, "../..");
export const SHOTS = join(ROOT, "test-results/e2e");
export const DOCS_SHOTS = join(ROOT, "docs/screenshots");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** A fresh browser context (its own storage: one signed-in user) with a page that reports its errors. */
export async function newPage(
  browser: Browser,
  base: string,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    // A refused request (e.g. the 412 the conflict test provokes) is logged by the browser: not an app error.
    if (message.type() === "error" && !/Failed to load resource/.test(message.text()))
      errors.push(`console: ${message.text()}`);
  });
  return { context, page, errors };
}

/** Sends the app's sign-in form (what follows — the workspace, a TOTP step, an error — is the caller's). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
}

/** Signs in through the app's form and waits for the workspace. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await submitSignIn(page, username, password);
  await page.waitForURL("**/app");
  await page.getByRole("heading", { level: 1, name: "Khu làm việc" }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

export const axeFindings: Record<string, AxeViolation[]> = {};

let axeCode: Promise<string> | undefined;
const axeSource = () => {
  axeCode ??= readFile(AXE, "utf8");
  return axeCode;
};

/** Runs axe-core on the page as it is; fails on any serious or critical violation. */
export async function checkA11y(page: Page, screen: string): Promise<void> {
  // Evaluated rather than added as a <script>: the app's Content-Security-Policy (script-src 'self')
  // refuses inline scripts, and a page script would have to break it; evaluation is not a page script.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(await axeSource());
  const violations = (await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations;
  })) as AxeViolation[];
  axeFindings[screen] = violations;
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `axe on ${screen}`,
  ).toEqual([]);
}

/** A full-page screenshot under test-results/e2e/. */
export async function shoot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A small screenshot for the README (the top of the screen, 1000 px wide), written to test-results/
 * and, when UPDATE_SCREENSHOTS=1, copied to docs/screenshots/.
 */
export async function shootSmall(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}-small.png`);
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1000, height: 720 });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(300);
  await page.screenshot({ path, fullPage: false });
  if (before) await page.setViewportSize(before);
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    await mkdir(DOCS_SHOTS, { recursive: true });
    await copyFile(path, join(DOCS_SHOTS, `${name}.png`));
  }
}

/** A PDF of about `size` bytes: a real one-page PDF padded with comment lines (type sniffing reads %PDF). */
export function paddedPdf(text: string, size: number): Buffer {
  const head = `%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n% ${text}\n`;
  const tail = "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
  const line = `%${"x".repeat(78)}\n`;
  const lines = Math.max(0, Math.floor((size - head.length - tail.length) / line.length));
  return Buffer.from(head + line.repeat(lines) + tail);
}

// ---------------------------------------------------------------------------------------------
// The API, for setting up what the browser journey does not do itself.

/** A JSON client of the stack's API, signed in as `username` (test/support/client.ts, sign-in.ts). */
export async function apiAs(stack: LocalStack, username: string, password: string): Promise<Api> {
  return clientAt(stack.url, await signInAt(stack.config.auth, username, password));
}

// ---------------------------------------------------------------------------------------------
// A local stack (empty, no demo) and Chromium, started for one test file.

export interface BrowserStack {
  stack: LocalStack;
  dataDir: string;
  browser: Browser;
  /** Closes the browser, stops the stack and removes its data. */
  stop(): Promise<void>;
}

/**
 * Whether the stack of the file `name` runs the shipped bundles (the stack's bundle mode): the e2e
 * project names those files in CHISO_E2E_BUNDLES (vitest.config.ts), e.g. "journey".
 */
function bundleMode(name: string): boolean {
  return (process.env.CHISO_E2E_BUNDLES ?? "").split(",").includes(name);
}

/** The built web app is served by the stack: e2e needs `npm run build:web` first. */
const DIST = join(ROOT, "web/dist/index.html");

export async function startBrowserStack(
  name: string,
  options: Partial<StackOptions> = {},
): Promise<BrowserStack> {
  if (!existsSync(DIST)) throw new Error("web/dist is missing: run `npm run build:web` first");
  const { stack, dataDir, stop } = await startEmptyStack(`e2e-${name}`, {
    adminPassword: ADMIN_PASSWORD,
    checkResponses: true,
    ...(bundleMode(name) ? { bundles: true } : {}),
    ...options,
  });
  const browser = await launch().catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    stack,
    dataDir,
    browser,
    async stop() {
      await browser.close();
      await stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What every journey file starts with: its stack and browser, the organiser's API, a world imported.

export interface JourneyWorld {
  /** The index set, created through the API. */
  framework: object;
  units: object[];
  /** Accounts made by the organiser, each with the same password. */
  users?: { username: string; roles: string[]; unitId?: string }[];
  password?: string;
}

/** A journey file's stack and browser, with the organiser's API client. */
export type JourneyStack = BrowserStack & { admin: Api };

/**
 * Starts the stack and browser of the journey file `name` and imports its world through the
 * organiser's API (the index set, the units, then the accounts).
 */
export async function startJourneyFile(name: string, world: JourneyWorld): Promise<JourneyStack> {
  const running = await startBrowserStack(name);
  try {
    const admin = await apiAs(running.stack, "admin", ADMIN_PASSWORD);
    expectStatus(await admin.post(routePaths.frameworks, world.framework), 201);
    expectStatus(await admin.put(routePaths.units, { units: world.units }), 200);
    // One after the other: the user directory is the emulator's, and order keeps runs alike.
    for (const user of world.users ?? [])
      expectStatus(await admin.post(routePaths.users, { password: world.password, ...user }), 201);
    return { ...running, admin };
  } catch (error) {
    await running.stop();
    throw error;
  }
}

/** A fresh page (newPage) signed in as `username` through the app's form. */
export async function signedInPage(
  browser: Browser,
  base: string,
  username: string,
  password: string,
  options: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const made = await newPage(browser, base, options);
  await signIn(made.page, username, password);
  return made;
}

/**
 * Asks the API for a period's move and waits until it is there: test/support/period-move.ts moveTo
 * (200 at once, or 202 in the transient state with its job queued, then the job succeeded).
 */
export const movePeriod = moveTo;

/** Makes the unit's approver (approver.<unitId>) and returns its API client. */
export async function approverOf(
  { admin, stack }: Pick<JourneyStack, "admin" | "stack">,
  unitId: string,
  password: string,
): Promise<Api> {
  const username = `approver.${unitId}`;
  const user = { username, password, roles: ["unit-approver"], unitId };
  expectStatus(await admin.post(routePaths.users, user), 201);
  return apiAs(stack, username, password);
}

const DAY_MS = 86_400_000;

/** Creates a period (201), open from yesterday until tomorrow unless told, and opens it (200). */
export async function openPeriod(
  admin: Api,
  period: {
    id: string;
    name: string;
    frameworkId: string;
    unitIds: string[];
    opensAt?: string;
    closesAt?: string;
  },
): Promise<void> {
  const now = Date.now();
  const body = {
    opensAt: new Date(now - DAY_MS).toISOString(),
    closesAt: new Date(now + DAY_MS).toISOString(),
    ...period,
  };
  expectStatus(await admin.post(routePaths.periods, body), 201);
  expectStatus(await admin.post(routePaths.transitions(period.id), { to: "open" }), 200);
}

/**
 * What a 360 px screen must keep for the page to read on a phone: no sideways scroll of the page; every
 * text at 12 px or more; every text on the screen's width, unless inside a table's own scroll region
 * (then that region is on it). Returns the offenders, described.
 */
export async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    if (document.documentElement.scrollWidth > width)
      problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    const texts = document.querySelectorAll("main :is(h1, h2, p, a, th, td, caption, label, select, figure)");
    for (const el of texts) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || !el.textContent.trim()) continue;
      const size = Number.parseFloat(window.getComputedStyle(el).fontSize);
      const name = `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"`;
      if (size < 12) problems.push(`${name}: ${size} px`);
      const within = el.closest(".scroll") ?? el;
      const outer = within.getBoundingClientRect();
      if (outer.left < -0.5 || outer.right > width + 0.5)
        problems.push(`${name}: ${Math.round(outer.left)}–${Math.round(outer.right)} px`);
    }
    return problems;
  });
}
