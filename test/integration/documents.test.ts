import { strFromU8, unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { amount, index, points } from "../../shared/documents/words.ts";
import type { RankingSnapshot, SnapshotUnit } from "../../shared/model/snapshot.ts";
import { expectInvalid } from "../support/client.ts";
import { fetchPublic, moveTo, type Row, waitFor } from "../support/lifecycle.ts";
import {
  type Api,
  api,
  DEPARTMENT_ANSWERS,
  paths,
  setUpWorldClients,
  stack,
  type UnitUsers,
  type World,
} from "../support/local-stack.ts";
import { pdfText, requirePoppler } from "../support/poppler.ts";

/**
 * The official documents of a publication on the shared local stack (API.md "Published files"):
 * the decision set on the period, the appendix (PDF, DOCX) with every unit's rank, points and index
 * as the snapshot says them, one scorecard per unit with its totals and every leaf's final points as
 * the ledger has them, the organiser's ZIP, pointers equal to their immutable files, and v1's files
 * left as they were by a second publication.
 */

let world: World;
let admin: Api;
const DECISION = {
  issuer: "Ủy ban nhân dân tỉnh Tuyên Quang",
  number: "1234/QĐ-UBND",
  date: "2026-12-20",
  place: "Tuyên Quang",
  signerTitle: "KT. Chủ tịch – Phó Chủ tịch",
  signerName: "Nguyễn Văn Ánh",
};

const file = async (path: string) => {
  const reply = await fetchPublic(stack().url, `/public/rankings/${path}`);
  expect(reply.status, path).toBe(200);
  return reply;
};
/** A DOCX's text: its document.xml with the tags dropped and the entities read. */
const docxText = (docx: Uint8Array) =>
  strFromU8(unzipSync(docx)["word/document.xml"] ?? new Uint8Array())
    .replace(/<w:tab\/>|<\/w:p>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

async function answerAndSubmit(periodId: string, unit: UnitUsers, answers: Record<string, unknown>) {
  const saved = await api(unit.editor).patch(paths.answers(periodId, unit.id), { answers });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const submitted = await api(unit.approver).post(paths.submit(periodId, unit.id));
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
}

const units = (snapshot: RankingSnapshot): SnapshotUnit[] => snapshot.groups.flatMap((g) => g.units);

beforeAll(async () => {
  requirePoppler();
  ({ world, admin } = await setUpWorldClients("documents"));
  await answerAndSubmit(world.periodId, world.a, DEPARTMENT_ANSWERS);
  await answerAndSubmit(world.periodId, world.b, { ...DEPARTMENT_ANSWERS, "2.2": { value: 500 } });
  // c does not submit: ranked with 0 points, "không nộp".
});

describe("the period's decision", () => {
  it("refuses a bad decision with the field's path, and writes nothing", async () => {
    const at = paths.period(world.periodId);
    expectInvalid(await admin.patch(at, { decision: { date: "2026-13-01" } }), "decision.date");
    expectInvalid(await admin.patch(at, { decision: { number: "x".repeat(61) } }), "decision.number");
    expectInvalid(await admin.patch(at, { decision: { signer: "A" } }), "decision.signer");
    expectInvalid(await admin.patch(at, { decision: { place: "Tuyên\nQuang" } }), "decision.place");
    const period = await admin.get(at);
    expect(period.body.decision).toBeUndefined();
  });

  it("is set as a whole, read back, and cleared with null", async () => {
    const at = paths.period(world.periodId);
    const first = await admin.patch(at, { decision: { number: "1/QĐ", place: "Hà Nội" } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.decision).toEqual({ number: "1/QĐ", place: "Hà Nội" });
    const replaced = await admin.patch(at, { decision: { signerName: "Trần Thị B" } });
    expect(replaced.body.decision).toEqual({ signerName: "Trần Thị B" });
    const cleared = await admin.patch(at, { decision: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.decision).toBeUndefined();
    const set = await admin.patch(at, { decision: DECISION });
    expect(set.body.decision).toEqual(DECISION);
    expect((await admin.get(at)).body.decision).toEqual(DECISION);
  });
});

describe("documents at publication", () => {
  let snapshot: RankingSnapshot;

  it("writes the appendix with every unit's rank, points and index, and the decision", async () => {
    await moveTo(admin, world.periodId, "appraisal");
    await moveTo(admin, world.periodId, "final");
    const published = await moveTo(admin, world.periodId, "published");
    expect(published.publication).toMatchObject({ version: 1, documents: true });
    snapshot = JSON.parse((await file(`${world.periodId}/v1.json`)).bytes.toString("utf8"));
    const pdf = await file(`${world.periodId}/v1.pdf`);
    const docx = await file(`${world.periodId}/v1.docx`);
    expect(pdf.contentType).toBe("application/pdf");
    expect(docx.contentType).toMatch(/wordprocessingml\.document/);
    for (const [ext, immutable] of [
      ["pdf", pdf],
      ["docx", docx],
    ] as const)
      expect((await file(`${world.periodId}.${ext}`)).bytes.equals(immutable.bytes), ext).toBe(true);

    const text = pdfText(pdf.bytes);
    const xml = docxText(docx.bytes);
    for (const unit of units(snapshot)) {
      // The row's lines: a wrapped name may put the numbers on the line above or below its first.
      const lines = text.split("\n");
      const at = lines.findIndex((line) => line.includes(unit.name.slice(0, 12)));
      expect(at, unit.name).toBeGreaterThanOrEqual(0);
      const row = lines.slice(Math.max(0, at - 1), at + 2).join(" ");
      expect(row, unit.name).toMatch(
        new RegExp(`(^|\\s)${unit.rank}\\s.*\\s${points(unit.points)}\\s+${index(unit.index)}(\\s|$)`),
      );
      for (const words of [String(unit.rank), points(unit.points), index(unit.index)])
        expect(xml, `${unit.name}: ${words}`).toContain(words);
      expect(xml).toContain(unit.name);
    }
    expect(points(12.5)).toBe("12,50");
    for (const words of [
      "1234/QĐ-UBND",
      "ngày 20 tháng 12 năm 2026",
      "Nguyễn Văn Ánh",
      "ỦY BAN NHÂN DÂN TỈNH",
    ]) {
      expect(text.replace(/\s+/g, " "), words).toContain(words);
      expect(xml, words).toContain(words);
    }
    const listing = JSON.parse((await file("index.json")).bytes.toString("utf8"));
    expect(listing.periods.find((p: Row) => p.periodId === world.periodId)).toMatchObject({
      version: 1,
      documents: true,
    });
  });

  it("writes one scorecard per unit: totals and every leaf's final points as the ledger has them", async () => {
    const results = await admin.get(`${paths.results(world.periodId)}?limit=100`);
    expect(results.status, JSON.stringify(results.body)).toBe(200);
    const ledgers = new Map<string, Row>(results.body.items.map((r: Row) => [r.unitId, r]));
    // Information leaves carry no points: their row has none.
    const framework = (await admin.get(paths.framework(world.frameworkId))).body;
    const info = new Set<string>();
    const walk = (node: Row): void => {
      if (node.children) for (const child of node.children) walk(child);
      else if (node.method?.type === "info") info.add(node.code);
    };
    for (const group of framework.groups) for (const node of group.nodes) walk(node);
    for (const group of snapshot.groups)
      for (const unit of group.units) {
        const immutable = await file(`${world.periodId}/v1/units/${unit.unitId}.pdf`);
        const pointer = await file(`${world.periodId}/units/${unit.unitId}.pdf`);
        expect(pointer.bytes.equals(immutable.bytes), unit.unitId).toBe(true);
        const text = pdfText(immutable.bytes);
        const flat = text.replace(/\s+/g, " ");
        expect(flat).toContain(`Xếp hạng: ${unit.rank}/${group.units.length}`);
        expect(flat).toContain(`Tổng điểm: ${points(unit.points)} / ${amount(unit.maxPoints)}`);
        expect(flat).toContain(`Chỉ số: ${index(unit.index)}`);
        const lines = text.split("\n");
        for (const leaf of ledgers.get(unit.unitId)?.leaves ?? []) {
          const line = lines.find((l) => l.trim().startsWith(`${leaf.code} `));
          expect(line, `${unit.unitId} ${leaf.code}`).toBeDefined();
          if (info.has(leaf.code)) continue;
          expect(line, `${unit.unitId} ${leaf.code}`).toContain(points(Math.max(0, leaf.final.score)));
        }
      }
  });

  it("writes the organiser's ZIP: every unit's scorecard as PDF and DOCX", async () => {
    const zip = await file(`${world.periodId}/v1/phieu-ket-qua.zip`);
    expect(zip.contentType).toBe("application/zip");
    expect((await file(`${world.periodId}/phieu-ket-qua.zip`)).bytes.equals(zip.bytes)).toBe(true);
    const entries = unzipSync(zip.bytes);
    const names = Object.keys(entries).sort();
    const expected = snapshot.groups.flatMap((g) =>
      g.units.flatMap((u) => [`${g.name}/${u.code} ${u.name}.docx`, `${g.name}/${u.code} ${u.name}.pdf`]),
    );
    expect(names).toEqual(expected.sort());
    for (const unit of units(snapshot)) {
      const group = snapshot.groups.find((g) => g.units.includes(unit))?.name;
      const pdf = entries[`${group}/${unit.code} ${unit.name}.pdf`] ?? new Uint8Array();
      const published = await file(`${world.periodId}/v1/units/${unit.unitId}.pdf`);
      expect(Buffer.from(pdf).equals(published.bytes), unit.unitId).toBe(true);
      expect(docxText(entries[`${group}/${unit.code} ${unit.name}.docx`] ?? new Uint8Array())).toContain(
        unit.name,
      );
    }
  });

  it("refuses to change the decision while the publication runs, and leaves v1's files as they were", async () => {
    const v1 = await Promise.all(
      ["v1.pdf", "v1.docx", "v1/phieu-ket-qua.zip", `v1/units/${world.a.id}.pdf`].map(async (path) => [
        path,
        (await file(`${world.periodId}/${path}`)).bytes,
      ]),
    );
    await moveTo(admin, world.periodId, "appraisal");
    await moveTo(admin, world.periodId, "final");
    const asked = await admin.post(paths.transitions(world.periodId), { to: "published" });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const during = await admin.patch(paths.period(world.periodId), { decision: { number: "2/QĐ" } });
    // The job may already have finished on a fast machine; while it runs, the change is refused (the
    // refusal itself is pinned, without timing, in test/unit/services/periods.test.ts).
    if (during.status !== 200) expect(during.body.error.code).toBe("job-running");
    const published = await waitFor(
      "the second publication",
      async () => (await admin.get(paths.period(world.periodId))).body as Row,
      (p) => p.state === "published" || p.job?.status === "failed",
      60_000,
      100,
    );
    expect(published.publication).toMatchObject({ version: 2, documents: true });
    for (const [path, bytes] of v1)
      expect((await file(`${world.periodId}/${path}`)).bytes.equals(bytes as Buffer), path as string).toBe(
        true,
      );
    const v2 = pdfText((await file(`${world.periodId}.pdf`)).bytes);
    expect(v2).toContain("phiên bản 2");
  });
});
