import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { adapters } from "../../functions/http/adapters.ts";
import { withInlineJobs } from "../../infra/local/jobs.ts";
import type { RankingSnapshot } from "../../shared/model/snapshot.ts";
import type { Ports, RequestContext } from "../../shared/services/context.ts";
import { importFramework } from "../../shared/services/frameworks.ts";
import { rankingRows, toCsv, toXlsx } from "../../shared/services/open-data.ts";
import { createPeriod } from "../../shared/services/periods.ts";
import { transitionPeriod } from "../../shared/services/transitions.ts";
import { upsertUnits } from "../../shared/services/units.ts";
import { chunks, mapLimit } from "../../shared/store/batches.ts";
import { type DynamoConfig, dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { keys } from "../../shared/store/keys.ts";
import { generatePeriod, nationalUnits } from "../support/generate-period.ts";
import { childJava, cpuMsOf, startCpuProfile } from "./cpu.ts";
import { int, load, mib, ms, startBenchStack, table, times } from "./report.ts";
import { nationalFramework } from "./scoring.ts";

/**
 * Close, score and publish a national-scale period in DynamoDB Local: UNITS units
 * × LEAVES_PER_GROUP leaves (≈ 400,000 answers), end to end through the services, against the raw
 * time to read the same items.
 *
 * Set-up (not timed): a fresh local stack in this process (in-memory DynamoDB Local, s3rver); the
 * scoring benchmark's framework grown to LEAVES_PER_GROUP leaves per group, imported as an admin;
 * UNITS synthetic units; a period created and opened through the services. The answers are then
 * loaded directly with BatchWriteItem in the repositories' item layout (shared/store/keys.ts): per
 * unit a head, its answers and one confirmed evidence item backing the leaves that need evidence.
 *
 *   (r) raw read: one Query per unit (every partition, ConsistentRead, READ_CONCURRENCY in flight, as
 *       loadAll does), nothing else — the floor, measured just before (e).
 *   (e) end to end: the early close, then the reviewers' work (loadReview, not timed), final scoring
 *       and publication, each the admin's transition and the job it starts (run inline). Split by wrapping the adapters' methods (no change to shared/): "read" is
 *       time inside loadAll, units.getMany and the small reads, "write" inside lock, setResult and
 *       periods.update, "put" inside published.put; the rest of each step is computation: bundle
 *       assembly and scorePeriod, and in publish also toSnapshot and the three files (the files'
 *       share is measured by making them again from the published snapshot afterwards).
 * Goal: close → final → the ranking public (the index written, before the official documents, which the
 * documents benchmark times) within GOAL_RATIO × (r), in wall time. On a machine other work shares, wall times drift;
 * the CPU time of this process plus DynamoDB Local's JVM is printed too, and its ratio holds up. Set-up is dominated by DynamoDB Local's write cost (≈ 0.2 ms of
 * JVM CPU per item): on 2 idle cores the whole run takes about 2.5 minutes.
 *
 * CLOSE_PUBLISH_PROFILE=file.cpuprofile writes a V8 CPU profile of (e) (this process only).
 */

const UNITS = 4000;
const LEAVES_PER_GROUP = 100;
const SEED = 2023;
const SUBMITTED_SHARE = 0.95;
const EVIDENCE_SHARE = 0.9;
/** After the close: the share of submitted units a reviewer appraises, and how many leaves of each. */
const APPRAISED_SHARE = 0.3;
const APPRAISED_LEAVES = 5;
/** The share of submitted units given a supplement, and how many answers each changes. */
const SUPPLEMENTED_SHARE = 0.02;
const SUPPLEMENTED_LEAVES = 3;
const LOAD_CONCURRENCY = 32;
const READ_CONCURRENCY = 32;
const GOAL_RATIO = 1.5;
const PERIOD_ID = "bench-close-2023";

// ---------------------------------------------------------------------------------------------------
// Formatting.

// test/bench/report.ts.

// ---------------------------------------------------------------------------------------------------
// CPU time of this process and of DynamoDB Local (a child JVM); Linux /proc only, NaN elsewhere.

const nodeCpuMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

// ---------------------------------------------------------------------------------------------------
// Where the time goes: wrappers around the adapters' methods record [start, end] per category, and a
// middleware on the DynamoDB client counts calls by command and the items Queries return.

type Category = "read" | "write" | "put";

interface Interval {
  category: Category;
  start: number;
  end: number;
}

const intervals: Interval[] = [];
const calls = new Map<string, number>();
let queriedItems = 0;
let recording = false;

function timedMethods<T extends object>(target: T, categories: Record<string, Category>): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      const category = typeof property === "string" ? categories[property] : undefined;
      if (!category || typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
        } finally {
          if (recording) intervals.push({ category, start, end: performance.now() });
        }
      };
    },
  });
}

