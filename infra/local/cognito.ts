import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { answersHttp, freePort, LOCAL_HOST } from "./ports.ts";
import { LIFELINE, type RunningEmulator, startProcess, waitUntilReady } from "./processes.ts";

export type { CognitoUser, UserPool } from "./cognito-pool.ts";
export { ensureUser, ensureUserPool, ensureUsers, localCognitoClientConfig } from "./cognito-pool.ts";

export interface CognitoOptions {
  port?: number;
  /** Pools, clients and users are kept here (cognito-local's `.cognito/` folder), across restarts. */
  dataDir: string;
  logDir: string;
  startTimeoutMs?: number;
}

/**
 * Starts cognito-local 5.3.0 as a child process, through cognito-main.ts (which fixes its
 * overlapping file writes). A child rather than in-process because cognito-local reads its data
 * folder relative to the working directory (`./.cognito`) and its port and host from the
 * environment at load time; a child gets both cleanly.
 *
 * Tokens are RS256. cognito-local signs with a key pair that ships inside its package (`lib/keys`),
 * which anyone can read and forge tokens with; here it signs instead with this installation's own
 * key pair, generated at the first start and kept in `<dataDir>/signing-key.json` (see
 * cognito-main.ts). The issuer is `<endpoint>/<userPoolId>` and the JWKS is at
 * `<issuer>/.well-known/jwks.json`, the same layout as Amazon Cognito. The issuer therefore
 * changes with the port.
 *
 * It listens on 127.0.0.1 only, for the stack itself; browsers sign in through the gateway's
 * /auth/, which passes on only the sign-in operations (gateway.ts).
 */
export async function startCognito(options: CognitoOptions): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const dataDir = resolve(options.dataDir);
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  await mkdir(join(dataDir, ".cognito"), { recursive: true });
  await writeFile(
    join(dataDir, ".cognito", "config.json"),
    JSON.stringify(emulatorConfig(endpoint), null, 2),
  );
  const keyFile = await ensureSigningKey(dataDir);
  // cognito-main.ts makes its file writes safe, then runs cognito-local; tsx loads the TypeScript.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const proc = startProcess({
    name: "cognito-local",
    command: process.execPath,
    args: [
      "--import",
      tsx,
      "--require",
      LIFELINE,
      fileURLToPath(new URL("./cognito-main.ts", import.meta.url)),
    ],
    cwd: dataDir,
    // NODE_OPTIONS is cleared so that a loader of the parent (a test runner) does not leak in.
    // AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: it still loads the v2 SDK, which says so at start.
    env: {
      PORT: String(port),
      HOST: LOCAL_HOST,
      CHISO_COGNITO_SIGNING_KEY: keyFile,
      NODE_OPTIONS: "",
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
    },
    logDir: options.logDir,
  });
  await waitUntilReady(proc, () => answersHttp(`${endpoint}/health`), {
    timeoutMs: options.startTimeoutMs ?? 20_000,
  });
  return { endpoint, port, stop: () => proc.stop() };
}

/**
 * cognito-local's own configuration (`.cognito/config.json`), rewritten at each start.
 * Its default makes every new pool sign in by e-mail (`UsernameAttributes: ["email"]`) and
 * replaces the user name with a UUID; the users here sign in with plain names such as `admin`.
 */
function emulatorConfig(endpoint: string) {
  return {
    UserPoolDefaults: { UsernameAttributes: [] },
    TokenConfig: { IssuerDomain: endpoint },
  };
}

/** The kid cognito-local writes into every token's header (tokenGenerator.js); kept for the JWKS. */
const KEY_ID = "CognitoLocal";

/**
 * This installation's token signing key pair, in the shape of cognito-local's `lib/keys` files
 * ({jwk, pem} for each half): created at the first start (mode 0600), kept afterwards so that
 * tokens stay valid across restarts.
 */
export async function ensureSigningKey(dataDir: string): Promise<string> {
  const file = join(dataDir, "signing-key.json");
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing) {
    const parsed = JSON.parse(existing) as { private?: { pem?: string }; public?: { jwk?: { n?: string } } };
    if (parsed.private?.pem && parsed.public?.jwk?.n) return file;
  }
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const meta = { use: "sig", kid: KEY_ID, alg: "RS256" };
  const keys = {
    created: new Date().toISOString(),
    id: randomBytes(8).toString("hex"),
    private: {
      jwk: { ...privateKey.export({ format: "jwk" }), ...meta },
      pem: privateKey.export({ format: "pem", type: "pkcs1" }).toString(),
    },
    public: {
      jwk: { ...publicKey.export({ format: "jwk" }), ...meta },
      pem: publicKey.export({ format: "pem", type: "pkcs1" }).toString(),
    },
  };
  await writeFile(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return file;
}
