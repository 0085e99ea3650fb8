import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { RankingSnapshot } from "../../../shared/model/snapshot.ts";
import { csvCell, downloadName, rankingRows, toCsv, toXlsx } from "../../../shared/services/open-data.ts";
import { contentDisposition } from "../../../shared/store/content-disposition.ts";

/** Finding 1: CSV injection (OWASP). Only text cells are neutralised; numbers are data. */
describe("the open-data CSV", () => {
  it("neutralises text cells that a spreadsheet would run as a formula", () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
  });

  it("leaves other text, numbers (negative ones too) and empty cells as they are", () => {
    expect(csvCell("Sở Nội vụ")).toBe("Sở Nội vụ");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell('Sở "A", B')).toBe(`"Sở ""A"", B"`);
    expect(csvCell(-1.5)).toBe("-1.5");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(412.25)).toBe("412.25");
    expect(csvCell(null)).toBe("");
  });

  it("writes a whole table: a hostile unit name is quoted, its numbers are not", () => {
    const csv = toCsv({
      header: ["code", "name", "points", "rank_change"],
      rows: [
        ["S01", "=cmd|' /C calc'!A0", 264.5, -2],
        ["S02", "Sở Tư pháp", 300, null],
      ],
    });
    expect(csv).toBe(
      "\uFEFFcode,name,points,rank_change\r\nS01,'=cmd|' /C calc'!A0,264.5,-2\r\nS02,Sở Tư pháp,300,\r\n",
    );
  });
});

/** A snapshot of two groups: a unit that did not submit ranks with 0 points, flagged. */
function snapshot(): RankingSnapshot {
  const node = (code: string, points: number) => ({
    code,
    points,
    maxPoints: 50,
    value: points / 50,
    rank: 1,
  });
  const unit = (code: string, name: string, rank: number, points: number, flags: string[]) => ({
    unitId: code.toLowerCase(),
    code,
    name,
    rank,
    points,
    maxPoints: 100,
    index: points / 100,
    band: points ? "Tốt" : null,
    rankChange: flags.includes("not-submitted") ? null : 1,
    flags,
    nodes: [node("1", points / 2), node("2", points / 2)],
  });
  const nodes = [
    { code: "1", name: "Hạ tầng số", maxPoints: 50 },
    { code: "2", name: "Nhân lực số", maxPoints: 50 },
  ];
  return {
    period: {
      id: "2025",
      name: "Năm 2025",
      framework: { id: "dti", name: "Bộ chỉ số DTI", decision: "QĐ 1/QĐ-UBND" },
    },
    version: 2,
    publishedAt: "2025-12-31T20:00:00.000Z",
    groups: [
      {
        id: "department",
        name: "Sở, ngành",
        maxPoints: 100,
        nodes,
        units: [unit("S01", "Sở Tư pháp", 1, 80, []), unit("S02", "Sở Y tế", 2, 0, ["not-submitted"])],
      },
      {
        id: "commune",
        name: "Xã, phường",
        maxPoints: 100,
        nodes,
        units: [unit("X01", "Xã An Bình", 1, 60, ["missing-evidence"])],
      },
    ],
  };
}

