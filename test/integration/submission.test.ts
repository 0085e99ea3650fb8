import { beforeAll, describe, expect, it } from "vitest";
import {
  type Api,
  api,
  createClosingPeriod,
  createPeriod,
  DEPARTMENT_ANSWERS,
  expectError,
  expectInvalid,
  forge,
  newUserClient,
  openPeriod,
  paths,
  type Reply,
  readAll,
  setUpWorldClients,
  submissionEntity,
  type World,
  waitForDeadline,
} from "../support/local-stack.ts";
import { expectUnchangedBy, readSubmission, submissionState } from "../support/world-state.ts";

/** A unit's submission: reading it, saving answers (If-Match, concurrency), submit and withdraw, deadlines. */

let world: World;
let admin: Api;
let editorA: Api;
let approverA: Api;

beforeAll(async () => {
  ({ world, admin, editorA, approverA } = await setUpWorldClients("submission"));
});

const read = (periodId: string, unitId: string) => readSubmission(admin, periodId, unitId);

/** Runs refusals, then checks that the submission, the period and the audit trail are as before. */
const unchangedBy = (periodId: string, unitId: string, refusals: () => Promise<void>) =>
  expectUnchangedBy(() => submissionState(admin, periodId, unitId), refusals);

const save = (client: Api, periodId: string, unitId: string, answers: unknown, ifMatch?: string) =>
  client.patch(
    paths.answers(periodId, unitId),
    { answers },
    ifMatch ? { headers: { "if-match": ifMatch } } : {},
  );

describe("GET submission", () => {
  it("shows the unit its empty draft: version 0, no answers, a live preview, the version as ETag", async () => {
    const reply = await editorA.get(paths.submission(world.periodId, world.a.id));
    expect(reply.status).toBe(200);
    expect(reply.headers.etag).toBe('"0"');
    expect(reply.body).toMatchObject({
      periodId: world.periodId,
      unitId: world.a.id,
      groupId: "department",
      state: "draft",
      version: 0,
      answers: {},
      evidence: [],
      preview: { points: 0, index: 0 },
    });
    expect(Object.keys(reply.body.preview.leaves).sort()).toEqual(Object.keys(DEPARTMENT_ANSWERS).sort());
    const commune = await api(world.c.approver).get(paths.submission(world.periodId, world.c.id));
    expect(commune.body).toMatchObject({ groupId: "commune", state: "draft" });
    expect(Object.keys(commune.body.preview.leaves).sort()).toEqual(["1.1", "1.2"]);
  });

  it("lets reviewers and admins read every unit's submission", async () => {
    for (const token of [world.reviewer, world.admin])
      for (const unit of [world.a, world.b, world.c]) {
        const reply = await api(token).get(paths.submission(world.periodId, unit.id));
        expect(reply.status).toBe(200);
        expect(reply.body.unitId).toBe(unit.id);
      }
  });

  it("answers 404 to a unit user asking for another unit, and for unknown periods and units", async () => {
    for (const token of [world.b.editor, world.b.approver, world.c.editor])
      expectError(await api(token).get(paths.submission(world.periodId, world.a.id)), 404, "not-found");
    expectError(await admin.get(paths.submission(`${world.prefix}-nope`, world.a.id)), 404);
    expectError(await admin.get(paths.submission(world.periodId, `${world.prefix}-nope`)), 404);
    // A unit that exists but does not take part in the period.
    const outside = `${world.prefix}-outside`;
    await createPeriod(world.admin, { id: outside, frameworkId: world.frameworkId, unitIds: [world.b.id] });
    expectError(await admin.get(paths.submission(outside, world.a.id)), 404);
    expectError(await editorA.get(paths.submission(outside, world.a.id)), 404);
  });
});

