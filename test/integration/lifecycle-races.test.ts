import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Refusal } from "../../shared/errors.ts";
import { closeTime } from "../../shared/lifecycle.ts";
import { closePeriod, SCHEDULER } from "../../shared/services/close.ts";
import type { Ports } from "../../shared/services/context.ts";
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
  sleep,
  waitFor,
} from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createPeriod as createPeriodOverHttp,
  DEPARTMENT_ANSWERS,
  expectError,
  newUserClient,
  openPeriod,
  paths,
  type Reply,
  readAll,
  setUpWorldClients,
  stack,
  type World,
} from "../support/local-stack.ts";
import { runBundledScoreCli } from "../support/score-cli.ts";

/**
 * The period lifecycle under races: writers that meet on one period (two deadline extensions and a
 * deadline move, a deadline move and the scheduled close, appraisals and final scoring, two admins
 * asking for the same long move) must each win or lose whole, and every write that was answered 200
 * must be in what follows. Invariants are checked, never timings; each race runs many rounds with
 * random start offsets so that different interleavings occur.
 */

const HOUR = 3_600_000;
const recorders: Recorders = { armed: [], queued: [] };
let svc: Ports;
let units: Awaited<ReturnType<typeof departmentsWorld>>;
let world: World;
let admin: Api;
let reviewer: Api;
let serial = 0;

beforeAll(async () => {
  svc = stackServices(recorders);
  // A scheduler that takes a random while to arm, now and then a long one: concurrent writers' arms
  // land in any order, as EventBridge calls may. What it finally holds is the last value recorded.
  const recorded = svc.scheduler;
  const slowly = () => sleep(Math.random() < 0.3 ? 60 + Math.random() * 60 : Math.random() * 10);
  svc.scheduler = {
    arm: (id, closesAt) => slowly().then(() => recorded.arm(id, closesAt)),
    disarm: (id) => slowly().then(() => recorded.disarm(id)),
  };
  units = await departmentsWorld(svc, "races", 3);
  ({ world, admin, reviewer } = await setUpWorldClients("races"));
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
/** Rounds 0…n-1 in two lanes running at once, each lane's rounds one after another. */
const inLanes = (n: number, round: (i: number) => Promise<void>) =>
  Promise.all(
    [0, 1].map(async (lane) => {
      for (let i = lane; i < n; i += 2) await round(i);
    }),
  );
const lastArmed = (periodId: string) => recorders.armed.filter((a) => a.periodId === periodId).at(-1);

/** Refused with `code`; a "conflict" answers 409 at the edge, "unprocessable" 422. */
function refusedWith(outcome: PromiseSettledResult<unknown> | undefined, kind: string, code: string) {
  expect(outcome?.status, "refused").toBe("rejected");
  const error = (outcome as PromiseRejectedResult).reason;
  expect(error, String(error)).toBeInstanceOf(Refusal);
  expect(error).toMatchObject({ kind, code });
}
const refused = async (promise: Promise<unknown>, code: string) =>
  refusedWith((await Promise.allSettled([promise]))[0], "conflict", code);

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
    let rearmed = 0;
    const closesAtMs = wholeSecond(Date.now() + HOUR);
    const ids = await Promise.all(Array.from({ length: 16 }, () => openServicePeriod(closesAtMs)));
    // The participants are read once per process: read them now, so that no writer starts slower.
    await Promise.all(ids.map((id) => svc.periods.members(id)));
    for (const [round, id] of ids.entries()) {
      const [first, second] = Math.random() < 0.5 ? [a, b] : [b, a];
      const wanted = new Map(
        Object.entries({ [first]: closesAtMs + 2 * HOUR, [second]: closesAtMs + 3 * HOUR }),
      );
      // In two rounds of three the period's own deadline moves too: earlier than both extensions,
      // or later than both (then an extension that comes after it is no longer later: 422).
      const moved = [undefined, closesAtMs + HOUR / 2, closesAtMs + 5 * HOUR][round % 3];
      const extend =
        ([unitId, ms]: [string, number]) =>
        () =>
          extendUnitDeadline(svc, actorCtx(ADMIN), id, unitId, { closesAt: iso(ms) }) as Promise<unknown>;
      const move = () => patchPeriod(svc, actorCtx(ADMIN), id, { closesAt: iso(moved ?? 0) });
      const outcomes = await race([...[...wanted].map(extend), ...(moved ? [move] : [])]);
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
          refusedWith(outcome, "unprocessable", "deadline-not-later");
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
      // A stale arm that landed after the stored deadline had been armed (then armed again).
      const armed = recorders.armed.filter((r) => r.periodId === id).map((r) => r.closesAt);
      if (armed.slice(armed.indexOf(closeTime(period))).some((at) => at !== closeTime(period))) rearmed++;
    }
    console.log(
      `races: extensions refused by a later deadline ${refusedByALaterDeadline}, re-armed ${rearmed}`,
    );
  });

  it("over HTTP: two PUTs in parallel both answer 200; the period shows the later", async () => {
    const id = `${world.prefix}-ext`;
    await openHttpPeriod(id);
    const base = Date.parse((await admin.get(paths.period(id))).body.closesAt);
    const later = Math.random() < 0.5 ? world.a : world.b;
    const until = (unit: typeof world.a) => iso(base + (unit === later ? 3 : 2) * HOUR);
    const replies = await Promise.all(
      [world.a, world.b].map((unit) => admin.put(paths.deadline(id, unit.id), { closesAt: until(unit) })),
    );
    for (const reply of replies) expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const period = (await admin.get(paths.period(id))).body;
    expect(Date.parse(period.lastUnitDeadline)).toBe(Date.parse(until(later)));
    for (const unit of [world.a, world.b]) {
      const own = await api(unit.editor).get(paths.submission(id, unit.id));
      expect(Date.parse(own.body.closesAt), `${unit.id}'s own deadline`).toBe(Date.parse(until(unit)));
    }
  });
});

