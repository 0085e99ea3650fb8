import { beforeAll, describe, expect, it } from "vitest";
import {
  createReviewer,
  lifecyclePaths as lp,
  moveTo,
  periodEntity,
  type Row,
  waitFor,
} from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createClosingPeriod,
  DEPARTMENT_ANSWERS,
  expectError,
  expectInvalid,
  paths,
  readAll,
  setUpWorldClients,
  signedInAs,
  submissionEntity,
  type World,
} from "../support/local-stack.ts";
import { CLOSE_LAG_MS } from "../support/stack-info.ts";

/**
 * The second half of a period's life on the shared local stack, over HTTP (DOMAIN.md §6): the close
 * (an admin's early close, and the scheduled close firing by itself), appraisal, the explanation
 * round, the results ledger and the audit trail. Publication: publication.test.ts; the stack's own
 * jobs across a restart, a close killed half-way and reminders: scheduled-jobs.test.ts.
 */

let world: World;
let admin: Api;
let reviewer: Api;
/** A period of the world's units whose deadline is seconds ahead: the last test sees it close by itself. */
let scheduled: { id: string; closesAtMs: number };

const HOUR = 3_600_000;

/** Units a and b (departments) answer every leaf; a (and b when `bSubmits`) submit; c does nothing. */
async function selfAssess(periodId: string, bSubmits: boolean) {
  const saveA = await api(world.a.editor).patch(paths.answers(periodId, world.a.id), {
    answers: DEPARTMENT_ANSWERS,
  });
  expect(saveA.status, JSON.stringify(saveA.body)).toBe(200);
  const saveB = await api(world.b.editor).patch(paths.answers(periodId, world.b.id), {
    answers: DEPARTMENT_ANSWERS,
  });
  expect(saveB.status, JSON.stringify(saveB.body)).toBe(200);
  const submitters = bSubmits ? [world.a, world.b] : [world.a];
  for (const unit of submitters) {
    const submitted = await api(unit.approver).post(paths.submit(periodId, unit.id));
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  }
}

beforeAll(async () => {
  ({ world, admin, reviewer } = await setUpWorldClients("lifecycle"));
  // Created first so that its deadline (and the stack's close, CLOSE_LAG_MS later) passes while the
  // other tests run: a submitted, b left a draft, c never wrote anything.
  scheduled = await createClosingPeriod(world, "sched", 5);
  await selfAssess(scheduled.id, false);
  await selfAssess(world.periodId, true);
});

/** After a close: every unit write is refused 409, every submission is locked, non-submitters are recorded. */
async function expectClosed(periodId: string, submitted: Set<string>) {
  const late = { "1.4": { value: 4 } };
  for (const unit of [world.a, world.b])
    expectError(await api(unit.editor).patch(paths.answers(periodId, unit.id), { answers: late }), 409);
  expectError(await api(world.b.approver).post(paths.submit(periodId, world.b.id)), 409);
  expectError(await api(world.a.approver).post(paths.withdraw(periodId, world.a.id)), 409);
  const link = { indicatorCodes: ["1.3"], url: "https://late.example.gov.vn", title: "Muộn" };
  expectError(await api(world.a.editor).post(paths.evidence(periodId, world.a.id), link), 409);

  for (const unit of [world.a, world.b, world.c]) {
    const own = await api(unit.editor).get(paths.submission(periodId, unit.id));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ state: "locked", editable: false });
  }
  const rows = await readAll<{ unitId: string; state: string; submittedAt: string | null }>(
    admin,
    paths.submissions(periodId),
  );
  expect(rows.map((r) => [r.unitId, r.state]).sort()).toEqual(
    [world.a.id, world.b.id, world.c.id].map((id) => [id, "locked"]),
  );
  for (const row of rows) expect(row.submittedAt !== null).toBe(submitted.has(row.unitId));

  const results = await readAll<{
    unitId: string;
    submitted: boolean;
    provisional: { points: number; flags: string[] } | null;
  }>(admin, lp.results(periodId));
  expect(results).toHaveLength(3);
  for (const row of results) {
    expect(row.submitted, row.unitId).toBe(submitted.has(row.unitId));
    expect(row.provisional, row.unitId).not.toBeNull();
    if (!row.submitted) expect(row.provisional).toMatchObject({ points: 0, flags: ["not-submitted"] });
  }
}