describe("PATCH answers", () => {
  it("saves a value of every method (200): version +1, ETag, who and when, and the live score", async () => {
    const before = await read(world.periodId, world.a.id);
    const reply = await save(editorA, world.periodId, world.a.id, DEPARTMENT_ANSWERS);
    expect(reply.status).toBe(200);
    expect(reply.body.version).toBe(before.version + 1);
    expect(reply.headers.etag).toBe(`"${before.version + 1}"`);
    for (const [code, answer] of Object.entries(DEPARTMENT_ANSWERS))
      expect(reply.body.answers[code]).toEqual({
        value: answer.value,
        note: "note" in answer ? answer.note : null,
        updatedAt: expect.any(String),
        updatedBy: world.a.usernames.editor,
      });
    const leaves = reply.body.preview.leaves;
    expect(leaves["1.4"].score).toBe(5); // 2 meetings: the step from 2
    expect(leaves["1.5"].score).toBe(6); // 3 platforms × 2
    expect(leaves["2.1"].score).toBe(12.5);
    // Required evidence is missing: the leaf scores 0 and says why.
    expect(leaves["1.1"].score).toBe(0);
    expect(leaves["1.1"].flags.length).toBeGreaterThan(0);
    expect(leaves["2.3"]).toEqual({ score: 0, flags: [] });
    expect(reply.body.preview.points).toBeGreaterThanOrEqual(23.5);
    expect(await read(world.periodId, world.a.id)).toEqual({ ...reply.body, editable: true });
  });

  it("keeps the value when only a note is sent, and clears an answer with null", async () => {
    const noted = await save(editorA, world.periodId, world.a.id, { "1.4": { note: "Biên bản họp" } });
    expect(noted.status).toBe(200);
    expect(noted.body.answers["1.4"]).toMatchObject({ value: 2, note: "Biên bản họp" });
    const cleared = await save(editorA, world.periodId, world.a.id, { "1.4": { value: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.answers["1.4"]).toMatchObject({ value: null, note: "Biên bản họp" });
    expect(cleared.body.preview.leaves["1.4"].score).toBe(0);
    const back = await save(editorA, world.periodId, world.a.id, { "1.4": { value: 4, note: null } });
    expect(back.body.answers["1.4"]).toMatchObject({ value: 4, note: null });
    expect(back.body.preview.leaves["1.4"].score).toBe(10);
  });

  it("honours a current If-Match (quoted, bare or weak) and answers 412 to a stale one", async () => {
    const { version } = await read(world.periodId, world.a.id);
    const saveA = (value: number, ifMatch: string) =>
      save(editorA, world.periodId, world.a.id, { "1.5": { value } }, ifMatch);
    // Each current form of the version saves, and the next one is one more.
    let saved: Reply | undefined;
    for (const [value, ifMatch] of [
      [4, `"${version}"`],
      [5, String(version + 1)],
      [3, `W/"${version + 2}"`],
    ] as const) {
      saved = await saveA(value, ifMatch);
      expect(saved.status, ifMatch).toBe(200);
    }
    expect(saved?.body.version).toBe(version + 3);
    await unchangedBy(world.periodId, world.a.id, async () => {
      for (const stale of [`"${version}"`, `"${version + 99}"`])
        expectError(await saveA(1, stale), 412, "stale-version");
      expectError(await saveA(1, "latest"), 400);
    });
  });

  it("refuses values outside each method's domain (422, path answers.<code>.value) and saves none", async () => {
    await unchangedBy(world.periodId, world.a.id, async () => {
      const wrong = {
        "1.1": { value: "yes" },
        "1.2": { value: "boss" },
        "1.3": { value: { numerator: 5, denominator: 4 } },
        "1.4": { value: -1 },
        "1.5": { value: 2.5 },
        "2.1": { value: 25 },
        "2.2": { value: "many" },
        "2.3": { value: 1 },
        "2.4": { value: { text: "object" } },
      };
      const details = expectInvalid(
        await save(editorA, world.periodId, world.a.id, wrong),
        ...Object.keys(wrong).map((code) => `answers.${code}.value`),
      );
      expect(details).toHaveLength(Object.keys(wrong).length);
      // One value at a time, including the other shapes a ratio can get wrong.
      const single: [string, unknown][] = [
        ["1.1", 0],
        ["1.2", "HEAD"],
        ["1.3", { numerator: 1 }],
        ["1.3", { numerator: 1, denominator: 2, percent: 50 }],
        ["1.3", { numerator: -1, denominator: 2 }],
        ["1.3", [1, 2]],
        ["1.4", "3"],
        ["1.5", -2],
        ["2.1", -0.5],
        ["2.2", Number.MAX_VALUE * -1],
        ["2.4", ["a"]],
      ];
      for (const [code, value] of single) {
        const reply = await save(editorA, world.periodId, world.a.id, { [code]: { value } });
        expect(reply.body.error?.details?.[0]?.path, JSON.stringify([code, value])).toBe(
          `answers.${code}.value`,
        );
        expectError(reply, 422, "invalid-answer");
      }
      // A valid answer next to an invalid one is not saved either.
      const mixed = await save(editorA, world.periodId, world.a.id, {
        "1.4": { value: 1 },
        "1.2": { value: "boss" },
      });
      expect(expectInvalid(mixed, "answers.1.2.value")).toHaveLength(1);
    });
  });

  it("refuses leaf codes the unit's index set does not have (422, path answers.<code>)", async () => {
    await unchangedBy(world.periodId, world.a.id, async () => {
      expectInvalid(await save(editorA, world.periodId, world.a.id, { "9.9": { value: 1 } }), "answers.9.9");
      // An inner node is not answerable.
      expectInvalid(await save(editorA, world.periodId, world.a.id, { "1": { value: 1 } }), "answers.1");
      // The commune's 1.2 is a ratio; the department's 1.2 is a level: codes are per group.
      expectInvalid(
        await save(api(world.c.editor), world.periodId, world.c.id, { "2.1": { value: 1 } }),
        "answers.2.1",
      );
      expectInvalid(
        await save(editorA, world.periodId, world.a.id, { "1.1": { value: true }, "7": { value: 1 } }),
        "answers.7",
      );
    });
  });

  it("refuses bodies that break the schema (422 with the path) and malformed JSON (400)", async () => {
    const path = paths.answers(world.periodId, world.a.id);
    await unchangedBy(world.periodId, world.a.id, async () => {
      expectInvalid(await editorA.patch(path, {}), "answers");
      expectInvalid(await editorA.patch(path, { answers: {} }), "answers");
      expectInvalid(await editorA.patch(path, { answers: [] }), "answers");
      expectInvalid(await editorA.patch(path, { answers: { "1.1": true } }), "answers.1.1");
      expectInvalid(await editorA.patch(path, { answers: { "1.1": {} } }), "answers.1.1");
      expectInvalid(
        await editorA.patch(path, { answers: { "1.1": { value: true, by: "me" } } }),
        "answers.1.1.by",
      );
      expectInvalid(await editorA.patch(path, { answers: { "1.1": { note: 5 } } }), "answers.1.1.note");
      const long = "x".repeat(2001);
      expectInvalid(await editorA.patch(path, { answers: { "1.1": { note: long } } }), "answers.1.1.note");
      expectInvalid(
        await editorA.patch(path, { answers: { "1.1": { value: true } }, submit: true }),
        "submit",
      );
      const many = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`9.${i}`, { value: 1 }]));
      expectInvalid(await editorA.patch(path, { answers: many }), "answers");
      expectError(
        await editorA.patch(path, undefined, { raw: '{"answers": {"1.1": {"value": tru' }),
        400,
        "malformed-json",
      );
      expectError(await editorA.patch(path, undefined, { raw: "" }), 400);
      expectError(await editorA.patch(path), 400, "body-required");
    });
  });

  it("refuses reviewers and admins (403), other units' users (404), unknown periods (404), bad tokens (401)", async () => {
    const body = { "1.1": { value: false } };
    await unchangedBy(world.periodId, world.a.id, async () => {
      for (const token of [world.reviewer, world.admin])
        expectError(await save(api(token), world.periodId, world.a.id, body), 403, "forbidden");
      for (const token of [world.b.editor, world.b.approver, world.c.editor])
        expectError(await save(api(token), world.periodId, world.a.id, body), 404, "not-found");
      expectError(await save(editorA, `${world.prefix}-nope`, world.a.id, body), 404);
      expectError(await save(api(), world.periodId, world.a.id, body), 401);
      expectError(await save(api(await forge(world.a.editor)), world.periodId, world.a.id, body), 401);
      // B's editor re-signed as A's: refused at the signature.
      const forged = await forge(world.b.editor, { "custom:unitId": world.a.id });
      expectError(await save(api(forged), world.periodId, world.a.id, body), 401);
    });
  });
});