describe("a deadline move racing the scheduled close", () => {
  it("exactly one wins: the move (still open, new deadline armed) or the close (the move refused 409)", async () => {
    // Every round's period opened, then its deadline moved a few seconds ahead (one quick write each,
    // so a slow machine does not miss it): one wait, then the races.
    const ids = await Promise.all(Array.from({ length: 20 }, () => openServicePeriod(Date.now() + HOUR)));
    const closesAtMs = wholeSecond(Date.now() + 2000);
    await Promise.all(ids.map((id) => patchPeriod(svc, actorCtx(ADMIN), id, { closesAt: iso(closesAtMs) })));
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
        refusedWith(patched, "conflict", "period-closed");
        expect((closed as PromiseFulfilledResult<{ changed: boolean }>).value.changed).toBe(true);
        expect(period.state).toBe("appraisal");
        expect(Date.parse(lastArmed(id)?.closesAt ?? ""), "the refused deadline is never armed").not.toBe(
          moved,
        );
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
    const editor = actorCtx({ username: `editor.${draft}`, roles: ["unit-editor"], unitId: draft });
    const approver = (unitId: string) =>
      actorCtx({ username: `approver.${unitId}`, roles: ["unit-approver"], unitId });

    const started = await transitionPeriod(svc, actorCtx(ADMIN), id, { to: "appraisal" });
    expect(started).toMatchObject({ started: true, period: { state: "closing", job: { status: "queued" } } });
    const before = await svc.submissions.load(id, draft, "department");

    const late = { answers: { "1.4": { value: 4 } } };
    await refused(saveAnswers(svc, editor, id, draft, late, undefined), "period-not-open");
    await refused(submit(svc, approver(draft), id, draft), "period-not-open");
    await refused(withdraw(svc, approver(sent), id, sent), "period-not-open");
    const later = { closesAt: iso(Date.now() + 48 * HOUR) };
    await refused(extendUnitDeadline(svc, actorCtx(ADMIN), id, draft, later), "period-not-open");
    await refused(patchPeriod(svc, actorCtx(ADMIN), id, later), "period-closed");
    for (const to of ["final", "published", "open"])
      await refused(transitionPeriod(svc, actorCtx(ADMIN), id, { to }), "transition-not-allowed");
    // Asked again, the close answers the job already queued and starts it once more (the first
    // invocation may have been lost after the intent was written); no second job is recorded.
    const again = await transitionPeriod(svc, actorCtx(ADMIN), id, { to: "appraisal" });
    expect(again).toMatchObject({ started: true, period: { state: "closing", job: { status: "queued" } } });
    expect(recorders.queued.filter((job) => job.periodId === id)).toEqual([
      { periodId: id, kind: "close" },
      { periodId: id, kind: "close" },
    ]);
    expect((await svc.periods.require(id)).job).toMatchObject({ status: "queued", attempts: 0 });

    // Both invocations run: one does the work, the other finds nothing left to do.
    const runs = await Promise.all([1, 2].map(() => runPeriodJob(svc, actorCtx(SCHEDULER), id, "close")));
    expect(runs.filter((r) => r.changed)).toHaveLength(1);
    expect(await svc.periods.require(id)).toMatchObject({ state: "appraisal", job: { status: "succeeded" } });
    const after = await svc.submissions.load(id, draft, "department");
    expect(after.head).toMatchObject({ state: "locked", submitted: false });
    expect(after.answers).toEqual(before.answers);
    expect((await svc.submissions.load(id, sent, "department")).head).toMatchObject({
      state: "locked",
      submitted: true,
    });
  });
});

