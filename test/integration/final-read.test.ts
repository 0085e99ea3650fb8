import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { withInlineJobs } from "../../infra/local/jobs.ts";
import type { Actor } from "../../shared/access/roles.ts";
import { confirmedCodes } from "../../shared/model/evidence.ts";
import { appraise, contest, decideContest, requestSupplement } from "../../shared/services/appraisal.ts";
import type { Ports } from "../../shared/services/context.ts";
import { countedAnswers } from "../../shared/services/counted.ts";
import { addEvidence } from "../../shared/services/evidence.ts";
import { appraisalValues, periodBundle } from "../../shared/services/period-scoring.ts";
import { createPeriod, patchPeriod } from "../../shared/services/periods.ts";
import type { ScoredSubmission } from "../../shared/services/ports.ts";
import { saveAnswers, submit } from "../../shared/services/submissions.ts";
import { transitionPeriod } from "../../shared/services/transitions.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { keys, SK_PREFIX } from "../../shared/store/keys.ts";
import { ADMIN, actorCtx, departmentsWorld, REVIEWER, stackServices } from "../support/in-process.ts";
import { DEPARTMENT_ANSWERS } from "../support/local-stack.ts";
import { MEASURED, measuredFrameworkBody } from "../support/measured.ts";

/**
 * Final scoring reads again only what can change after the close (SubmissionRepository
 * loadSinceClose): on DynamoDB Local, what it gives equals a whole read of every partition after an
 * appraisal (of a unit with evidence), a supplement that changed answers, a unit that never saved and
 * one left alone, and values a data source pushed after the close, and it does take the kept answers where the version stands; the bundle final scoring
 * keeps equals the one a whole read makes; and a kept value whose parts are not those of one write is
 * not read. (Contests and measured values sort after the answers too: the first test.)
 */

let svc: Ports;
let periodId: string;
let unitIds: string[];

const editorOf = (unitId: string): Actor => ({
  username: `editor.${unitId}`,
  roles: ["unit-editor"],
  unitId,
});
const approverOf = (unitId: string): Actor => ({
  username: `approver.${unitId}`,
  roles: ["unit-approver"],
  unitId,
});

beforeAll(async () => {
  svc = withInlineJobs(stackServices());
  // 1.3 and 1.5 measured by a data source, 2.2 by another (test/support/measured.ts).
  const world = await departmentsWorld(svc, "final-read", 4, measuredFrameworkBody);
  unitIds = world.unitIds;
  periodId = `${world.prefix}-p`;
  const now = Date.now();
  await createPeriod(svc, actorCtx(ADMIN), {
    id: periodId,
    name: `Kỳ ${periodId}`,
    frameworkId: world.frameworkId,
    unitIds,
    opensAt: new Date(now - 86_400_000).toISOString(),
    closesAt: new Date(now + 86_400_000).toISOString(),
  });
  await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "open" });
  // Units 0–2 answer and submit, unit 0 with a link as evidence; unit 3 never saves (no partition
  // until the close locks it).
  for (const unitId of unitIds.slice(0, 3)) {
    await saveAnswers(svc, actorCtx(editorOf(unitId)), periodId, unitId, { answers: OWN_ANSWERS }, undefined);
    if (unitId === unitIds[0])
      await addEvidence(svc, actorCtx(editorOf(unitId)), periodId, unitId, {
        url: "https://example.gov.vn/minh-chung/an-toan-thong-tin",
        indicatorCodes: ["2.1"],
      });
    await submit(svc, actorCtx(approverOf(unitId)), periodId, unitId);
  }
  await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "appraisal" });
  const [appraised = "", supplemented = ""] = unitIds;
  await appraise(svc, actorCtx(REVIEWER), periodId, appraised, "2.1", { value: 10, reason: "Thiếu một nửa" });
  await requestSupplement(svc, actorCtx(REVIEWER), periodId, supplemented, {
    indicatorCodes: ["2.1"],
    until: new Date(now + 3_600_000).toISOString(),
  });
  // A data source's values pushed after the close, for the appraised unit and one left alone.
  await svc.measurements.putMany(
    [unitIds[0], unitIds[2]].map((unitId) => ({
      periodId,
      unitId: unitId ?? "",
      measurement: {
        code: "1.5",
        value: 4,
        sourceId: "vbdh",
        sourceName: "Hệ thống quản lý văn bản",
        asOf: new Date(now).toISOString(),
        receivedAt: new Date(now).toISOString(),
        bodySha256: "0".repeat(64),
      },
    })),
  );
  await saveAnswers(
    svc,
    actorCtx(editorOf(supplemented)),
    periodId,
    supplemented,
    { answers: { "2.1": { value: 9, note: "Số liệu bổ sung" } } },
    undefined,
  );
});

