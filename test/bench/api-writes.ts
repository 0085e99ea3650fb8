import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mulberry32 } from "../../infra/local/demo/random.ts";
import { localDynamoDbClientConfig } from "../../infra/local/dynamodb-local.ts";
import { createIdTokenVerifier } from "../../infra/local/jwt.ts";
import { pathFor } from "../../shared/api/paths.ts";
import { auditEntry } from "../../shared/services/context.ts";
import { type DynamoConfig, dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { PeriodRepository } from "../../shared/store/periods.ts";
import { SubmissionRepository } from "../../shared/store/submissions.ts";
import { authAt, signInAt } from "../support/sign-in.ts";
import { childJava, cpuMsOf, startCpuProfile } from "./cpu.ts";
import { BENCH_ADMIN_PASSWORD, startBenchStack } from "./report.ts";

/**
 * Answer saves through the local gateway against DynamoDB Local's raw PutItem rate.
 *
 * A fresh local stack (in-memory DynamoDB Local, cognito-local, s3rver, the gateway in this process) is
 * set up over HTTP as an admin would: the sample framework, UNITS commune units, one editor per unit,
 * a period opened with a deadline a month away. Every editor signs in through cognito-local.
 *   (a) API: CONCURRENCY clients, each saving one answer per PATCH for the units it owns (units are
 *       dealt round-robin, so concurrent writes land on different submissions, as in a deadline rush;
 *       leaves and values vary, valid for each leaf's method), SAVES saves after WARMUP ones.
 *   (b) raw: CONCURRENCY concurrent PutItem calls of one answer-sized item, DocumentClient, same endpoint.
 *   (c) floor: the DynamoDB calls of a save, made directly with the repositories (no HTTP, token check,
 *       handler, validation or scoring): the most any API making those calls could reach.
 * Rates on a shared machine move with its load; the CPU ms per operation (this process and the JVM)
 * move much less, and show where a save's cost lies. API_WRITES_PROFILE=file writes a CPU profile of (a).
 * Goals: API rate ≥ 0.6 × raw rate, API p99 < 250 ms. Each row stops at SAVES or PHASE_CAP_MS, each
 * warm-up at WARMUP or WARMUP_CAP_MS, so the whole run stays under two minutes on a busy 2-core box.
 */

const UNITS = 200;
const CONCURRENCY = 32;
const SAVES = 3000;
const WARMUP = 320;
const PHASE_CAP_MS = 15_000;
const WARMUP_CAP_MS = 5000;
const SETUP_CONCURRENCY = 8;
const GOAL_RATIO = 0.6;
const GOAL_P99_MS = 250;
const SEED = 20221231;
const EDITOR_PASSWORD = "Editor@12345";
const PERIOD_ID = "bench-2022";
const FRAMEWORK_FILE = resolve(import.meta.dirname, "../../shared/data/sample-framework-tq-2022.json");

// ---------------------------------------------------------------------------------------------------
// Small helpers: percentiles, a bounded pool of workers.

const percentile = (sorted: Float64Array, q: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0);

async function inPool<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

// ---------------------------------------------------------------------------------------------------
// HTTP: node:http with a keep-alive agent (the load generator shares this process with the gateway, so
// it should cost as little as the SDK's own client does on the raw side).

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

interface Reply {
  status: number;
  body: string;
}

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** One API call as the admin; throws unless the status is the expected one. */
async function adminCall(
  base: string,
  token: string,
  method: string,
  path: string,
  body: unknown,
  expect: number,
): Promise<unknown> {
  const reply = await call(
    `${base}${path}`,
    method,
    { authorization: `Bearer ${token}`, "content-type": "application/json" },
    JSON.stringify(body),
  );
  if (reply.status !== expect)
    throw new Error(`${method} ${path} answered ${reply.status}, not ${expect}: ${reply.body.slice(0, 500)}`);
  return JSON.parse(reply.body);
}

// ---------------------------------------------------------------------------------------------------
// The commune group's leaves and valid values for each method.

interface RawLeaf {
  code: string;
  maxPoints: number;
  method: { type: string; options?: { id: string }[] };
}
interface RawNode extends Partial<RawLeaf> {
  children?: RawNode[];
}

function leavesOf(nodes: RawNode[]): RawLeaf[] {
  return nodes.flatMap((n) => (n.children ? leavesOf(n.children) : n.method ? [n as RawLeaf] : []));
}

function valueFor(leaf: RawLeaf, random: () => number): unknown {
  const int = (max: number) => Math.floor(random() * (max + 1));
  switch (leaf.method.type) {
    case "yesno":
      return random() < 0.7;
    case "level": {
      const options = leaf.method.options ?? [];
      return options[int(options.length - 1)]?.id;
    }
    case "ratio": {
      const denominator = 1 + int(300);
      return { numerator: int(denominator), denominator };
    }
    case "steps":
    case "relative":
      return int(30);
    case "count":
      return int(12);
    case "points":
      return Math.round(random() * leaf.maxPoints * 100) / 100;
    default:
      return "ghi chú thử tải";
  }
}

// ---------------------------------------------------------------------------------------------------
// Timing spans of the DynamoDB calls the handlers make: a middleware on the process's one document
// client (the handlers' own), so each save's time can be split by call without touching shared/.

interface Span {
  calls: number;
  ms: number;
}
const spans = new Map<string, Span>();
let spansOn = false;

function instrument(): void {
  const { client } = dynamoFromEnv();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!spansOn) return next(args);
      const input = args.input as { ProjectionExpression?: string; TransactItems?: unknown[] };
      const name =
        context.commandName === "GetItemCommand" || context.commandName === "GetCommand"
          ? input.ProjectionExpression === "members"
            ? "GetItem members"
            : "GetItem period"
          : `${(context.commandName ?? "?").replace(/(Item)?Command$/, "").replace(/Items$/, "")}`;
      const started = performance.now();
      try {
        return await next(args);
      } finally {
        const span = spans.get(name) ?? { calls: 0, ms: 0 };
        span.calls++;
        span.ms += performance.now() - started;
        spans.set(name, span);
      }
    },
    { step: "initialize", name: "benchSpans" },
  );
}