describe("the open-data table", () => {
  it("names its columns in Vietnamese, each pillar by code and name, and says who did not submit", () => {
    const { header, rows } = rankingRows(snapshot());
    expect(header).toEqual([
      "Hạng",
      "Mã",
      "Đơn vị",
      "Nhóm",
      "Điểm",
      "Chỉ số",
      "Xếp loại",
      "1. Hạ tầng số",
      "2. Nhân lực số",
      "Thay đổi hạng",
      "Tình trạng",
    ]);
    expect(rows).toEqual([
      [1, "S01", "Sở Tư pháp", "Sở, ngành", 80, 0.8, "Tốt", 40, 40, 1, "Đã nộp"],
      [2, "S02", "Sở Y tế", "Sở, ngành", 0, 0, null, 0, 0, null, "Không nộp"],
      [1, "X01", "Xã An Bình", "Xã, phường", 60, 0.6, "Tốt", 30, 30, 1, "Đã nộp"],
    ]);
    const csv = toCsv(rankingRows(snapshot())).split("\r\n");
    expect(csv[0]).toBe(
      "\uFEFFHạng,Mã,Đơn vị,Nhóm,Điểm,Chỉ số,Xếp loại,1. Hạ tầng số,2. Nhân lực số,Thay đổi hạng,Tình trạng",
    );
    expect(csv[2]).toBe('2,S02,Sở Y tế,"Sở, ngành",0,0,,0,0,,Không nộp');
  });

  it("gives the XLSX a title block (period, index set, publication date in Vietnam time, version) and column widths", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(toXlsx(rankingRows(snapshot()))) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error("no sheet");
    expect(sheet.name).toBe("Xếp hạng");
    const text = (row: number) => (sheet.getRow(row).values as unknown[]).slice(1);
    expect(text(1)).toEqual(["Xếp hạng chuyển đổi số — Năm 2025"]);
    expect(text(2)).toEqual(["Bộ chỉ số: Bộ chỉ số DTI (QĐ 1/QĐ-UBND)"]);
    // 20:00 UTC on 31 December is 1 January in Vietnam.
    expect(text(3)).toEqual(["Ngày công bố: 01/01/2026"]);
    expect(text(4)).toEqual(["Phiên bản: 2"]);
    expect(text(5)).toEqual([]);
    expect(text(6)).toEqual(rankingRows(snapshot()).header);
    expect(sheet.getRow(6).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(1).getCell(1).font?.size).toBe(14);
    expect(text(8)).toEqual([
      2,
      "S02",
      "Sở Y tế",
      "Sở, ngành",
      0,
      0,
      undefined,
      0,
      0,
      undefined,
      "Không nộp",
    ]);
    expect(sheet.rowCount).toBe(9);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 6 });
    // The unit column fits "Xã An Bình"; the pillar column its header; none under 8.
    expect(sheet.getColumn(3).width).toBe(12);
    expect(sheet.getColumn(8).width).toBe("1. Hạ tầng số".length + 2);
    expect(Math.min(...[1, 2, 5, 6, 10].map((c) => sheet.getColumn(c).width ?? 0))).toBeGreaterThanOrEqual(8);
  });

  it("writes an XLSX without a title block as before: the header in row 1, frozen", async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      Buffer.from(toXlsx({ header: ["a", "b"], rows: [[1, "x"]] })) as unknown as ArrayBuffer,
    );
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).values).toEqual([undefined, "a", "b"]);
    expect(sheet?.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  });

  it("names a download after the period and version, and says so in an RFC 6266 header", () => {
    expect(downloadName("2025", 3, "csv")).toBe("xep-hang-2025-v3.csv");
    expect(contentDisposition("attachment", "xep-hang-2025-v3.csv")).toBe(
      `attachment; filename="xep-hang-2025-v3.csv"; filename*=UTF-8''xep-hang-2025-v3.csv`,
    );
    // Accents dropped (NFD, đ as d) in filename; percent-encoded UTF-8, '()' too, in filename*.
    expect(contentDisposition("attachment", "xep-hang-Năm 2025 (đợt 1)-v1.xlsx")).toBe(
      `attachment; filename="xep-hang-Nam 2025 (dot 1)-v1.xlsx"; filename*=UTF-8''xep-hang-N%C4%83m%202025%20%28%C4%91%E1%BB%A3t%201%29-v1.xlsx`,
    );
    // A user's file name: quotes cannot break out of filename; an all-non-Latin name falls back.
    expect(contentDisposition("inline", 'Biên bản "số 1".pdf')).toBe(
      `inline; filename="Bien ban _so 1_.pdf"; filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%22s%E1%BB%91%201%22.pdf`,
    );
    expect(contentDisposition("attachment", "报告", "evidence")).toMatch(
      /^attachment; filename="evidence"; /,
    );
  });
});