describe("a period that is not open", () => {
  it("refuses answers, submit and evidence while the period is a draft (409), writing nothing", async () => {
    const periodId = `${world.prefix}-draft`;
    await createPeriod(world.admin, { id: periodId, frameworkId: world.frameworkId, unitIds: [world.a.id] });
    await unchangedBy(periodId, world.a.id, async () => {
      expectError(
        await save(editorA, periodId, world.a.id, { "1.1": { value: true } }),
        409,
        "period-not-open",
      );
      expectError(await approverA.post(paths.submit(periodId, world.a.id)), 409, "period-not-open");
      const link = { indicatorCodes: ["1.1"], url: "https://example.gov.vn/draft" };
      expectError(await editorA.post(paths.evidence(periodId, world.a.id), link), 409, "period-not-open");
    });
    const view = await read(periodId, world.a.id);
    expect(view).toMatchObject({ state: "draft", version: 0, editable: false });
  });
});

describe("concurrent saves", () => {
  let periodId: string;
  let editor1: Api;
  let editor2: Api;

  beforeAll(async () => {
    periodId = `${world.prefix}-race`;
    await createPeriod(world.admin, { id: periodId, frameworkId: world.frameworkId, unitIds: [world.a.id] });
    await openPeriod(world.admin, periodId);
    const second = { username: `${world.prefix}.editor2.a`, roles: ["unit-editor"], unitId: world.a.id };
    editor1 = editorA;
    editor2 = await newUserClient(world.admin, second);
  });

  it("two editors saving different leaves at once both land (200, 200; version +2; both answers)", async () => {
    for (let round = 0; round < 3; round++) {
      const before = await read(periodId, world.a.id);
      const [one, two] = await Promise.all([
        save(editor1, periodId, world.a.id, { "1.4": { value: round + 1 } }),
        save(editor2, periodId, world.a.id, { "1.5": { value: round + 2 } }),
      ]);
      expect([one.status, two.status]).toEqual([200, 200]);
      expect([one.body.version, two.body.version].sort()).toEqual([before.version + 1, before.version + 2]);
      const after = await read(periodId, world.a.id);
      expect(after.version).toBe(before.version + 2);
      expect(after.answers["1.4"]).toMatchObject({ value: round + 1, updatedBy: world.a.usernames.editor });
      expect(after.answers["1.5"]).toMatchObject({
        value: round + 2,
        updatedBy: `${world.prefix}.editor2.a`,
      });
    }
  });

  it("the same version sent twice at once with If-Match: one wins (200), the other gets 412", async () => {
    for (let round = 0; round < 3; round++) {
      const before = await read(periodId, world.a.id);
      const ifMatch = `"${before.version}"`;
      const replies = await Promise.all([
        save(editor1, periodId, world.a.id, { "2.1": { value: 10 + round } }, ifMatch),
        save(editor2, periodId, world.a.id, { "2.1": { value: 15 + round } }, ifMatch),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 412]);
      const loser = replies.find((r) => r.status === 412) as Reply;
      expectError(loser, 412, "stale-version");
      const winner = replies.find((r) => r.status === 200) as Reply;
      const after = await read(periodId, world.a.id);
      expect(after.version).toBe(before.version + 1);
      expect(after.answers["2.1"].value).toBe(winner.body.answers["2.1"].value);
    }
  });
});

