import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Refusal } from "../../shared/errors.ts";
import { closeTime } from "../../shared/lifecycle.ts";
import { closePeriod, SCHEDULER } from "../../shared/services/close.ts";
import type { Services } from "../../shared/services/context.ts";
import { createPeriod, extendUnitDeadline, patchPeriod } from "../../shared/services/periods.ts";
import { saveAnswers, submit, withdraw } from "../../shared/services/submissions.ts";
import { runPeriodJob, transitionPeriod } from "../../shared/services/transitions.ts";
import {
  ADMIN,
  actorCtx,
  answeredPeriod,
  departmentsWorld,
  type Recorders,
  stackServices,
} from "../support/in-process.ts";
import {
  fetchPublic,
  lifecyclePaths as lp,
  moveTo,
  periodEntity,
  type Row,
  runScoreCli,
  sleep,
  waitFor,
} from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createPeriod as createPeriodOverHttp,
  createUser,
  DEPARTMENT_ANSWERS,
  expectError,
  openPeriod,
  PASSWORD,
  paths,
  type Reply,
  readAll,
  setUpWorld,
  signIn,
  stack,
  type World,
} from "../support/local-stack.ts";

/**
 * The period lifecycle under races: writers that meet on one period (two deadline extensions and a
 * deadline move, a deadline move and the scheduled close, appraisals and final scoring, two admins
 * asking for the same long move) must each win or lose whole, and every write that was answered 200
 * must be in what follows. Invariants are checked, never timings; each race runs many rounds with
 * random start offsets so that different interleavings occur.
 */

const HOUR = 3_600_000;
const recorders: Recorders = { armed: [], queued: [] };
let svc: Services;
let units: Awaited<ReturnType<typeof departmentsWorld>>;
let world: World;
let admin: Api;
let reviewer: Api;
let work: string;
let serial = 0;