describe("the early close (an admin closes before the deadline)", () => {
  it("refuses appraisals and contests while the period is open (409)", async () => {
    expectError(await reviewer.put(lp.appraisal(world.periodId, world.a.id, "1.1"), { accept: true }), 409);
    const contest = { explanation: "Chưa đến lúc" };
    expectError(
      await api(world.a.approver).post(lp.contest(world.periodId, world.a.id, "1.4"), contest),
      409,
    );
    expectError(await admin.get(lp.results(world.periodId)), 409);
  });

  it("closes once; a second close is refused 409 and changes nothing", async () => {
    const closed = await moveTo(admin, world.periodId, "appraisal");
    expect(closed.closing).toBeUndefined();
    expect(Date.parse(closed.closedAt)).toBeLessThan(Date.parse(closed.closesAt));

    const state = async () => ({
      period: (await admin.get(paths.period(world.periodId))).body,
      submissions: await readAll(admin, paths.submissions(world.periodId)),
      results: await readAll(admin, lp.results(world.periodId)),
      audit: await readAll(admin, paths.audit(periodEntity(world.periodId))),
    });
    const before = await state();
    expect(before.period).toMatchObject({ state: "appraisal", counts: { units: 3, submitted: 2 } });
    expectError(await admin.post(paths.transitions(world.periodId), { to: "appraisal" }), 409);
    expectError(await admin.post(paths.transitions(world.periodId), { to: "open" }), 409);
    expect(await state()).toEqual(before);
    const actions = before.audit.map((r) => r.action);
    expect(actions.filter((a) => a === "period.close-early")).toHaveLength(1);
    expect(actions.filter((a) => a === "period.scored")).toHaveLength(1);
  });

  it("then refuses every unit write (409), locks every submission and records who did not submit", async () => {
    await expectClosed(world.periodId, new Set([world.a.id, world.b.id]));
  });
});

describe("appraisal", () => {
  it("refuses a reviewer limited to other groups or other top-level nodes (403)", async () => {
    const p = world.prefix;
    await createReviewer(admin, `${p}.rev.commune`, { scope: { groups: ["commune"] } });
    await createReviewer(admin, `${p}.rev.pillar2`, { scope: { nodes: ["2"] } });
    const communeOnly = await signedInAs(`${p}.rev.commune`);
    const pillar2Only = await signedInAs(`${p}.rev.pillar2`);
    expectError(
      await communeOnly.put(lp.appraisal(world.periodId, world.a.id, "2.1"), { accept: true }),
      403,
    );
    expectError(
      await pillar2Only.put(lp.appraisal(world.periodId, world.a.id, "1.1"), { accept: true }),
      403,
    );
    // Within their field they appraise.
    const commune = await communeOnly.put(lp.appraisal(world.periodId, world.c.id, "1.2"), { accept: true });
    expect(commune.status, JSON.stringify(commune.body)).toBe(200);
    const pillar = await pillar2Only.put(lp.appraisal(world.periodId, world.a.id, "2.1"), { accept: true });
    expect(pillar.status, JSON.stringify(pillar.body)).toBe(200);
    expect(pillar.body).toMatchObject({ code: "2.1", value: 12.5, accepted: true, by: `${p}.rev.pillar2` });
  });

  it("refuses a reviewer who belongs to the unit on that unit (403) and lets them appraise another", async () => {
    const username = `${world.prefix}.rev.of-a`;
    await createReviewer(admin, username, { unitId: world.a.id });
    const ownUnit = await signedInAs(username);
    expectError(await ownUnit.put(lp.appraisal(world.periodId, world.a.id, "1.5"), { accept: true }), 403);
    const other = await ownUnit.put(lp.appraisal(world.periodId, world.b.id, "2.1"), { accept: true });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
  });

  it("accepts a leaf or sets a value in its domain with a reason; a value outside it is 422", async () => {
    const accepted = await reviewer.put(lp.appraisal(world.periodId, world.a.id, "1.1"), { accept: true });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toEqual({
      code: "1.1",
      value: true,
      accepted: true,
      by: world.reviewerName,
      at: expect.any(String),
    });
    const set = (unitId: string, code: string, value: unknown, reason: string) =>
      reviewer.put(lp.appraisal(world.periodId, unitId, code), { value, reason });
    for (const [unitId, code, value, reason] of [
      [world.a.id, "1.2", "none", "Chưa có quyết định thành lập Tổ công tác"],
      [world.a.id, "1.4", 1, "Chỉ có một biên bản họp chuyên đề"],
      [world.b.id, "1.5", 1, "Chỉ một nền tảng đã vận hành"],
    ] as const) {
      const reply = await set(unitId, code, value, reason);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ code, value, accepted: false, reason, by: world.reviewerName });
    }

    const audit = paths.audit(submissionEntity(world.periodId, world.a.id));
    const before = await readAll(admin, audit);
    expectInvalid(await set(world.a.id, "1.2", "boss", "Không có mức này"), "value");
    expectInvalid(await set(world.a.id, "1.3", { numerator: 5, denominator: 4 }, "Tử lớn hơn mẫu"), "value");
    expectInvalid(await set(world.a.id, "1.5", 2.5, "Không nguyên"), "value");
    expectError(await reviewer.put(lp.appraisal(world.periodId, world.a.id, "1.4"), { value: 2 }), 422);
    expectError(await set(world.a.id, "9.9", 1, "Không có chỉ số này"), 404);
    // Only reviewers appraise: not the unit, not an admin.
    for (const token of [world.a.approver, world.a.editor, world.admin])
      expectError(
        await api(token).put(lp.appraisal(world.periodId, world.a.id, "1.4"), { accept: true }),
        403,
      );
    expect(await readAll(admin, audit)).toEqual(before);
  });
});

