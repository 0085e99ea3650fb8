import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, test, vi } from "vitest";
import {
  csvRows,
  MEASUREMENT_SHEET,
  measurementsFromSheets,
  measurementsWorkbook,
} from "../../../web/src/app/admin/excel/measurements.ts";
import { issueText } from "../../../web/src/app/admin/excel/sheets.ts";
import { readXlsx } from "../../../web/src/app/admin/excel/xlsx.ts";
import {
  importMeasurementFile,
  importSummary,
  MeasurementImport,
  templateRows,
} from "../../../web/src/app/admin/MeasurementImport.tsx";
import { ProblemsError } from "../../../web/src/app/admin/outcome.tsx";
import { ApiError, post } from "../../../web/src/app/api.ts";
import type { Framework, Period, SubmissionRow } from "../../../web/src/app/types.ts";

// The screen's request is stubbed; the rest of api.ts is the real one.
vi.mock("../../../web/src/app/api.ts", async (original) => ({
  ...(await original<typeof import("../../../web/src/app/api.ts")>()),
  post: vi.fn(),
}));

const HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã chỉ tiêu", "Tên chỉ tiêu", "Giá trị", "Ngày số liệu"];
const sheets = (...rows: string[][]) => new Map([[MEASUREMENT_SHEET, [HEADER, ...rows]]]);