describe("submit and withdraw", () => {
  let periodId: string;
  beforeAll(async () => {
    periodId = `${world.prefix}-submit`;
    await createPeriod(world.admin, {
      id: periodId,
      frameworkId: world.frameworkId,
      unitIds: [world.a.id, world.b.id],
    });
    await openPeriod(world.admin, periodId);
    expect((await save(editorA, periodId, world.a.id, { "1.1": { value: true } })).status).toBe(200);
  });

  it("refuses editors, reviewers, admins (403) and other units' approvers (404)", async () => {
    await unchangedBy(periodId, world.a.id, async () => {
      for (const token of [world.a.editor, world.reviewer, world.admin]) {
        expectError(await api(token).post(paths.submit(periodId, world.a.id)), 403, "forbidden");
        expectError(await api(token).post(paths.withdraw(periodId, world.a.id)), 403, "forbidden");
      }
      for (const token of [world.b.approver, world.c.approver]) {
        expectError(await api(token).post(paths.submit(periodId, world.a.id)), 404);
        expectError(await api(token).post(paths.withdraw(periodId, world.a.id)), 404);
      }
      expectError(await api().post(paths.submit(periodId, world.a.id)), 401);
      expectError(await api(await forge(world.a.approver)).post(paths.submit(periodId, world.a.id)), 401);
      // Withdrawing a draft is a state conflict.
      expectError(await approverA.post(paths.withdraw(periodId, world.a.id)), 409, "not-submitted");
      const stale = { headers: { "if-match": '"0"' } };
      expectError(await approverA.post(paths.withdraw(periodId, world.a.id), undefined, stale), 412);
      const { version } = await read(periodId, world.a.id);
      expectError(
        await approverA.post(paths.submit(periodId, world.a.id), undefined, {
          headers: { "if-match": `"${version - 1}"` },
        }),
        412,
      );
    });
  });

  it("the approver submits (200); the period counts it; answers and evidence are then refused (409)", async () => {
    const before = await read(periodId, world.a.id);
    const reply = await approverA.post(paths.submit(periodId, world.a.id));
    expect(reply.status).toBe(200);
    expect(reply.headers.etag).toBe(`"${before.version + 1}"`);
    expect(reply.body).toMatchObject({
      state: "submitted",
      version: before.version + 1,
      submittedBy: world.a.usernames.approver,
      submittedAt: expect.any(String),
      editable: false,
      answers: before.answers,
    });
    expect(await read(periodId, world.a.id)).toEqual(reply.body);
    const period = (await admin.get(paths.period(periodId))).body;
    expect(period.counts).toEqual({ units: 2, submitted: 1, draft: 1 });
    const rows = await readAll(admin, `${paths.submissions(periodId)}?state=submitted`);
    expect(rows).toEqual([
      expect.objectContaining({ unitId: world.a.id, state: "submitted", version: before.version + 1 }),
    ]);

    await unchangedBy(periodId, world.a.id, async () => {
      expectError(await save(editorA, periodId, world.a.id, { "1.1": { value: false } }), 409, "not-a-draft");
      expectError(
        await save(approverA, periodId, world.a.id, { "1.1": { value: false } }),
        409,
        "not-a-draft",
      );
      expectError(await approverA.post(paths.submit(periodId, world.a.id)), 409);
      const url = await editorA.post(paths.evidence(periodId, world.a.id), {
        indicatorCodes: ["1.1"],
        url: "https://example.gov.vn/ke-hoach",
      });
      expectError(url, 409, "not-a-draft");
    });
  });

  it("the approver withdraws while the period is open (200): a draft again, editable, counted back", async () => {
    const before = await read(periodId, world.a.id);
    const reply = await approverA.post(paths.withdraw(periodId, world.a.id));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ state: "draft", version: before.version + 1, editable: true });
    expect(reply.body).not.toHaveProperty("submittedAt");
    expect(await read(periodId, world.a.id)).toEqual(reply.body);
    expect((await admin.get(paths.period(periodId))).body.counts).toEqual({
      units: 2,
      submitted: 0,
      draft: 2,
    });
    const saved = await save(editorA, periodId, world.a.id, { "1.1": { value: false } });
    expect(saved.status).toBe(200);
    const again = await approverA.post(paths.submit(periodId, world.a.id), undefined, {
      headers: { "if-match": `"${saved.body.version}"` },
    });
    expect(again.status).toBe(200);
    expect(again.body.state).toBe("submitted");
  });
});

