import { describe, expect, test } from "vitest";
import { frameworkFromSheets, unitsFromSheets } from "../../../web/src/app/admin/excel/parse.ts";
import { SAMPLE_UNITS } from "../../../web/src/app/admin/excel/sample.ts";
import { issueText, type SheetIssue } from "../../../web/src/app/admin/excel/sheets.ts";
import { frameworkWorkbook, unitsWorkbook } from "../../../web/src/app/admin/excel/template.ts";
import { readXlsx, type Sheets } from "../../../web/src/app/admin/excel/xlsx.ts";
import { excelJsWorkbook } from "./support.ts";

const NODE_HEADER = ["group", "code", "name", "nameEn", "maxPoints", "method", "options", "steps"];

type Cells = (string | number)[][];

/** A small filled-in index set, sheet by sheet: the framework sheet fixed, groups and nodes as given. */
const frameworkRows = (nodes: Cells, groups: Cells = [["commune", "Xã, phường", "commune, ward", ""]]) => ({
  framework: [
    ["field", "value"],
    ["id", "e2e-excel"],
    ["name", "Bộ chỉ số"],
  ],
  groups: [["id", "name", "unitKinds", "bands"], ...groups],
  nodes: [NODE_HEADER, ...nodes],
});

/** The same as the reader gives it: every cell as text. */
const framework = (nodes: Cells, groups?: Cells): Sheets =>
  new Map(
    Object.entries(frameworkRows(nodes, groups)).map(([name, rows]) => [
      name,
      rows.map((r) => r.map(String)),
    ]),
  );

const texts = (issues: SheetIssue[]) => issues.map(issueText);

describe("the index set template, read back", () => {
  test("the downloaded template converts without a problem into the document the API takes", async () => {
    const converted = frameworkFromSheets(readXlsx(await frameworkWorkbook().arrayBuffer()));
    expect(converted.issues).toEqual([]);
    const doc = converted.value as {
      id: string;
      about?: string;
      missingEvidence: string;
      groups: {
        id: string;
        unitKinds: string[];
        bands: unknown[];
        nodes: { code: string; children: { code: string }[] }[];
      }[];
    };
    expect(doc.id).toBe("mau-bo-chi-so");
    expect(doc.missingEvidence).toBe("zero");
    expect("about" in doc).toBe(false);
    const [group] = doc.groups;
    expect(group?.unitKinds).toEqual(["department"]);
    expect(group?.bands).toEqual([
      { minIndex: 0.75, label: "Rất cao" },
      { minIndex: 0.5, label: "Cao" },
      { minIndex: 0.25, label: "Trung bình" },
      { minIndex: 0, label: "Thấp" },
    ]);
    expect(group?.nodes.map((n) => [n.code, n.children.map((c) => c.code)])).toEqual([
      ["1", ["1.1", "1.2", "1.3", "1.4"]],
      ["2", ["2.1", "2.2", "2.3", "2.4"]],
    ]);
  });

  test("each method keeps its own settings", async () => {
    const doc = frameworkFromSheets(readXlsx(await frameworkWorkbook().arrayBuffer())).value as {
      groups: { nodes: { children: Record<string, unknown>[] }[] }[];
    };
    const [first, second] = doc.groups[0]?.nodes ?? [];
    expect(first?.children[0]).toMatchObject({
      code: "1.1",
      nameEn: "Annual DT plan issued",
      guidance: "Có kế hoạch do người đứng đầu ký trong năm",
      method: { type: "yesno" },
      evidence: { required: true, kinds: ["file", "url"], hint: "Kế hoạch đã ban hành" },
    });
    expect(first?.children[1]?.method).toEqual({
      type: "level",
      options: [
        { id: "head", fraction: 1, label: "Người đứng đầu cơ quan" },
        { id: "deputy", fraction: 0.5, label: "Cấp phó của người đứng đầu" },
        { id: "none", fraction: 0, label: "Chưa thành lập" },
      ],
    });
    expect(first?.children[2]).toMatchObject({
      source: "system",
      method: {
        type: "ratio",
        target: 1,
        whenZero: "full",
        numeratorLabel: "Số văn bản đi được ký số",
        denominatorLabel: "Tổng số văn bản đi",
      },
    });
    expect(first?.children[3]?.method).toEqual({
      type: "steps",
      steps: [
        { min: 4, points: 10 },
        { min: 2, points: 5 },
        { min: 1, points: 2 },
      ],
    });
    expect(second?.children[0]?.method).toEqual({ type: "count", pointsEach: 5 });
  });

  test("a workbook written by Excel (exceljs) converts: numbers as numbers, a decimal comma read", async () => {
    const sheets = frameworkRows(
      [
        ["commune", "1", "Hạ tầng số", "", 10, ""],
        ["commune", "1.1", "Tổ công nghệ số", "", 10, "level", "du:1:Đủ; thieu:0:Thiếu"],
      ],
      [["commune", "Xã, phường", "commune, ward", "0,5:Cao; 0:Thấp"]],
    );
    const bytes = await excelJsWorkbook(sheets);
    const converted = frameworkFromSheets(readXlsx(bytes));
    expect(converted.issues).toEqual([]);
    expect(converted.value).toMatchObject({
      id: "e2e-excel",
      groups: [
        {
          unitKinds: ["commune", "ward"],
          bands: [
            { minIndex: 0.5, label: "Cao" },
            { minIndex: 0, label: "Thấp" },
          ],
          nodes: [
            {
              code: "1",
              maxPoints: 10,
              children: [{ code: "1.1", maxPoints: 10, method: { type: "level" } }],
            },
          ],
        },
      ],
    });
  });
});

