import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { decodeJwt, importJWK, importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPortOpen, sleep } from "../../infra/local/ports.ts";
import { startLocalStack } from "../../infra/local/stack.ts";
import {
  ADMIN_PASSWORD,
  api,
  config,
  evidenceBucket,
  expectError,
  PASSWORD,
  paths,
  postUpload,
  setUpWorld,
  signIn,
  stack,
  tinyPdf,
  type World,
} from "../support/local-stack.ts";

/**
 * What the local stack must not let a browser (or anyone who can reach its port) do: sign tokens
 * with the emulator's published key, reach the emulators' admin operations, or read and write
 * storage without a presigned request; and what keeps one machine's stack whole: one stack per
 * data folder, emulators that end with the stack even after a SIGKILL, safe headers.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const PACKAGE_KEYS = join(ROOT, "node_modules/cognito-local/lib/keys");
const TARGET = "AWSCognitoIdentityProviderService";
const PDF = "application/pdf";

let world: World;

beforeAll(async () => {
  world = await setUpWorld("safety");
});

/** The storage endpoint a browser is handed: where a presigned upload form posts, without the bucket. */
async function browserStorage(): Promise<{ base: string; bucket: string; form: Asked }> {
  const form = await askUpload(tinyPdf("probe"));
  const url = new URL(form.upload.url);
  const bucket = url.pathname.split("/").filter(Boolean).pop() as string;
  return { base: form.upload.url.slice(0, -bucket.length), bucket, form };
}

interface Asked {
  evidence: { id: string };
  /** The presigned form; its `key` field is where the upload lands (the answers carry no key). */
  upload: { url: string; fields: Record<string, string> & { key: string } };
}

