import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roundIndex, roundPoints } from "../../shared/engine/rounding.ts";
import type { RankingSnapshot } from "../../shared/model/snapshot.ts";
import { rankingRows } from "../../shared/services/open-data.ts";
import {
  fetchPublic,
  lifecyclePaths as lp,
  moveTo,
  parseCsv,
  periodEntity,
  type Row,
  readXlsx,
  runScoreCli,
} from "../support/lifecycle.ts";
import {
  type Api,
  api,
  createPeriod,
  DEPARTMENT_ANSWERS,
  openPeriod,
  paths,
  readAll,
  setUpWorldClients,
  stack,
  type UnitUsers,
  type World,
} from "../support/local-stack.ts";

/**
 * Final scoring and publication on the shared local stack (API.md "Published files"): the snapshot
 * and its pointer, the CSV and XLSX with the same rows, the index; the published JSON equals the
 * score CLI's output for the exported inputs; a correction publishes v2 and v1 stays; rank change
 * against the previous published period of the same framework.
 */

const HOUR = 3_600_000;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

let world: World;
let admin: Api;
let reviewer: Api;
let first: string;
let second: string;
let work: string;

const publicFile = (path: string) => fetchPublic(stack().url, path);
const rankings = (periodId: string, file = ".json") => `/public/rankings/${periodId}${file}`;

async function answerAndSubmit(periodId: string, unit: UnitUsers, answers: Record<string, unknown>) {
  const saved = await api(unit.editor).patch(paths.answers(periodId, unit.id), { answers });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const submitted = await api(unit.approver).post(paths.submit(periodId, unit.id));
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
}

const STRONG = DEPARTMENT_ANSWERS;
const WEAK = { ...DEPARTMENT_ANSWERS, "1.4": { value: 1 }, "2.2": { value: 500 } };
const COMMUNE = { "1.1": { value: true }, "1.2": { value: { numerator: 1, denominator: 4 } } };