/** A period of the HTTP world's departments a and b, open until tomorrow. */
async function openHttpPeriod(id: string): Promise<void> {
  await createPeriodOverHttp(world.admin, {
    id,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id, world.b.id],
  });
  await openPeriod(world.admin, id);
}

/** The period once its job has left `during`: in the target state if the job succeeded. */
const afterJob = (id: string, during: string) =>
  waitFor(
    `${id}'s job`,
    async () => (await admin.get(paths.period(id))).body as Row,
    (p) => p.state !== during || p.job?.status === "failed",
    30_000,
    50,
  );

/** Unit a's contests and the values they are decided to (each changes a's points); 1.3 stays open. */
const DECISIONS = Object.entries({ "1.4": 1, "1.5": 1, "2.2": 100 });

/**
 * A period where a and b answered and submitted, in appraisal; or, for a race of decisions, in the
 * explanation round with a's contests of the DECISIONS leaves and 1.3 open.
 */
async function reviewedPeriod(id: string, explanation: boolean): Promise<void> {
  await openHttpPeriod(id);
  for (const [unit, answers] of [
    [world.a, DEPARTMENT_ANSWERS],
    [world.b, { ...DEPARTMENT_ANSWERS, "1.4": { value: 1 } }],
  ] as const) {
    expect((await api(unit.editor).patch(paths.answers(id, unit.id), { answers })).status).toBe(200);
    expect((await api(unit.approver).post(paths.submit(id, unit.id))).status).toBe(200);
  }
  await moveTo(admin, id, "appraisal");
  if (!explanation) return;
  const explanationClosesAt = iso(Date.now() + 72 * HOUR);
  expect((await admin.patch(paths.period(id), { explanationClosesAt })).status).toBe(200);
  await moveTo(admin, id, "explanation");
  for (const code of [...DECISIONS.map(([code]) => code), "1.3"]) {
    const contest = { explanation: "Đơn vị đề nghị xem xét lại" };
    expect((await api(world.a.approver).post(lp.contest(id, world.a.id, code), contest)).status).toBe(201);
  }
}

/**
 * The i-th review write of unit a in a round: an appraisal of 1.4, alternating 4 and 1 (1.4 needs no
 * evidence, so they score 10 and 2 points: one that final scoring missed shows in the published
 * points); in the explanation round, the decision of the i-th contest, until there is none left.
 */
function reviewWrite(id: string, explanation: boolean, i: number) {
  if (!explanation) {
    const value = i % 2 ? 1 : 4;
    const body = { value, reason: `Lượt ${i}` };
    return { code: "1.4", value, send: () => reviewer.put(lp.appraisal(id, world.a.id, "1.4"), body) };
  }
  const [code, value] = DECISIONS[i] ?? [];
  const body = { outcome: "changed", value, reason: "Đã xác minh lại" };
  return code && { code, value, send: () => reviewer.put(lp.contest(id, world.a.id, code), body) };
}