/** The adapters with every method that reaches DynamoDB or the bucket wrapped by category. */
function instrumented(base: Ports): Ports {
  const read: Category = "read";
  const write: Category = "write";
  return {
    ...base,
    frameworks: timedMethods(base.frameworks, { get: read }),
    units: timedMethods(base.units, { getMany: read }),
    periods: timedMethods(base.periods, {
      require: read,
      get: read,
      members: read,
      list: read,
      kept: read,
      update: write,
      keep: write,
      claimJob: write,
      jobProgress: write,
    }),
    submissions: timedMethods(base.submissions, {
      loadAll: read,
      loadSinceClose: read,
      lockWithResults: write,
      setResults: write,
    }),
    published: notingRankingPublic(
      timedMethods(base.published, { put: "put", get: read, invalidate: "put" }),
    ),
  };
}

/** When the ranking became public in the step being recorded: the first write of the index listing it. */
let rankingPublicAt: number | undefined;
const INDEX_KEY = "public/rankings/index.json";

function notingRankingPublic(published: Ports["published"]): Ports["published"] {
  return new Proxy(published, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (property !== "put" || typeof value !== "function") return value;
      return async (...args: Parameters<Ports["published"]["put"]>) => {
        const result = await value.apply(object, args);
        if (recording && args[0] === INDEX_KEY) rankingPublicAt ??= performance.now();
        return result;
      };
    },
  });
}

function countCalls(dynamo: DynamoConfig): void {
  dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!recording) return next(args);
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        const name = `${(context.commandName ?? "?").replace(/Command$/, "")} (refused)`;
        calls.set(name, (calls.get(name) ?? 0) + 1);
        throw error;
      }
      if (recording) {
        const name = (context.commandName ?? "?").replace(/Command$/, "");
        calls.set(name, (calls.get(name) ?? 0) + 1);
        const count = (result.output as { Count?: number }).Count;
        if (name === "Query" && typeof count === "number") queriedItems += count;
      }
      return result;
    },
    { step: "initialize", name: "closePublishBenchCalls" },
  );
}

/** The length of the union of the intervals of one category within [from, to]. */
function covered(list: readonly Interval[], from: number, to: number): number {
  const spans = list
    .map((i) => [Math.max(i.start, from), Math.min(i.end, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const [a, b] of spans) {
    if (Number.isNaN(end) || a > end) {
      if (!Number.isNaN(end)) total += end - start;
      start = a;
      end = b;
    } else if (b > end) end = b;
  }
  return Number.isNaN(end) ? total : total + end - start;
}

interface Step {
  name: string;
  start: number;
  end: number;
  nodeCpu: number;
  javaCpu: number;
  calls: Map<string, number>;
  items: number;
}

interface StepSplit {
  wall: number;
  read: number;
  write: number;
  put: number;
  /** Wall time outside every wrapped call: computation in this process. */
  compute: number;
}

function split(step: Step): StepSplit {
  const wall = step.end - step.start;
  const inStep = intervals.filter((i) => i.end > step.start && i.start < step.end);
  const of = (c: Category) =>
    covered(
      inStep.filter((i) => i.category === c),
      step.start,
      step.end,
    );
  const any = covered(inStep, step.start, step.end);
  return { wall, read: of("read"), write: of("write"), put: of("put"), compute: wall - any };
}

async function timedStep<T>(name: string, javaPid: number | undefined, work: () => Promise<T>) {
  calls.clear();
  queriedItems = 0;
  const node0 = nodeCpuMs();
  const java0 = cpuMsOf(javaPid);
  const start = performance.now();
  recording = true;
  let result: T;
  try {
    result = await work();
  } finally {
    recording = false;
  }
  const end = performance.now();
  const step: Step = {
    name,
    start,
    end,
    nodeCpu: nodeCpuMs() - node0,
    javaCpu: cpuMsOf(javaPid) - java0,
    calls: new Map(calls),
    items: queriedItems,
  };
  return { result, step };
}

// ---------------------------------------------------------------------------------------------------
// Set-up.

const adminCtx = (): RequestContext => ({
  actor: { username: "admin", roles: ["admin"] },
  requestId: randomUUID(),
  now: new Date(),
});

type Item = Record<string, unknown>;
type WriteRequests = NonNullable<BatchWriteCommandInput["RequestItems"]>;

/** BatchWriteItem of up to 25 items, again and again until nothing is left unprocessed. */
async function batchPut(client: DynamoDBDocumentClient, table: string, items: Item[]): Promise<void> {
  let request: WriteRequests | undefined = { [table]: items.map((Item) => ({ PutRequest: { Item } })) };
  for (let attempt = 0; request && (request[table]?.length ?? 0) > 0; attempt++) {
    if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 20 * 2 ** attempt)));
    const result = await client.send(new BatchWriteCommand({ RequestItems: request }));
    request = result.UnprocessedItems as WriteRequests | undefined;
  }
}

