import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { decodeJwt, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensureUser,
  ensureUserPool,
  localCognitoClientConfig,
  startCognito,
  type UserPool,
} from "../../infra/local/cognito.ts";
import { localDynamoDbClientConfig, startDynamoDbLocal } from "../../infra/local/dynamodb-local.ts";
import { ensureJava, parseJavaMajor } from "../../infra/local/dynamodb-local-install.ts";
import { createIdTokenVerifier } from "../../infra/local/jwt.ts";
import { isPortOpen, sleep } from "../../infra/local/ports.ts";
import {
  type RunningEmulator,
  runningProcesses,
  startProcess,
  stopAll,
  waitUntilReady,
} from "../../infra/local/processes.ts";
import { localS3ClientConfig, startS3 } from "../../infra/local/s3.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const SITE = "http://127.0.0.1:5173";
let dir: string;
let logDir: string;
let dynamo: RunningEmulator;
let s3: RunningEmulator;
let cognito: RunningEmulator;
let pool: UserPool;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chiso-emulators-"));
  logDir = join(dir, "logs");
  [dynamo, s3, cognito] = await Promise.all([
    startDynamoDbLocal({ inMemory: true, logDir }),
    startS3({ directory: join(dir, "s3"), buckets: ["evidence", "site"], corsOrigins: [SITE], logDir }),
    startCognito({ dataDir: join(dir, "cognito"), logDir }),
  ]);
  pool = await ensureUserPool(cognito.endpoint, { poolName: "chiso" });
});