describe("the measured values' sheet", () => {
  test("rows become the import's body: codes, the value as written, the date as YYYY-MM-DD", () => {
    const converted = measurementsFromSheets(
      sheets(
        ["S1", "Sở 1", "1.3", "Tỉ lệ", "8/10", "01/03/2026"],
        [],
        ["S2", "Sở 2", "2.2", "Số", "12,5", ""],
        ["S2", "", "1.5", "", "4", "2026-03-02"],
      ),
      "so-lieu.xlsx",
    );
    expect(converted.issues).toEqual([]);
    expect(converted.value).toEqual({
      fileName: "so-lieu.xlsx",
      rows: [
        { unitCode: "S1", code: "1.3", value: "8/10", asOf: "2026-03-01" },
        { unitCode: "S2", code: "2.2", value: "12,5" },
        { unitCode: "S2", code: "1.5", value: "4", asOf: "2026-03-02" },
      ],
    });
    // The API's problems land on the cell they are about (the empty row is skipped).
    expect(issueText(converted.locate("rows.1.value", "sai"))).toBe(
      "trang Số liệu đo, dòng 4, cột E (Giá trị): sai",
    );
    expect(issueText(converted.locate("rows.2.unitCode", "x"))).toBe(
      "trang Số liệu đo, dòng 5, cột A (Mã đơn vị): x",
    );
    expect(issueText(converted.locate("rows", "at most 5000 rows"))).toBe(
      "trang Số liệu đo: rows: at most 5000 rows",
    );
  });

  test("names the file's own problems by row and column before anything is sent", () => {
    const converted = measurementsFromSheets(
      sheets(["S1", "", "", "", "1", "31/02/2026"], ["", "", "1.5", "", "", ""]),
      "x.xlsx",
    );
    expect(converted.issues.map(issueText)).toEqual([
      "trang Số liệu đo, dòng 2, cột C (Mã chỉ tiêu): bắt buộc",
      "trang Số liệu đo, dòng 2, cột F (Ngày số liệu (dd/mm/yyyy, không bắt buộc)): “31/02/2026” không phải là ngày (dd/mm/yyyy)",
      "trang Số liệu đo, dòng 3, cột A (Mã đơn vị): bắt buộc",
      "trang Số liệu đo, dòng 3, cột E (Giá trị): bắt buộc",
    ]);
    const headless = measurementsFromSheets(new Map([["Sheet1", [["Đơn vị", "Giá trị"]]]]), "y.xlsx");
    expect(headless.issues.map(issueText)).toEqual([
      "trang Sheet1, dòng 1: thiếu cột “Mã đơn vị” ở dòng tiêu đề",
      "trang Sheet1, dòng 1: thiếu cột “Mã chỉ tiêu” ở dòng tiêu đề",
    ]);
  });

  test("reads a ministry's own sheet by the English or field-name headers, under a title row", () => {
    const converted = measurementsFromSheets(
      new Map([
        [
          "Data",
          [["Báo cáo của Bộ"], ["unitCode", "Indicator code", "Value", "As of"], ["S1", "1.5", "3", ""]],
        ],
      ]),
      "bo.xlsx",
    );
    expect(converted.issues).toEqual([]);
    expect(converted.value).toEqual({
      fileName: "bo.xlsx",
      rows: [{ unitCode: "S1", code: "1.5", value: "3" }],
    });
  });

  test("CSV: comma or semicolon, quoted fields, a byte order mark, CRLF", () => {
    expect(csvRows('\uFEFFMã đơn vị;Giá trị\r\nS1;"12,5"\r\n"S ""2""";"a;b\nc"\r\n').rows).toEqual([
      ["Mã đơn vị", "Giá trị"],
      ["S1", "12,5"],
      ['S "2"', "a;b\nc"],
    ]);
    expect(csvRows("a,b\n1,2").rows).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(csvRows('a,b\n"1,2').unclosedAt).toBe(2);
  });

  test("the template lists each unit of the period with its group's measured indicators, and reads back", async () => {
    const framework = {
      groups: [
        {
          id: "department",
          nodes: [
            {
              code: "1",
              name: "Trụ cột",
              children: [
                { code: "1.1", name: "Tự trả lời", method: { type: "yesno" } },
                {
                  code: "1.5",
                  name: "Văn bản ký số",
                  method: { type: "count" },
                  source: { kind: "measured", sourceId: "vbdh" },
                },
              ],
            },
          ],
        },
        { id: "commune", nodes: [{ code: "1", name: "Không đo", method: { type: "yesno" } }] },
      ],
    } as unknown as Framework;
    const rows = [
      { unitId: "so-1", groupId: "department" },
      { unitId: "xa-1", groupId: "commune" },
    ] as SubmissionRow[];
    const units = new Map([
      ["so-1", { code: "S1", name: "Sở 1" }],
      ["xa-1", { code: "X1", name: "Xã 1" }],
    ]);
    const template = templateRows(framework, rows, units);
    expect(template).toEqual([{ unitCode: "S1", unitName: "Sở 1", code: "1.5", leafName: "Văn bản ký số" }]);
    const read = readXlsx(await measurementsWorkbook(template).arrayBuffer());
    expect(read.get(MEASUREMENT_SHEET)?.[1]).toEqual(["S1", "Sở 1", "1.5", "Văn bản ký số"]);
    const filled = read.get(MEASUREMENT_SHEET) as string[][];
    (filled[1] as string[])[4] = "7";
    expect(measurementsFromSheets(read, "mau.xlsx").value).toEqual({
      fileName: "mau.xlsx",
      rows: [{ unitCode: "S1", code: "1.5", value: "7" }],
    });
  });
});

const csv = (text: string, name = "so-lieu.csv") => new File([text], name, { type: "text/csv" });

