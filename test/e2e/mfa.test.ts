import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { LocalStack } from "../../infra/local/stack.ts";
import { totp } from "../../infra/local/totp.ts";
import { callCognito } from "../support/sign-in.ts";
import {
  type BrowserStack,
  checkA11y,
  type InPage,
  newPage,
  shoot,
  startBrowserStack,
  submitSignIn,
} from "./support.ts";
import { ADMIN_PASSWORD } from "./world.ts";

/**
 * Staff sign-in with TOTP in the browser, against a local stack started with `mfaFor: ["admin"]`
 * (the gateway's TOTP stand-in, infra/local/mfa.ts, plays Cognito's MFA_SETUP and SOFTWARE_TOKEN_MFA
 * challenges): the admin enrols with the secret shown on the page, reaches the admin screen, signs
 * out, signs in again with a code, and a wrong code is refused.
 */
declare const localStorage: InPage;

let running: BrowserStack | undefined;
let stack: LocalStack;
let browser: Browser;
let page: Page;
let errors: string[];

/** A code of the secret, never the one just used (a new 30-second step if need be). */
let lastCode = "";
async function freshCode(secret: string): Promise<string> {
  let code = totp(secret);
  while (code === lastCode) {
    await new Promise((done) => setTimeout(done, 1000));
    code = totp(secret);
  }
  lastCode = code;
  return code;
}

const password = () => submitSignIn(page, "admin", ADMIN_PASSWORD);

let secret = "";