async function askUpload(pdf: Uint8Array, size = pdf.byteLength): Promise<Asked> {
  const reply = await api(world.a.editor).post(paths.evidence(world.periodId, world.a.id), {
    indicatorCodes: ["1.2"],
    fileName: "bien-ban.pdf",
    contentType: PDF,
    size,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

async function authCall(target: string, body: unknown) {
  const auth = await config();
  const response = await fetch(`${auth.endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${TARGET}.${target}` },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}

describe("sign-in tokens", () => {
  it("are signed with this installation's key, not the one in cognito-local's package: a token forged with it is 401", async () => {
    const genuine = await signIn(world.a.usernames.editor, PASSWORD);
    const packageKey = JSON.parse(readFileSync(join(PACKAGE_KEYS, "cognitoLocal.private.json"), "utf8"));
    const key = await importJWK(packageKey.jwk, "RS256").catch(() => importPKCS8(packageKey.pem, "RS256"));
    const claims = decodeJwt(genuine);
    const forged = await new SignJWT({ ...claims, "cognito:groups": ["admin"], "custom:unitId": world.b.id })
      .setProtectedHeader({ alg: "RS256", kid: "CognitoLocal" })
      .sign(key);
    expectError(await api(forged).get(paths.audit()), 401, "unauthenticated");
    expectError(await api(forged).get(paths.submission(world.periodId, world.b.id)), 401, "unauthenticated");
    // The genuine token works; the admin's too.
    expect((await api(genuine).get(paths.submission(world.periodId, world.a.id))).status).toBe(200);
    expect((await api(world.admin).get(paths.audit())).status).toBe(200);

    // The key pair is the installation's, in the stack's data folder, readable by its owner only.
    const keyFile = join(stack().dataDir, "cognito", "signing-key.json");
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    const own = JSON.parse(readFileSync(keyFile, "utf8"));
    expect(own.public.jwk.n).not.toBe(packageKey.jwk.n);
  });
});

describe("the browser's sign-in endpoint", () => {
  it("is the gateway's /auth, and signs in and refreshes", async () => {
    const auth = await config();
    expect(auth.endpoint).toBe(`${stack().url}/auth`);
    const signedIn = await authCall("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { USERNAME: world.a.usernames.editor, PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    const result = signedIn.body.AuthenticationResult as { IdToken: string; RefreshToken: string };
    const refreshed = await authCall("InitiateAuth", {
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { REFRESH_TOKEN: result.RefreshToken },
    });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect((refreshed.body.AuthenticationResult as { IdToken?: string }).IdToken).toBeTruthy();
  });

  it("refuses SignUp, admin operations and attribute changes (400) and nothing changes", async () => {
    const auth = await config();
    const username = `${world.prefix}.intruder`;
    const editor = await authCall("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { USERNAME: world.a.usernames.editor, PASSWORD },
    });
    const accessToken = (editor.body.AuthenticationResult as { AccessToken: string }).AccessToken;
    const attempts: [string, unknown][] = [
      ["SignUp", { ClientId: auth.clientId, Username: username, Password: PASSWORD, UserAttributes: [] }],
      ["AdminConfirmSignUp", { UserPoolId: auth.userPoolId, Username: username }],
      [
        "AdminAddUserToGroup",
        { UserPoolId: auth.userPoolId, Username: world.a.usernames.editor, GroupName: "admin" },
      ],
      [
        "UpdateUserAttributes",
        { AccessToken: accessToken, UserAttributes: [{ Name: "custom:unitId", Value: world.b.id }] },
      ],
      [
        "AdminUpdateUserAttributes",
        {
          UserPoolId: auth.userPoolId,
          Username: world.a.usernames.editor,
          UserAttributes: [{ Name: "custom:unitId", Value: world.b.id }],
        },
      ],
      ["AdminCreateUser", { UserPoolId: auth.userPoolId, Username: username }],
      ["ListUsers", { UserPoolId: auth.userPoolId }],
      ["InitiateAuth", { AuthFlow: "ADMIN_USER_PASSWORD_AUTH", ClientId: auth.clientId, AuthParameters: {} }],
    ];
    for (const [target, body] of attempts) {
      const reply = await authCall(target, body);
      expect(reply.status, `${target}: ${JSON.stringify(reply.body)}`).toBe(400);
      expect(String(reply.body.message)).toMatch(/not available here|only sign-in/);
    }
    // Nothing changed: the intruder cannot sign in, the editor is still an editor of unit a.
    const intruder = await authCall("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { USERNAME: username, PASSWORD },
    });
    expect(intruder.status).toBe(400);
    expect((intruder.body.AuthenticationResult as unknown) ?? null).toBeNull();
    const fresh = await authCall("InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: auth.clientId,
      AuthParameters: { USERNAME: world.a.usernames.editor, PASSWORD },
    });
    const claims = decodeJwt((fresh.body.AuthenticationResult as { IdToken: string }).IdToken);
    expect(claims["cognito:groups"]).toEqual(["unit-editor"]);
    expect(claims["custom:unitId"]).toBe(world.a.id);
  });
});

describe("storage, as a browser reaches it", () => {
  it("is the gateway's /s3/, and refuses unsigned lists, reads and writes (403)", async () => {
    const { base, bucket, form } = await browserStorage();
    // A confirmed file of another unit, to try to read.
    const pdf = tinyPdf("Secret of unit b");
    const other = await api(world.b.editor).post(paths.evidence(world.periodId, world.b.id), {
      indicatorCodes: ["1.2"],
      fileName: "mat.pdf",
      contentType: PDF,
      size: pdf.byteLength,
    });
    expect((await postUpload(other.body.upload, pdf, PDF, "mat.pdf")).status).toBe(204);
    const site = stack().env.SITE_BUCKET as string;
    const requests: [string, string, (string | Uint8Array)?][] = [
      ["GET", `${base}`],
      ["GET", `${base}${bucket}`],
      ["GET", `${base}${bucket}?list-type=2`],
      ["GET", `${base}${bucket}/${other.body.upload.fields.key}`],
      ["HEAD", `${base}${bucket}/${other.body.upload.fields.key}`],
      ["PUT", `${base}${bucket}/${form.upload.fields.key}`, pdf],
      ["DELETE", `${base}${bucket}/${other.body.upload.fields.key}`],
      ["GET", `${base}${site}?list-type=2`],
      ["PUT", `${base}${site}/public/rankings/index.json`, "[]"],
      ["PUT", `${base}${site}/public/x.html`, "<script>alert(1)</script>"],
      ["POST", `${base}${site}`, "x"],
    ];
    for (const [method, url, body] of requests) {
      const response = await fetch(url, { method, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${url}`).toBe(403);
      await response.body?.cancel();
    }
    expect(await evidenceBucket().exists(form.upload.fields.key)).toBe(false);
    expect(await evidenceBucket().exists(other.body.upload.fields.key)).toBe(true);
    expect(base).toBe(`${stack().url}/s3/`);
  });

  it("stores a genuine form; refuses a form for another key, type or size, an expired or forged one (403), storing nothing", async () => {
    const pdf = tinyPdf("Bien ban hop");
    const post = (form: { url: string; fields: Record<string, string> }, bytes = pdf, type = PDF) =>
      postUpload(form, bytes, type, "bien-ban.pdf");
    const refused = async (response: Response, code = "AccessDenied") => {
      const text = await response.text();
      expect(response.status, text).toBe(403);
      expect(text).toContain(`<Code>${code}</Code>`);
    };

    const asked = await askUpload(pdf);
    const key = asked.upload.fields.key;
    const otherKey = `${key.slice(0, key.lastIndexOf("/"))}/someone-else.pdf`;
    await refused(await post({ ...asked.upload, fields: { ...asked.upload.fields, key: otherKey } }));
    await refused(
      await post(
        { ...asked.upload, fields: { ...asked.upload.fields, "Content-Type": "text/html" } },
        pdf,
        "text/html",
      ),
    );
    const bigger = new Uint8Array(pdf.byteLength + 1);
    bigger.set(pdf);
    await refused(await post(asked.upload, bigger), "EntityTooLarge");
    await refused(await post({ ...asked.upload, fields: { ...asked.upload.fields, Policy: "e30=" } }));
    const { "X-Amz-Signature": _dropped, ...unsigned } = asked.upload.fields;
    await refused(await post({ ...asked.upload, fields: unsigned }));
    // A field the policy does not name.
    await refused(
      await post({ ...asked.upload, fields: { ...asked.upload.fields, "Cache-Control": "public" } }),
    );
    expect(await evidenceBucket().exists(key)).toBe(false);
    expect(await evidenceBucket().exists(otherKey)).toBe(false);

    // Signed by s3rver's well-known key pair instead of the stack's: forged.
    const env = stack().env;
    const sign = (secretAccessKey: string, Expires: number) => {
      const client = new S3Client({
        endpoint: `${stack().url}/s3`,
        region: env.AWS_REGION as string,
        forcePathStyle: true,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey },
      });
      return createPresignedPost(client, {
        Bucket: env.EVIDENCE_BUCKET as string,
        Key: key,
        Conditions: [
          ["eq", "$key", key],
          ["eq", "$Content-Type", PDF],
          ["content-length-range", pdf.byteLength, pdf.byteLength],
        ],
        Fields: { "Content-Type": PDF },
        Expires,
      });
    };
    await refused(await post(await sign("S3RVER", 300)));
    // Signed by the stack, but expired.
    const expiring = await sign(env.AWS_SECRET_ACCESS_KEY as string, 1);
    await sleep(2100);
    await refused(await post(expiring));
    expect(await evidenceBucket().exists(key)).toBe(false);

    // The genuine form still works, once.
    const stored = await post(asked.upload);
    expect(stored.status, await stored.clone().text()).toBe(204);
    expect(await evidenceBucket().exists(key)).toBe(true);
  });

  it("serves a presigned download, and refuses it tampered or unsigned (403)", async () => {
    const pdf = tinyPdf("Download me");
    const asked = await askUpload(pdf);
    expect((await postUpload(asked.upload, pdf, PDF, "d.pdf")).status).toBe(204);
    const editor = api(world.a.editor);
    const confirmed = await editor.post(paths.confirm(world.periodId, world.a.id, asked.evidence.id));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const link = await editor.get(paths.download(world.periodId, world.a.id, asked.evidence.id));
    expect(link.status).toBe(200);
    const url: string = link.body.url;
    expect(url.startsWith(`${stack().url}/s3/`)).toBe(true);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(pdf);

    const parsed = new URL(url);
    const tampered = [
      url.replace(
        /X-Amz-Signature=([0-9a-f])/,
        (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
      ),
      url.replace("response-content-type=application%2Fpdf", "response-content-type=text%2Fhtml"),
      url.replace(asked.upload.fields.key.split("/").pop() as string, "other.pdf"),
      `${parsed.origin}${parsed.pathname}`,
      url.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=604800"),
    ];
    for (const candidate of tampered) {
      expect(candidate).not.toBe(url);
      const response = await fetch(candidate);
      expect(response.status, candidate).toBe(403);
      await response.body?.cancel();
    }
  });
});

describe("the gateway's answers", () => {
  it("carry a strict Content-Security-Policy and the safety headers", async () => {
    const page = await fetch(`${stack().url}/units/whatever`);
    await page.body?.cancel();
    const csp = page.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain("unsafe-inline");
    for (const path of ["/", "/config.json", "/api/periods", "/public/rankings/index.json"]) {
      const response = await fetch(`${stack().url}${path}`);
      await response.body?.cancel();
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("no-referrer");
      expect(response.headers.get("content-security-policy"), path).toBeTruthy();
    }
  });

  it("answers a malformed URL with 400, not 500", async () => {
    for (const path of ["/%E0%A4%A", "/api/periods/%zz", "/public/%", "/s3/%"]) {
      const response = await fetch(`${stack().url}${path}`);
      await response.body?.cancel();
      expect(response.status, path).toBe(400);
    }
  });

  it("serves published files only as data (json, csv, xlsx), never as a page", async () => {
    // Put straight into the site bucket (the internal endpoint), as if storage had been written to.
    const site = new S3Client({
      endpoint: stack().s3Endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const put = (Key: string, Body: string, ContentType: string) =>
      site.send(new PutObjectCommand({ Bucket: stack().env.SITE_BUCKET, Key, Body, ContentType }));
    const prefix = `public/${world.prefix}`;
    await put(`${prefix}/x.html`, "<script>alert(document.domain)</script>", "text/html");
    await put(
      `${prefix}/x.svg`,
      "<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
      "image/svg+xml",
    );
    await put(`${prefix}/data.json`, "<script>alert(1)</script>", "text/html");
    for (const name of ["x.html", "x.svg"]) {
      const response = await fetch(`${stack().url}/${prefix}/${name}`);
      await response.body?.cancel();
      expect(response.status, name).toBe(404);
    }
    const data = await fetch(`${stack().url}/${prefix}/data.json`);
    await data.body?.cancel();
    expect(data.status).toBe(200);
    expect(data.headers.get("content-type")).toMatch(/^application\/json/);
    expect(data.headers.get("x-content-type-options")).toBe("nosniff");
    site.destroy();
  });
});

describe("one stack per data folder", () => {
  it("refuses a second stack on the data folder of a running one", async () => {
    await expect(
      startLocalStack({
        dataDir: stack().dataDir,
        port: 0,
        persist: false,
        adminPassword: ADMIN_PASSWORD,
        demo: false,
      }),
    ).rejects.toThrow(/Another chiso stack \(PID \d+ at http:\/\/localhost:\d+\) is running on/);
  });
});

describe("npm start", () => {
  let dataDir: string;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "chiso-start-"));
  });

  afterAll(async () => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    await sleep(1500);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** infra/local/start.ts on `dataDir`, as `npm start` runs it; resolves with its output so far. */
  function start(viaLauncher = false): {
    child: ChildProcess;
    output: () => string;
    running: Promise<void>;
    exited: Promise<number | null>;
  } {
    // As npm start runs it (through tsx's launcher, which starts a second node), or directly.
    const args = viaLauncher
      ? [join(ROOT, "node_modules/.bin/tsx"), join(ROOT, "infra/local/start.ts")]
      : ["--import", "tsx", join(ROOT, "infra/local/start.ts")];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: "0", DEMO: "0", NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let output = "";
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    const running = new Promise<void>((done, fail) => {
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("chiso is running")) done();
      };
      child.stdout?.on("data", read);
      child.stderr?.on("data", read);
      void exited.then((code) => fail(new Error(`start.ts exited (${code}): ${output}`)));
    });
    running.catch(() => undefined);
    return { child, output: () => output, running, exited };
  }

  it("refuses a second start on the same data; after a SIGKILL every emulator ends and a new start works", {
    timeout: 180_000,
  }, async () => {
    const first = start();
    await first.running;
    const lock = JSON.parse(await readFile(join(dataDir, "stack.lock"), "utf8"));
    expect(lock.pid).toBe(first.child.pid);
    const ports = Object.values(lock.emulators as Record<string, number>);
    const children = (lock.children as { name: string; pid: number }[]).map((c) => c.pid);
    expect(ports).toHaveLength(3);
    expect(children).toHaveLength(3);
    for (const port of ports) expect(await isPortOpen(port)).toBe(true);
    // The front door: `npm start` serves the web app itself (built when missing or stale).
    const page = await (await fetch(lock.url)).text();
    expect(page).toContain('<script type="module"');

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(new RegExp(`Another chiso stack \\(PID ${first.child.pid} at http`));
    expect(first.child.exitCode).toBeNull();

    first.child.kill("SIGKILL");
    await first.exited;
    const deadline = Date.now() + 15_000;
    const alive = async () => {
      const open = await Promise.all(ports.map((port) => isPortOpen(port)));
      const living = children.filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
      return open.some(Boolean) || living.length > 0;
    };
    while ((await alive()) && Date.now() < deadline) await sleep(250);
    expect(await alive(), "an emulator outlived the stack").toBe(false);

    // The lock left by the killed stack is stale: a new start takes it over. This one runs under
    // tsx's launcher, as `npm start` does; killing the launcher stops the stack behind it.
    const third = start(true);
    await third.running;
    const thirdLock = JSON.parse(await readFile(join(dataDir, "stack.lock"), "utf8"));
    expect(thirdLock.pid).not.toBe(third.child.pid);
    const thirdPorts = [
      Number(new URL(thirdLock.url).port),
      ...Object.values(thirdLock.emulators as Record<string, number>),
    ];
    third.child.kill("SIGKILL");
    await third.exited;
    const until = Date.now() + 20_000;
    const stackAlive = () => {
      try {
        process.kill(thirdLock.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const anyOpen = async () =>
      stackAlive() || (await Promise.all(thirdPorts.map((port) => isPortOpen(port)))).some(Boolean);
    while ((await anyOpen()) && Date.now() < until) await sleep(250);
    expect(await anyOpen(), "the stack outlived its launcher").toBe(false);
  });
});