const MEASURED_CODES = Object.keys(MEASURED);
/** The department answers but for the measured leaves, which a unit does not answer. */
const OWN_ANSWERS = Object.fromEntries(
  Object.entries(DEPARTMENT_ANSWERS).filter(([code]) => !MEASURED_CODES.includes(code)),
);

/** What scoring reads of a submission, in a form two reads can be compared by. */
const scored = (s: ScoredSubmission) => ({
  head: s.head,
  answers: countedAnswers(s),
  appraisals: appraisalValues(s),
  evidence: confirmedCodes(s.evidence),
  contests: [...s.contests],
  measured: [...(s.measured ?? [])],
});

describe("final scoring's read after the close", () => {
  it("sorts every item of a partition but the head and the answers after keys.afterAnswers", () => {
    const sortsAfterAnswers = (sk: string) => sk >= keys.afterAnswers;
    for (const [kind, prefix] of Object.entries(SK_PREFIX))
      expect(sortsAfterAnswers(`${prefix}9.9.9`), kind).toBe(kind !== "answer");
    expect(sortsAfterAnswers(keys.submissionHead("p", "u").sk)).toBe(false);
  });

  it("gives exactly what a whole read gives, from what the close kept where it still holds", async () => {
    const period = await svc.periods.require(periodId);
    const closed = await svc.periods.kept(periodId, "close", period.closedAt ?? "");
    expect(closed && Object.keys(closed).sort()).toEqual([...unitIds].sort());
    const members = await svc.periods.members(periodId);
    const whole = await svc.submissions.loadAll(periodId, members);
    const sinceClose = await svc.submissions.loadSinceClose(periodId, members, closed ?? {}, MEASURED_CODES);
    expect(sinceClose.map(scored)).toEqual(whole.map(scored));
    // The supplemented unit's version moved: its new answer is read, not the kept one.
    const [appraised, supplemented] = sinceClose;
    expect(countedAnswers(supplemented as ScoredSubmission)["2.1"]).toBe(9);
    expect(closed?.[unitIds[1] ?? ""]?.answers["2.1"]?.value).toBe(12.5);
    expect(appraisalValues(appraised as ScoredSubmission)).toEqual({ "2.1": 10 });
    expect(appraised?.evidence.map((e) => e.indicatorCodes)).toEqual([["2.1"]]);
    // The values pushed after the close are read, kept submission or not.
    expect(sinceClose.map((s) => countedAnswers(s)["1.5"])).toEqual([4, undefined, 4, undefined]);

    // Where it comes from, told by a kept value changed here: the kept answers where the version
    // stands (units 0, 2 and 3); the kept evidence codes too where no reviewer wrote since (units 2
    // and 3); the supplemented unit (1) read whole, the appraised one's (0) evidence read.
    const marked = Object.fromEntries(
      Object.entries(closed ?? {}).map(([unitId, kept]) => [
        unitId,
        {
          ...kept,
          answers: { ...kept.answers, "1.4": { value: `kept ${unitId}` } },
          confirmed: [`kept ${unitId}`],
        },
      ]),
    );
    const fromMarked = await svc.submissions.loadSinceClose(periodId, members, marked, MEASURED_CODES);
    expect(fromMarked.map((s) => s.answers.get("1.4")?.value)).toEqual(
      unitIds.map((unitId, i) => (i === 1 ? 2 : `kept ${unitId}`)),
    );
    expect(fromMarked.map((s) => confirmedCodes(s.evidence))).toEqual([
      ["2.1"],
      [],
      [`kept ${unitIds[2]}`],
      [`kept ${unitIds[3]}`],
    ]);
    expect(fromMarked[0]?.head.reviews).toBe(1);
  });

  it("counts every one of many reviewer writes to one unit at once (each moves the same head)", async () => {
    const unitId = unitIds[2] ?? "";
    const leaves = Object.keys(DEPARTMENT_ANSWERS);
    const rounds = 4;
    for (let round = 1; round <= rounds; round++) {
      // Every leaf twice at once: 18 transactions on one head, which DynamoDB makes conflict.
      const writes = [...leaves, ...leaves].map((code) =>
        appraise(svc, actorCtx(REVIEWER), periodId, unitId, code, { accept: true }),
      );
      const settled = await Promise.allSettled(writes);
      expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
      const stored = await svc.submissions.load(periodId, unitId, "department");
      expect(stored.head.reviews).toBe(2 * leaves.length * round);
      expect([...stored.appraisals.keys()].sort()).toEqual([...leaves].sort());
    }
  });

  it("counts a contest and its decision on the head too", async () => {
    const unitId = unitIds[2] ?? "";
    const before = (await svc.submissions.load(periodId, unitId, "department")).head.reviews ?? 0;
    const explanationClosesAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await patchPeriod(svc, actorCtx(ADMIN), periodId, { explanationClosesAt });
    await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "explanation" });
    await contest(svc, actorCtx(approverOf(unitId)), periodId, unitId, "2.3", {
      explanation: "Đơn vị đã có đề án",
    });
    await decideContest(svc, actorCtx(REVIEWER), periodId, unitId, "2.3", {
      outcome: "changed",
      value: true,
      reason: "Đã xác minh đề án",
    });
    const stored = await svc.submissions.load(periodId, unitId, "department");
    expect(stored.head.reviews).toBe(before + 2);
    expect(appraisalValues(stored)["2.3"]).toBe(true);
  });

  it("keeps at final scoring the bundle a whole read makes", async () => {
    await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "final" });
    const period = await svc.periods.require(periodId);
    expect(period.state).toBe("final");
    const kept = await svc.periods.kept(periodId, "final", period.finalizedAt ?? "");
    const { bundle } = await periodBundle(svc, period, "final");
    expect(kept).toEqual(JSON.parse(JSON.stringify(bundle)));
  });

  it("reads nothing kept whose parts come from two writes (a rerun that died half-way)", async () => {
    // 840 KB of random bytes as base64: ≈ 850 KB gzipped, three parts of at most 350,000 bytes.
    const noise = Array.from({ length: 1_400 }, () => crypto.getRandomValues(new Uint8Array(600)))
      .map((bytes) => Buffer.from(bytes).toString("base64"))
      .join("");
    const at = "2026-01-01T00:00:00.000Z";
    const value = {
      [unitIds[0] ?? ""]: {
        version: 1,
        reviews: 0,
        answers: { "1.1": { value: noise } },
        confirmed: [],
      },
    };
    await svc.periods.keep(periodId, "close", at, value);
    expect(await svc.periods.kept(periodId, "close", at)).toEqual(value);
    const dynamo = dynamoFromEnv();
    const stored = await dynamo.client.send(
      new QueryCommand({
        TableName: dynamo.dataTable,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: {
          ":pk": keys.period(periodId).pk,
          ":prefix": keys.keptPrefix("close", at),
        },
      }),
    );
    expect(stored.Items?.map((item) => item.parts)).toEqual([3, 3, 3]);
    // Part 001 of another write: every count agrees, only the write ids differ.
    await dynamo.client.send(
      new PutCommand({
        TableName: dynamo.dataTable,
        Item: {
          pk: keys.period(periodId).pk,
          sk: `${keys.keptPrefix("close", at)}001`,
          parts: 3,
          writeId: "another-write",
          body: new Uint8Array(350_000),
        },
      }),
    );
    expect(await svc.periods.kept(periodId, "close", at)).toBeUndefined();
  });
});
