import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { SmokeError } from "./http.ts";
import { type SmokeOptions, type SmokeResult, smokeScenario } from "./scenario.ts";

/**
 * `npm run smoke -- <base URL> [--username u] [--password p] [--totp-secret s]`: a whole period on a
 * deployed stage, right after a deployment (docs/DEPLOYING.md). The admin's credentials come from
 * the flags or SMOKE_ADMIN_USERNAME, SMOKE_ADMIN_PASSWORD, SMOKE_ADMIN_TOTP_SECRET. Prints each step
 * with its time; exits 1 at the first failure with its step, status, code and message.
 */

export type { SmokeOptions, SmokeResult };
export { SmokeError };

/** Runs the smoke; on a failure prints the status, code and message and returns it instead of throwing. */
export async function runSmoke(
  options: SmokeOptions,
): Promise<{ ok: true; result: SmokeResult } | { ok: false; error: unknown }> {
  const log = options.log ?? ((line: string) => console.log(line));
  try {
    return { ok: true, result: await smokeScenario({ ...options, log }) };
  } catch (error) {
    if (error instanceof SmokeError)
      log(`  status ${error.status ?? "-"}  code ${error.code ?? "-"}  ${error.message}`);
    else log(`  ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { ok: false, error };
  }
}

const USAGE =
  "usage: npm run smoke -- <base URL, e.g. https://chiso.example.gov.vn> [--username u] [--password p] [--totp-secret base32]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      username: { type: "string" },
      password: { type: "string" },
      "totp-secret": { type: "string" },
    },
  });
  const username = values.username ?? process.env.SMOKE_ADMIN_USERNAME;
  const password = values.password ?? process.env.SMOKE_ADMIN_PASSWORD;
  const totpSecret = values["totp-secret"] ?? process.env.SMOKE_ADMIN_TOTP_SECRET;
  const [baseUrl] = positionals;
  if (!baseUrl || !/^https?:\/\//.test(baseUrl) || !username || !password) {
    console.error(USAGE);
    console.error("The admin: --username/--password or SMOKE_ADMIN_USERNAME/SMOKE_ADMIN_PASSWORD.");
    return 2;
  }
  const run = await runSmoke({ baseUrl, username, password, ...(totpSecret ? { totpSecret } : {}) });
  console.log(run.ok ? "smoke passed" : "smoke FAILED");
  return run.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href)
  process.exitCode = await main();
