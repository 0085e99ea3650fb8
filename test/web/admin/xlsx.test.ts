import ExcelJS from "exceljs";
import { describe, expect, test } from "vitest";
import * as xlsx from "../../../web/src/app/admin/excel/xlsx.ts";
import { excelJsWorkbook, zipOf } from "./support.ts";

describe("readXlsx", () => {
  test("reads back what writeXlsx wrote: names, order, text, numbers and gaps", () => {
    const bytes = xlsx.xlsxBytes([
      {
        name: "first",
        rows: [
          ["a", "b", "c"],
          ["x", "", "z"],
          [1.5, "ý & <ok>", ""],
        ],
      },
      { name: "thứ hai", rows: [["only"]] },
    ]);
    const sheets = xlsx.readXlsx(bytes);
    expect([...sheets.keys()]).toEqual(["first", "thứ hai"]);
    expect(sheets.get("first")).toEqual([
      ["a", "b", "c"],
      ["x", "", "z"],
      ["1.5", "ý & <ok>"],
    ]);
    expect(sheets.get("thứ hai")).toEqual([["only"]]);
  });

  test("reads a workbook written by exceljs: deflated, shared strings, numbers, booleans", async () => {
    const bytes = await excelJsWorkbook({
      nodes: [
        ["group", "code", "maxPoints"],
        ["commune", "1.1", 10],
        ["commune", "1.2", 0.75],
      ],
      flags: [["flag"], [true], [false]],
    });
    const sheets = xlsx.readXlsx(bytes);
    expect(sheets.get("nodes")).toEqual([
      ["group", "code", "maxPoints"],
      ["commune", "1.1", "10"],
      ["commune", "1.2", "0.75"],
    ]);
    expect(sheets.get("flags")).toEqual([["flag"], ["TRUE"], ["FALSE"]]);
  });

  test("a date typed into Excel reads as YYYY-MM-DD, not as its serial number", async () => {
    const bytes = await excelJsWorkbook({ units: [["validFrom"], [new Date(Date.UTC(2021, 6, 1))]] });
    expect(xlsx.readXlsx(bytes).get("units")?.[1]).toEqual(["2021-07-01"]);
  });

  test("serial day numbers of the 1900 system", () => {
    expect(xlsx.serialDate(44378)).toBe("2021-07-01");
    expect(xlsx.serialDate(45292.75)).toBe("2024-01-01");
  });

  test("rows and cells that a writer leaves out stay in place, by their references", () => {
    const parts = xlsx.workbookParts([{ name: "s", rows: [["h"]] }]);
    parts["xl/worksheets/sheet1.xml"] =
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
      '<row r="1"><c r="B1" t="inlineStr"><is><t>b1</t></is></c></row>' +
      '<row r="3"><c r="A3"><v>7</v></c><c r="C3" t="inlineStr"><is><t>c3</t></is></c></row>' +
      "</sheetData></worksheet>";
    expect(xlsx.readXlsx(zipOf(parts)).get("s")).toEqual([["", "b1"], [], ["7", "", "c3"]]);
  });

  test("prefixed elements (x:row) and rich text without its phonetic guide", () => {
    const parts = xlsx.workbookParts([{ name: "s", rows: [] }]);
    parts["xl/sharedStrings.xml"] =
      '<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
      "<x:si><x:r><x:t>Sở </x:t></x:r><x:r><x:t>Nội vụ</x:t></x:r><x:rPh><x:t>ふりがな</x:t></x:rPh></x:si>" +
      "</x:sst>";
    parts["xl/worksheets/sheet1.xml"] =
      '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>' +
      '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>';
    expect(xlsx.readXlsx(zipOf(parts)).get("s")).toEqual([["Sở Nội vụ"]]);
  });

  test("a file that is not a zip is refused with a clear message", () => {
    const read = () => xlsx.readXlsx(new TextEncoder().encode("id,name\n1,Sở Nội vụ\n"));
    expect(read).toThrow(xlsx.XlsxError);
    expect(read).toThrow("không phải tệp Excel");
  });

  test("a zip that is not a workbook names the part it lacks", () => {
    expect(() => xlsx.readXlsx(zipOf({ "word/document.xml": "<w/>" }))).toThrow("xl/workbook.xml");
  });
});

describe("writeXlsx", () => {
  test("makes a workbook that exceljs opens: sheets, bold header, frozen first row, widths", async () => {
    const blob = xlsx.writeXlsx([
      {
        name: "units",
        rows: [
          ["id", "name"],
          ["a", "Ánh"],
        ],
        widths: [16, 32],
      },
    ]);
    expect(blob.type).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const book = await new ExcelJS.Workbook().xlsx.load(await blob.arrayBuffer());
    const sheet = book.getWorksheet("units");
    expect(sheet?.getRow(2).values).toEqual([undefined, "a", "Ánh"]);
    expect(sheet?.getCell("A1").font?.bold).toBe(true);
    expect(sheet?.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet?.getColumn(2).width).toBe(32);
  });

  test("column names run A … Z, AA …", () => {
    expect([0, 25, 26, 27, 701, 702].map(xlsx.columnName)).toEqual(["A", "Z", "AA", "AB", "ZZ", "AAA"]);
  });
});
