import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signInSettings } from "../smoke/auth.ts";
import { type EmptyStack, startEmptyStack } from "../support/empty-stack.ts";
import { ADMIN_PASSWORD, stack } from "../support/local-stack.ts";

/**
 * The post-deployment smoke (test/smoke/run.ts, docs/DEPLOYING.md) run against the shared local
 * stack as an operator runs it against a stage: a child process given only the base URL and the
 * admin's credentials, which must pass and print every step with its time; and on a stack whose staff
 * sign in with TOTP, as in AWS.
 */

const ROOT = resolve(import.meta.dirname, "../..");

const STEPS = [
  "sign in (admin)",
  "create framework",
  "create units",
  "create users (approver, reviewer)",
  "create period",
  "open period",
  "sign in (unit approver)",
  "answer",
  "upload evidence (presigned POST) and confirm",
  "submit",
  "close early (close job)",
  "sign in (reviewer, TOTP enrolled when required)",
  "appraise 1.3",
  "finalize (finalize job)",
  "publish (publish job)",
  "read the published files",
];

function runSmokeCli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/smoke/run.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("npm run smoke", () => {
  it("drives a whole period on the stack through the public API and prints every step", async () => {
    const run = await runSmokeCli([stack().url], {
      SMOKE_ADMIN_USERNAME: "admin",
      SMOKE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    });
    expectEveryStep(run);
    expect(run.stdout).toMatch(/ids smoke-\d{14}-\*/);
  }, 120_000);

  it("stops at the first failure with its step, status and code, and exits 1", async () => {
    const run = await runSmokeCli([stack().url, "--username", "admin", "--password", "Wrong@12345"], {});
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/^✗ sign in \(admin\) {2}\d+ ms$/m);
    // The emulator says InvalidPasswordException where Cognito says NotAuthorizedException.
    expect(run.stdout).toMatch(/status 400 {2}code \w+Exception {2}Cognito InitiateAuth: /);
    expect(run.stdout).not.toContain("✓ create framework");
  });
});

/** Asserts a run passed and printed every step with its time. */
function expectEveryStep(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const lines = run.stdout.split("\n");
  for (const step of STEPS) {
    const line = lines.find((l) => l.startsWith(`✓ ${step}  `));
    expect(line, `step "${step}" in\n${run.stdout}`).toMatch(/ \d+ ms$/);
  }
  expect(run.stdout).toContain("smoke passed");
}

describe("npm run smoke, staff with TOTP", () => {
  let mfa: EmptyStack | undefined;
  afterAll(async () => {
    await mfa?.stop();
  });

  it("signs the admin in with --totp-secret and enrols the reviewer it creates", async () => {
    mfa = await startEmptyStack("smoke-mfa", {
      adminPassword: ADMIN_PASSWORD,
      mfaFor: ["admin", "reviewer"],
    });
    const url = mfa.stack.url;
    const admin = { username: "admin", password: ADMIN_PASSWORD };
    // The admin enrols first, as after bootstrap-admin: the secret is what the operator keeps.
    const { totpSecret } = await signIn(await signInSettings(url), admin, true);
    expect(totpSecret).toMatch(/^[A-Z2-7]+$/);

    const withoutCode = await runSmokeCli([url, "--username", "admin", "--password", ADMIN_PASSWORD], {});
    expect(withoutCode.code).toBe(1);
    expect(withoutCode.stdout).toContain("admin signs in with TOTP: pass --totp-secret");

    const run = await runSmokeCli([url], {
      SMOKE_ADMIN_USERNAME: "admin",
      SMOKE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SMOKE_ADMIN_TOTP_SECRET: totpSecret as string,
    });
    expectEveryStep(run);
  }, 120_000);
});
