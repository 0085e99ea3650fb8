import { describe, expect, it } from "vitest";
import { tinyPdf } from "../../../infra/local/demo/pdf.ts";
import type { Evidence } from "../../../shared/model/evidence.ts";
import { carryOver } from "../../../shared/services/carry-over.ts";
import {
  addEvidence,
  confirmEvidence,
  evidenceDownload,
  removeEvidence,
} from "../../../shared/services/evidence.ts";
import { saveAnswers } from "../../../shared/services/submissions.ts";
import { memoryPorts } from "../../support/fakes/index.ts";
import { DEPARTMENT_ANSWERS, departmentsPeriod, openLaterPeriod } from "../../support/fakes/scenarios.ts";
import { at, by, DAY, refusal } from "../../support/fakes/world.ts";

const PDF = tinyPdf("Quyet dinh thanh lap To cong tac");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * so-1 answered period p1 with a confirmed file (1.1 and 1.2), a link (1.3), a file left pending (1.1)
 * and a link on 2.3 only; then p2 (closing later) opens over so-1 and so-2.
 */
async function world() {
  const ports = memoryPorts();
  await departmentsPeriod(ports, { periodId: "p1", closesIn: 2 * DAY });
  const editor = by.editor("so-1");
  await saveAnswers(ports, editor, "p1", "so-1", { answers: DEPARTMENT_ANSWERS }, undefined);
  const file = async (codes: string[], confirm: boolean) => {
    const asked = await addEvidence(ports, editor, "p1", "so-1", {
      indicatorCodes: codes,
      fileName: "quyet-dinh.pdf",
      contentType: "application/pdf",
      size: PDF.byteLength,
    });
    const pending = asked.evidence as Evidence;
    ports.evidenceFiles.upload(pending.key as string, PDF);
    return confirm
      ? ((await confirmEvidence(ports, editor, "p1", "so-1", pending.id)).evidence as Evidence)
      : pending;
  };
  const link = async (codes: string[], url: string) =>
    (await addEvidence(ports, editor, "p1", "so-1", { indicatorCodes: codes, url, title: "Thống kê" }))
      .evidence as Evidence;
  const kept = await file(["1.1", "1.2"], true);
  const stats = await link(["1.3"], "https://vanban.example.vn/thong-ke");
  await file(["1.1"], false);
  await link(["2.3"], "https://vanban.example.vn/khac");
  await openLaterPeriod(ports, "p2", ["so-1", "so-2"]);
  const oldFile = (await ports.submissions.load("p1", "so-1", "department")).evidence.find(
    (e) => e.id === kept.id,
  ) as Evidence;
  return { ports, editor, kept, stats, oldFile };
}

