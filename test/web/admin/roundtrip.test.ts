import ExcelJS from "exceljs";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, test } from "vitest";
import sampleTq from "../../../shared/data/sample-framework-tq-2022.json" with { type: "json" };
import sampleTq2025 from "../../../shared/data/sample-framework-tq-2025.json" with { type: "json" };
import { parseFramework } from "../../../shared/model/framework-rules.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import { frameworkFromSheets, unitsFromSheets } from "../../../web/src/app/admin/excel/parse.ts";
import { frameworkWorkbook, unitsWorkbook } from "../../../web/src/app/admin/excel/template.ts";
import { readXlsx } from "../../../web/src/app/admin/excel/xlsx.ts";
import allMethods from "../../fixtures/all-methods-framework.json" with { type: "json" };

/** The index set as the API keeps it (defaults filled in). */
const canonical = (input: unknown) => {
  const checked = parseFramework(input);
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues.slice(0, 3)));
  return checked.value;
};

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** One index set with every feature the sheets carry: English labels of options and bands too. */
const withEnglish = (() => {
  const doc = structuredClone(allMethods) as Record<string, unknown> & {
    groups: { bands?: { minIndex: number; label: string; labelEn?: string }[]; nodes: unknown[] }[];
  };
  const group = doc.groups[0];
  if (group)
    group.bands = [
      { minIndex: 0.75, label: "Rất cao", labelEn: "Very high" },
      { minIndex: 0.5, label: "Cao" },
      { minIndex: 0, label: "Thấp", labelEn: "Low" },
    ];
  return doc;
})();

describe("an index set exported to Excel and imported back", () => {
  test.each([
    ["every scoring method", allMethods],
    ["English labels of bands", withEnglish],
    ["the 2022 index set of Tuyên Quang", sampleTq],
    ["the 2025 index set, with its map to 2022", sampleTq2025],
  ])("is the same document: %s", async (_, input) => {
    const original = canonical(input);
    const read = readXlsx(await bytes(frameworkWorkbook(original)));
    const converted = frameworkFromSheets(read);
    expect(converted.issues).toEqual([]);
    expect(canonical(converted.value)).toEqual(original);
  });

  test("its sheets are headed by the Vietnamese labels and have drop-downs from a hidden list", async () => {
    const files = unzipSync(await bytes(frameworkWorkbook(canonical(allMethods))));
    const workbook = strFromU8(files["xl/workbook.xml"] as Uint8Array);
    expect(workbook).toContain('<sheet name="Danh mục" sheetId="6" state="hidden"');
    const nodes = strFromU8(files["xl/worksheets/sheet3.xml"] as Uint8Array);
    // The method column (F) offers the methods; the group column (A) the groups of the groups sheet.
    expect(nodes).toMatch(
      /<dataValidation type="list"[^>]*sqref="F2:F5000"><formula1>'Danh mục'!\$A\$2:\$A\$9</,
    );
    expect(nodes).toMatch(/sqref="A2:A5000"><formula1>'Nhóm'!\$A\$2:\$A\$500</);
    // Excel (exceljs) sees them as list validations.
    const book = await new ExcelJS.Workbook().xlsx.load(
      await frameworkWorkbook(canonical(allMethods)).arrayBuffer(),
    );
    const sheet = book.getWorksheet("Chỉ tiêu");
    expect(sheet?.getCell("F2").dataValidation).toMatchObject({
      type: "list",
      formulae: ["'Danh mục'!$A$2:$A$9"],
    });
    expect(sheet?.getRow(1).getCell(5).value).toBe("Điểm tối đa");
    const lists = book.getWorksheet("Danh mục");
    expect(lists?.getColumn(1).values.slice(2, 4)).toEqual(["yesno", "level"]);
  });
});

describe("the units exported to Excel and imported back", () => {
  const units: Unit[] = [
    {
      id: "so-noi-vu",
      code: "S02",
      name: "Sở Nội vụ",
      nameEn: "Department of Home Affairs",
      kind: "department",
      validFrom: "2021-07-01",
      email: "noivu@example.vn",
    },
    { id: "dvhc-070", code: "070", name: "Thành phố Tuyên Quang", kind: "city", validTo: "2025-06-30" },
    {
      id: "xa-moi",
      code: "02200",
      name: "Phường Mới",
      kind: "ward",
      parentId: "dvhc-070",
      predecessorIds: ["xa-a", "xa-b"],
    },
  ];

  test("are the same units, with the kind and the parent as drop-downs", async () => {
    const blob = unitsWorkbook(units, ["department", "city", "ward", "commune"]);
    const converted = unitsFromSheets(readXlsx(await bytes(blob)));
    expect(converted.issues).toEqual([]);
    expect(converted.value).toEqual({ units });
    const book = await new ExcelJS.Workbook().xlsx.load(await blob.arrayBuffer());
    const sheet = book.getWorksheet("Đơn vị");
    expect(sheet?.getRow(1).values).toContain("Loại đơn vị");
    expect(sheet?.getCell("E2").dataValidation).toMatchObject({ type: "list" });
    expect(sheet?.getCell("F2").dataValidation).toMatchObject({ type: "list" });
  });

  test("an older file headed by the field names still reads", () => {
    const old = new Map([
      [
        "units",
        [
          ["id", "code", "name", "kind"],
          ["a", "001", "A", "commune"],
        ],
      ],
    ]);
    expect(unitsFromSheets(old).value).toEqual({
      units: [{ id: "a", code: "001", name: "A", kind: "commune" }],
    });
  });
});
