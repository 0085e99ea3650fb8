import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pathFor } from "../../shared/api/paths.ts";
import { fetchPublic, lifecyclePaths as lp, moveTo, type Row, runScoreCli } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createPeriod,
  DEPARTMENT_ANSWERS,
  newUserClient,
  openPeriod,
  paths,
  setUpWorldClients,
  stack,
  type World,
} from "../support/local-stack.ts";

/**
 * A published period restated on the units of a later day (API.md "Restated rankings", DOMAIN.md §5),
 * through the local gateway; then a later period on the new units compares with the restated version.
 */

const HOUR = 3_600_000;
const GAP = "2026-07-01"; // the old units ended the day before, the new ones start the day after
const NEW = "2026-07-02";
let world: World;
let admin: Api;
let work: string;
const merged = () => `${world.prefix}-m`;
const publicJson = async (path: string) => {
  const reply = await fetchPublic(stack().url, path);
  expect(reply.status, path).toBe(200);
  return JSON.parse(reply.bytes.toString("utf8"));
};
const restate = (client: Api, periodId: string, asOf: string) =>
  client.post(pathFor("POST /api/periods/{periodId}/restatements", { periodId }), { asOf });

async function answerAndSubmit(
  periodId: string,
  unit: { id: string; editor: Api; approver: Api },
  answers: object,
) {
  const saved = await unit.editor.patch(paths.answers(periodId, unit.id), { answers });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const submitted = await unit.approver.post(paths.submit(periodId, unit.id));
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
}