describe("evidence carried over with the answers", () => {
  it("copies each confirmed file and link of the self-assessment, relinked, without an upload", async () => {
    const { ports, editor, kept, stats, oldFile } = await world();
    const uploadsBefore = ports.evidenceFiles.signed.length;
    const view = await carryOver(ports, editor, "p2", "so-1");
    // The pending file is not carried; the confirmed file, both links are.
    expect(view.evidence).toHaveLength(3);
    const file = view.evidence.find((e) => e.kind === "file");
    expect(file).toMatchObject({
      status: "confirmed",
      indicatorCodes: ["1.1", "1.2"],
      fileName: "quyet-dinh.pdf",
      sha256: kept.sha256,
      size: PDF.byteLength,
      carriedFrom: { periodId: "p1", unitId: "so-1", evidenceId: kept.id },
      createdBy: editor.actor.username,
    });
    expect(file?.id).toMatch(UUID);
    expect(file).not.toHaveProperty("key");
    expect(view.evidence.find((e) => e.url === stats.url)).toMatchObject({
      indicatorCodes: ["1.3"],
      carriedFrom: { evidenceId: stats.id },
    });
    // No upload was signed; the file is a copy of its own, byte for byte, under the new period.
    expect(ports.evidenceFiles.signed.length).toBe(uploadsBefore);
    const stored = (await ports.submissions.load("p2", "so-1", "department")).evidence;
    const copy = stored.find((e) => e.id === file?.id) as Evidence;
    expect(copy.key).toMatch(new RegExp(`^evidence/files/p2/so-1/[0-9a-f-]{36}/${kept.sha256}$`));
    expect(await ports.evidenceFiles.read(copy.key as string)).toEqual(PDF);
    expect(await evidenceDownload(ports, editor, "p2", "so-1", copy.id)).toEqual({
      url: expect.stringContaining(copy.key as string),
    });
    const actions = ports.audit.actions("submission#p2#so-1");
    expect(actions.filter((a) => a === "evidence.carry")).toHaveLength(3);
    // Removing the carried item removes its copy; the old period's file stays.
    await removeEvidence(ports, editor, "p2", "so-1", copy.id);
    expect(await ports.evidenceFiles.read(copy.key as string)).toBeUndefined();
    expect(await ports.evidenceFiles.read(oldFile.key as string)).toEqual(PDF);
  });

  it("carries nothing twice, nor bytes or a link the unit already has", async () => {
    const { ports, editor, stats } = await world();
    await addEvidence(ports, editor, "p2", "so-1", { indicatorCodes: ["1.3"], url: stats.url as string });
    const first = await carryOver(ports, editor, "p2", "so-1");
    expect(first.evidence).toHaveLength(3);
    expect(first.evidence.filter((e) => e.url === stats.url)).toHaveLength(1);
    const second = await carryOver(ports, editor, "p2", "so-1");
    expect(second.evidence.map((e) => e.id).sort()).toEqual(first.evidence.map((e) => e.id).sort());
    expect(second.version).toBe(first.version);
  });

  it("two carries at once write each item once, at the same key", async () => {
    const { ports, editor } = await world();
    const [a, b] = await Promise.all([
      carryOver(ports, editor, "p2", "so-1"),
      carryOver(ports, editor, "p2", "so-1"),
    ]);
    const stored = (await ports.submissions.load("p2", "so-1", "department")).evidence;
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((e) => e.carriedFrom?.evidenceId)).size).toBe(3);
    expect(Math.max(a.version, b.version)).toBe(
      (await ports.submissions.load("p2", "so-1", "department")).head.version,
    );
    const copies = [...ports.evidenceFiles.objects.keys()].filter((k) => k.startsWith("evidence/files/p2/"));
    expect(copies).toHaveLength(1);
  });

  it("skips a file whose source is gone, and carries the same bytes once", async () => {
    const { ports, editor, oldFile } = await world();
    // A second confirmed item of the same bytes, on 1.2 only.
    const again = await addEvidence(ports, editor, "p1", "so-1", {
      indicatorCodes: ["1.2"],
      fileName: "ban-sao.pdf",
      contentType: "application/pdf",
      size: PDF.byteLength,
    });
    ports.evidenceFiles.upload(again.evidence?.key as string, PDF);
    await confirmEvidence(ports, editor, "p1", "so-1", again.evidence?.id as string);
    const view = await carryOver(ports, editor, "p2", "so-1");
    expect(view.evidence.filter((e) => e.kind === "file")).toHaveLength(1);
    // In another unit's next period the source file is gone: its links still come, the file does not.
    const other = await world();
    await other.ports.evidenceFiles.remove(other.oldFile.key as string);
    const without = await carryOver(other.ports, other.editor, "p2", "so-1");
    expect(without.evidence.map((e) => e.kind)).toEqual(["url", "url"]);
    expect([...other.ports.evidenceFiles.objects.keys()].filter((k) => k.includes("/p2/"))).toEqual([]);
    expect(oldFile.key).toBeDefined();
  });

  it("a removal racing a second carry never leaves a record without its file", async () => {
    const { ports, editor } = await world();
    const first = await carryOver(ports, editor, "p2", "so-1");
    const file = first.evidence.find((e) => e.kind === "file") as Evidence;
    // The second carry lands between the removal's record and its file delete.
    const remove = ports.evidenceFiles.remove.bind(ports.evidenceFiles);
    let raced = false;
    ports.evidenceFiles.remove = async (key: string) => {
      if (!raced) {
        raced = true;
        await carryOver(ports, editor, "p2", "so-1");
      }
      return remove(key);
    };
    await removeEvidence(ports, editor, "p2", "so-1", file.id);
    const stored = (await ports.submissions.load("p2", "so-1", "department")).evidence;
    const back = stored.find((e) => e.id === file.id) as Evidence;
    expect(back).toBeDefined();
    expect(await ports.evidenceFiles.read(back.key as string)).toEqual(PDF);
  });

  it("only into a draft of an open period", async () => {
    const { ports } = await world();
    expect(await refusal(carryOver(ports, by.editor("so-1", at(30 * DAY)), "p2", "so-1"))).toMatch(
      /^conflict\//,
    );
    expect(ports.evidenceFiles.objects.size).toBe(2);
  });
});
