import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { withInlineJobs } from "../../infra/local/jobs.ts";
import type { Actor } from "../../shared/access/roles.ts";
import { appraise, requestSupplement } from "../../shared/services/appraisal.ts";
import type { Ports } from "../../shared/services/context.ts";
import { countedAnswers } from "../../shared/services/counted.ts";
import { appraisalValues, periodBundle } from "../../shared/services/period-scoring.ts";
import { createPeriod } from "../../shared/services/periods.ts";
import type { ScoredSubmission } from "../../shared/services/ports.ts";
import { saveAnswers, submit } from "../../shared/services/submissions.ts";
import { transitionPeriod } from "../../shared/services/transitions.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { keys, SK_PREFIX } from "../../shared/store/keys.ts";
import { ADMIN, actorCtx, departmentsWorld, REVIEWER, stackServices } from "../support/in-process.ts";
import { DEPARTMENT_ANSWERS } from "../support/local-stack.ts";

/**
 * Final scoring reads again only what can change after the close (SubmissionRepository
 * loadSinceClose): on DynamoDB Local, what it gives equals a whole read of every partition after an
 * appraisal, a supplement that changed answers, a unit that never saved and one left alone; the bundle
 * final scoring keeps equals the one a whole read makes; and a kept value whose parts are not those
 * of one write is not read.
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
  const world = await departmentsWorld(svc, "final-read", 4);
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
  // Units 0–2 answer and submit; unit 3 never saves (no partition until the close locks it).
  for (const unitId of unitIds.slice(0, 3)) {
    await saveAnswers(
      svc,
      actorCtx(editorOf(unitId)),
      periodId,
      unitId,
      { answers: DEPARTMENT_ANSWERS },
      undefined,
    );
    await submit(svc, actorCtx(approverOf(unitId)), periodId, unitId);
  }
  await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "appraisal" });
  const [appraised = "", supplemented = ""] = unitIds;
  await appraise(svc, actorCtx(REVIEWER), periodId, appraised, "2.1", { value: 10, reason: "Thiếu một nửa" });
  await requestSupplement(svc, actorCtx(REVIEWER), periodId, supplemented, {
    indicatorCodes: ["2.2"],
    until: new Date(now + 3_600_000).toISOString(),
  });
  await saveAnswers(
    svc,
    actorCtx(editorOf(supplemented)),
    periodId,
    supplemented,
    { answers: { "2.2": { value: 900, note: "Số liệu bổ sung" } } },
    undefined,
  );
});

/** What scoring reads of a submission, in a form two reads can be compared by. */
const scored = (s: ScoredSubmission) => ({
  head: s.head,
  answers: countedAnswers(s),
  appraisals: appraisalValues(s),
  evidence: s.evidence,
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

  it("gives exactly what a whole read gives: kept answers where the version stands, the rest read", async () => {
    const period = await svc.periods.require(periodId);
    const closed = await svc.periods.kept(periodId, "close", period.closedAt ?? "");
    expect(closed && Object.keys(closed).sort()).toEqual([...unitIds].sort());
    const members = await svc.periods.members(periodId);
    const whole = await svc.submissions.loadAll(periodId, members);
    const sinceClose = await svc.submissions.loadSinceClose(periodId, members, closed ?? {});
    expect(sinceClose.map(scored)).toEqual(whole.map(scored));
    // The supplemented unit's version moved: its new answer is read, not the kept one.
    const [appraised, supplemented] = sinceClose;
    expect(countedAnswers(supplemented as ScoredSubmission)["2.2"]).toBe(900);
    expect(closed?.[unitIds[1] ?? ""]?.answers["2.2"]?.value).toBe(1500);
    expect(appraisalValues(appraised as ScoredSubmission)).toEqual({ "2.1": 10 });
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
    // Incompressible text: three parts of 350,000 bytes.
    const noise = Array.from({ length: 1_000 }, () => crypto.getRandomValues(new Uint8Array(600)))
      .map((bytes) => Buffer.from(bytes).toString("base64"))
      .join("");
    const at = "2026-01-01T00:00:00.000Z";
    const value = { [unitIds[0] ?? ""]: { version: 1, answers: { "1.1": { value: noise } } } };
    await svc.periods.keep(periodId, "close", at, value);
    expect(await svc.periods.kept(periodId, "close", at)).toEqual(value);
    const dynamo = dynamoFromEnv();
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
