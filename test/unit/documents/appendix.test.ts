import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { appendixDocument } from "../../../shared/documents/appendix.ts";
import type { Columns, Paragraph, Table } from "../../../shared/documents/model.ts";
import {
  amount,
  dateWords,
  decimal,
  index,
  points,
  rankChangeWords,
  roman,
  sentenceName,
  signed,
  vietnamDate,
} from "../../../shared/documents/words.ts";
import type { PeriodDecision } from "../../../shared/model/period.ts";
import { documentTexts, pdfText, snapshot, tableRows } from "../../support/documents.ts";

const decision: PeriodDecision = {
  issuer: "Ủy ban nhân dân tỉnh Tuyên Quang",
  number: "1234/QĐ-UBND",
  date: "2022-08-05",
  place: "Tuyên Quang",
  signerTitle: "KT. Chủ tịch – Phó Chủ tịch",
  signerName: "Nguyễn Văn An",
};

describe("document words", () => {
  it("formats numbers with a decimal comma, rounded half away from zero, signs with U+2212", () => {
    expect(points(82)).toBe("82,00");
    expect(points(1.005)).toBe("1,01");
    expect(index(0.53335)).toBe("0,5334");
    expect(decimal(-0.125, 2)).toBe("\u22120,13");
    expect(amount(12.5)).toBe("12,5");
    expect(amount(40)).toBe("40");
    expect(signed(12.5, 2)).toBe("+12,50");
    expect(signed(-4, 2)).toBe("\u22124,00");
    expect(signed(0, 2)).toBe("0,00");
    expect(signed(-0.001, 2)).toBe("0,00");
  });

  it("words rank changes, dates (Decree 30 leading zeros) and roman numerals", () => {
    expect(rankChangeWords(5)).toBe("lên 5 bậc");
    expect(rankChangeWords(-2)).toBe("xuống 2 bậc");
    expect(rankChangeWords(0)).toBe("giữ nguyên");
    expect(dateWords("2024-02-05")).toBe("ngày 05 tháng 02 năm 2024");
    expect(dateWords("2024-11-25")).toBe("ngày 25 tháng 11 năm 2024");
    expect(dateWords("2024-03-09")).toBe("ngày 09 tháng 3 năm 2024");
    expect(dateWords(undefined)).toBe("ngày ……… tháng ……… năm ………");
    expect(vietnamDate("2022-07-31T18:00:00.000Z")).toBe("01/08/2022");
    expect([1, 2, 3, 4, 9, 14, 40].map(roman)).toEqual(["I", "II", "III", "IV", "IX", "XIV", "XL"]);
  });

  it("puts an issuer in capitals into sentence form, place names capitalised", () => {
    expect(sentenceName("ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG")).toBe("Ủy ban nhân dân tỉnh Tuyên Quang");
    expect(sentenceName("SỞ TÀI CHÍNH TỈNH HÀ GIANG")).toBe("Sở Tài chính tỉnh Hà Giang");
    expect(sentenceName("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI")).toBe("Ủy ban nhân dân thành phố Hà Nội");
    expect(sentenceName("Ủy ban nhân dân tỉnh Tuyên Quang")).toBe("Ủy ban nhân dân tỉnh Tuyên Quang");
  });
});