interface Loaded {
  items: number;
  answers: number;
  submitted: number;
  drafts: number;
  seconds: number;
}

/** Every unit's submission partition, written directly in the repositories' item layout. */
async function loadAnswers(
  client: DynamoDBDocumentClient,
  table: string,
  periodId: string,
  members: ReadonlyMap<string, string>,
  submissions: ReturnType<typeof generatePeriod>["submissions"],
): Promise<Loaded> {
  const started = performance.now();
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const items: Item[] = [];
  let answers = 0;
  let submitted = 0;
  for (const [unitId, groupId] of members) {
    const s = submissions[unitId];
    if (!s) continue; // nothing saved: no partition at all
    const pk = keys.submissionPartition(periodId, unitId);
    const editor = `editor.${unitId}`;
    const codes = Object.keys(s.answers);
    items.push({
      ...keys.submissionHead(periodId, unitId),
      lpk: keys.submissionList(periodId),
      lsk: `${groupId}#${unitId}`,
      periodId,
      unitId,
      groupId,
      state: s.submitted ? "submitted" : "draft",
      version: Math.ceil(codes.length / 10) + (s.submitted ? 2 : 1),
      updatedAt: at,
      ...(s.submitted ? { submittedAt: at, submittedBy: editor } : {}),
    });
    for (const code of codes)
      items.push({ pk, sk: `A#${code}`, code, value: s.answers[code], updatedAt: at, updatedBy: editor });
    if (s.evidence.length > 0) {
      const id = `ev-${unitId}`;
      items.push({
        ...keys.evidence(periodId, unitId, id),
        id,
        kind: "url",
        status: "confirmed",
        indicatorCodes: s.evidence,
        url: `https://example.gov.vn/minh-chung/${unitId}`,
        title: "Minh chứng tổng hợp",
        createdAt: at,
        createdBy: editor,
        confirmedAt: at,
      });
    }
    answers += codes.length;
    if (s.submitted) submitted++;
  }
  await mapLimit(chunks(items, 25), LOAD_CONCURRENCY, (batch) => batchPut(client, table, batch));
  // The period's counter, as submit moves it.
  await client.send(
    new UpdateCommand({
      TableName: table,
      Key: keys.period(periodId),
      UpdateExpression: "ADD submittedCount :n",
      ExpressionAttributeValues: { ":n": submitted },
    }),
  );
  const drafts = Object.values(submissions).filter((s) => !s.submitted).length;
  return { items: items.length, answers, submitted, drafts, seconds: (performance.now() - started) / 1000 };
}

/**
 * The reviewers' weeks between the close and final scoring, written directly (not timed): appraisals
 * of APPRAISED_LEAVES leaves in APPRAISED_SHARE of the submitted units, and in SUPPLEMENTED_SHARE of
 * them a supplement whose answers changed (the head's version moves, as a save's does).
 */