describe("importing the file", () => {
  test("sends the rows and says what they came to, 'unchanged' when nothing changed", async () => {
    vi.mocked(post).mockResolvedValueOnce({ counts: { stored: 1, unchanged: 1, stale: 0 } });
    const message = await importMeasurementFile(
      csv("Mã đơn vị,Mã chỉ tiêu,Giá trị\nS1,1.5,4\nS2,1.5,5\n"),
      "ky",
    );
    expect(vi.mocked(post)).toHaveBeenCalledWith("/api/periods/ky/measurement-imports", {
      fileName: "so-lieu.csv",
      rows: [
        { unitCode: "S1", code: "1.5", value: "4" },
        { unitCode: "S2", code: "1.5", value: "5" },
      ],
    });
    expect(message).toBe(
      "Đã nhập tệp so-lieu.csv: 1 giá trị lưu mới, 1 không đổi, 0 cũ hơn số liệu đã có (giữ số liệu mới hơn).",
    );
    expect(importSummary("a.csv", { counts: { stored: 0, unchanged: 2, stale: 0 } })).toBe(
      "Tệp a.csv không làm thay đổi gì: cả 2 giá trị đều không đổi.",
    );
  });

  test("maps the API's refusal back to the file's rows and columns, in the user's words", async () => {
    vi.mocked(post).mockRejectedValueOnce(
      new ApiError(422, "invalid-rows", "2 of 3 rows cannot be imported; nothing was imported", [
        { path: "rows.1.code", message: "1.4 is answered by the unit, not measured" },
        { path: "rows.2.code", message: '1.5 of unit "S1" is given twice (first at rows.0)' },
        {
          path: "rows.2.value",
          message: '1.3: numerator (5) must not exceed denominator (4) (in a file: "numerator/denominator")',
        },
      ]),
    );
    const file = csv("Mã đơn vị;Mã chỉ tiêu;Giá trị\nS1;1.5;4\nS1;1.4;1\nS1;1.5;5/4\n");
    const error = await importMeasurementFile(file, "ky").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as ProblemsError).message).toBe(
      "2 dòng không nhập được, chưa nhập dòng nào; sửa các lỗi dưới đây rồi nhập lại cả tệp.",
    );
    expect((error as ProblemsError).details.map((d) => d.message)).toEqual([
      "trang so-lieu.csv, dòng 3, cột B (Mã chỉ tiêu): chỉ tiêu 1.4 do đơn vị tự đánh giá, không phải số liệu đo",
      "trang so-lieu.csv, dòng 4, cột B (Mã chỉ tiêu): chỉ tiêu 1.5 của đơn vị “S1” lặp lại dòng 2",
      "trang so-lieu.csv, dòng 4, cột C (Giá trị): 1.3: tử số (5) không được lớn hơn mẫu số (4)",
    ]);
  });
});

describe("the period screen's section", () => {
  let root: HTMLElement | undefined;
  afterEach(() => {
    if (root) render(null, root);
    root?.remove();
  });
  const framework = {
    groups: [
      {
        id: "department",
        nodes: [
          {
            code: "1.5",
            name: "Đo",
            method: { type: "count" },
            source: { kind: "measured", sourceId: "vbdh" },
          },
        ],
      },
    ],
  } as unknown as Framework;
  const mount = (period: Partial<Period>, fw = framework) => {
    root = document.body.appendChild(document.createElement("div"));
    render(<MeasurementImport period={{ id: "ky", ...period } as Period} framework={fw} rows={[]} />, root);
    return root;
  };

  test("offers the file and the template while the period takes values, says why not otherwise", async () => {
    expect(mount({ state: "open" }).querySelector("#measurement-file")).not.toBeNull();
    expect(root?.textContent).toContain("Tải mẫu số liệu đo của kỳ");
    render(null, root as HTMLElement);
    expect(mount({ state: "explanation" }).querySelector("#measurement-file")).toBeNull();
    expect(root?.textContent).toContain("Kỳ chỉ nhận số liệu đo khi đang mở hoặc đang thẩm định.");
    render(null, root as HTMLElement);
    expect(mount({ state: "open" }, { groups: [] } as unknown as Framework).textContent).toBe("");
  });

  test("a chosen file is imported and the outcome shown", async () => {
    vi.mocked(post).mockResolvedValueOnce({ counts: { stored: 0, unchanged: 1, stale: 0 } });
    const el = mount({ state: "open" });
    const input = el.querySelector("#measurement-file") as HTMLInputElement;
    Object.defineProperty(input, "files", { value: [csv("Mã đơn vị,Mã chỉ tiêu,Giá trị\nS1,1.5,4\n")] });
    await act(async () => {
      input.dispatchEvent(new Event("change", { bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(el.querySelector("[role=status]")?.textContent).toBe(
      "Tệp so-lieu.csv không làm thay đổi gì: cả 1 giá trị đều không đổi.",
    );
  });
});