describe("a template filled in wrongly", () => {
  test("a missing sheet (the wrong file, or a renamed sheet) is named", () => {
    const sheets = framework([]);
    sheets.delete("nodes");
    sheets.set("Sheet1", [["group", "code"]]);
    // Named by its label: the templates' sheets are "Bộ chỉ số", "Nhóm", "Chỉ tiêu" (older files' machine names are read too).
    expect(texts(frameworkFromSheets(sheets).issues)).toEqual([
      "trang Chỉ tiêu: thiếu trang tính “Chỉ tiêu”",
    ]);
  });

  test("a units file given as an index set: every missing sheet is listed", () => {
    const issues = frameworkFromSheets(new Map([["units", [["id"]]]])).issues;
    expect(issues.map((i) => i.sheet)).toEqual(["Bộ chỉ số", "Nhóm", "Chỉ tiêu"]);
  });

  test("a required column missing from the header is named, and its rows are not read", () => {
    const sheets = framework([["commune", "1", "Hạ tầng số", "", "10", ""]]);
    sheets.set("nodes", [
      ["group", "code", "name"],
      ["commune", "1", "Hạ tầng số"],
    ]);
    expect(texts(frameworkFromSheets(sheets).issues)).toEqual([
      "trang nodes, dòng 1: thiếu cột “Điểm tối đa” ở dòng tiêu đề",
    ]);
  });

  test("a number that is not one is named by sheet, row and column", () => {
    const { issues } = frameworkFromSheets(framework([["commune", "1", "Hạ tầng số", "", "abc", "yesno"]]));
    expect(texts(issues)).toEqual(["trang nodes, dòng 2, cột E (maxPoints): “abc” không phải là số"]);
  });

  test("bad numbers inside a list (options, steps, bands) name their column", () => {
    const { issues } = frameworkFromSheets(
      framework(
        [
          ["commune", "1", "Hạ tầng số", "", "10", ""],
          ["commune", "1.1", "Tổ", "", "5", "level", "du:một:Đủ"],
          ["commune", "1.2", "Họp", "", "5", "steps", "", "4:x"],
        ],
        [["commune", "Xã", "commune", "cao:Cao"]],
      ),
    );
    expect(issues.map((i) => `${i.sheet} ${i.row} ${i.column}`)).toEqual([
      "groups 2 D (bands)",
      "nodes 3 G (options)",
      "nodes 4 H (steps)",
    ]);
  });

  test("a code repeated within a group is a problem of the later row", () => {
    const { issues } = frameworkFromSheets(
      framework([
        ["commune", "1", "Hạ tầng số", "", "10", ""],
        ["commune", "1", "Nhân lực số", "", "10", ""],
      ]),
    );
    expect(texts(issues)).toEqual(["trang nodes, dòng 3, cột B (code): “1” trùng với dòng 2"]);
  });

  test("the same code in two groups is not a repeat", () => {
    const { issues } = frameworkFromSheets(
      framework(
        [
          ["commune", "1", "Hạ tầng số", "", "10", ""],
          ["ward", "1", "Hạ tầng số", "", "10", ""],
        ],
        [
          ["commune", "Xã", "commune", ""],
          ["ward", "Phường", "ward", ""],
        ],
      ),
    );
    expect(issues).toEqual([]);
  });

  test("a group id repeated is a problem", () => {
    const { issues } = frameworkFromSheets(
      framework(
        [],
        [
          ["commune", "Xã", "commune", ""],
          ["commune", "Xã (2)", "commune", ""],
        ],
      ),
    );
    expect(texts(issues)).toEqual(["trang groups, dòng 3, cột A (id): “commune” trùng với dòng 2"]);
  });

  test("an unknown group, a missing code, a missing parent and an unknown field", () => {
    const sheets = framework([
      ["district", "1", "Hạ tầng số", "", "10", ""],
      ["commune", "", "Không mã", "", "10", "yesno"],
      ["commune", "2.1", "Mồ côi", "", "10", "yesno"],
      ["commune", "3", "Thiếu điểm", "", "", ""],
    ]);
    sheets.get("framework")?.push(["colour", "xanh"]);
    expect(texts(frameworkFromSheets(sheets).issues)).toEqual([
      "trang framework, dòng 4, cột A (field): trường “colour” không có trong bộ chỉ số",
      "trang nodes, dòng 2, cột A (group): nhóm “district” không có trong trang groups",
      "trang nodes, dòng 3, cột B (code): bắt buộc",
      "trang nodes, dòng 4, cột B (code): 2.1: chưa có nhóm chỉ tiêu 2 ở phía trên",
      "trang nodes, dòng 5, cột E (maxPoints): bắt buộc",
    ]);
  });

  test("empty rows are skipped, yet rows keep the numbers Excel shows", () => {
    const sheets = framework([[], ["", " "], ["commune", "1", "Hạ tầng số", "", "x", ""]]);
    expect(frameworkFromSheets(sheets).issues[0]?.row).toBe(4);
  });
});