async function loadReview(
  client: DynamoDBDocumentClient,
  table: string,
  periodId: string,
  submissions: ReturnType<typeof generatePeriod>["submissions"],
): Promise<{ appraised: number; supplemented: number }> {
  const at = new Date().toISOString();
  const items: Item[] = [];
  const supplemented: [string, string[]][] = [];
  const appraisedUnits: string[] = [];
  let i = 0;
  for (const [unitId, s] of Object.entries(submissions)) {
    if (!s.submitted) continue;
    i++;
    const codes = Object.keys(s.answers);
    if (i % Math.round(1 / APPRAISED_SHARE) === 0) {
      appraisedUnits.push(unitId);
      for (const code of codes.slice(0, APPRAISED_LEAVES))
        items.push({
          ...keys.appraisal(periodId, unitId, code),
          code,
          value: s.answers[code],
          accepted: true,
          by: "reviewer",
          at,
        });
    }
    if (i % Math.round(1 / SUPPLEMENTED_SHARE) === 1) {
      const changed = codes.slice(-SUPPLEMENTED_LEAVES);
      supplemented.push([unitId, changed]);
      for (const code of changed)
        items.push({
          ...keys.answer(periodId, unitId, code),
          code,
          value: s.answers[code],
          note: "Bổ sung",
          updatedAt: at,
          updatedBy: `editor.${unitId}`,
        });
    }
  }
  await mapLimit(chunks(items, 25), LOAD_CONCURRENCY, (batch) => batchPut(client, table, batch));
  // Each appraisal counts on its head, as AppraisalRepository's transaction does.
  await mapLimit(appraisedUnits, LOAD_CONCURRENCY, async (unitId) => {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.submissionHead(periodId, unitId),
        UpdateExpression: "ADD reviews :n",
        ExpressionAttributeValues: { ":n": APPRAISED_LEAVES },
      }),
    );
  });
  await mapLimit(supplemented, LOAD_CONCURRENCY, async ([unitId, codes]) => {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.submissionHead(periodId, unitId),
        UpdateExpression: "SET supplement = :supplement ADD #version :one",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: {
          ":supplement": { codes, until: at, by: "reviewer", at },
          ":one": 1,
        },
      }),
    );
  });
  return { appraised: appraisedUnits.length, supplemented: supplemented.length };
}

// ---------------------------------------------------------------------------------------------------
// (r) The floor: one Query per partition, as SubmissionRepository.load sends it, and nothing else.

async function rawRead(
  client: DynamoDBDocumentClient,
  table: string,
  periodId: string,
  unitIds: readonly string[],
  javaPid: number | undefined,
): Promise<{ ms: number; items: number; cpu: number }> {
  let items = 0;
  const node0 = nodeCpuMs();
  const java0 = cpuMsOf(javaPid);
  const started = performance.now();
  await mapLimit(unitIds, READ_CONCURRENCY, async (unitId) => {
    let start: Record<string, unknown> | undefined;
    do {
      const result = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.submissionPartition(periodId, unitId) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      items += result.Items?.length ?? 0;
      start = result.LastEvaluatedKey;
    } while (start);
  });
  const ms = performance.now() - started;
  return { ms, items, cpu: nodeCpuMs() - node0 + cpuMsOf(javaPid) - java0 };
}

// ---------------------------------------------------------------------------------------------------

/**
 * The file making of publishPeriod, replayed on the published snapshot (no second read): the JSON
 * text, the CSV and the XLSX. The rest of publish's computation is bundle assembly, scorePeriod and
 * toSnapshot.
 */
async function replayFiles(snapshot: RankingSnapshot) {
  const t0 = performance.now();
  const json = `${JSON.stringify(snapshot, null, 2)}\n`;
  const t1 = performance.now();
  const rows = rankingRows(snapshot);
  const csv = toCsv(rows);
  const t2 = performance.now();
  const xlsx = toXlsx(rows);
  const t3 = performance.now();
  return {
    json: t1 - t0,
    csv: t2 - t1,
    xlsx: t3 - t2,
    sizes: { json: Buffer.byteLength(json), csv: Buffer.byteLength(csv), xlsx: xlsx.byteLength },
  };
}

