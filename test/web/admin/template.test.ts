import ExcelJS from "exceljs";
import { describe, expect, test } from "vitest";
import {
  FRAMEWORK_FIELDS,
  LABELS,
  labelsOf,
  NODE_COLUMNS,
  UNIT_COLUMNS,
} from "../../../web/src/app/admin/excel/sheets.ts";
import {
  frameworkSheets,
  frameworkWorkbook,
  unitsSheets,
  unitsWorkbook,
} from "../../../web/src/app/admin/excel/template.ts";
import { readXlsx } from "../../../web/src/app/admin/excel/xlsx.ts";

const read = async (blob: Blob) => readXlsx(await blob.arrayBuffer());

describe("the index set template", () => {
  test("has the five sheets in order, and the hidden lists, as Excel (exceljs) opens it", async () => {
    const book = await new ExcelJS.Workbook().xlsx.load(await frameworkWorkbook().arrayBuffer());
    expect(book.worksheets.map((w) => [w.name, w.state])).toEqual([
      ["Bộ chỉ số", "visible"],
      ["Nhóm", "visible"],
      ["Chỉ tiêu", "visible"],
      ["Ánh xạ", "visible"],
      ["Hướng dẫn", "visible"],
      ["Danh mục", "hidden"],
    ]);
  });

  test("its framework sheet lists the fields with sample values", async () => {
    const framework = (await read(frameworkWorkbook())).get("Bộ chỉ số") ?? [];
    expect(framework[0]).toEqual(["Trường", "Giá trị"]);
    expect(framework.slice(1).map((r) => r[0])).toEqual(labelsOf("frameworkFields", FRAMEWORK_FIELDS));
    expect(framework[1]).toEqual(["Mã bộ chỉ số", "mau-bo-chi-so"]);
  });

  test("its nodes sheet has every column and one sample row of each scoring method", async () => {
    const nodes = (await read(frameworkWorkbook())).get("Chỉ tiêu") ?? [];
    expect(nodes[0]).toEqual(labelsOf("nodes", NODE_COLUMNS));
    expect(nodes[0]?.slice(0, 6)).toEqual([
      "Nhóm",
      "Mã",
      "Tên chỉ tiêu",
      "Tên tiếng Anh",
      "Điểm tối đa",
      "Cách chấm",
    ]);
    const methods = nodes.slice(1).map((r) => r[NODE_COLUMNS.indexOf("method")] ?? "");
    expect(new Set(methods.filter(Boolean))).toEqual(
      new Set(["yesno", "level", "ratio", "steps", "count", "points", "relative", "info"]),
    );
    expect(nodes.slice(1).every((r) => r[0] === "department")).toBe(true);
  });

  test("each sample row has a value under the right column (1.3 is a ratio with its labels)", () => {
    const nodes = frameworkSheets()[2]?.rows ?? [];
    const ratio = nodes.find((r) => r[1] === "1.3") ?? [];
    const at = (column: (typeof NODE_COLUMNS)[number]) => ratio[NODE_COLUMNS.indexOf(column)];
    expect([at("method"), at("target"), at("whenZero"), at("source")]).toEqual([
      "ratio",
      "1",
      "full",
      "system",
    ]);
    expect(at("numeratorLabel")).toBe("Số văn bản đi được ký số");
    expect(ratio).toHaveLength(NODE_COLUMNS.length);
  });

  test("every sheet but the guide has a width for each header column", () => {
    for (const sheet of frameworkSheets().slice(0, 3))
      expect(sheet.widths).toHaveLength(sheet.rows[0]?.length ?? -1);
  });
});

describe("the units template", () => {
  test("has the units sheet with its columns and the guide", async () => {
    const sheets = await read(unitsWorkbook());
    expect([...sheets.keys()]).toEqual(["Đơn vị", "Hướng dẫn", "Danh mục"]);
    expect(sheets.get("Đơn vị")?.[0]).toEqual(UNIT_COLUMNS.map((c) => LABELS.units?.[c]));
    expect(unitsSheets()[0]?.widths).toHaveLength(UNIT_COLUMNS.length);
  });

  test("its sample units: a department, a city and a ward under it", async () => {
    const rows = (await read(unitsWorkbook())).get("Đơn vị") ?? [];
    expect(rows.slice(1).map((r) => [r[0], r[4], r[5] ?? ""])).toEqual([
      ["so-noi-vu", "department", ""],
      ["dvhc-070", "city", ""],
      ["dvhc-02200", "ward", "dvhc-070"],
    ]);
  });
});