describe("an API problem, mapped back to the template", () => {
  const converted = frameworkFromSheets(
    framework([
      ["commune", "1", "Hạ tầng số", "", "10", ""],
      ["commune", "1.1", "Tổ công nghệ số", "", "10", "level", "du:2:Đủ"],
    ]),
  );

  test("a node's nested field names the node's row and the column it came from", () => {
    expect(converted.locate("groups.0.nodes.0.children.0.method.options", "tổng tỷ lệ sai")).toEqual({
      sheet: "nodes",
      row: 3,
      column: "G (options)",
      message: "tổng tỷ lệ sai",
    });
  });

  test("a framework field names its row, in the value column", () => {
    expect(converted.locate("name", "quá dài")).toMatchObject({
      sheet: "framework",
      row: 3,
      column: "B (value)",
    });
  });

  test("a group's field names the group's row", () => {
    expect(converted.locate("groups.0.unitKinds", "trống")).toMatchObject({ sheet: "groups", row: 2 });
  });

  test("a path that came from nowhere is given as it is", () => {
    expect(converted.locate("rankCompare", "thiếu")).toEqual({
      sheet: "Bộ chỉ số",
      message: "rankCompare: thiếu",
    });
  });
});

describe("the units", () => {
  test("the downloaded template converts into the body of PUT /api/units: the sample units", async () => {
    const converted = unitsFromSheets(readXlsx(await unitsWorkbook().arrayBuffer()));
    expect(converted.issues).toEqual([]);
    expect(converted.value).toEqual({ units: SAMPLE_UNITS });
  });

  const units = (...rows: string[][]): Sheets =>
    new Map([["units", [["id", "code", "name", "kind", "predecessorIds"], ...rows]]]);

  test("predecessors are a list, by comma, semicolon or space", () => {
    const converted = unitsFromSheets(units(["xa-moi", "001", "Xã Mới", "commune", "xa-a, xa-b;xa-c xa-d"]));
    expect(converted.value).toEqual({
      units: [
        {
          id: "xa-moi",
          code: "001",
          name: "Xã Mới",
          kind: "commune",
          predecessorIds: ["xa-a", "xa-b", "xa-c", "xa-d"],
        },
      ],
    });
  });

  test("a repeated id or code is a problem of the later row", () => {
    const { issues } = unitsFromSheets(
      units(["a", "001", "A", "commune"], ["a", "002", "A2", "commune"], ["b", "001", "B", "commune"]),
    );
    expect(texts(issues)).toEqual([
      "trang units, dòng 3, cột A (id): “a” trùng với dòng 2",
      "trang units, dòng 4, cột B (code): “001” trùng với dòng 2",
    ]);
  });

  test("a sheet of another name, or without the kind column, is refused", () => {
    expect(texts(unitsFromSheets(new Map([["Sheet1", []]])).issues)).toEqual([
      "trang Đơn vị: thiếu trang tính “Đơn vị”",
    ]);
    expect(texts(unitsFromSheets(new Map([["units", [["id", "code", "name"]]]])).issues)).toEqual([
      "trang units, dòng 1: thiếu cột “Loại đơn vị” ở dòng tiêu đề",
    ]);
  });

  test("an API problem of a unit names its row and column", () => {
    const converted = unitsFromSheets(units(["a", "001", "A", "commune"], ["b", "002", "B", "village"]));
    expect(converted.locate("units.1.kind", "không hợp lệ")).toEqual({
      sheet: "units",
      row: 3,
      column: "D (kind)",
      message: "không hợp lệ",
    });
  });
});
