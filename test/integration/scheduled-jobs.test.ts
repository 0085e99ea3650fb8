import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { adapters } from "../../functions/http/adapters.ts";
import { invokeJob } from "../../infra/local/jobs.ts";
import { type LocalStack, startLocalStack } from "../../infra/local/stack.ts";
import { closePeriod, SCHEDULER } from "../../shared/services/close.ts";
import type { Ports } from "../../shared/services/context.ts";
import { clientAt } from "../support/client.ts";
import {
  lifecyclePaths as lp,
  periodEntity,
  type Row,
  readOutbox,
  sleep,
  waitFor,
} from "../support/lifecycle.ts";
import {
  ADMIN_PASSWORD,
  type Api,
  expectError,
  frameworkFixture,
  PASSWORD,
  paths,
  uniqueId,
} from "../support/local-stack.ts";
import { signInAt } from "../support/sign-in.ts";

/**
 * The stack's own jobs, on a local stack started in this test's process (so the jobs' handler
 * modules can be invoked here against it, and it can be stopped and started again on the same
 * data): deadline reminders, a close killed half-way and run again, a deadline that passes while
 * the stack is down, and a duplicate scheduled close.
 */

const DAY = 86_400_000;
const prefix = uniqueId("jobs");
const id = (name: string) => `${prefix}-${name}`;

const departments = ["d1", "d2"].map(id);
const communes = ["c1", "c2", "c3", "c4", "c5", "c6"].map(id);
const [d1 = "", d2 = ""] = departments;
const [c1 = "", c2 = ""] = communes;
const everyUnit = [...departments, ...communes];

const periods = {
  reminders: { id: id("remind"), name: `Kỳ nhắc hạn ${prefix}` },
  killed: { id: id("killed"), name: `Kỳ đóng dở ${prefix}` },
  deadline: { id: id("deadline"), name: `Kỳ hết hạn khi dừng ${prefix}` },
};

let dataDir: string;
let running: LocalStack | undefined;
let admin: Api;
/** Unit users' IdTokens on the running stack (signed in again after a restart: the issuer changes). */
let tokens: Record<string, string>;
const log: string[] = [];

const users = [
  { username: `${prefix}.approver.d1`, roles: ["unit-approver"], unitId: d1 },
  { username: `${prefix}.approver.c1`, roles: ["unit-approver"], unitId: c1 },
  { username: `${prefix}.editor.c2`, roles: ["unit-editor"], unitId: c2 },
];

/** Starts the stack on `dataDir` (kept on disk) and signs everyone in. */
async function start(closeLagMs: number): Promise<void> {
  running = await startLocalStack({
    dataDir,
    port: 0,
    persist: true,
    demo: false,
    adminPassword: ADMIN_PASSWORD,
    closeLagMs,
    reminderIntervalMs: 500,
    log: (line) => log.push(`${new Date().toISOString()} ${line}`),
  });
  const auth = running.config.auth;
  admin = clientAt(running.url, await signInAt(auth, "admin", ADMIN_PASSWORD));
  tokens = {};
}

async function signInUsers() {
  const auth = (running as LocalStack).config.auth;
  for (const user of users) tokens[user.unitId] = await signInAt(auth, user.username, PASSWORD);
}

const as = (unitId: string) => clientAt((running as LocalStack).url, tokens[unitId]);

async function ok(reply: Promise<{ status: number; body: unknown }>, status = 200) {
  const done = await reply;
  expect(done.status, JSON.stringify(done.body)).toBe(status);
  return done.body as Row;
}

async function createPeriod(period: { id: string; name: string }, closesAtMs: number) {
  await ok(
    admin.post(paths.periods, {
      ...period,
      frameworkId: id("fw"),
      unitIds: everyUnit,
      opensAt: new Date(Date.now() - DAY).toISOString(),
      closesAt: new Date(closesAtMs).toISOString(),
    }),
    201,
  );
  await ok(admin.post(paths.transitions(period.id), { to: "open" }));
}

const submitD1 = async (periodId: string) => {
  await ok(
    as(d1).patch(paths.answers(periodId, d1), { answers: { "1.4": { value: 2 }, "2.1": { value: 9 } } }),
  );
  await ok(as(d1).post(paths.submit(periodId, d1)));
};

const heads = async (periodId: string) =>
  (await ok(admin.get(`${paths.submissions(periodId)}?limit=100`))).items as Row[];