afterAll(async () => {
  await stopAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("processes", () => {
  it("reports a child that dies before it is ready, with the end of its log", async () => {
    const proc = startProcess({
      name: "dies-early",
      command: process.execPath,
      args: ["-e", "console.error('boom: bad flag'); process.exit(3)"],
      logDir,
    });
    await expect(waitUntilReady(proc, async () => false, { timeoutMs: 10_000 })).rejects.toThrow(
      /dies-early exited with code 3 before it was ready[\s\S]*boom: bad flag/,
    );
  });
});

describe("Java check", () => {
  it("reads the major version of old and new version strings", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_292"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
  });

  it("says how to install Java when it is missing", async () => {
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = join(dir, "no-java-here");
    try {
      await expect(ensureJava()).rejects.toThrow(
        /apt-get install -y openjdk-17-jre-headless[\s\S]*Debian 12/,
      );
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });
});

describe("DynamoDB Local", () => {
  it("listens on no wildcard address of this machine (its own network namespace)", async () => {
    expect((dynamo as RunningEmulator & { isolated?: boolean }).isolated).toBe(true);
    // Every process under this one (the emulators, the JVM under its wrapper) and its sockets.
    const all = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
    const parentOf = new Map<string, string>();
    for (const pid of all) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        parentOf.set(pid, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] as string);
      } catch {}
    }
    const descends = (pid: string): boolean => {
      for (let at = parentOf.get(pid); at && at !== "0"; at = parentOf.get(at))
        if (at === String(process.pid)) return true;
      return false;
    };
    const inodes = new Set<string>();
    for (const pid of all.filter(descends)) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {}
      for (const fd of fds) {
        try {
          const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
          const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
          if (inode) inodes.add(inode);
        } catch {}
      }
    }
    expect(inodes.size).toBeGreaterThan(0);
    // Listening (state 0A) sockets of this network namespace on 0.0.0.0 or ::.
    const wildcard: string[] = [];
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        if (fields[3] !== "0A") continue;
        const [address] = (fields[1] ?? "").split(":");
        if (/^0+$/.test(address ?? "") && inodes.has(fields[9] as string)) wildcard.push(line.trim());
      }
    }
    expect(wildcard, "sockets of the emulators listening on every interface").toEqual([]);
  });

  it("creates a table and applies a transaction all or nothing", async () => {
    const db = new DynamoDBClient(localDynamoDbClientConfig(dynamo.endpoint));
    await db.send(
      new CreateTableCommand({
        TableName: "items",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
    const put = (sk: string, condition?: string) => ({
      Put: {
        TableName: "items",
        Item: { pk: { S: "unit#1" }, sk: { S: sk } },
        ...(condition ? { ConditionExpression: condition } : {}),
      },
    });
    await db.send(new TransactWriteItemsCommand({ TransactItems: [put("answer#1.1"), put("audit#1")] }));
    // The second put's condition fails: the whole transaction must be refused, the first put too.
    await expect(
      db.send(
        new TransactWriteItemsCommand({
          TransactItems: [put("answer#1.2"), put("audit#1", "attribute_not_exists(pk)")],
        }),
      ),
    ).rejects.toThrow(/cancel/i);
    const get = (sk: string) =>
      db.send(new GetItemCommand({ TableName: "items", Key: { pk: { S: "unit#1" }, sk: { S: sk } } }));
    expect((await get("answer#1.1")).Item).toBeDefined();
    expect((await get("audit#1")).Item).toBeDefined();
    expect((await get("answer#1.2")).Item).toBeUndefined();
    db.destroy();
  });
});

describe("s3rver", () => {
  it("writes an object atomically, as S3 does: reads during rewrites get one whole version", async () => {
    // Two publications rewriting the open-data index at once once read a short body ("aborted").
    const client = new S3Client(localS3ClientConfig(s3.endpoint));
    const versions = ["a".repeat(300_000), "b".repeat(200_000)];
    const Key = "public/rankings/index.json";
    await client.send(new PutObjectCommand({ Bucket: "site", Key, Body: versions[0] }));
    const seen = { whole: 0, torn: 0, failed: [] as string[] };
    for (let round = 0; round < 20; round++)
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          try {
            if (i % 2) {
              await client.send(
                new PutObjectCommand({ Bucket: "site", Key, Body: versions[(round + i) % 2] }),
              );
              return;
            }
            const read = await client.send(new GetObjectCommand({ Bucket: "site", Key }));
            const body = Buffer.from((await read.Body?.transformToByteArray()) ?? []).toString();
            seen[versions.includes(body) ? "whole" : "torn"]++;
          } catch (error) {
            seen.failed.push((error as Error).message);
          }
        }),
      );
    expect(seen).toEqual({ whole: 80, torn: 0, failed: [] });
  });

  it("stores a browser's presigned POST under its key, with CORS for the site", async () => {
    const client = new S3Client(localS3ClientConfig(s3.endpoint));
    const key = "periods/2022-y/units/u1/evidence/e1.pdf";
    const post = await createPresignedPost(client, {
      Bucket: "evidence",
      Key: key,
      Conditions: [
        ["content-length-range", 1, 1024],
        ["eq", "$Content-Type", "application/pdf"],
      ],
      Fields: { "Content-Type": "application/pdf" },
      Expires: 300,
    });
    const preflight = await fetch(post.url, {
      method: "OPTIONS",
      headers: { origin: SITE, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(200);
    const body = "%PDF-1.4\n% evidence\n";
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append("file", new Blob([body], { type: "application/pdf" }), "e1.pdf");
    const upload = await fetch(post.url, { method: "POST", body: form, headers: { origin: SITE } });
    expect(upload.status).toBe(204);
    expect(upload.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(upload.headers.get("access-control-expose-headers")).toMatch(/ETag/i);
    const stored = await client.send(new GetObjectCommand({ Bucket: "evidence", Key: key }));
    expect(stored.ContentType).toBe("application/pdf");
    expect(await stored.Body?.transformToString()).toBe(body);
    const otherOrigin = await fetch(post.url, {
      method: "OPTIONS",
      headers: { origin: "http://elsewhere.example", "access-control-request-method": "POST" },
    });
    expect(otherOrigin.status).toBe(403);
    client.destroy();
  });
});

describe("cognito-local", () => {
  const user = {
    username: "u1-approver",
    password: "Approver@12345",
    groups: ["unit-approver", "unit-editor"],
  };

  const verifierFor = (audience = pool.clientId) =>
    createIdTokenVerifier({ issuer: pool.issuer, jwksUri: pool.jwksUri, audience });

  async function signIn(clientId: string): Promise<{ id: string; access: string }> {
    const idp = new CognitoIdentityProviderClient(localCognitoClientConfig(cognito.endpoint));
    const result = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    idp.destroy();
    const id = result.AuthenticationResult?.IdToken;
    const access = result.AuthenticationResult?.AccessToken;
    if (!id || !access) throw new Error("no tokens");
    return { id, access };
  }

  async function createClient(name: string, idTokenSeconds?: number): Promise<string> {
    const idp = new CognitoIdentityProviderClient(localCognitoClientConfig(cognito.endpoint));
    const created = await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.userPoolId,
        ClientName: name,
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"],
        ...(idTokenSeconds
          ? { IdTokenValidity: idTokenSeconds, TokenValidityUnits: { IdToken: "seconds" } }
          : {}),
      }),
    );
    idp.destroy();
    return created.UserPoolClient?.ClientId ?? "";
  }

  it("signs a user in; the IdToken verifies and carries the groups and the unit", async () => {
    expect(await ensureUser(cognito.endpoint, pool, { ...user, unitId: "u1" })).toBe(true);
    expect(await ensureUser(cognito.endpoint, pool, { ...user, unitId: "u1" })).toBe(false);
    const verify = verifierFor();
    const claims = await verify((await signIn(pool.clientId)).id);
    expect(claims.iss).toBe(pool.issuer);
    expect(claims.aud).toBe(pool.clientId);
    expect(claims.token_use).toBe("id");
    expect(claims["cognito:username"]).toBe(user.username);
    expect(claims["cognito:groups"]?.sort()).toEqual(["unit-approver", "unit-editor"]);
    expect(claims["custom:unitId"]).toBe("u1");
  });

  it("refuses a forged token, another client's, an expired one and an access token", async () => {
    const verify = verifierFor();
    const genuine = await signIn(pool.clientId);

    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ ...decodeJwt(genuine.id), "cognito:groups": ["admin"] })
      .setProtectedHeader({ alg: "RS256", kid: "CognitoLocal" })
      .sign(privateKey);
    await expect(verify(forged)).rejects.toThrow(/signature/i);

    const otherClient = await createClient("another-app");
    await expect(verify((await signIn(otherClient)).id)).rejects.toThrow(/aud/);

    const shortLived = await createClient("short-lived", 1);
    const soonExpired = (await signIn(shortLived)).id;
    const expiring = verifierFor(shortLived);
    await sleep(2100);
    await expect(expiring(soonExpired)).rejects.toThrow(/exp/);

    await expect(verify(genuine.access)).rejects.toThrow();
  });

  it("keeps the pool, its client and its users across a restart on the same data", async () => {
    await cognito.stop();
    cognito = await startCognito({ dataDir: join(dir, "cognito"), logDir });
    const again = await ensureUserPool(cognito.endpoint, { poolName: "chiso" });
    expect(again.userPoolId).toBe(pool.userPoolId);
    expect(again.clientId).toBe(pool.clientId);
    // The issuer follows the port, so take the new one.
    pool = again;
    expect(await ensureUser(cognito.endpoint, pool, { ...user, unitId: "u1" })).toBe(false);
    const claims = await verifierFor()((await signIn(pool.clientId)).id);
    expect(claims["custom:unitId"]).toBe("u1");
  });
});