export async function run(): Promise<void> {
  console.log("close-publish — close, score and publish a national-scale period in DynamoDB Local");
  const setupStarted = performance.now();
  const running = await startBenchStack("close");
  const { stack } = running;
  let rawClient: DynamoDBDocumentClient | undefined;
  try {
    const stackSeconds = (performance.now() - setupStarted) / 1000;
    // The adapters the handlers use, built from the environment the stack has just set.
    const base = adapters();
    const dynamo = dynamoFromEnv();
    countCalls(dynamo);
    const svc = instrumented(base);
    const table = dynamo.dataTable;
    const javaPid = childJava();

    // Set-up through the services, as an admin.
    const framework = nationalFramework(LEAVES_PER_GROUP);
    await importFramework(base, adminCtx(), framework);
    const units = nationalUnits(UNITS);
    await upsertUnits(base, adminCtx(), { units });
    const now = Date.now();
    await createPeriod(base, adminCtx(), {
      id: PERIOD_ID,
      name: "Kỳ đánh giá thử tải toàn quốc 2023",
      frameworkId: framework.id,
      unitIds: units.map((u) => u.id),
      opensAt: new Date(now - 3_600_000).toISOString(),
      closesAt: new Date(now + 14 * 86_400_000).toISOString(),
    });
    await transitionPeriod(base, adminCtx(), PERIOD_ID, { to: "open" });
    const members = await base.periods.members(PERIOD_ID);
    const generated = generatePeriod({
      framework,
      units,
      seed: SEED,
      submittedShare: SUBMITTED_SHARE,
      evidenceShare: EVIDENCE_SHARE,
    });
    rawClient = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.env.DYNAMODB_ENDPOINT ?? "", region: "local", maxAttempts: 5 }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    const loaded = await loadAnswers(rawClient, table, PERIOD_ID, members, generated.submissions);
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    console.log(
      `  input   ${int(members.size)} units in ${framework.groups.length} groups, ${LEAVES_PER_GROUP} leaves each; ` +
        `${int(loaded.submitted)} submitted, ${int(loaded.drafts)} drafts, ${int(members.size - loaded.submitted - loaded.drafts)} without a partition`,
    );
    console.log(
      `          ${int(loaded.items)} items (${int(loaded.answers)} answers + heads + evidence) loaded by BatchWriteItem ` +
        `in ${loaded.seconds.toFixed(1)} s (${int(loaded.items / loaded.seconds)} items/s)`,
    );
    console.log(
      `  set-up  ${setupSeconds.toFixed(1)} s (stack ${stackSeconds.toFixed(1)} s, framework, units, period, load), not timed`,
    );
    console.log(`  load    average ${load()} (1, 5, 15 min) before the runs\n`);

    // (r) the floor, just before (e).
    const raw = await rawRead(rawClient, table, PERIOD_ID, [...members.keys()], javaPid);

    // (e) end to end.
    // Each step is the admin's transition and the job it starts, run to the end (inline, so it is
    // timed: the same job function code the job queue invokes).
    const jobs = withInlineJobs(svc);
    const move = (to: string) => async () => {
      await transitionPeriod(jobs, adminCtx(), PERIOD_ID, { to });
      return base.periods.require(PERIOD_ID);
    };
    const profile = await startCpuProfile("CLOSE_PUBLISH_PROFILE", "(e)", 1000);
    const close = await timedStep("close", javaPid, move("appraisal"));
    const review = await loadReview(rawClient, table, PERIOD_ID, generated.submissions);
    console.log(
      `  review  after the close (not timed): ${int(review.appraised)} units appraised (${APPRAISED_LEAVES} leaves each), ` +
        `${int(review.supplemented)} supplemented (${SUPPLEMENTED_LEAVES} answers changed each)\n`,
    );
    const finalize = await timedStep("finalize", javaPid, move("final"));
    const publish = await timedStep("publish", javaPid, move("published"));
    await profile?.stop();
    for (const [step, want] of [
      [close, "appraisal"],
      [finalize, "final"],
      [publish, "published"],
    ] as const)
      if (step.result.state !== want) throw new Error(`a step ended ${step.result.state}, not ${want}`);
    const pointer = await base.published.get(`public/rankings/${PERIOD_ID}.json`);
    if (!pointer) throw new Error("the published pointer is missing");

    const snapshot = JSON.parse(new TextDecoder().decode(pointer)) as RankingSnapshot;
    const ranked = snapshot.groups.reduce((n, g) => n + g.units.length, 0);
    if (ranked !== members.size) throw new Error(`the snapshot ranks ${ranked} units, not ${members.size}`);
    const replay = await replayFiles(snapshot);

    if (rankingPublicAt === undefined) throw new Error("the publication never wrote the index");
    report({
      raw,
      units: members.size,
      steps: [close.step, finalize.step, publish.step],
      replay,
      rankingPublicAt,
    });
  } finally {
    rawClient?.destroy();
    await running.stop();
  }
}