describe("the appendix", () => {
  it("is a landscape A4 in 13 pt with page numbers, headed as a decision's appendix", () => {
    const doc = appendixDocument(snapshot, decision);
    expect(doc).toMatchObject({ orientation: "landscape", size: 13, pageNumbers: true, author: "chiso" });
    const heading = doc.blocks[0] as Columns;
    expect(heading.kind).toBe("columns");
    const [left, right] = heading.columns;
    expect(left?.width).toBe(40);
    expect(left?.blocks[0]).toMatchObject({
      text: "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG",
      bold: true,
      rule: true,
    });
    expect(right?.blocks.map((b) => b.text)).toEqual([
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "Độc lập - Tự do - Hạnh phúc",
    ]);
    expect(right?.blocks[1]).toMatchObject({ bold: true, rule: true });
    const texts = documentTexts(doc);
    const at = texts.indexOf("PHỤ LỤC");
    expect(texts.slice(at, at + 5)).toEqual([
      "PHỤ LỤC",
      "KẾT QUẢ XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ",
      "6 tháng đầu năm 2022",
      "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 05 tháng 8 năm 2022 của Ủy ban nhân dân tỉnh Tuyên Quang)",
      "Bộ chỉ số: Bộ chỉ số đánh giá chuyển đổi số (Quyết định số 922/QĐ-BTTTT). Kết quả công bố phiên bản 2, ngày 01/08/2022.",
    ]);
    const attached = doc.blocks.find((b) => b.kind === "paragraph" && String(b.text).startsWith("(Kèm"));
    expect(attached).toMatchObject({ italic: true, align: "center" });
    expect(texts).toContain("I. Sở, ban, ngành (4 đơn vị)");
    expect(texts).toContain("II. Xã, phường, thị trấn (2 đơn vị)");
    // The signature block: title in capitals, room to sign, the name.
    const signature = doc.blocks.at(-1) as Columns;
    expect(signature.columns[1]?.blocks.map((b) => b.text)).toEqual([
      "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH",
      "(Ký, ghi rõ họ tên và đóng dấu)",
      "Nguyễn Văn An",
    ]);
  });

  it("leaves dotted blanks for a decision not filled in, and names v1 without a version", () => {
    const doc = appendixDocument({ ...snapshot, version: 1 }, undefined);
    const texts = documentTexts(doc);
    expect(texts[0]).toBe("ỦY BAN NHÂN DÂN TỈNH ………");
    expect(texts).toContain("(Kèm theo Quyết định số ……… ngày ……… tháng ……… năm ……… của ………)");
    expect(texts).toContain(
      "Bộ chỉ số: Bộ chỉ số đánh giá chuyển đổi số (Quyết định số 922/QĐ-BTTTT). Kết quả công bố ngày 01/08/2022.",
    );
    const signature = doc.blocks.at(-1) as Columns;
    expect(signature.columns[1]?.blocks.map((b: Paragraph) => b.text)).toEqual([
      "………",
      "(Ký, ghi rõ họ tên và đóng dấu)",
      "",
    ]);
  });

  it("tables each group in rank order: ties share a rank, a non-submitter is named so", () => {
    const doc = appendixDocument(snapshot, decision);
    const tables = doc.blocks.filter((b): b is Table => b.kind === "table");
    expect(tables).toHaveLength(2);
    expect(tables[0]?.header[0]?.map((c) => c.text)).toEqual([
      "Xếp hạng",
      "Đơn vị",
      "Tổng điểm (tối đa 100)",
      "Chỉ số",
      "Mức",
      "Nhận thức số (tối đa 30)",
      "Thể chế số (tối đa 30)",
      "Hoạt động số (tối đa 40)",
    ]);
    expect(tables[0]?.columns.slice(2).every((c) => c.align !== "left")).toBe(true);
    expect(tableRows(doc)).toEqual([
      ["1", "Sở Tài chính", "82,00", "0,8200", "Tốt", "20,00", "28,50", "33,50"],
      ["2", "Sở Công Thương", "70,25", "0,7025", "Khá", "25,00", "20,25", "25,00"],
      ["2", "Sở Nội vụ", "70,25", "0,7025", "Khá", "10,00", "30,00", "30,25"],
      ["4", "Sở Y tế (không nộp)", "0,00", "0,0000", "–", "0,00", "0,00", "0,00"],
      ["1", "Xã An Tường", "48,00", "0,5647", "Khá", "20,00", "8,00", "20,00"],
      ["2", "Xã Lưỡng Vượng", "40,00", "0,4000", "Trung bình", "10,00", "15,00", "15,00"],
    ]);
    // Units listed out of order are put in rank order.
    const shuffled = {
      ...snapshot,
      groups: snapshot.groups.map((g) => ({ ...g, units: [...g.units].reverse() })),
    };
    expect(tableRows(appendixDocument(shuffled, decision)).map((r) => r[0])).toEqual([
      "1",
      "2",
      "2",
      "4",
      "1",
      "2",
    ]);
  });

  it("notes how the index and the ranks are made, and the data source", () => {
    const notes = documentTexts(appendixDocument(snapshot, decision)).join("\n");
    expect(notes).toContain("Chỉ số = Tổng điểm ÷ tổng điểm tối đa áp dụng");
    expect(notes).toContain("cùng hạng");
    expect(notes).toContain("liệt kê theo tên");
    expect(notes).toContain("không nộp bản tự đánh giá được 0 điểm và vẫn được xếp hạng");
    expect(notes).toContain("phiên bản 2");
  });

  it("reads back from its PDF with every unit's rank, points and index", async () => {
    const renderFile = new URL("../../../shared/documents/render.ts", import.meta.url);
    expect(existsSync(renderFile), "shared/documents/render.ts is missing").toBe(true);
    const { renderPdf } = await import("../../../shared/documents/render.ts");
    const text = await pdfText(renderPdf(appendixDocument(snapshot, decision)));
    const lines = text.split("\n");
    for (const group of snapshot.groups)
      for (const unit of group.units) {
        const line = lines.find((l) => l.includes(unit.name));
        expect(line, unit.name).toBeDefined();
        const cells = (line as string).trim().split(/\s{2,}/);
        expect(cells[0], unit.name).toBe(String(unit.rank));
        expect(line).toContain(points(unit.points));
        expect(line).toContain(index(unit.index));
      }
    expect(text).toContain("PHỤ LỤC");
    expect(text).toContain("Ủy ban nhân dân tỉnh Tuyên Quang");
  });
});