const results = async (periodId: string) =>
  (await ok(admin.get(`${lp.results(periodId)}?limit=100`))).items as Row[];
const auditOf = async (periodId: string) =>
  (await ok(admin.get(`${paths.audit(periodEntity(periodId))}&limit=100`))).items as Row[];
const remindersOf = async (name: string) =>
  (await readOutbox(dataDir)).filter((m) => m.subject.endsWith(`: ${name}`));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "chiso-jobs-"));
  // The close fires 10 minutes after a deadline on this first start: only the restart closes.
  await start(600_000);
  await ok(admin.post(paths.frameworks, frameworkFixture(id("fw"))), 201);
  await ok(
    admin.put(paths.units, {
      units: [
        ...departments.map((u, i) => ({
          id: u,
          code: `${prefix}D${i}`.slice(-32),
          name: `Sở ${u}`,
          kind: "department",
        })),
        ...communes.map((u, i) => ({
          id: u,
          code: `${prefix}C${i}`.slice(-32),
          name: `Xã ${u}`,
          kind: "commune",
        })),
      ],
    }),
  );
  for (const user of users) await ok(admin.post(paths.users, { ...user, password: PASSWORD }), 201);
  await signInUsers();
}, 120_000);

afterAll(async () => {
  try {
    await running?.stop();
  } finally {
    running = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);

describe("deadline reminders", () => {
  it("go once, to exactly the units that have not submitted, with what is missing", async () => {
    const { id: periodId, name } = periods.reminders;
    // Opened with its deadline beyond the reminder days, so nothing is due while units submit…
    await createPeriod(periods.reminders, Date.now() + 5 * DAY);
    await submitD1(periodId);
    await ok(as(c1).post(paths.submit(periodId, c1)));
    await ok(as(c2).patch(paths.answers(periodId, c2), { answers: { "1.1": { value: true } } }));
    // …then the deadline moves to two days ahead: the three-day reminder is due.
    await ok(admin.patch(paths.period(periodId), { closesAt: new Date(Date.now() + 2 * DAY).toISOString() }));

    const waiting = everyUnit.filter((u) => u !== d1 && u !== c1);
    const sent = await waitFor(
      "the reminders",
      () => remindersOf(name),
      (messages) => messages.length >= waiting.length,
      10_000,
    );
    expect(sent.map((m) => m.unitId).sort()).toEqual([...waiting].sort());
    for (const message of sent) expect(message.subject).toBe(`[chiso] Còn 3 ngày: ${name}`);
    const draft = sent.find((m) => m.unitId === c2)?.text ?? "";
    expect(draft).toContain("Chỉ số chưa trả lời (1): 1.2.");
    expect(draft).toContain("Chỉ số thiếu tài liệu kiểm chứng (1): 1.1.");
    expect(sent.find((m) => m.unitId === d2)?.text).toContain(
      "Chỉ số chưa trả lời (8): 1.1, 1.2, 1.3, 1.4, 1.5, 2.1, 2.2, 2.3.",
    );

    // The job keeps running every 500 ms, and runs once more here: nothing more is sent.
    await sleep(1_200);
    await invokeJob("send-reminders", {});
    expect((await remindersOf(name)).map((m) => m.file)).toEqual(sent.map((m) => m.file));
  });
});

describe("a close killed half-way", () => {
  it("leaves the period closing with some submissions unlocked; the job run again completes it", async () => {
    const { id: periodId } = periods.killed;
    const closesAtMs = Math.ceil((Date.now() + DAY) / 1000) * 1000;
    await createPeriod(periods.killed, closesAtMs);
    await submitD1(periodId);

    // The close job at the deadline, whose process dies after locking three submissions.
    const real = adapters();
    const submissions = Object.create(real.submissions) as Ports["submissions"];
    submissions.lockWithResults = async (id, closedAt, heads) => {
      await real.submissions.lockWithResults(id, closedAt, heads.slice(0, 3));
      throw new Error("killed");
    };
    const dying: Ports = { ...real, submissions };
    const ctx = { actor: SCHEDULER, requestId: "killed-close", now: new Date(closesAtMs) };
    await expect(closePeriod(dying, ctx, periodId)).rejects.toThrow("killed");

    const locked = (rows: Row[]) => rows.filter((r) => r.state === "locked").length;
    await waitFor(
      "the three locks in flight",
      () => heads(periodId),
      (rows) => locked(rows) === 3,
      5_000,
    );
    await sleep(300);
    const half = await heads(periodId);
    expect(locked(half)).toBe(3);
    expect(half).toHaveLength(everyUnit.length);
    const period = await ok(admin.get(paths.period(periodId)));
    // Not yet in appraisal: the close's job failed, said so, and final scoring is refused meanwhile.
    expect(period).toMatchObject({
      state: "closing",
      job: { kind: "close", status: "failed", error: "killed" },
    });
    expectError(await admin.post(paths.transitions(periodId), { to: "final" }), 409);
    // Closed for units all the same.
    expectError(await as(d1).post(paths.withdraw(periodId, d1)), 409);
    expectError(
      await as(c2).patch(paths.answers(periodId, c2), { answers: { "1.1": { value: true } } }),
      409,
    );

    expect(await invokeJob("period-job", { periodId, kind: "close" })).toEqual({
      periodId,
      kind: "close",
      changed: true,
      state: "appraisal",
    });
    const closed = await ok(admin.get(paths.period(periodId)));
    expect(closed.state).toBe("appraisal");
    expect(closed.job).toMatchObject({ kind: "close", status: "succeeded", attempts: 2 });
    expect((await heads(periodId)).map((r) => r.state)).toEqual(everyUnit.map(() => "locked"));
    for (const row of await results(periodId)) {
      expect(row.submitted, row.unitId).toBe(row.unitId === d1);
      expect(row.provisional, row.unitId).not.toBeNull();
    }
    const actions = (await auditOf(periodId)).map((r) => r.action);
    expect(actions.filter((a) => a === "period.close")).toHaveLength(1);
    expect(actions.filter((a) => a === "period.scored")).toHaveLength(1);
  });
});

describe("a deadline that passes while the stack is down", () => {
  const { id: periodId } = periods.deadline;
  let startedAt = 0;

  it("closes the period at the next start", async () => {
    onTestFailed(() => console.log(`the stack's log:\n${log.join("\n")}`));
    const closesAtMs = Math.ceil((Date.now() + 5_000) / 1000) * 1000;
    await createPeriod(periods.deadline, closesAtMs);
    await submitD1(periodId);
    await ok(as(c2).patch(paths.answers(periodId, c2), { answers: { "1.1": { value: true } } }));
    expect((await ok(admin.get(paths.period(periodId)))).state).toBe("open");

    await (running as LocalStack).stop();
    running = undefined;
    await sleep(Math.max(0, closesAtMs - Date.now() + 500));
    startedAt = Date.now();
    await start(0);
    await signInUsers();
    // The stack re-arms every open period's close from the database as it starts: this one at once.
    const period = await waitFor(
      "the close at start",
      async () => ok(admin.get(paths.period(periodId))),
      (p) => p.state === "appraisal",
      10_000,
      100,
    );
    expect(Date.parse(period.closedAt)).toBeGreaterThanOrEqual(startedAt);
    const close = (await auditOf(periodId)).filter((r) => r.action === "period.close");
    expect(close).toEqual([
      expect.objectContaining({ actor: "scheduler", after: expect.objectContaining({ state: "closing" }) }),
    ]);
    expect((await heads(periodId)).map((r) => r.state)).toEqual(everyUnit.map(() => "locked"));
    for (const row of await results(periodId)) expect(row.submitted, row.unitId).toBe(row.unitId === d1);
  }, 120_000);

  it("a duplicate scheduled close changes nothing", async () => {
    expect(startedAt, "runs after the restart").toBeGreaterThan(0);
    const state = async () => ({
      period: await ok(admin.get(paths.period(periodId))),
      heads: await heads(periodId),
      results: await results(periodId),
      audit: await auditOf(periodId),
    });
    const before = await state();
    for (let i = 0; i < 2; i++)
      expect(await invokeJob("period-job", { periodId })).toEqual({
        periodId,
        kind: "close",
        changed: false,
        state: "appraisal",
      });
    expect(await state()).toEqual(before);
  });

  it("keeps what was done before the stop: the finished close, and reminders already sent", async () => {
    expect((await ok(admin.get(paths.period(periods.killed.id)))).state).toBe("appraisal");
    const before = await remindersOf(periods.reminders.name);
    expect(before).toHaveLength(everyUnit.length - 2);
    await sleep(1_200); // two more runs of the reminder job since the start (one ran at start)
    expect(await remindersOf(periods.reminders.name)).toEqual(before);
  });
});