function report(r: {
  raw: { ms: number; items: number; cpu: number };
  units: number;
  steps: Step[];
  replay: Awaited<ReturnType<typeof replayFiles>>;
  /** When the publication wrote the index listing the new ranking (before its documents). */
  rankingPublicAt: number;
}): void {
  const rawMs = r.raw.ms;
  const splits = r.steps.map(split);
  const [closeSplit, finalizeSplit, publishSplit] = splits as [StepSplit, StepSplit, StepSplit];
  const total = splits.reduce((n, s) => n + s.wall, 0);
  const cpu = r.steps.reduce((n, s) => n + s.nodeCpu + s.javaCpu, 0);
  // Publish's compute less its files (made again afterwards) is scoring: bundle, scorePeriod, toSnapshot.
  const rp = r.replay;
  const files = Math.min(publishSplit.compute, rp.json + rp.csv + rp.xlsx);
  const phase = {
    read: splits.reduce((n, s) => n + s.read, 0),
    score: closeSplit.compute + finalizeSplit.compute + publishSplit.compute - files,
    write: splits.reduce((n, s) => n + s.write, 0),
    publish: publishSplit.put + files,
  };
  const items = r.steps.reduce((n, s) => n + s.items, 0);
  const publishStep = r.steps[2] as Step;
  const documents = publishStep.end - r.rankingPublicAt;
  const toPublic = {
    publish: r.rankingPublicAt - publishStep.start,
    total: closeSplit.wall + finalizeSplit.wall + r.rankingPublicAt - publishStep.start,
  };

  console.log(
    `  (r) raw read: ${int(r.units)} Queries (one per unit, ${READ_CONCURRENCY} in flight, ConsistentRead), ` +
      `${int(r.raw.items)} items: ${ms(rawMs)} (${int(r.raw.items / (rawMs / 1000))} items/s), ` +
      `CPU ${ms(r.raw.cpu)} (node + java)\n`,
  );

  console.log("  (e) end to end, by step (wall time; read/write/put = time inside those calls)");
  console.log(
    table([
      [
        "step",
        "wall",
        "read",
        "compute",
        "write",
        "put",
        "node CPU",
        "java CPU",
        "items read",
        "DynamoDB calls",
      ],
      ...r.steps.map((step, i) => {
        const s = splits[i] as StepSplit;
        return [
          step.name,
          ms(s.wall),
          ms(s.read),
          ms(s.compute),
          ms(s.write),
          ms(s.put),
          ms(step.nodeCpu),
          ms(step.javaCpu),
          int(step.items),
          [...step.calls]
            .sort((a, b) => b[1] - a[1])
            .map(([name, n]) => `${name} ${int(n)}`)
            .join(", "),
        ];
      }),
    ]),
  );
  console.log(
    "  publish's files, made again from the published snapshot: " +
      `JSON ${ms(rp.json)} (${mib(rp.sizes.json)}), CSV ${ms(rp.csv)} (${mib(rp.sizes.csv)}), ` +
      `XLSX ${ms(rp.xlsx)} (${mib(rp.sizes.xlsx)})\n`,
  );

  const row = (label: string, value: number) => [label, ms(value), times(value / rawMs)];
  console.log("  (e) end to end, by phase, against (r)");
  console.log(
    table([
      ["phase (wall time)", "time", "÷ raw read"],
      row("(r) raw read — the floor", rawMs),
      row("read: submissions, units, period", phase.read),
      row("score: bundle assembly, scorePeriod, toSnapshot", phase.score),
      row("write: head locks and results, period", phase.write),
      row("publish: JSON, CSV, XLSX, puts", phase.publish),
      row("(e) total", total),
      row("    close", closeSplit.wall),
      row("    finalize", finalizeSplit.wall),
      row("    publish", publishSplit.wall),
      row("      until the ranking is public (index written)", toPublic.publish),
      row("      then the official documents (a read of every submission, 4,000 PDFs and DOCX)", documents),
      row("close → final → the ranking public", toPublic.total),
    ]),
  );
  const ratio = toPublic.total / rawMs;
  console.log(
    `\n  items read      ${int(items)} in (e), ${times(items / Math.max(1, r.raw.items))} the items of (r)`,
  );
  const passes = items / Math.max(1, r.raw.items);
  console.log(
    `  per pass        (e) ÷ (${passes.toFixed(2)} × (r)), the raw time for as many items as (e) read: ${times(total / (passes * rawMs))}`,
  );
  console.log(`  throughput      ${int(r.units / (total / 1000))} units/s end to end`);
  console.log(
    `  CPU             ${ms(cpu)} in (e) (node + DynamoDB Local) ÷ ${ms(r.raw.cpu)} in (r) = ${times(cpu / r.raw.cpu)}`,
  );
  console.log(
    `  goal            close → final → the ranking public ≤ ${GOAL_RATIO}× (r) in wall time: ${times(ratio)} — ${ratio <= GOAL_RATIO ? "met" : "MISSED"} ` +
      "(the documents after it have their own goal: the documents benchmark)",
  );
  console.log(`  load            average ${load()} after the runs`);
}