beforeAll(async () => {
  svc = stackServices(recorders);
  // A scheduler that takes a random while to arm: concurrent writers' arms land in any order, as
  // EventBridge calls may. What it finally holds is the last value recorded.
  const recorded = svc.scheduler;
  svc.scheduler = {
    arm: async (id, closesAt) => {
      await sleep(Math.random() * 20);
      await recorded.arm(id, closesAt);
    },
    disarm: async (id) => {
      await sleep(Math.random() * 20);
      await recorded.disarm(id);
    },
  };
  units = await departmentsWorld(svc, "races", 3);
  world = await setUpWorld("races");
  admin = api(world.admin);
  reviewer = api(world.reviewer);
  work = await mkdtemp(join(tmpdir(), "chiso-races-"));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const iso = (ms: number) => new Date(ms).toISOString();
/** Deadlines are kept to the second. */
const wholeSecond = (ms: number) => Math.ceil(ms / 1000) * 1000;
/** Each writer starts after its own random few milliseconds: the order of arrival varies by round. */
async function shortlyAfter<T>(write: () => Promise<T>): Promise<T> {
  await sleep(Math.random() * 8);
  return write();
}
const race = <T>(writers: (() => Promise<T>)[]) => Promise.allSettled(writers.map(shortlyAfter));
const lastArmed = (periodId: string) => recorders.armed.filter((a) => a.periodId === periodId).at(-1);

function refusedWith(outcome: PromiseSettledResult<unknown> | undefined, code: string): void {
  expect(outcome?.status).toBe("rejected");
  const error = (outcome as PromiseRejectedResult).reason;
  expect(error, String(error)).toBeInstanceOf(Refusal);
  expect((error as Refusal).code).toBe(code);
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "refused").toBeInstanceOf(Refusal);
  expect(error as Refusal).toMatchObject({ kind: "conflict", code }); // 409 at the edge
}

/** An open period of the in-process world's units (no answers), its deadline at `closesAtMs`. */
async function openServicePeriod(closesAtMs: number): Promise<string> {
  const id = `${units.prefix}-p${serial++}`;
  await createPeriod(svc, actorCtx(ADMIN), {
    id,
    name: `Kỳ ${id}`,
    frameworkId: units.frameworkId,
    unitIds: units.unitIds,
    opensAt: iso(Date.now() - 24 * HOUR),
    closesAt: iso(closesAtMs),
  });
  await transitionPeriod(svc, actorCtx(ADMIN), id, { to: "open" });
  return id;
}

describe("two unit-deadline extensions at once", () => {
  it("both land, the later is the period's last, the schedule follows what was stored", async () => {
    const [a, b] = units.unitIds as [string, string];
    let refusedByALaterDeadline = 0;
    for (let round = 0; round < 12; round++) {
      const closesAtMs = wholeSecond(Date.now() + HOUR);
      const id = await openServicePeriod(closesAtMs);
      const [first, second] = Math.random() < 0.5 ? [a, b] : [b, a];
      const wanted = new Map([
        [first, closesAtMs + 2 * HOUR],
        [second, closesAtMs + 3 * HOUR],
      ]);
      // In two rounds of three the period's own deadline moves too: earlier than both extensions,
      // or later than both (then an extension that comes after it is no longer later: 422).
      const moved = [undefined, closesAtMs + HOUR / 2, closesAtMs + 5 * HOUR][round % 3];
      const writers = [...wanted].map(
        ([unitId, ms]) =>
          () =>
            extendUnitDeadline(svc, actorCtx(ADMIN), id, unitId, { closesAt: iso(ms) }) as Promise<unknown>,
      );
      if (moved) writers.push(() => patchPeriod(svc, actorCtx(ADMIN), id, { closesAt: iso(moved) }));
      const outcomes = await race(writers);
      if (moved)
        expect(outcomes[2]?.status, String((outcomes[2] as PromiseRejectedResult).reason)).toBe("fulfilled");

      const period = await svc.periods.require(id);
      expect(period.state).toBe("open");
      expect(Date.parse(period.closesAt)).toBe(moved ?? closesAtMs);
      const landed: number[] = [];
      for (const [i, [unitId, ms]] of [...wanted].entries()) {
        const outcome = outcomes[i];
        if (outcome?.status === "rejected") {
          expect(moved, "only a later deadline of the period refuses an extension").toBeGreaterThan(ms);
          refusedWith(outcome, "deadline-not-later");
          refusedByALaterDeadline++;
        } else landed.push(ms);
        const { head } = await svc.submissions.load(id, unitId, "department");
        const until = head.extendedUntil ? Date.parse(head.extendedUntil) : undefined;
        expect(until, `${unitId}'s own deadline`).toBe(outcome?.status === "fulfilled" ? ms : undefined);
      }
      if (!moved || moved < closesAtMs + 2 * HOUR) expect(landed).toHaveLength(2);
      const last = period.lastUnitDeadline ? Date.parse(period.lastUnitDeadline) : undefined;
      expect(last, "the period's last unit deadline").toBe(landed.length ? Math.max(...landed) : undefined);
      expect(lastArmed(id)?.closesAt, "what the schedule holds last").toBe(closeTime(period));
    }
    console.log(`races: extensions refused by a deadline moved past them: ${refusedByALaterDeadline}`);
  });

  it("over HTTP: two PUTs of unit deadlines in parallel both answer 200; the period shows the later", async () => {
    for (let round = 0; round < 2; round++) {
      const id = `${world.prefix}-ext${round}`;
      await createPeriodOverHttp(world.admin, {
        id,
        frameworkId: world.frameworkId,
        unitIds: [world.a.id, world.b.id, world.c.id],
      });
      await openPeriod(world.admin, id);
      const base = Date.parse((await admin.get(paths.period(id))).body.closesAt);
      const later = round ? world.a : world.b;
      const until = (unit: typeof world.a) => iso(base + (unit === later ? 3 : 2) * HOUR);
      const replies = await Promise.all(
        [world.a, world.b].map((unit) =>
          admin.put(`${paths.unit(id, unit.id)}/deadline`, { closesAt: until(unit) }),
        ),
      );
      for (const reply of replies) expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const period = (await admin.get(paths.period(id))).body;
      expect(Date.parse(period.lastUnitDeadline)).toBe(Date.parse(until(later)));
      for (const unit of [world.a, world.b]) {
        const own = await api(unit.editor).get(paths.submission(id, unit.id));
        expect(Date.parse(own.body.closesAt), unit.id).toBe(Date.parse(until(unit)));
      }
    }
  });
});

describe("a deadline move racing the scheduled close", () => {
  it("exactly one wins: the move (still open, new deadline armed) or the close (the move refused 409)", async () => {
    const ROUNDS = 20;
    // One deadline for every round's period, a few seconds ahead: one wait, then the races.
    const closesAtMs = wholeSecond(Date.now() + 3000);
    const ids = await Promise.all(Array.from({ length: ROUNDS }, () => openServicePeriod(closesAtMs)));
    await sleep(closesAtMs - Date.now() + 50);
    const wins = { move: 0, close: 0 };
    for (const id of ids) {
      const moved = wholeSecond(Date.now() + 24 * HOUR);
      // Both contexts are taken after the deadline: the close is due, the new deadline is ahead.
      const [closed, patched] = await race<unknown>([
        () => closePeriod(svc, actorCtx(SCHEDULER), id),
        () => patchPeriod(svc, actorCtx(ADMIN), id, { closesAt: iso(moved) }),
      ]);
      expect(closed?.status, String((closed as PromiseRejectedResult).reason)).toBe("fulfilled");
      const period = await svc.periods.require(id);
      const actions = (await svc.audit.list({ entity: periodEntity(id) }, { limit: 100 })).items.map(
        (r) => r.action,
      );
      if (patched?.status === "fulfilled") {
        wins.move++;
        expect(period.state, "a move answered 200 leaves the period open").toBe("open");
        expect(Date.parse(period.closesAt)).toBe(moved);
        expect((closed as PromiseFulfilledResult<{ changed: boolean }>).value.changed).toBe(false);
        expect(lastArmed(id)?.closesAt).toBe(closeTime(period));
        expect(actions).not.toContain("period.close");
      } else {
        wins.close++;
        refusedWith(patched, "period-closed");
        expect(period.state).toBe("appraisal");
        expect(Date.parse(period.closesAt), "the refused move changed nothing").toBe(closesAtMs);
        expect(actions.filter((a) => a === "period.close")).toHaveLength(1);
        expect(actions.filter((a) => a === "period.scored")).toHaveLength(1);
      }
    }
    console.log(`races: deadline move vs scheduled close — move won ${wins.move}, close won ${wins.close}`);
  });
});

describe("while the close job is queued", () => {
  it("refuses unit writes, deadline changes and the next moves (409); the close then runs once", async () => {
    const id = `${units.prefix}-closing`;
    const submitted = await answeredPeriod(svc, units, id);
    const draft = units.unitIds.find((u) => !submitted.has(u)) as string;
    const sent = units.unitIds.find((u) => submitted.has(u)) as string;
    const editor = { username: `editor.${draft}`, roles: ["unit-editor" as const], unitId: draft };
    const approverOf = (unitId: string) => ({
      username: `approver.${unitId}`,
      roles: ["unit-approver" as const],
      unitId,
    });

    const started = await transitionPeriod(svc, actorCtx(ADMIN), id, { to: "appraisal" });
    expect(started).toMatchObject({ started: true, period: { state: "closing", job: { status: "queued" } } });
    const before = await svc.submissions.load(id, draft, "department");

    const late = { answers: { "1.4": { value: 4 } } };
    await refused(saveAnswers(svc, actorCtx(editor), id, draft, late, undefined), "period-not-open");
    await refused(submit(svc, actorCtx(approverOf(draft)), id, draft), "period-not-open");
    await refused(withdraw(svc, actorCtx(approverOf(sent)), id, sent), "period-not-open");
    const later = { closesAt: iso(Date.now() + 48 * HOUR) };
    await refused(extendUnitDeadline(svc, actorCtx(ADMIN), id, draft, later), "period-not-open");
    await refused(patchPeriod(svc, actorCtx(ADMIN), id, later), "period-closed");
    for (const to of ["final", "published", "open"])
      await refused(transitionPeriod(svc, actorCtx(ADMIN), id, { to }), "transition-not-allowed");
    // Asked again, the close answers the job already queued and queues nothing more.
    const again = await transitionPeriod(svc, actorCtx(ADMIN), id, { to: "appraisal" });
    expect(again).toMatchObject({ started: true, period: { state: "closing", job: { status: "queued" } } });
    expect(recorders.queued.filter((job) => job.periodId === id)).toEqual([{ periodId: id, kind: "close" }]);

    await runPeriodJob(svc, actorCtx(SCHEDULER), id, "close");
    expect(await svc.periods.require(id)).toMatchObject({ state: "appraisal", job: { status: "succeeded" } });
    const after = await svc.submissions.load(id, draft, "department");
    expect(after.head).toMatchObject({ state: "locked", submitted: false });
    expect(after.answers).toEqual(before.answers);
    const sentHead = (await svc.submissions.load(id, sent, "department")).head;
    expect(sentHead).toMatchObject({ state: "locked", submitted: true });
  });
});

/** An open period of the HTTP world where a and b answered and submitted, moved to appraisal. */
async function appraisalPeriod(id: string): Promise<void> {
  await createPeriodOverHttp(world.admin, {
    id,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id, world.b.id],
  });
  await openPeriod(world.admin, id);
  for (const [unit, answers] of [
    [world.a, DEPARTMENT_ANSWERS],
    [world.b, { ...DEPARTMENT_ANSWERS, "1.4": { value: 1 } }],
  ] as const) {
    expect((await api(unit.editor).patch(paths.answers(id, unit.id), { answers })).status).toBe(200);
    expect((await api(unit.approver).post(paths.submit(id, unit.id))).status).toBe(200);
  }
  await moveTo(admin, id, "appraisal");
}