describe("the deadline", () => {
  it("after closesAt every unit write is refused (409) though nothing has closed the period", async () => {
    const { id: periodId, closesAtMs } = await createClosingPeriod(world, "deadline", 3);
    // Before the deadline: A has a draft with an answer, B has submitted.
    expect((await save(editorA, periodId, world.a.id, { "1.1": { value: true } })).status).toBe(200);
    expect((await save(api(world.b.editor), periodId, world.b.id, { "1.1": { value: true } })).status).toBe(
      200,
    );
    expect((await api(world.b.approver).post(paths.submit(periodId, world.b.id))).status).toBe(200);
    expect(Date.now(), "the writes before the deadline took too long").toBeLessThan(closesAtMs);
    await waitForDeadline(closesAtMs);

    await unchangedBy(periodId, world.a.id, async () => {
      expectError(await save(editorA, periodId, world.a.id, { "1.4": { value: 1 } }), 409, "deadline-passed");
      expectError(await approverA.post(paths.submit(periodId, world.a.id)), 409, "deadline-passed");
      const url = { indicatorCodes: ["1.1"], url: "https://example.gov.vn/ke-hoach" };
      expectError(await editorA.post(paths.evidence(periodId, world.a.id), url), 409, "deadline-passed");
    });
    await unchangedBy(periodId, world.b.id, async () => {
      expectError(
        await api(world.b.approver).post(paths.withdraw(periodId, world.b.id)),
        409,
        "deadline-passed",
      );
      expectError(await save(api(world.b.editor), periodId, world.b.id, { "1.1": { value: false } }), 409);
    });
    // Nothing closed it: the period is still open; the server's clock alone refused.
    const period = (await admin.get(paths.period(periodId))).body;
    expect(period.state).toBe("open");
    expect((await read(periodId, world.a.id)).editable).toBe(false);
  });
});

