import { describe, expect, test } from "vitest";
import { frameworkFromSheets } from "../../../web/src/app/admin/excel/parse.ts";
import { issueText } from "../../../web/src/app/admin/excel/sheets.ts";
import { frameworkWorkbook } from "../../../web/src/app/admin/excel/template.ts";
import { readXlsx, type Sheets } from "../../../web/src/app/admin/excel/xlsx.ts";

// The map to the predecessor from the sheet "Ánh xạ" (DOMAIN.md §3 "Versions of an index set").

const sheets = (map: string[][] | undefined, predecessor = "tq-2022"): Sheets =>
  new Map<string, string[][]>([
    [
      "Bộ chỉ số",
      [
        ["Trường", "Giá trị"],
        ["Mã bộ chỉ số", "tq-2025"],
        ["Tên bộ chỉ số", "Bộ chỉ số 2025"],
        ["Bộ chỉ số trước (mã)", predecessor],
      ],
    ],
    [
      "Nhóm",
      [
        ["Mã nhóm", "Tên nhóm", "Loại đơn vị"],
        ["commune", "Xã, phường", "commune, ward"],
      ],
    ],
    [
      "Chỉ tiêu",
      [
        ["Nhóm", "Mã", "Tên chỉ tiêu", "Điểm tối đa", "Cách chấm"],
        ["commune", "1", "Nhận thức số", "20", ""],
        ["commune", "1.1", "Chỉ tiêu gộp", "20", "yesno"],
      ],
    ],
    ...(map
      ? ([["Ánh xạ", [["Nhóm", "Mã mới", "Mã cũ", "Quan hệ"], ...map]]] as [string, string[][]][])
      : []),
  ]);

describe("the map sheet", () => {
  test("each relation, old codes comma separated, a dropped line without a new code", () => {
    const converted = frameworkFromSheets(
      sheets([
        ["commune", "1", "1", "đổi tên"],
        ["commune", "1.1", "1.1, 1.2", "Gộp"],
        ["commune", "", "1.3", "bỏ"],
        ["commune", "1.4", "", "mới"],
        ["commune", "1.5", "2.1", "tách"],
        ["commune", "1.6", "2.1", "split"],
        ["commune", "1.7", "2.2", "giống"],
      ]),
    );
    expect(converted.issues).toEqual([]);
    expect((converted.value as { predecessor: unknown }).predecessor).toEqual({
      frameworkId: "tq-2022",
      map: [
        { group: "commune", code: "1", from: ["1"], relation: "renamed" },
        { group: "commune", code: "1.1", from: ["1.1", "1.2"], relation: "merged" },
        { group: "commune", from: ["1.3"], relation: "dropped" },
        { group: "commune", code: "1.4", relation: "new" },
        { group: "commune", code: "1.5", from: ["2.1"], relation: "split" },
        { group: "commune", code: "1.6", from: ["2.1"], relation: "split" },
        { group: "commune", code: "1.7", from: ["2.2"], relation: "same" },
      ],
    });
  });

  test("an unknown relation is reported at its sheet, row and column; the API's problems too", () => {
    const converted = frameworkFromSheets(
      sheets([
        ["commune", "1", "1", "đổi tên"],
        ["commune", "1.1", "1.1", "nhập"],
        ["commune", "9", "1", "giống"],
      ]),
    );
    expect(converted.issues.map(issueText)).toEqual([
      "trang Ánh xạ, dòng 3, cột D (Quan hệ): quan hệ “nhập” phải là giống, đổi tên, tách, gộp, mới hoặc bỏ",
    ]);
    // The row of map line 1 is row 4 (row 3 was left out): the API's path leads back to it.
    expect(
      issueText(converted.locate("predecessor.map.1.code", '"9" is not a code of group "commune"')),
    ).toBe('trang Ánh xạ, dòng 4, cột B (Mã mới): "9" is not a code of group "commune"');
    expect(issueText(converted.locate("predecessor.map.0.from.0", "x"))).toBe(
      "trang Ánh xạ, dòng 2, cột C (Mã cũ): x",
    );
    expect(issueText(converted.locate("predecessor.frameworkId", "no framework"))).toBe(
      "trang Bộ chỉ số, dòng 4, cột B (Giá trị): no framework",
    );
  });

  test("no sheet, or an empty one, and no predecessor: no predecessor at all", () => {
    expect("predecessor" in (frameworkFromSheets(sheets(undefined, "")).value as object)).toBe(false);
    expect("predecessor" in (frameworkFromSheets(sheets([], "")).value as object)).toBe(false);
  });

  test("the downloaded template has the sheet, headed, and reads back without a problem", async () => {
    const read = readXlsx(await frameworkWorkbook().arrayBuffer());
    expect(read.get("Ánh xạ")?.[0]).toEqual(["Nhóm", "Mã mới", "Mã cũ", "Quan hệ"]);
    expect(frameworkFromSheets(read).issues).toEqual([]);
  });
});