// ---------------------------------------------------------------------------------------------------
// CPU time per operation: this process (load generator, gateway, handlers, SDK) and DynamoDB Local,
// a child JVM. Unlike rates, these hold up on a machine that other work shares. Linux /proc only.

let javaPid: number | undefined;

// ---------------------------------------------------------------------------------------------------
// The load: CONCURRENCY workers sharing one counter, each timing its own requests.

interface Phase {
  done: number;
  failed: number;
  seconds: number;
  latencies: Float64Array;
  statuses: Map<number, number>;
  /** CPU ms per operation in this process and in DynamoDB Local. */
  nodeCpu: number;
  javaCpu: number;
  firstFailure?: string;
}

async function drive(
  count: number,
  capMs: number,
  worker: (w: number, i: number) => Promise<{ ok: boolean; status: number; detail?: string }>,
): Promise<Phase> {
  const latencies = new Float64Array(count);
  const statuses = new Map<number, number>();
  let issued = 0;
  let done = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const cpu0 = process.cpuUsage();
  const java0 = cpuMsOf(javaPid);
  const started = performance.now();
  const stopAt = started + capMs;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (issued < count && performance.now() < stopAt) {
        const i = issued++;
        const t0 = performance.now();
        const result = await worker(w, i).catch((error: Error) => ({
          ok: false,
          status: 0,
          detail: error.message,
        }));
        latencies[done++] = performance.now() - t0;
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (!result.ok) {
          failed++;
          firstFailure ??= `${result.status} ${result.detail ?? ""}`.slice(0, 300);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const nodeCpu = (cpu.user + cpu.system) / 1000 / done;
  const javaCpu = (cpuMsOf(javaPid) - java0) / done;
  const measured = latencies.slice(0, done).sort();
  return {
    done,
    failed,
    seconds,
    latencies: measured,
    statuses,
    nodeCpu,
    javaCpu,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  console.log("api-writes — answers saved through the local gateway vs raw PutItem of DynamoDB Local");
  const load = loadavg()[0] ?? 0;
  const setupStarted = performance.now();
  const running = await startBenchStack("api");
  const { stack } = running;
  try {
    const base = stack.url.replace("//localhost:", "//127.0.0.1:");
    // USER_PASSWORD_AUTH at the endpoint /config.json names, as API.md says.
    const auth = await authAt(base);
    const admin = await signInAt(auth, "admin", BENCH_ADMIN_PASSWORD);

    // Set-up over HTTP, as the organising department's admin would.
    const framework = JSON.parse(readFileSync(FRAMEWORK_FILE, "utf8")) as {
      id: string;
      groups: { id: string; nodes: RawNode[] }[];
    };
    await adminCall(base, admin, "POST", pathFor("POST /api/frameworks"), framework, 201);
    const commune = framework.groups.find((g) => g.id === "commune");
    if (!commune) throw new Error("the sample framework has no commune group");
    const leaves = leavesOf(commune.nodes);
    const units = Array.from({ length: UNITS }, (_, i) => {
      const n = String(i + 1).padStart(3, "0");
      return { id: `bench-xa-${n}`, code: `BX${n}`, name: `Xã thử tải ${n}`, kind: "commune" };
    });
    await adminCall(base, admin, "PUT", pathFor("PUT /api/units"), { units }, 200);
    const editors = units.map((u, i) => ({
      unitId: u.id,
      username: `bench.editor.${String(i + 1).padStart(3, "0")}`,
      token: "",
    }));
    await inPool(editors, SETUP_CONCURRENCY, async (e) => {
      await adminCall(
        base,
        admin,
        "POST",
        pathFor("POST /api/users"),
        { username: e.username, password: EDITOR_PASSWORD, roles: ["unit-editor"], unitId: e.unitId },
        201,
      );
    });
    const now = Date.now();
    await adminCall(
      base,
      admin,
      "POST",
      pathFor("POST /api/periods"),
      {
        id: PERIOD_ID,
        name: "Thử tải 2022",
        frameworkId: framework.id,
        unitIds: units.map((u) => u.id),
        opensAt: new Date(now - 3600_000).toISOString(),
        closesAt: new Date(now + 30 * 86400_000).toISOString(),
      },
      201,
    );
    const transitions = pathFor("POST /api/periods/{periodId}/transitions", { periodId: PERIOD_ID });
    await adminCall(base, admin, "POST", transitions, { to: "open" }, 200);
    await inPool(editors, SETUP_CONCURRENCY, async (e) => {
      e.token = await signInAt(auth, e.username, EDITOR_PASSWORD);
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // (a) the API. Client w owns units w, w + CONCURRENCY, …, taken in turn; each save one random leaf.
    const random = mulberry32(SEED);
    const owned = Array.from({ length: CONCURRENCY }, (_, w) =>
      editors.filter((_, i) => i % CONCURRENCY === w),
    );
    const turn = new Int32Array(CONCURRENCY);
    const nextEditor = (w: number) => {
      const mine = owned[w] ?? [];
      const t = turn[w] ?? 0;
      turn[w] = t + 1;
      const editor = mine[t % mine.length];
      if (!editor) throw new Error(`client ${w} owns no unit`);
      return editor;
    };
    const save = async (w: number) => {
      const editor = nextEditor(w);
      const leaf = leaves[Math.floor(random() * leaves.length)] as RawLeaf;
      const reply = await call(
        `${base}${pathFor("PATCH /api/periods/{periodId}/units/{unitId}/answers", { periodId: PERIOD_ID, unitId: editor.unitId })}`,
        "PATCH",
        { authorization: `Bearer ${editor.token}`, "content-type": "application/json" },
        JSON.stringify({ answers: { [leaf.code]: { value: valueFor(leaf, random) } } }),
      );
      return { ok: reply.status === 200, status: reply.status, detail: reply.body };
    };

    // (b) raw PutItem of an answer-sized item, from this process, to the same endpoint and table.
    const raw = DynamoDBDocumentClient.from(
      new DynamoDBClient(localDynamoDbClientConfig(stack.env.DYNAMODB_ENDPOINT as string)),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const table = stack.env.TABLE_NAME as string;
    const put = async (_w: number, i: number) => {
      const leaf = leaves[Math.floor(random() * leaves.length)] as RawLeaf;
      await raw.send(
        new PutCommand({
          TableName: table,
          Item: {
            pk: `S#bench-raw#${units[i % UNITS]?.id}`,
            sk: `A#${leaf.code}`,
            code: leaf.code,
            value: valueFor(leaf, random),
            updatedAt: new Date().toISOString(),
            updatedBy: "bench.editor.001",
          },
        }),
      );
      return { ok: true, status: 200 };
    };

    // (c) the floor: the very DynamoDB calls of a save (the repositories' own), made directly, without
    // HTTP, token check, handler, validation or scoring: GetItem period, GetItem members, Query, Transact.
    const dynamo: DynamoConfig = {
      client: raw,
      dataTable: table,
      auditTable: stack.env.AUDIT_TABLE_NAME ?? "",
    };
    const periods = new PeriodRepository(dynamo);
    const submissions = new SubmissionRepository(dynamo);
    const sameCalls = async (w: number) => {
      const editor = nextEditor(w);
      const unitId = editor.unitId;
      const leaf = leaves[Math.floor(random() * leaves.length)] as RawLeaf;
      await periods.require(PERIOD_ID);
      const groupId = (await periods.members(PERIOD_ID)).get(unitId) ?? "commune";
      const stored = await submissions.load(PERIOD_ID, unitId, groupId);
      const now = new Date();
      const value = valueFor(leaf, random);
      const ctx = {
        actor: { username: editor.username, roles: ["unit-editor" as const], unitId },
        requestId: randomUUID(),
        now,
      };
      await submissions.write({
        periodId: PERIOD_ID,
        unitId,
        groupId,
        expectVersion: stored.head.version,
        expectState: "draft",
        head: { points: 0, index: 0 },
        period: { nowMs: now.getTime(), extended: false },
        answers: [{ code: leaf.code, value, updatedAt: now.toISOString(), updatedBy: editor.username }],
        audit: [
          auditEntry(
            ctx,
            `submission#${PERIOD_ID}#${unitId}`,
            "answer.save",
            { code: leaf.code },
            { code: leaf.code, value },
          ),
        ],
      });
      return { ok: true, status: 200 };
    };

    // Warm every path first (JIT of this process and of the JVM), then measure raw, floor, API.
    javaPid = childJava();
    instrument();
    const apiWarm = await drive(WARMUP, WARMUP_CAP_MS, save);
    await drive(WARMUP, WARMUP_CAP_MS, put);
    await drive(WARMUP, WARMUP_CAP_MS, sameCalls);
    const direct = await drive(SAVES, PHASE_CAP_MS, put);
    const floor = await drive(SAVES, PHASE_CAP_MS, sameCalls);
    spansOn = true;
    const profile = await startCpuProfile("API_WRITES_PROFILE", "phase (a)", 500);
    const api = await drive(SAVES, PHASE_CAP_MS, save);
    await profile?.stop();
    spansOn = false;
    raw.destroy();

    // JWT verification alone, the gateway's first step for every request (jose, RS256, cached JWKS).
    // The pool's issuer is cognito-local's own port (the gateway's /auth/ passes sign-in operations only).
    const pool = `${stack.env.COGNITO_ENDPOINT}/${stack.config.auth.userPoolId}`;
    const verify = createIdTokenVerifier({
      issuer: pool,
      audience: auth.clientId,
      jwksUri: `${pool}/.well-known/jwks.json`,
    });
    const token = editors[0]?.token ?? "";
    await verify(token);
    const verifyRuns = 500;
    const verifyStarted = performance.now();
    for (let i = 0; i < verifyRuns; i++) await verify(token);
    const verifyUs = ((performance.now() - verifyStarted) / verifyRuns) * 1000;

    report({ setupSeconds, leaves: leaves.length, apiWarm, api, direct, floor, verifyUs, load });
  } finally {
    agent.destroy();
    await running.stop();
  }
}

function report(r: {
  setupSeconds: number;
  leaves: number;
  apiWarm: Phase;
  api: Phase;
  direct: Phase;
  floor: Phase;
  verifyUs: number;
  load: number;
}): void {
  const { api, direct, floor } = r;
  const rate = (p: Phase) => p.done / p.seconds;
  const ratio = rate(api) / rate(direct);
  const apiP99 = percentile(api.latencies, 0.99);
  const num = (n: number, width: number, digits = 1) => n.toFixed(digits).padStart(width);
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  console.log(
    `  set-up  ${UNITS} commune units and editors (each signed in), commune group of ${r.leaves} leaves: ${r.setupSeconds.toFixed(1)} s over HTTP`,
  );
  console.log(
    `  load    ${CONCURRENCY} concurrent clients, ${SAVES} operations per row after ${WARMUP} warm-up, each row capped at ${PHASE_CAP_MS / 1000} s;`,
  );
  console.log(
    `          units dealt round-robin to clients, so concurrent saves land on different submissions; load average ${r.load.toFixed(2)} at start\n`,
  );
  console.log(
    "                                count  ops/s   p50 ms   p99 ms   max ms  failed   CPU ms/op: node  DynamoDB Local",
  );
  const row = (name: string, p: Phase) =>
    console.log(
      `  ${name.padEnd(28)}${String(p.done).padStart(7)}${num(rate(p), 7)}${num(percentile(p.latencies, 0.5), 9)}${num(
        percentile(p.latencies, 0.99),
        9,
      )}${num(p.latencies.at(-1) ?? Number.NaN, 9)}${String(p.failed).padStart(8)}${num(p.nodeCpu, 17, 2)}${num(p.javaCpu, 16, 2)}`,
    );
  row("(a) API: PATCH one answer", api);
  row("(b) raw PutItem", direct);
  row("(c) a save's calls, direct", floor);
  console.log();
  console.log(
    `  API ÷ raw PutItem   ${ratio.toFixed(2)}×      goal ≥ ${GOAL_RATIO}×     ${verdict(ratio >= GOAL_RATIO)}   (API ÷ its own DynamoDB calls: ${(rate(api) / rate(floor)).toFixed(2)}×)`,
  );
  console.log(
    `  ceiling             ${(rate(floor) / rate(direct)).toFixed(2)}×      (c) ÷ (b): what any API making a save's DynamoDB calls could reach here`,
  );
  console.log(
    `  API p99             ${apiP99.toFixed(0)} ms    goal < ${GOAL_P99_MS} ms   ${verdict(apiP99 < GOAL_P99_MS)}`,
  );
  const statuses = [...api.statuses].map(([s, n]) => `${s} × ${n}`).join(", ");
  console.log(
    `  API statuses        ${statuses}${api.firstFailure ? `; first failure: ${api.firstFailure}` : ""}`,
  );
  if (r.apiWarm.failed > 0)
    console.log(`  warm-up failures    ${r.apiWarm.failed}: ${r.apiWarm.firstFailure}`);
  const parts = [...spans]
    .sort(([, a], [, b]) => b.ms - a.ms)
    .map(([name, s]) => `${name} ${(s.calls / api.done).toFixed(2)} × ${(s.ms / s.calls).toFixed(0)} ms`);
  console.log(`  a save's DynamoDB   ${parts.join(", ")} (calls per save × mean ms in flight)`);
  console.log(`  JWT verify alone    ${r.verifyUs.toFixed(0)} µs per token (jose, RS256, JWKS cached)`);
}