describe("staff sign-in with TOTP", () => {
  beforeAll(async () => {
    running = await startBrowserStack("mfa", { mfaFor: ["admin"] });
    ({ stack, browser } = running);
    ({ page, errors } = await newPage(browser, stack.url));
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && page && !page.isClosed())
      await shoot(page, `failed-mfa-${task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, "-")}`).catch(
        () => undefined,
      );
  });

  afterAll(() => running?.stop());

  test("the config says who needs TOTP; the endpoint refuses enrolment without a challenge", async () => {
    const config = (await (await fetch(`${stack.url}/config.json`)).json()) as {
      auth: { mfaRequiredFor?: string[] };
    };
    expect(config.auth.mfaRequiredFor).toEqual(["admin"]);
    for (const action of ["AssociateSoftwareToken", "SetUserMFAPreference"])
      expect((await callCognito(`${stack.url}/auth`, action, { AccessToken: "x" })).status, action).toBe(400);
  });

  test("the admin enrols an authenticator and reaches the admin screen", async () => {
    await password();
    await page.getByRole("heading", { name: "Thiết lập xác thực hai lớp" }).waitFor();
    secret = (await page.locator("#totp-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const link = await page.getByRole("link", { name: "Mở trong ứng dụng xác thực" }).getAttribute("href");
    expect(link).toBe(`otpauth://totp/chiso:admin?secret=${secret}&issuer=chiso`);
    await checkA11y(page, "mfa-setup");
    await shoot(page, "mfa-setup");
    // A wrong first code is refused, and the same secret stays on the page.
    await page.getByLabel("Mã xác thực (6 chữ số)").fill(totp(secret) === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Xác nhận" }).click();
    await page.getByRole("alert").getByText("Mã xác thực không đúng hoặc đã hết hạn").waitFor();
    await page.getByLabel("Mã xác thực (6 chữ số)").fill(await freshCode(secret));
    await page.getByRole("button", { name: "Xác nhận" }).click();
    await page.waitForURL("**/app");
    await page.getByRole("heading", { level: 1, name: "Khu làm việc" }).waitFor();
    await page.getByRole("link", { name: "Quản trị" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Quản trị" }).waitFor();
  });

  test("signed out, the admin signs in again with a code; a wrong code is refused", async () => {
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await password();
    await page.getByText("Nhập mã 6 chữ số trong ứng dụng xác thực").waitFor();
    expect(await page.locator("#totp-secret").count()).toBe(0);
    const good = totp(secret);
    await page.getByLabel("Mã xác thực (6 chữ số)").fill(good === "123456" ? "654321" : "123456");
    await page.getByRole("button", { name: "Xác nhận" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới nhất trong ứng dụng xác thực.",
    );
    await checkA11y(page, "mfa-code");
    await page.getByLabel("Mã xác thực (6 chữ số)").fill(totp(secret));
    await page.getByRole("button", { name: "Xác nhận" }).click();
    await page.waitForURL("**/app");
    await page.getByRole("heading", { level: 1, name: "Khu làm việc" }).waitFor();
    const session = (await page.evaluate(() => localStorage.getItem("chiso.session"))) as string;
    const parsed = JSON.parse(session) as { roles: string[]; accessToken?: string };
    expect(parsed.roles).toContain("admin");
    expect(parsed.accessToken).toBeTruthy();
    expect(errors).toEqual([]);
  });

  test("the cloud's chiso_mfa claim: enrol with the access token, then sign in again with a code", async () => {
    // Cognito's side of a staff member without TOTP (staff-mfa.ts), played by the page's network
    // layer: the tokens carry chiso_mfa and no admin group; enrolment goes with the AccessToken. The
    // sign-in after it reaches the stack, where the admin (enrolled above) is asked for a code.
    const fresh = await newPage(browser, stack.url);
    const other = fresh.page;
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const idToken = [
      part({ alg: "none" }),
      part({ "cognito:username": "admin", chiso_mfa: "setup-required", exp: Date.now() / 1000 + 3600 }),
      "",
    ].join(".");
    const calls: { target: string; body: Record<string, unknown> }[] = [];
    const cloudSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let enrolled = false;
    await other.route("**/auth/", async (route) => {
      const target = (route.request().headers()["x-amz-target"] ?? "").split(".").pop() ?? "";
      const body = JSON.parse(route.request().postData() ?? "{}") as Record<string, unknown>;
      calls.push({ target, body });
      if (enrolled) return route.continue();
      const reply = (value: unknown) =>
        route.fulfill({
          status: 200,
          contentType: "application/x-amz-json-1.1",
          body: JSON.stringify(value),
        });
      if (target === "InitiateAuth")
        return reply({
          AuthenticationResult: { IdToken: idToken, AccessToken: "cloud-access-token", RefreshToken: "r" },
        });
      if (target === "AssociateSoftwareToken") return reply({ SecretCode: cloudSecret });
      if (target === "VerifySoftwareToken")
        return body.UserCode === totp(cloudSecret)
          ? reply({ Status: "SUCCESS" })
          : route.fulfill({
              status: 400,
              contentType: "application/x-amz-json-1.1",
              body: JSON.stringify({ __type: "EnableSoftwareTokenMFAException", message: "Code mismatch" }),
            });
      if (target === "SetUserMFAPreference") {
        enrolled = true;
        return reply({});
      }
      return route.abort();
    });
    await submitSignIn(other, "admin", ADMIN_PASSWORD);
    await other.getByRole("heading", { name: "Thiết lập xác thực hai lớp" }).waitFor();
    expect((await other.locator("#totp-secret").textContent())?.trim()).toBe(cloudSecret);
    await other.getByLabel("Mã xác thực (6 chữ số)").fill(totp(cloudSecret));
    await other.getByRole("button", { name: "Xác nhận" }).click();
    await other.getByText("Đã bật xác thực hai lớp. Nhập mã mới để đăng nhập.").waitFor();
    await other.getByText("Nhập mã 6 chữ số trong ứng dụng xác thực").waitFor();
    expect(calls.map((c) => c.target)).toEqual([
      "InitiateAuth",
      "AssociateSoftwareToken",
      "VerifySoftwareToken",
      "SetUserMFAPreference",
      "InitiateAuth",
    ]);
    expect(calls[1]?.body).toEqual({ AccessToken: "cloud-access-token" });
    expect(calls[2]?.body).toMatchObject({ AccessToken: "cloud-access-token", UserCode: totp(cloudSecret) });
    expect(calls[3]?.body).toEqual({
      AccessToken: "cloud-access-token",
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    // Nothing was kept from the token without the staff roles.
    expect(await other.evaluate(() => localStorage.getItem("chiso.session"))).toBeNull();
    await other.getByLabel("Mã xác thực (6 chữ số)").fill(totp(secret));
    await other.getByRole("button", { name: "Xác nhận" }).click();
    await other.waitForURL("**/app");
    await other.getByRole("link", { name: "Quản trị" }).first().waitFor();
    expect(fresh.errors).toEqual([]);
    await fresh.context.close();
  });
});