beforeAll(async () => {
  ({ world, admin, reviewer } = await setUpWorldClients("publication"));
  work = await mkdtemp(join(tmpdir(), "chiso-publication-"));
  first = world.periodId;
  // The second period of the same framework closes a day after the first: a then b swap places.
  second = `${world.prefix}-next`;
  await createPeriod(world.admin, {
    id: second,
    frameworkId: world.frameworkId,
    unitIds: [world.a.id, world.b.id, world.c.id],
    closesAt: new Date(Date.now() + 48 * HOUR).toISOString(),
  });
  await openPeriod(world.admin, second);
  for (const [periodId, a, b] of [
    [first, STRONG, WEAK],
    [second, WEAK, STRONG],
  ] as const) {
    await answerAndSubmit(periodId, world.a, a);
    await answerAndSubmit(periodId, world.b, b);
    await answerAndSubmit(periodId, world.c, COMMUNE);
    await moveTo(admin, periodId, "appraisal");
  }
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The export of a period (admin) run through the score CLI: its standard output. */
async function cliOutput(periodId: string, name: string): Promise<string> {
  const exported = await admin.get(lp.export(periodId));
  expect(exported.status, JSON.stringify(exported.body)).toBe(200);
  const file = join(work, `${name}.json`);
  await writeFile(file, JSON.stringify(exported.body));
  const run = await runScoreCli(file);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

/** The snapshot's units as rows of text: group, rank, code, name, points, index, band, change, flags, nodes. */
function snapshotRows(snapshot: Row): string[][] {
  const codes = [...new Set<string>(snapshot.groups.flatMap((g: Row) => g.nodes.map((n: Row) => n.code)))];
  const text = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  return snapshot.groups.flatMap((g: Row) =>
    g.units.map((u: Row) => [
      text(u.rank),
      u.code,
      u.name,
      g.name,
      text(u.points),
      text(u.index),
      text(u.band),
      ...codes.map((code) => text(u.nodes.find((n: Row) => n.code === code)?.points)),
      text(u.rankChange),
      u.flags.includes("not-submitted") ? "Không nộp" : "Đã nộp",
    ]),
  );
}

let v1: Buffer;

describe("final scoring and publication", () => {
  it("publishes the snapshot v1, its pointer, the CSV and XLSX, then the index", async () => {
    const appraised = await reviewer.put(lp.appraisal(first, world.b.id, "2.1"), {
      value: 10,
      reason: "Chỉ đạt một nửa tiêu chí an toàn thông tin",
    });
    expect(appraised.status, JSON.stringify(appraised.body)).toBe(200);
    expect((await publicFile(rankings(first))).status).toBe(404);
    await moveTo(admin, first, "final");
    const published = await moveTo(admin, first, "published");
    // The first of its lineage: it records that it compared with no earlier snapshot.
    expect(published.publication).toEqual({
      version: 1,
      publishedAt: expect.stringMatching(/\+07:00$/),
      previous: null,
      documents: true,
    });
    expect(published.nextPublication).toBeUndefined();

    const pointer = await publicFile(rankings(first));
    const snapshot = await publicFile(rankings(first, "/v1.json"));
    expect([pointer.status, snapshot.status]).toEqual([200, 200]);
    expect(pointer.contentType).toMatch(/^application\/json/);
    expect(pointer.bytes.equals(snapshot.bytes)).toBe(true);
    v1 = snapshot.bytes;
    const json = JSON.parse(v1.toString("utf8"));
    expect(json).toMatchObject({
      period: { id: first, framework: { id: world.frameworkId } },
      version: 1,
      publishedAt: published.publication.publishedAt,
    });
    const department = json.groups.find((g: Row) => g.id === "department");
    expect(department.units.map((u: Row) => [u.unitId, u.rank, u.rankChange])).toEqual([
      [world.a.id, 1, null],
      [world.b.id, 2, null],
    ]);
    // b's node 2: 2.1 appraised from 12.5 to 10, and 2.2 = 20 × 500 / 1500 (a has the best).
    const b = department.units[1];
    expect(b.nodes.find((n: Row) => n.code === "2").points).toBe(16.67);

    for (const [file, type] of [
      [".csv", /^text\/csv/],
      [".xlsx", new RegExp(`^${XLSX_TYPE}`)],
      ["/v1.csv", /^text\/csv/],
      ["/v1.xlsx", new RegExp(`^${XLSX_TYPE}`)],
    ] as const) {
      const reply = await publicFile(rankings(first, file));
      expect(reply.status, file).toBe(200);
      expect(reply.contentType, file).toMatch(type);
    }
    const index = await publicFile("/public/rankings/index.json");
    expect(index.status).toBe(200);
    expect(JSON.parse(index.bytes.toString("utf8")).periods).toContainEqual({
      periodId: first,
      name: json.period.name,
      version: 1,
      publishedAt: published.publication.publishedAt,
      url: rankings(first),
      documents: true,
    });
  });

  it("publishes exactly what the score CLI prints for the exported inputs", async () => {
    const stdout = await cliOutput(first, "first-v1");
    expect(stdout).toBe((await publicFile(rankings(first))).bytes.toString("utf8"));
  });

  it("writes the CSV and the XLSX with the same rows, those of the snapshot", async () => {
    const json = JSON.parse((await publicFile(rankings(first))).bytes.toString("utf8"));
    const expected = snapshotRows(json);
    const csv = parseCsv((await publicFile(rankings(first, ".csv"))).bytes.toString("utf8"));
    const [header = [], ...rows] = csv;
    // Readable columns: one per top-level node (code and name), then rank change and status.
    expect(header).toEqual(rankingRows(json as RankingSnapshot).header);
    const names = new Map<string, string>();
    for (const n of json.groups.flatMap((g: Row) => g.nodes))
      if (!names.has(n.code)) names.set(n.code, n.name);
    const pillars = [...names].map(([code, name]) => `${code}. ${name}`);
    expect(header).toEqual([
      "Hạng",
      "Mã",
      "Đơn vị",
      "Nhóm",
      "Điểm",
      "Chỉ số",
      "Xếp loại",
      ...pillars,
      "Thay đổi hạng",
      "Tình trạng",
    ]);
    expect(rows).toEqual(expected);
    expect(rows).toHaveLength(3);
    // Every unit submitted here (the unit tests cover one that did not: "Không nộp").
    expect(rows.map((r) => r.at(-1))).toEqual(["Đã nộp", "Đã nộp", "Đã nộp"]);
    // The XLSX: a title block (period, index set, date, version), a blank row, then the CSV's rows.
    const xlsx = await readXlsx((await publicFile(rankings(first, ".xlsx"))).bytes, header.length);
    expect(xlsx.slice(0, 4).map((r) => r[0])).toEqual([
      `Xếp hạng chuyển đổi số — ${json.period.name}`,
      expect.stringMatching(/^Bộ chỉ số: /),
      expect.stringMatching(/^Ngày công bố: \d{2}\/\d{2}\/\d{4}$/),
      "Phiên bản: 1",
    ]);
    expect(xlsx.slice(4)).toEqual(csv);
  });

  it("serves each download with its name (Content-Disposition), the index without one", async () => {
    // v1 is the latest here: the pointers are saved under v1's name too.
    for (const [file, ext] of [
      [".csv", "csv"],
      [".xlsx", "xlsx"],
      [".json", "json"],
      ["/v1.csv", "csv"],
    ] as const) {
      const reply = await fetch(`${stack().url}${rankings(first, file)}`);
      const fileName = `xep-hang-${first}-v1.${ext}`;
      expect(reply.headers.get("content-disposition"), file).toBe(
        `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      );
    }
    const index = await fetch(`${stack().url}/public/rankings/index.json`);
    expect(index.headers.get("content-disposition")).toBeNull();
  });

  it("publishes v2 after a correction; v1 stays readable and unchanged", async () => {
    const v1Csv = (await publicFile(rankings(first, "/v1.csv"))).bytes;
    await moveTo(admin, first, "appraisal");
    const corrected = await reviewer.put(lp.appraisal(first, world.a.id, "2.1"), {
      value: 10,
      reason: "Đính chính sau khi công bố",
    });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    await moveTo(admin, first, "final");
    const published = await moveTo(admin, first, "published");
    expect(published.publication.version).toBe(2);

    expect((await publicFile(rankings(first, "/v1.json"))).bytes.equals(v1)).toBe(true);
    expect((await publicFile(rankings(first, "/v1.csv"))).bytes.equals(v1Csv)).toBe(true);
    const v2 = await publicFile(rankings(first, "/v2.json"));
    expect(v2.status).toBe(200);
    expect((await publicFile(rankings(first))).bytes.equals(v2.bytes)).toBe(true);
    expect((await publicFile(rankings(first, ".csv"))).bytes.equals(v1Csv)).toBe(false);
    const before = JSON.parse(v1.toString("utf8")).groups[0].units[0];
    const after = JSON.parse(v2.bytes.toString("utf8"));
    expect(after.version).toBe(2);
    expect(after.groups[0].units[0]).toMatchObject({ unitId: world.a.id, points: before.points - 2.5 });
    expect(await cliOutput(first, "first-v2")).toBe(v2.bytes.toString("utf8"));

    const index = JSON.parse((await publicFile("/public/rankings/index.json")).bytes.toString("utf8"));
    expect(index.periods.filter((p: Row) => p.periodId === first)).toEqual([
      expect.objectContaining({ version: 2, publishedAt: published.publication.publishedAt }),
    ]);
  });

  it("computes rank change against the previous published period of the same framework", async () => {
    await moveTo(admin, second, "final");
    const published = await moveTo(admin, second, "published");
    const text = (await publicFile(rankings(second))).bytes.toString("utf8");
    const json = JSON.parse(text);
    const byUnit = (id: string) => json.groups.flatMap((g: Row) => g.units).find((u: Row) => u.unitId === id);
    expect(byUnit(world.b.id)).toMatchObject({ rank: 1, rankChange: 1 });
    expect(byUnit(world.a.id)).toMatchObject({ rank: 2, rankChange: -1 });
    expect(byUnit(world.c.id)).toMatchObject({ rank: 1, rankChange: 0 });
    expect(await cliOutput(second, "second-v1")).toBe(text);
    const index = JSON.parse((await publicFile("/public/rankings/index.json")).bytes.toString("utf8"));
    const ours = index.periods.filter((p: Row) => p.periodId === first || p.periodId === second);
    expect(ours.map((p: Row) => [p.periodId, p.version])).toEqual([
      [second, 1],
      [first, 2],
    ]);
    expect(ours[0].publishedAt).toBe(published.publication.publishedAt);
  });

  it("keeps each version's leaf points, and gives each unit the difference of the two snapshots as `change`", async () => {
    const read = async (file: string) => {
      const reply = await publicFile(file);
      expect(reply.status, file).toBe(200);
      expect(reply.contentType, file).toMatch(/^application\/json/);
      return JSON.parse(reply.bytes.toString("utf8"));
    };
    // Every version keeps its own (immutable) file; the second period compares with the first's v2.
    expect(await read(rankings(first, "/v1.leaves.json"))).toMatchObject({ periodId: first, version: 1 });
    const leavesBefore = await read(rankings(first, "/v2.leaves.json"));
    const leavesAfter = await read(rankings(second, "/v1.leaves.json"));
    expect(leavesAfter).toMatchObject({ periodId: second, version: 1 });
    const before = await read(rankings(first, "/v2.json"));
    const after = await read(rankings(second, "/v1.json"));
    let listed = 0;
    for (const group of after.groups) {
      const earlier = before.groups.find((g: Row) => g.id === group.id);
      const rowsOf = (file: Row) => file.groups.find((g: Row) => g.id === group.id);
      const [leavesThen, leavesNow] = [rowsOf(leavesBefore), rowsOf(leavesAfter)];
      for (const u of group.units) {
        const p = earlier.units.find((e: Row) => e.unitId === u.unitId);
        // Both submitted in both periods: a change for everyone, the two tables' difference.
        const moves = leavesNow.codes
          .map((code: string, i: number) => ({
            code,
            points: roundPoints(
              leavesNow.units[u.unitId][i] - leavesThen.units[u.unitId][leavesThen.codes.indexOf(code)],
            ),
          }))
          .filter((m: Row) => m.points !== 0);
        const rises = moves.filter((m: Row) => m.points > 0).sort((x: Row, y: Row) => y.points - x.points);
        const falls = moves.filter((m: Row) => m.points < 0).sort((x: Row, y: Row) => x.points - y.points);
        expect(u.change, u.unitId).toEqual({
          points: roundPoints(u.points - p.points),
          index: roundIndex(u.index - p.index),
          nodes: u.nodes.map((n: Row) => {
            const m = p.nodes.find((o: Row) => o.code === n.code);
            return {
              code: n.code,
              points: roundPoints(n.points - m.points),
              value: n.value === null || m.value === null ? null : roundIndex(n.value - m.value),
            };
          }),
          leaves: [...rises.slice(0, 3), ...falls.slice(0, 3)],
        });
        listed += u.change.leaves.length;
      }
    }
    // a and b swapped their answers of 1.4 and 2.2: indicators are listed.
    expect(listed).toBeGreaterThan(0);
  });

  it("keeps every transition and publication of the period in the audit log", async () => {
    const records = (await readAll<Row>(admin, paths.audit(periodEntity(first)))).reverse();
    // The publication's version: recorded with the intent (nextPublication), then published.
    const version = (r: Row) =>
      r.after?.nextPublication?.version ?? (r.action === "period.publish" ? r.after?.version : null);
    expect(records.map((r) => [r.action, r.actor, r.after?.state ?? null, version(r)])).toEqual([
      ["period.create", "admin", "draft", null],
      ["period.transition", "admin", "open", null],
      ["period.close-early", "admin", "closing", null],
      ["period.scored", "scheduler", null, null],
      ["period.transition", "admin", "finalizing", null],
      ["period.transition", "scheduler", "final", null],
      ["period.publishing", "admin", "publishing", 1],
      ["period.publish", "scheduler", "published", 1],
      ["period.transition", "admin", "appraisal", null],
      ["period.transition", "admin", "finalizing", null],
      ["period.transition", "scheduler", "final", null],
      ["period.publishing", "admin", "publishing", 2],
      ["period.publish", "scheduler", "published", 2],
    ]);
  });
});