describe("the explanation round", () => {
  const explanation = { explanation: "Đơn vị đã họp chuyên đề hai lần, xin xem biên bản" };

  it("refuses a contest outside the round (409), and opens only with a future explanationClosesAt", async () => {
    expectError(
      await api(world.a.approver).post(lp.contest(world.periodId, world.a.id, "1.4"), explanation),
      409,
    );
    expectError(await admin.post(paths.transitions(world.periodId), { to: "explanation" }), 409);
    const period = (await admin.get(paths.period(world.periodId))).body;
    const explanationClosesAt = new Date(Date.parse(period.closesAt) + 48 * HOUR).toISOString();
    const patched = await admin.patch(paths.period(world.periodId), { explanationClosesAt });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await moveTo(admin, world.periodId, "explanation");
    // Appraisal is over.
    expectError(await reviewer.put(lp.appraisal(world.periodId, world.a.id, "1.5"), { accept: true }), 409);
  });

  it("lets the approver contest a leaf once (201); the editor cannot (403), another unit cannot see it (404)", async () => {
    const path = lp.contest(world.periodId, world.a.id, "1.4");
    expectError(await api(world.a.editor).post(path, explanation), 403);
    expectError(await api(world.b.approver).post(path, explanation), 404);
    expectInvalid(await api(world.a.approver).post(path, { explanation: "" }), "explanation");
    const contested = await api(world.a.approver).post(path, explanation);
    expect(contested.status, JSON.stringify(contested.body)).toBe(201);
    expect(contested.body).toMatchObject({
      code: "1.4",
      ...explanation,
      evidenceIds: [],
      by: world.a.usernames.approver,
    });
    expectError(await api(world.a.approver).post(path, { explanation: "Lần hai" }), 409, "already-contested");
    const b = await api(world.b.approver).post(lp.contest(world.periodId, world.b.id, "1.5"), {
      explanation: "Hai nền tảng đã vận hành",
    });
    expect(b.status, JSON.stringify(b.body)).toBe(201);
  });

  it("lets a reviewer decide each contest once: upheld, or changed to a value in the leaf's domain", async () => {
    const decide = (client: Api, unitId: string, code: string, body: unknown) =>
      client.put(lp.contest(world.periodId, unitId, code), body);
    expectError(
      await decide(api(world.a.approver), world.a.id, "1.4", { outcome: "upheld", reason: "x" }),
      403,
    );
    const upheld = await decide(reviewer, world.a.id, "1.4", {
      outcome: "upheld",
      reason: "Biên bản thứ hai không hợp lệ",
    });
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(200);
    expectInvalid(
      await decide(reviewer, world.b.id, "1.5", { outcome: "changed", value: 1.5, reason: "x" }),
      "value",
    );
    expectInvalid(await decide(reviewer, world.b.id, "1.5", { outcome: "changed", reason: "x" }), "value");
    const changed = await decide(reviewer, world.b.id, "1.5", {
      outcome: "changed",
      value: 2,
      reason: "Đã xác minh nền tảng thứ hai",
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ code: "1.5", decision: { outcome: "changed", value: 2 } });
    expectError(await decide(reviewer, world.b.id, "1.5", { outcome: "upheld", reason: "Lại" }), 409);
    expectError(await decide(reviewer, world.a.id, "2.1", { outcome: "upheld", reason: "Không có" }), 409);
  });

  it("shows per leaf self → appraised → final with who, when and why, to reviewers for every unit", async () => {
    const items = await readAll<Row>(reviewer, lp.results(world.periodId));
    expect(items.map((i) => i.unitId).sort()).toEqual([world.a.id, world.b.id, world.c.id].sort());
    const leaf = (unitId: string, code: string) =>
      items.find((i) => i.unitId === unitId)?.leaves.find((l: { code: string }) => l.code === code);

    expect(leaf(world.a.id, "1.4")).toEqual({
      code: "1.4",
      self: {
        value: 2,
        note: null,
        by: world.a.usernames.editor,
        at: expect.any(String),
        score: 5,
        flags: [],
      },
      appraisal: {
        code: "1.4",
        value: 1,
        accepted: false,
        reason: "Chỉ có một biên bản họp chuyên đề",
        by: world.reviewerName,
        at: expect.any(String),
      },
      contest: {
        code: "1.4",
        ...explanation,
        evidenceIds: [],
        by: world.a.usernames.approver,
        at: expect.any(String),
        decision: {
          outcome: "upheld",
          reason: "Biên bản thứ hai không hợp lệ",
          by: world.reviewerName,
          at: expect.any(String),
        },
      },
      final: { value: 1, score: 2, flags: [] },
    });
    expect(leaf(world.b.id, "1.5")).toMatchObject({
      self: { value: 3, score: 6 },
      appraisal: { value: 1, reason: "Chỉ một nền tảng đã vận hành" },
      contest: { decision: { outcome: "changed", value: 2, reason: "Đã xác minh nền tảng thứ hai" } },
      final: { value: 2, score: 4 },
    });
    expect(leaf(world.a.id, "1.2")).toMatchObject({ self: { value: "deputy" }, final: { value: "none" } });
    expect(leaf(world.a.id, "1.1")).toMatchObject({
      self: { value: true, score: 0, flags: ["missing-evidence"] },
      appraisal: { accepted: true },
      // A rule change, not a weaker test (DOMAIN.md §6.5): accepting keeps the evidence rule, so the
      // accepted leaf stays at 0 and flagged; only an adjustment with a reason awards its 10 points.
      final: { value: true, score: 0, flags: ["missing-evidence"] },
    });
    expect(leaf(world.c.id, "1.1")).toMatchObject({
      self: { flags: ["not-submitted"] },
      final: { score: 0 },
    });
    const admins = await readAll(admin, lp.results(world.periodId));
    expect(admins).toEqual(items);
  });

  it("shows a unit its own results only, whatever it asks for", async () => {
    for (const unit of [world.a, world.b, world.c])
      for (const token of [unit.editor, unit.approver])
        for (const query of ["", `?unitId=${world.a.id === unit.id ? world.b.id : world.a.id}`]) {
          const reply = await api(token).get(`${lp.results(world.periodId)}${query}`);
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          expect(reply.body.items.map((i: { unitId: string }) => i.unitId)).toEqual([unit.id]);
        }
  });

  it("final scoring uses the appraised values and freezes them; the round is then over (409)", async () => {
    const final = await moveTo(admin, world.periodId, "final");
    expect(final.finalizedAt).toEqual(expect.any(String));
    const results = await readAll<Row>(admin, lp.results(world.periodId));
    const of = (id: string) => results.find((r) => r.unitId === id);
    // Self: 1.4 → 5, 1.5 → 6, 2.1 → 12.5, 2.2 (the best) → 20; evidence-required leaves score 0.
    expect(of(world.a.id)?.provisional.points).toBe(43.5);
    expect(of(world.b.id)?.provisional.points).toBe(43.5);
    // a: 1.4 appraised to 1 → 2; 1.1 accepted without its evidence stays 0 (a rule change: accepting
    // keeps the evidence rule, DOMAIN.md §6.5; it gave 10 and 50.5 points before).
    expect(of(world.a.id)?.final.points).toBe(40.5);
    expect(of(world.b.id)?.final.points).toBe(41.5); // 1.5 changed to 2 → 4
    expect(of(world.b.id)?.final.rank).toBe(1);
    expect(of(world.a.id)?.final.rank).toBe(2);
    expect(of(world.c.id)?.final).toMatchObject({ points: 0, flags: ["not-submitted"] });
    expectError(await reviewer.put(lp.appraisal(world.periodId, world.a.id, "1.5"), { accept: true }), 409);
    expectError(
      await api(world.b.approver).post(lp.contest(world.periodId, world.b.id, "2.1"), explanation),
      409,
    );
  });
});