describe("one unit's deadline extension", () => {
  it("keeps that unit's writes open after the period's deadline, refuses the others, and delays the close", async () => {
    const { id: periodId, closesAtMs } = await createClosingPeriod(world, "extended", 3);
    const until = new Date(closesAtMs + 120_000).toISOString();
    const path = paths.deadline(periodId, world.a.id);
    // Only an admin, only later than the period's deadline, only a unit of the period.
    expectError(await editorA.put(path, { closesAt: until }), 403);
    expectInvalid(await admin.put(path, { closesAt: new Date(closesAtMs - 1000).toISOString() }), "closesAt");
    expectError(await admin.put(paths.deadline(periodId, "no-such-unit"), { closesAt: until }), 404);
    const extended = await admin.put(path, { closesAt: until });
    expect(extended.status).toBe(200);

    await waitForDeadline(closesAtMs);
    const late = await save(editorA, periodId, world.a.id, { "1.1": { value: true } });
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(Date.parse(late.body.closesAt)).toBe(Date.parse(until));
    expect(late.body.editable).toBe(true);
    expectError(
      await save(api(world.b.editor), periodId, world.b.id, { "1.1": { value: true } }),
      409,
      "deadline-passed",
    );
    const period = (await admin.get(paths.period(periodId))).body;
    expect(period.state).toBe("open");
    expect(Date.parse(period.lastUnitDeadline)).toBe(Date.parse(until));
    const audit = await admin.get(paths.audit(submissionEntity(periodId, world.a.id)));
    expect(audit.body.items.map((r: { action: string }) => r.action)).toContain("deadline.extend");
  });
});

describe("the audit log", () => {
  it("holds one record per write of the submission, newest first, with before and after", async () => {
    const periodId = `${world.prefix}-audit`;
    await createPeriod(world.admin, { id: periodId, frameworkId: world.frameworkId, unitIds: [world.c.id] });
    await openPeriod(world.admin, periodId);
    const editor = api(world.c.editor);
    const approver = api(world.c.approver);
    expect(
      (
        await save(editor, periodId, world.c.id, {
          "1.1": { value: true },
          "1.2": { value: { numerator: 1, denominator: 2 } },
        })
      ).status,
    ).toBe(200);
    expect(
      (await save(approver, periodId, world.c.id, { "1.1": { value: false, note: "chưa có" } })).status,
    ).toBe(200);
    // Refused writes leave no record.
    expectError(await save(editor, periodId, world.c.id, { "1.1": { value: "no" } }), 422);
    expectError(await save(editor, periodId, world.c.id, { "1.1": { value: true } }, '"0"'), 412);
    const link = await editor.post(paths.evidence(periodId, world.c.id), {
      indicatorCodes: ["1.1"],
      url: "https://example.gov.vn/xa-c",
      title: "Cổng thông tin xã",
    });
    expect(link.status).toBe(201);
    expect((await approver.post(paths.submit(periodId, world.c.id))).status).toBe(200);
    expect((await approver.post(paths.withdraw(periodId, world.c.id))).status).toBe(200);

    const entity = submissionEntity(periodId, world.c.id);
    const records = await readAll(admin, paths.audit(entity));
    const paged = await readAll(admin, paths.audit(entity), 2);
    expect(paged).toEqual(records);
    const editorName = world.c.usernames.editor;
    const approverName = world.c.usernames.approver;
    expect(records.map((r) => [r.action, r.actor])).toEqual([
      ["submission.withdraw", approverName],
      ["submission.submit", approverName],
      ["evidence.add", editorName],
      ["answer.save", approverName],
      ["answer.save", editorName],
      ["answer.save", editorName],
    ]);
    for (const record of records)
      expect(record).toMatchObject({ entity, requestId: expect.any(String), time: expect.any(String) });
    expect(records[0]).toMatchObject({ before: { state: "submitted" }, after: { state: "draft" } });
    expect(records[1]).toMatchObject({ before: { state: "draft" }, after: { state: "submitted" } });
    expect(records[2]).toMatchObject({
      after: { kind: "url", url: "https://example.gov.vn/xa-c", indicatorCodes: ["1.1"] },
    });
    expect(records[3]).toMatchObject({
      before: { code: "1.1", value: true },
      after: { code: "1.1", value: false, note: "chưa có" },
    });
    const first = records.slice(4).sort((x, y) => (x.after.code < y.after.code ? -1 : 1));
    expect(first[0]).toMatchObject({ before: { code: "1.1" }, after: { code: "1.1", value: true } });
    expect(first[0].before).not.toHaveProperty("value");
    expect(first[1]).toMatchObject({ after: { code: "1.2", value: { numerator: 1, denominator: 2 } } });
    // Both answers of one save share the request.
    expect(first[0].requestId).toBe(first[1].requestId);
  });
});