async function cliOutput(id: string): Promise<string> {
  const exported = await admin.get(`${lp.export(id)}?stage=final`);
  expect(exported.status, JSON.stringify(exported.body)).toBe(200);
  const file = join(work, `${id}.json`);
  await writeFile(file, JSON.stringify(exported.body));
  const run = await runScoreCli(file);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe("appraisals racing final scoring", () => {
  it("every appraisal answered 200 is in the final scores and the published files", async () => {
    for (let round = 0; round < 6; round++) {
      const id = `${world.prefix}-fin${round}`;
      await appraisalPeriod(id);
      // 1.4 has no evidence requirement, so each value scores differently (4 → 10 points, 1 → 2):
      // an appraisal that final scoring missed would change the published points.
      const accepted: { value: number; at: string }[] = [];
      const fireAfter = 1 + Math.floor(Math.random() * 4);
      let moved: Promise<Reply> | undefined;
      let refusal: Reply | undefined;
      for (let i = 0; i < 2000 && !refusal; i++) {
        const value = i % 2 ? 1 : 4;
        const reply = await reviewer.put(lp.appraisal(id, world.a.id, "1.4"), { value, reason: `Lượt ${i}` });
        if (reply.status === 200) accepted.push(reply.body);
        else refusal = reply;
        if (accepted.length === fireAfter && !moved)
          moved = admin.post(paths.transitions(id), { to: "final" });
      }
      expect(refusal, "the loop ended at a refusal").toBeDefined();
      expectError(refusal as Reply, 409, "appraisal-closed");
      expect((await moved)?.status).toBe(202);
      const last = accepted.at(-1)?.value;

      // Once final scoring has begun, nothing of the review is taken any more.
      const contest = { explanation: "Đơn vị đề nghị xem lại" };
      expectError(await api(world.a.approver).post(lp.contest(id, world.a.id, "2.1"), contest), 409);
      const decision = { outcome: "upheld", reason: "Giữ nguyên" };
      expectError(await reviewer.put(lp.contest(id, world.a.id, "1.4"), decision), 409);
      expectError(await reviewer.put(lp.appraisal(id, world.b.id, "1.4"), { accept: true }), 409);

      const final = await waitFor(
        `${id} final`,
        async () => (await admin.get(paths.period(id))).body as Row,
        (p) => p.state !== "finalizing" || p.job?.status === "failed",
        30_000,
        100,
      );
      expect(final.state, JSON.stringify(final.job)).toBe("final");
      for (const { at } of accepted)
        expect(Date.parse(at), "accepted before final scoring began").toBeLessThan(
          Date.parse(final.finalizedAt),
        );

      const results = await admin.get(`${lp.results(id)}?unitId=${encodeURIComponent(world.a.id)}`);
      const leaf = results.body.items[0].leaves.find((l: Row) => l.code === "1.4");
      expect(leaf.appraisal.value, "the ledger's appraisal").toBe(last);
      expect(leaf.final.value).toBe(last);
      const exported = await admin.get(`${lp.export(id)}?stage=final`);
      expect(exported.body.appraisals[world.a.id]["1.4"], "the export's appraisal").toBe(last);

      await moveTo(admin, id, "published");
      const cli = await cliOutput(id);
      for (const path of [`/public/rankings/${id}.json`, `/public/rankings/${id}/v1.json`]) {
        const file = await fetchPublic(stack().url, path);
        expect(file.status).toBe(200);
        expect(file.bytes.toString("utf8"), path).toBe(cli);
      }
      const published = JSON.parse(cli);
      const unitA = published.groups.flatMap((g: Row) => g.units).find((u: Row) => u.code === world.a.code);
      expect(unitA.points).toBe(results.body.items[0].final.points);
    }
  }, 120_000);
});

describe("two admins asking for the same long move at once", () => {
  it("start one job per move: one intent, one run, one result", async () => {
    const second = `${world.prefix}.admin2`;
    await createUser(world.admin, { username: second, roles: ["admin"] });
    const admins = [admin, api(await signIn(second, PASSWORD))];
    const moves = [
      { to: "appraisal", during: "closing", intent: "period.close-early", done: "period.scored" },
      { to: "final", during: "finalizing", intent: "period.transition", done: "period.transition" },
      { to: "published", during: "publishing", intent: "period.publishing", done: "period.publish" },
    ];
    for (let round = 0; round < 10; round++) {
      const id = `${world.prefix}-dbl${round}`;
      await createPeriodOverHttp(world.admin, {
        id,
        frameworkId: world.frameworkId,
        unitIds: [world.a.id, world.b.id],
      });
      await openPeriod(world.admin, id);
      for (const move of moves) {
        const replies = await Promise.all(
          admins.map((client) => shortlyAfter(() => client.post(paths.transitions(id), { to: move.to }))),
        );
        for (const reply of replies) {
          if (reply.status === 409) expectError(reply, 409, "transition-not-allowed");
          else {
            expect(reply.status, JSON.stringify(reply.body)).toBe(202);
            expect(reply.body.state).toBe(move.during);
          }
        }
        expect(replies.some((r) => r.status === 202)).toBe(true);
        const period = await waitFor(
          `${id} → ${move.to}`,
          async () => (await admin.get(paths.period(id))).body as Row,
          (p) => p.state !== move.during || p.job?.status === "failed",
          30_000,
          50,
        );
        expect(period.state, JSON.stringify(period.job)).toBe(move.to);
        expect(period.job, "one attempt ran").toMatchObject({ status: "succeeded", attempts: 1 });
      }
      const audit = await readAll<Row>(admin, paths.audit(periodEntity(id)));
      for (const move of moves) {
        const intents = audit.filter((r) => r.action === move.intent && r.after?.state === move.during);
        const done = audit.filter((r) => r.action === move.done && r.before?.state === move.during);
        expect(intents, `${id}: ${move.intent}`).toHaveLength(1);
        expect(done, `${id}: ${move.done}`).toHaveLength(1);
      }
      expect(audit.filter((r) => r.action === "period.job-retry")).toEqual([]);
      expect((await admin.get(paths.period(id))).body.publication.version).toBe(1);
    }
  }, 120_000);
});
