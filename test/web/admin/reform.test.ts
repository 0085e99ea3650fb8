import { describe, expect, test } from "vitest";
import {
  REFORM_SHEET,
  reformDate,
  reformFromSheets,
  reformWorkbook,
} from "../../../web/src/app/admin/excel/reform.ts";
import { issueText } from "../../../web/src/app/admin/excel/sheets.ts";
import { readXlsx, type Sheets } from "../../../web/src/app/admin/excel/xlsx.ts";

const HEADER = [
  "Mã mới",
  "Tên mới",
  "Loại",
  "Mã đơn vị cấp trên",
  "Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)",
];

const sheet = (
  rows: string[][],
  top: string[][] = [
    ["Nghị quyết", "1684/NQ-UBTVQH15"],
    ["Hiệu lực từ ngày", "01/07/2025"],
    ["Đơn vị chấm dứt", "070"],
  ],
): Sheets => new Map([[REFORM_SHEET, [...top, [], HEADER, ...rows]]]);

describe("the reorganisation sheet", () => {
  test("the downloaded template reads back into the body of POST /api/reforms", async () => {
    const converted = reformFromSheets(readXlsx(await reformWorkbook().arrayBuffer()));
    expect(converted.issues).toEqual([]);
    expect(converted.value).toEqual({
      decision: "1684/NQ-UBTVQH15",
      effectiveDate: "2025-07-01",
      ended: ["070", "071"],
      units: [
        { code: "02509", name: "Phường Mỹ Lâm", kind: "commune", fromCodes: ["02509", "02512"] },
        { code: "02530", name: "Xã Hùng Lợi", kind: "commune", fromCodes: ["02530", "02533", "02536"] },
      ],
    });
  });

  test("the form's decision and date win over the sheet's", () => {
    const converted = reformFromSheets(sheet([["99001", "Xã Mới", "commune", "", "02511; 02600"]]), {
      decision: "1685/NQ-UBTVQH15",
      effectiveDate: "2025-07-02",
    });
    expect(converted.issues).toEqual([]);
    expect(converted.value).toMatchObject({
      decision: "1685/NQ-UBTVQH15",
      effectiveDate: "2025-07-02",
      units: [{ code: "99001", fromCodes: ["02511", "02600"] }],
    });
  });

  test("names every problem by sheet, row and column before anything is sent", () => {
    const converted = reformFromSheets(
      sheet(
        [
          ["02509", "Phường A", "commune", "", "02509, 02510"],
          ["02509", "", "commune", "bad code!", "02510"],
          ["", "Xã C", "", "", "070"],
        ],
        [["Nghị quyết", ""], ["Hiệu lực từ ngày", "31/02/2025"], []],
      ),
    );
    expect(converted.issues.map(issueText)).toEqual([
      "trang Sắp xếp đơn vị, dòng 1, cột B (Nghị quyết / Quyết định): bắt buộc",
      "trang Sắp xếp đơn vị, dòng 2, cột B (Hiệu lực từ ngày): “31/02/2025” không phải là ngày (dd/mm/yyyy)",
      "trang Sắp xếp đơn vị, dòng 7, cột B (Tên mới): bắt buộc",
      "trang Sắp xếp đơn vị, dòng 7, cột A (Mã mới): mã “02509” trùng với dòng 6",
      "trang Sắp xếp đơn vị, dòng 7, cột E (Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)): mã cũ “02510” đã được dùng ở dòng 6",
      "trang Sắp xếp đơn vị, dòng 7, cột D (Mã đơn vị cấp trên): mã “bad code!” không hợp lệ (chữ, số, dấu . _ -)",
      "trang Sắp xếp đơn vị, dòng 8, cột A (Mã mới): bắt buộc",
      "trang Sắp xếp đơn vị, dòng 8, cột C (Loại): bắt buộc",
    ]);
  });

  test("a missing sheet or column is named, and the API's problems map back to their cells", () => {
    expect(reformFromSheets(new Map()).issues.map(issueText)).toEqual([
      "trang Sắp xếp đơn vị: thiếu trang tính “Sắp xếp đơn vị”",
    ]);
    const noFrom = new Map([
      [REFORM_SHEET, [["x", "1/NQ"], ["y", "2025-07-01"], [], [], HEADER.slice(0, 4)]],
    ]);
    expect(reformFromSheets(noFrom).issues.map(issueText)).toEqual([
      "trang Sắp xếp đơn vị, dòng 5: thiếu cột “Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)” ở dòng tiêu đề",
    ]);
    const converted = reformFromSheets(sheet([["02509", "Phường A", "commune", "", "02509, XXX"]]));
    expect(issueText(converted.locate("units.0.fromCodes.1", 'no unit with code "XXX"'))).toBe(
      'trang Sắp xếp đơn vị, dòng 6, cột E (Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)): no unit with code "XXX"',
    );
    expect(issueText(converted.locate("ended.0", "unknown"))).toBe(
      "trang Sắp xếp đơn vị, dòng 3, cột B (Đơn vị chấm dứt (không có đơn vị kế thừa)): unknown",
    );
  });

  test("reads dates as dd/mm/yyyy, ISO or an Excel serial day", () => {
    expect(reformDate("1/7/2025")).toBe("2025-07-01");
    expect(reformDate("2025-07-01")).toBe("2025-07-01");
    expect(reformDate("45839")).toBe("2025-07-01");
    expect(reformDate("2025-02-30")).toBeUndefined();
  });
});