describe("shutdown", () => {
  it("stops every emulator: the ports close and no child is left", async () => {
    const children = runningProcesses();
    expect(children.map((child) => child.name).sort()).toEqual(["cognito-local", "dynamodb-local", "s3rver"]);
    await stopAll();
    expect(runningProcesses()).toEqual([]);
    for (const emulator of [dynamo, s3, cognito]) expect(await isPortOpen(emulator.port)).toBe(false);
    for (const child of children) expect(() => process.kill(child.pid, 0)).toThrow();
  });

  it("every emulator ends when the process that started it is killed with SIGKILL", {
    timeout: 90_000,
  }, async () => {
    const local = (name: string) =>
      pathToFileURL(resolve(import.meta.dirname, "../../infra/local", name)).href;
    const script = join(dir, "owner.mts");
    const ownerDir = join(dir, "owner");
    await writeFile(
      script,
      `import { startCognito } from ${JSON.stringify(local("cognito.ts"))};
import { startDynamoDbLocal } from ${JSON.stringify(local("dynamodb-local.ts"))};
import { runningProcesses } from ${JSON.stringify(local("processes.ts"))};
import { startS3 } from ${JSON.stringify(local("s3.ts"))};
const logDir = ${JSON.stringify(join(ownerDir, "logs"))};
const started = await Promise.all([
  startDynamoDbLocal({ inMemory: true, logDir }),
  startS3({ directory: ${JSON.stringify(join(ownerDir, "s3"))}, buckets: ["b"], corsOrigins: [], logDir }),
  startCognito({ dataDir: ${JSON.stringify(join(ownerDir, "cognito"))}, logDir }),
]);
console.log(JSON.stringify({ ports: started.map((e) => e.port), pids: runningProcesses().map((p) => p.pid) }));
setInterval(() => undefined, 1000);
`,
    );
    const owner = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: resolve(import.meta.dirname, "../.."),
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise((done) => owner.once("exit", done));
    const started = await new Promise<{ ports: number[]; pids: number[] }>((done, fail) => {
      let output = "";
      owner.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split("\n").find((l) => l.startsWith("{"));
        if (line) done(JSON.parse(line));
      });
      void exited.then(() => fail(new Error(`the owner exited: ${output}`)));
    });
    expect(started.pids).toHaveLength(3);
    for (const port of started.ports) expect(await isPortOpen(port)).toBe(true);
    // The JVM runs under a wrapper (lifeline.cjs): find it by the port's owner after the kill, below.
    owner.kill("SIGKILL");
    await exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 15_000;
    const remaining = async () =>
      (await Promise.all(started.ports.map((port) => isPortOpen(port)))).some(Boolean) ||
      started.pids.some(alive);
    while ((await remaining()) && Date.now() < deadline) await sleep(250);
    expect(await remaining(), "an emulator outlived its owner").toBe(false);
  });

  it("cognito-local signs with this installation's key pair, not the one in its package", () => {
    const packaged = JSON.parse(
      readFileSync(
        resolve(import.meta.dirname, "../../node_modules/cognito-local/lib/keys/cognitoLocal.public.json"),
        "utf8",
      ),
    );
    const own = JSON.parse(readFileSync(join(dir, "cognito", "signing-key.json"), "utf8"));
    expect(own.public.jwk.n).toBeTruthy();
    expect(own.public.jwk.n).not.toBe(packaged.jwk.n);
  });
});