describe("review writes racing final scoring", () => {
  it("every appraisal or decision answered 200 is in the final scores and the published files", async () => {
    let afterTheMove = 0;
    // Six rounds of appraisals in a tight loop, then two of contest decisions (explanation round).
    // Two lanes of rounds at once: the stack under load reorders more.
    await inLanes(8, async (round) => {
      const explanation = round >= 6;
      const id = `${world.prefix}-fin${round}`;
      await reviewedPeriod(id, explanation);
      const accepted: { code: string; value: unknown; at: string }[] = [];
      const fireAfter = 1 + Math.floor(Math.random() * (explanation ? 2 : 4));
      let moved: Promise<Reply> | undefined;
      let moveSent = false;
      let refusal: Reply | undefined;
      // Sequential writes until the first refusal; the admin's move is sent at a random moment
      // after the k-th 200, so that it lands anywhere inside the next writes.
      for (let i = 0; i < 2000; i++) {
        const write = reviewWrite(id, explanation, i);
        if (!write) break;
        const reply = await write.send();
        if (reply.status !== 200) {
          refusal = reply;
          break;
        }
        accepted.push({ code: write.code, value: write.value, at: reply.body.at ?? reply.body.decision.at });
        if (moveSent) afterTheMove++;
        if (accepted.length === fireAfter)
          moved = sleep(Math.random() * 40).then(() => {
            moveSent = true;
            return admin.post(paths.transitions(id), { to: "final" });
          });
      }
      expect((await moved)?.status).toBe(202);
      if (!explanation) expect(refusal, "the loop ended at a refusal").toBeDefined();
      if (refusal) expectError(refusal, 409, explanation ? "not-explanation-round" : "appraisal-closed");

      // Once final scoring has begun, nothing of the review is taken any more.
      const contest = { explanation: "Đơn vị đề nghị xem lại" };
      expectError(await api(world.a.approver).post(lp.contest(id, world.a.id, "2.1"), contest), 409);
      const upheld = { outcome: "upheld", reason: "Giữ nguyên" };
      const late = await reviewer.put(lp.contest(id, world.a.id, "1.3"), upheld);
      expectError(late, 409, explanation ? "not-explanation-round" : undefined);
      expectError(await reviewer.put(lp.appraisal(id, world.b.id, "1.4"), { accept: true }), 409);

      const final = await afterJob(id, "finalizing");
      expect(final.state, JSON.stringify(final.job)).toBe("final");
      for (const { at } of accepted)
        expect(Date.parse(at), "accepted before final scoring began").toBeLessThan(
          Date.parse(final.finalizedAt),
        );

      // What counts per leaf: the last value answered 200; else the unit's own.
      const expected = new Map(accepted.map((w) => [w.code, w.value]));
      const results = await admin.get(`${lp.results(id)}?unitId=${encodeURIComponent(world.a.id)}`);
      const exported = await admin.get(`${lp.export(id)}?stage=final`);
      for (const code of explanation ? DECISIONS.map(([code]) => code) : ["1.4"]) {
        const leaf = results.body.items[0].leaves.find((l: Row) => l.code === code);
        const own = DEPARTMENT_ANSWERS[code as keyof typeof DEPARTMENT_ANSWERS].value;
        expect(leaf.final.value, `${code} in the ledger`).toEqual(expected.get(code) ?? own);
        expect(explanation ? leaf.contest.decision?.value : leaf.appraisal.value).toEqual(expected.get(code));
        const inExport = exported.body.appraisals?.[world.a.id]?.[code];
        expect(inExport, `${code} in the export`).toEqual(expected.get(code));
      }

      // The published files are the score CLI's output on the export, byte for byte.
      await moveTo(admin, id, "published");
      const file = join(stack().dataDir, `${id}-export.json`); // removed with the stack
      await writeFile(file, JSON.stringify((await admin.get(`${lp.export(id)}?stage=final`)).body));
      // The CLI's source bundled (node starts it in a fifth of tsx's time; publication.test.ts and
      // job-crashes.test.ts run it as the organiser does, the same bytes).
      const cli = await runBundledScoreCli(file);
      expect(cli.code, cli.stderr).toBe(0);
      for (const path of [`/public/rankings/${id}.json`, `/public/rankings/${id}/v1.json`]) {
        const published = await fetchPublic(stack().url, path);
        expect(published.bytes.toString("utf8"), path).toBe(cli.stdout);
      }
      const units = JSON.parse(cli.stdout).groups.flatMap((g: Row) => g.units);
      const a = units.find((u: Row) => u.code === world.a.code);
      expect(a.points, "the published points are a's kept final result").toBe(
        results.body.items[0].final.points,
      );
    });
    console.log(`races: review writes answered 200 after the move to final was sent: ${afterTheMove}`);
  }, 120_000);
});

describe("two admins asking for the same long move at once", () => {
  it("start one job per move: one intent, one run, one result", async () => {
    const second = await newUserClient(world.admin, { username: `${world.prefix}.admin2`, roles: ["admin"] });
    const admins = [admin, second];
    const moves = [
      { to: "appraisal", during: "closing", intent: "period.close-early", done: "period.scored" },
      { to: "final", during: "finalizing", intent: "period.transition", done: "period.transition" },
      { to: "published", during: "publishing", intent: "period.publishing", done: "period.publish" },
    ];
    const answers = { both202: 0, one409: 0 };
    // Two lanes of rounds at once: the stack under load reorders more.
    await inLanes(10, async (round) => {
      const id = `${world.prefix}-dbl${round}`;
      await openHttpPeriod(id);
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
        answers[replies.every((r) => r.status === 202) ? "both202" : "one409"]++;
        const period = await afterJob(id, move.during);
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
    });
    // The two lanes published at the same moments: the open-data index lists every one of them.
    const index = JSON.parse(
      (await fetchPublic(stack().url, "/public/rankings/index.json")).bytes.toString(),
    );
    const listed = new Set(index.periods.map((p: { periodId: string }) => p.periodId));
    const ours = Array.from({ length: 10 }, (_, round) => `${world.prefix}-dbl${round}`);
    expect(
      ours.filter((id) => !listed.has(id)),
      "published periods missing from index.json",
    ).toEqual([]);
    console.log(`races: double moves — both answered 202 ${answers.both202}, one 409 ${answers.one409}`);
  }, 120_000);
});
