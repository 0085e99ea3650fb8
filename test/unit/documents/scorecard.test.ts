import { describe, expect, it } from "vitest";
import type { LedgerLeafView, UnitResultView } from "../../../shared/api/results.ts";
import type { Table } from "../../../shared/documents/model.ts";
import { type ScorecardInput, scorecardDocument } from "../../../shared/documents/scorecard.ts";
import { index, points } from "../../../shared/documents/words.ts";
import { type Framework, frameworkSchema } from "../../../shared/model/framework.ts";
import type { SnapshotGroup, SnapshotUnit } from "../../../shared/model/snapshot.ts";
import {
  documentTexts,
  framework,
  groupSo,
  groupXa,
  ledgerA,
  ledgerB,
  ledgerD,
  ledgerE,
  pdfText,
  snapshot,
  unitA,
  unitB,
  unitD,
  unitE,
  unitF,
} from "../../support/documents.ts";

const previous = (unit?: SnapshotUnit) => ({ periodName: "6 tháng cuối năm 2021", unit });
const cardA: ScorecardInput = {
  snapshot,
  group: groupSo,
  unit: unitA,
  ledger: ledgerA,
  framework,
  previous: previous(),
  decision: { issuer: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG", place: "Tuyên Quang" },
};

const tables = (input: ScorecardInput) =>
  scorecardDocument(input).blocks.filter((b): b is Table => b.kind === "table");
const rowTexts = (table: Table | undefined) =>
  (table?.rows ?? []).map((r) =>
    r.map((c) => (typeof c.text === "string" ? c.text : c.text.map((x) => x.text).join(""))),
  );

describe("the scorecard", () => {
  it("is a portrait A4 in 12 pt, headed like the appendix, with the version and the unit's totals", () => {
    const doc = scorecardDocument(cardA);
    expect(doc).toMatchObject({ orientation: "portrait", size: 12, pageNumbers: true });
    const texts = documentTexts(doc);
    expect(texts.slice(0, 7)).toEqual([
      "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
      // A stand-alone document says where and when (the publication's day in Vietnam).
      "Tuyên Quang, ngày 01 tháng 8 năm 2022",
      "PHIẾU KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ",
      "6 tháng đầu năm 2022",
      "Phiên bản 2, công bố ngày 01/08/2022",
    ]);
    for (const line of [
      "Tên đơn vị: Sở Tài chính",
      "Mã đơn vị: STC",
      "Nhóm xếp hạng: Sở, ban, ngành",
      "Xếp hạng: 1/4",
      "Tổng điểm: 82,00 / 100",
      "Chỉ số: 0,8200",
      "Mức xếp loại: Tốt",
    ])
      expect(texts).toContain(line);
    expect(texts.at(-1)).toContain("phiên bản 2");
    expect(texts.at(-1)).toContain("điểm làm tròn 2 chữ số thập phân, chỉ số 4");
  });

  it("compares with the previous period: rank in words, signed changes, pillars and indicators that moved", () => {
    const texts = documentTexts(scorecardDocument(cardA));
    expect(texts).toContain("Kỳ so sánh: 6 tháng cuối năm 2021");
    expect(texts).toContain("Thứ hạng: hạng 3 → hạng 1 (lên 2 bậc)");
    expect(texts).toContain("Tổng điểm: +12,50 điểm; chỉ số +0,1250");
    expect(texts).toContain(
      "Trụ cột thay đổi: Nhận thức số +10,00 điểm; Thể chế số \u22124,00 điểm; Hoạt động số +6,50 điểm",
    );
    expect(texts).toContain(
      "Chỉ tiêu thay đổi nhiều nhất: 1.1 Ban hành kế hoạch chuyển đổi số +10,00 điểm; 3.2 Điểm an toàn thông tin +6,50 điểm; 2.2 Số quy chế đã ban hành \u22124,00 điểm",
    );
    const down = documentTexts(scorecardDocument({ ...cardA, unit: unitB, ledger: ledgerB }));
    expect(down).toContain("Thứ hạng: hạng 1 → hạng 2 (xuống 1 bậc)");
    expect(down).toContain("Tổng điểm: \u22124,00 điểm; chỉ số \u22120,0400");
    const same = groupSo.units[1] as SnapshotUnit;
    expect(documentTexts(scorecardDocument({ ...cardA, unit: same, ledger: undefined }))).toContain(
      "Thứ hạng: hạng 2 → hạng 2 (giữ nguyên)",
    );
  });

  it("says when there is nothing to compare with", () => {
    const none = "Không có kết quả kỳ trước để so sánh.";
    const e = { ...cardA, group: groupXa, unit: unitE, ledger: ledgerE };
    expect(documentTexts(scorecardDocument({ ...e, previous: undefined }))).toContain(none);
    expect(documentTexts(scorecardDocument({ ...e, unit: unitF, ledger: undefined }))).toContain(none);
    // No change column in the pillars table then.
    expect(tables({ ...e, previous: undefined })[0]?.header[0]).toHaveLength(5);
  });

  it("computes the change from the previous figure for a snapshot published before `change` was kept", () => {
    const { change: _, ...legacy } = unitA;
    const before: SnapshotUnit = {
      ...unitA,
      rank: 3,
      points: 69.5,
      index: 0.695,
      nodes: unitA.nodes.map((n) => ({
        ...n,
        points: n.points - 1,
        value: n.value === null ? null : n.value - 0.01,
      })),
    };
    const texts = documentTexts(scorecardDocument({ ...cardA, unit: legacy, previous: previous(before) }));
    expect(texts).toContain("Tổng điểm: +12,50 điểm; chỉ số +0,1250");
    expect(texts).toContain(
      "Trụ cột thay đổi: Nhận thức số +1,00 điểm; Thể chế số +1,00 điểm; Hoạt động số +1,00 điểm",
    );
    expect(texts.some((t) => t.startsWith("Chỉ tiêu thay đổi nhiều nhất"))).toBe(false);
  });

  it("tables the pillars with points, maximum, value, rank in the group and change", () => {
    const [pillars] = tables(cardA);
    expect(pillars?.header[0]?.map((c) => c.text)).toEqual([
      "Trụ cột",
      "Điểm",
      "Tối đa",
      "Giá trị",
      "Hạng trong nhóm",
      "Thay đổi điểm",
    ]);
    expect(rowTexts(pillars)).toEqual([
      ["Nhận thức số", "20,00", "30", "0,6667", "2/4", "+10,00"],
      ["Thể chế số", "28,50", "30", "0,9500", "1/4", "\u22124,00"],
      ["Hoạt động số", "33,50", "40", "0,8375", "1/4", "+6,50"],
      ["Tổng", "82,00", "100", "0,8200", "1/4", "+12,50"],
    ]);
  });

  it("words every leaf by its method, with the appraisal, a contest decision and the final points", () => {
    const [, ledger] = tables(cardA);
    expect(ledger?.header[0]?.map((c) => c.text)).toEqual([
      "Mã",
      "Chỉ tiêu",
      "Đơn vị tự đánh giá",
      "Thẩm định, giải trình",
      "Điểm",
      "Tối đa",
    ]);
    expect(rowTexts(ledger)).toEqual([
      ["1", "Nhận thức số", "20,00", "30"],
      ["1.1", "Ban hành kế hoạch chuyển đổi số", "Có", "Chấp nhận", "10,00", "10"],
      [
        "1.2",
        "Mức độ tuyên truyền",
        "Đầy đủ",
        "Điều chỉnh: Một phần. Lý do: Chưa có văn bản ban hành kế hoạch tuyên truyền. Giải trình: giữ nguyên (Minh chứng bổ sung không đủ)",
        "10,00",
        "20",
      ],
      ["2", "Thể chế số", "28,50", "30"],
      [
        "2.1",
        "Tỷ lệ thủ tục trực tuyến toàn trình",
        "45/50 (Số thủ tục trực tuyến / Tổng số thủ tục), đạt 90%",
        "–",
        "13,50",
        "15",
      ],
      ["2.2", "Số quy chế đã ban hành", "12", "–", "15,00", "15"],
      ["3", "Hoạt động số", "33,50", "40"],
      ["3.1", "Số hệ thống dùng chung", "4", "–", "8,00", "10"],
      ["3.2", "Điểm an toàn thông tin", "17,5 điểm", "–", "17,50", "20"],
      ["3.3", "Dữ liệu số", "", "10"],
      ["3.3.1", "Số bộ dữ liệu mở", "120", "–", "8,00", "10"],
      ["3.3.2", "Ghi chú về dữ liệu", "Đã kết nối cổng dữ liệu tỉnh", "", "", ""],
    ]);
  });

  it("puts leaf flags in words in the answer cell and the unit's flags with counts", () => {
    const b = documentTexts(scorecardDocument({ ...cardA, unit: unitB, ledger: ledgerB }));
    expect(b).toContain("Có (thiếu tài liệu kiểm chứng)");
    expect(b).toContain("Lưu ý: 1 chỉ tiêu thiếu tài liệu kiểm chứng.");
    const e = scorecardDocument({
      ...cardA,
      group: groupXa,
      unit: unitE,
      ledger: ledgerE,
      previous: undefined,
    });
    const rows = rowTexts(e.blocks.filter((x): x is Table => x.kind === "table")[1]);
    expect(rows.find((r) => r[0] === "2.1")?.slice(2)).toEqual([
      "Không phát sinh (không áp dụng)",
      "–",
      "0,00",
      "15",
    ]);
    expect(rows.find((r) => r[0] === "3.2")?.slice(2)).toEqual(["– (chưa trả lời)", "–", "0,00", "20"]);
    expect(rows.find((r) => r[0] === "3.3.2")?.[2]).toBe("Có");
    expect(documentTexts(e)).toContain("Lưu ý: 1 chỉ tiêu không áp dụng; 1 chỉ tiêu chưa trả lời.");
  });

  it("shows a non-submitter's leaves at 0 without its drafts, with or without a ledger", () => {
    const d = { ...cardA, unit: unitD, ledger: ledgerD };
    const texts = documentTexts(scorecardDocument(d));
    expect(texts).toContain("Lưu ý: Đơn vị không nộp bản tự đánh giá: được 0 điểm và vẫn được xếp hạng.");
    expect(texts).toContain("Không so sánh với kỳ trước: đơn vị không nộp bản tự đánh giá kỳ này.");
    for (const ledger of [ledgerD, undefined]) {
      const rows = rowTexts(tables({ ...d, ledger })[1]).filter((r) => r.length === 6 && r[5] !== "");
      expect(rows).toHaveLength(7);
      for (const row of rows) expect(row.slice(2, 5)).toEqual(["–", "–", "0,00"]);
    }
  });

  it("reads back from its PDF: totals, pillars and every leaf's final points", async () => {
    const { renderPdf } = await import("../../../shared/documents/render.ts");
    for (const input of [
      cardA,
      { ...cardA, group: groupXa, unit: unitE, ledger: ledgerE, previous: undefined },
    ]) {
      const text = await pdfText(renderPdf(scorecardDocument(input)));
      const lines = text.split("\n");
      const { unit, ledger } = input;
      expect(text).toContain(`${unit.rank}/${input.group.units.length}`);
      expect(text).toContain(`${points(unit.points)} / ${unit.maxPoints}`);
      expect(text).toContain(index(unit.index));
      for (const node of unit.nodes) {
        const name = input.group.nodes.find((n) => n.code === node.code)?.name as string;
        const line = lines.find((l) => l.trim().startsWith(name));
        expect(line, name).toContain(points(node.points));
        expect(line, name).toContain(index(node.value as number));
      }
      for (const leaf of (ledger as UnitResultView).leaves.filter((l) => l.code !== "3.3.2")) {
        const line = lines.find((l) => l.trim().startsWith(`${leaf.code} `));
        expect(line, leaf.code).toContain(points(leaf.final.score));
      }
    }
  });
});

/** A framework of one group: 5 pillars of 20 leaves, methods in turn. */
function bigFramework(): Framework {
  const methods = [
    { type: "yesno" },
    {
      type: "level",
      options: [
        { id: "a", label: "Đạt", fraction: 1 },
        { id: "b", label: "Chưa đạt", fraction: 0 },
      ],
    },
    { type: "ratio" },
    { type: "count", pointsEach: 1 },
    { type: "points" },
  ];
  const nodes = Array.from({ length: 5 }, (_, p) => ({
    code: `${p + 1}`,
    name: `Trụ cột ${p + 1}`,
    maxPoints: 40,
    children: Array.from({ length: 20 }, (_, l) => ({
      code: `${p + 1}.${l + 1}`,
      name: `Chỉ tiêu ${p + 1}.${l + 1} về hạ tầng, nền tảng và dữ liệu số`,
      maxPoints: 2,
      method: methods[l % methods.length],
    })),
  }));
  return frameworkSchema.parse({
    id: "big",
    name: "Bộ lớn",
    groups: [{ id: "g", name: "Nhóm", unitKinds: ["x"], nodes }],
  });
}

describe("the scorecard at scale", () => {
  it("builds a 100-leaf unit's scorecard 1,000 times", () => {
    const big = bigFramework();
    const values = [true, "a", { numerator: 3, denominator: 4 }, 2, 1.5];
    const leaves: LedgerLeafView[] = [];
    for (const pillar of big.groups[0]?.nodes ?? [])
      if ("children" in pillar)
        pillar.children.forEach((leaf, i) => {
          const value = values[i % values.length];
          leaves.push({
            code: leaf.code,
            self: { value, note: null, by: null, at: null, score: 1.5, flags: [] },
            appraisal: null,
            contest: null,
            final: { value, score: 1.5, flags: [] },
          });
        });
    const group: SnapshotGroup = {
      ...groupSo,
      id: "g",
      maxPoints: 200,
      nodes: Array.from({ length: 5 }, (_, p) => ({
        code: `${p + 1}`,
        name: `Trụ cột ${p + 1}`,
        maxPoints: 40,
      })),
    };
    const unit: SnapshotUnit = {
      ...unitA,
      maxPoints: 200,
      nodes: group.nodes.map((n) => ({ code: n.code, points: 30, maxPoints: 40, value: 0.75, rank: 1 })),
    };
    const input: ScorecardInput = { ...cardA, framework: big, group, unit, ledger: { ...ledgerA, leaves } };
    const started = performance.now();
    let rows = 0;
    for (let i = 0; i < 1000; i++) rows += tables(input)[1]?.rows.length ?? 0;
    const ms = performance.now() - started;
    console.log(
      `scorecardDocument, 100 leaves: 1,000 calls in ${ms.toFixed(0)} ms (${(ms / 1000).toFixed(3)} ms each)`,
    );
    expect(rows).toBe(1000 * 105);
  });
});