beforeAll(async () => {
  ({ world, admin } = await setUpWorldClients("restatements"));
  work = await mkdtemp(join(tmpdir(), "chiso-restatements-"));
  const weak = { ...DEPARTMENT_ANSWERS, "1.4": { value: 1 }, "2.2": { value: 500 } };
  for (const [unit, answers] of [
    [world.a, DEPARTMENT_ANSWERS],
    [world.b, weak],
  ] as const)
    await answerAndSubmit(
      world.periodId,
      { id: unit.id, editor: api(unit.editor), approver: api(unit.approver) },
      answers,
    );
  await moveTo(admin, world.periodId, "appraisal");
  await moveTo(admin, world.periodId, "final");
  await moveTo(admin, world.periodId, "published");
  // The reform: a and b end on 30/06 and form m from 02/07; c goes on as c2 (1/07 has no unit of this world).
  const end = "2026-06-30";
  const reply = await admin.put(paths.units, {
    units: [
      {
        id: world.a.id,
        code: world.a.code,
        name: `Sở A (${world.prefix})`,
        kind: "department",
        validTo: end,
      },
      {
        id: world.b.id,
        code: world.b.code,
        name: `Sở B (${world.prefix})`,
        kind: "department",
        validTo: end,
      },
      { id: world.c.id, code: world.c.code, name: `Xã C (${world.prefix})`, kind: "commune", validTo: end },
      {
        id: merged(),
        code: `${world.a.code}M`.slice(-32),
        name: `Sở Mới (${world.prefix})`,
        kind: "department",
        validFrom: NEW,
        predecessorIds: [world.a.id, world.b.id],
      },
      {
        id: `${world.prefix}-c2`,
        code: `${world.c.code}2`.slice(-32),
        name: `Xã C mới (${world.prefix})`,
        kind: "commune",
        validFrom: NEW,
        predecessorIds: [world.c.id],
      },
    ],
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a second publication on the new units", () => {
  it("refuses a day none of whose units maps (422 naming asOf) and writes nothing", async () => {
    const reply = await restate(admin, world.periodId, GAP);
    expect([reply.status, reply.body.error.code]).toEqual([422, "no-units-on-day"]);
    expect(reply.body.error.details[0].path).toBe("asOf");
    expect(
      (await fetchPublic(stack().url, `/public/rankings/${world.periodId}/restated-${GAP}.json`)).status,
    ).toBe(404);
  });

  it("writes the restated JSON and CSV, and lists them in index.json under the period", async () => {
    const reply = await restate(admin, world.periodId, NEW);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const url = `/public/rankings/${world.periodId}/restated-${NEW}.json`;
    expect(reply.body).toMatchObject({ asOf: NEW, version: 1, url, units: 2, rule: "mean" });
    const file = await publicJson(url);
    const published = await publicJson(`/public/rankings/${world.periodId}/v1.json`);
    const old = (id: string) =>
      published.groups.flatMap((g: Row) => g.units).find((u: Row) => u.unitId === id) as Row;
    const m = file.groups.flatMap((g: Row) => g.units).find((u: Row) => u.unitId === merged());
    expect(m.index).toBeCloseTo((old(world.a.id).index + old(world.b.id).index) / 2, 4);
    expect(m.predecessors.map((p: Row) => p.unitId)).toEqual([world.a.id, world.b.id]);
    expect((await fetchPublic(stack().url, reply.body.csv)).status).toBe(200);
    const index = await publicJson("/public/rankings/index.json");
    expect(index.periods.find((p: Row) => p.periodId === world.periodId).restatements).toEqual([
      { asOf: NEW, url, units: 2, rule: "mean" },
    ]);
  });

  it("two admins at once, later on the same units: one 201, one 200, one record", async () => {
    const other = await newUserClient(world.admin, { username: `${world.prefix}.admin2`, roles: ["admin"] });
    const day = "2026-08-01";
    const replies = await Promise.all([
      restate(admin, world.periodId, day),
      restate(other, world.periodId, day),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(replies[0]?.body).toEqual(replies[1]?.body);
    const period = await admin.get(paths.period(world.periodId));
    expect(period.body.restatements.map((r: Row) => r.asOf)).toEqual([NEW, day]);
    const audit = await admin.get(paths.audit(`period#${world.periodId}`));
    expect(audit.body.items.filter((r: Row) => r.action === "period.restate")).toHaveLength(2);
  });

  it("refuses a period never published (409) and a mapping restate refuses (422 naming the unit)", async () => {
    const fresh = `${world.prefix}-fresh`;
    await createPeriod(world.admin, { id: fresh, frameworkId: world.frameworkId, unitIds: [world.a.id] });
    const unpublished = await restate(admin, fresh, NEW);
    expect([unpublished.status, unpublished.body.error.code]).toEqual([409, "not-published"]);
    // From 01/09 a second unit also claims a.
    const claim = await admin.put(paths.units, {
      units: [
        {
          id: `${world.prefix}-d`,
          code: `${world.a.code}D`.slice(-32),
          name: `Sở D (${world.prefix})`,
          kind: "department",
          validFrom: "2026-09-01",
          predecessorIds: [world.a.id],
        },
      ],
    });
    expect(claim.status, JSON.stringify(claim.body)).toBe(200);
    const refused = await restate(admin, world.periodId, "2026-09-01");
    expect([refused.status, refused.body.error.code]).toEqual([422, "restatement-refused"]);
    expect(refused.body.error.details[0].path).toMatch(/^units\./);
    expect(refused.body.error.message).toContain(world.a.id);
  });
});

describe("the next period on the new units", () => {
  it("compares with the restated previous: its rank, its figures, said in the snapshot", async () => {
    const next = `${world.prefix}-next`;
    await createPeriod(world.admin, {
      id: next,
      frameworkId: world.frameworkId,
      unitIds: [merged(), `${world.prefix}-c2`],
      closesAt: new Date(Date.now() + 48 * HOUR).toISOString(),
    });
    await openPeriod(world.admin, next);
    const editor = await newUserClient(world.admin, {
      username: `${world.prefix}.editor.m`,
      roles: ["unit-editor"],
      unitId: merged(),
    });
    const approver = await newUserClient(world.admin, {
      username: `${world.prefix}.approver.m`,
      roles: ["unit-approver"],
      unitId: merged(),
    });
    await answerAndSubmit(next, { id: merged(), editor, approver }, DEPARTMENT_ANSWERS);
    await moveTo(admin, next, "appraisal");
    await moveTo(admin, next, "final");
    await moveTo(admin, next, "published");
    const snapshot = await publicJson(`/public/rankings/${next}.json`);
    expect(snapshot.previous).toEqual({ periodId: world.periodId, version: 1, restated: true });
    const restated = await publicJson(`/public/rankings/${world.periodId}/restated-${NEW}.json`);
    const before = restated.groups.flatMap((g: Row) => g.units).find((u: Row) => u.unitId === merged());
    const m = snapshot.groups.flatMap((g: Row) => g.units).find((u: Row) => u.unitId === merged());
    // Alone in its group both times: rank 1 → 1; the index moved from the restated mean.
    expect(m.rankChange).toBe(before.rank - m.rank);
    expect(m.change.index).toBeCloseTo(m.index - before.index, 4);
    // c2 did not submit: no change.
    const c2 = snapshot.groups
      .flatMap((g: Row) => g.units)
      .find((u: Row) => u.unitId === `${world.prefix}-c2`);
    expect([c2.rankChange, c2.change]).toEqual([null, null]);
    // The export, run through the score CLI, prints the published bytes.
    const exported = await admin.get(lp.export(next));
    expect(exported.status).toBe(200);
    const path = join(work, "next.json");
    await writeFile(path, JSON.stringify(exported.body));
    const run = await runScoreCli(path);
    expect([run.code, run.stderr]).toEqual([0, ""]);
    expect(run.stdout).toBe(
      (await fetchPublic(stack().url, `/public/rankings/${next}.json`)).bytes.toString("utf8"),
    );
  });
});