describe("the audit log", () => {
  it("holds every transition of the period, and the appraisals, contests and decisions of a unit", async () => {
    const period = (await readAll<Row>(admin, paths.audit(periodEntity(world.periodId)))).reverse();
    expect(period.map((r) => [r.action, r.actor, r.after?.state])).toEqual([
      ["period.create", "admin", "draft"],
      ["period.transition", "admin", "open"],
      // The close and final scoring are jobs: the admin's request records the intent, the job the end.
      ["period.close-early", "admin", "closing"],
      ["period.scored", "scheduler", undefined],
      ["period.update", "admin", "appraisal"],
      ["period.transition", "admin", "explanation"],
      ["period.transition", "admin", "finalizing"],
      ["period.transition", "scheduler", "final"],
    ]);
    for (const record of period) expect(Date.parse(record.time)).not.toBeNaN();

    const unit = (await readAll<Row>(admin, paths.audit(submissionEntity(world.periodId, world.a.id))))
      .reverse()
      .filter((r) => r.action.startsWith("appraisal.") || r.action.startsWith("contest."));
    expect(unit.map((r) => [r.action, r.actor, r.after?.code])).toEqual([
      ["appraisal.set", `${world.prefix}.rev.pillar2`, "2.1"],
      ["appraisal.set", world.reviewerName, "1.1"],
      ["appraisal.set", world.reviewerName, "1.2"],
      ["appraisal.set", world.reviewerName, "1.4"],
      ["contest.open", world.a.usernames.approver, "1.4"],
      ["contest.decide", world.reviewerName, "1.4"],
    ]);
    expect(unit.at(-1)?.after).toMatchObject({ outcome: "upheld", reason: "Biên bản thứ hai không hợp lệ" });
  });
});

describe("the scheduled close", () => {
  it("closes a period by itself once its deadline passes; then unit writes are refused and non-submitters recorded", async () => {
    // The shared stack fires closes CLOSE_LAG_MS after the deadline; a loaded machine may be slower.
    const timeout = scheduled.closesAtMs - Date.now() + CLOSE_LAG_MS + 20_000;
    const period = await waitFor(
      `the scheduled close of ${scheduled.id}`,
      async () => (await admin.get(paths.period(scheduled.id))).body,
      (p) => p.state === "appraisal",
      timeout,
    );
    expect(Date.parse(period.closedAt)).toBeGreaterThanOrEqual(scheduled.closesAtMs);
    expect(period.counts).toMatchObject({ units: 3, submitted: 1 });
    const audit = await readAll<Row>(admin, paths.audit(periodEntity(scheduled.id)));
    expect(audit.filter((r) => r.action === "period.close")).toEqual([
      expect.objectContaining({
        actor: "scheduler",
        before: { state: "open" },
        after: { state: "closing", job: "close", closedAt: period.closedAt },
      }),
    ]);
    await expectClosed(scheduled.id, new Set([world.a.id]));
  }, 60_000);
});
