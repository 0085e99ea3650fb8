import { h, render } from "preact";
import { act } from "preact/test-utils";
import { describe, expect, test, vi } from "vitest";
import {
  REFORM_SHEET,
  reformDate,
  reformFromSheets,
  reformWorkbook,
} from "../../../web/src/app/admin/excel/reform.ts";
import { issueText } from "../../../web/src/app/admin/excel/sheets.ts";
import { readXlsx, type Sheets, xlsxBytes } from "../../../web/src/app/admin/excel/xlsx.ts";
import { importWorkbook } from "../../../web/src/app/admin/importing.ts";
import { ProblemsError, problemsOf } from "../../../web/src/app/admin/outcome.tsx";
import { ReformImport } from "../../../web/src/app/admin/ReformImport.tsx";
import { ApiError, paths, post } from "../../../web/src/app/api.ts";

// The screen's request is stubbed; the rest of api.ts is the real one.
vi.mock("../../../web/src/app/api.ts", async (original) => ({
  ...(await original<typeof import("../../../web/src/app/api.ts")>()),
  post: vi.fn(),
}));

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

describe("importing a reorganisation file", () => {
  const file = (rows: string[][]) => {
    const sheets = sheet(rows);
    const spec = [...sheets].map(([name, cells]) => ({ name, rows: cells }));
    return new File([xlsxBytes(spec) as BlobPart], "sap-xep.xlsx");
  };
  const convert =
    (form = {}) =>
    (excel: { reformFromSheets: typeof reformFromSheets }, sheets: Sheets) =>
      excel.reformFromSheets(sheets, form);

  test("sends the converted body, the form's decision winning", async () => {
    const send = vi.fn(async () => "ok");
    const message = await importWorkbook(
      file([["99001", "Xã Mới", "commune", "", "02511"]]),
      convert({ decision: "1685/NQ-UBTVQH15" }),
      send,
    );
    expect(message).toBe("ok");
    expect(send).toHaveBeenCalledWith({
      decision: "1685/NQ-UBTVQH15",
      effectiveDate: "2025-07-01",
      ended: ["070"],
      units: [{ code: "99001", name: "Xã Mới", kind: "commune", fromCodes: ["02511"] }],
    });
  });

  test("sends nothing with a problem in the sheet, and maps the API's problems back to cells", async () => {
    const send = vi.fn(async () => "ok");
    const bad = await importWorkbook(file([["99001", "", "commune", "", "02511"]]), convert(), send).catch(
      (e: unknown) => e,
    );
    expect(send).not.toHaveBeenCalled();
    expect(bad).toBeInstanceOf(ProblemsError);
    expect(problemsOf(bad)).toEqual([
      { path: "", message: "trang Sắp xếp đơn vị, dòng 6, cột B (Tên mới): bắt buộc" },
    ]);
    const refused = await importWorkbook(
      file([["99001", "Xã Mới", "commune", "", "02511, XXX"]]),
      convert(),
      async () => {
        throw new ApiError(422, "invalid-reform", "the reform is not valid", [
          { path: "units.0.fromCodes.1", message: "không có" },
        ]);
      },
    ).catch((e: unknown) => e);
    expect(problemsOf(refused)).toEqual([
      {
        path: "",
        message:
          "trang Sắp xếp đơn vị, dòng 6, cột E (Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)): không có",
      },
    ]);
  });
});

test("the Units screen's reorganisation sends the file with the form's decision and says what it did", async () => {
  vi.mocked(post).mockResolvedValueOnce({
    decision: "1685/NQ-UBTVQH15",
    effectiveDate: "2025-07-01",
    created: 1,
    updated: 1,
    unchanged: 0,
    units: [{ code: "99001", id: "99001-2025-07-01", predecessorIds: ["xa-3"] }],
    ended: ["xa-3"],
  });
  const root = document.body.appendChild(document.createElement("main"));
  const onApplied = vi.fn();
  act(() => render(h(ReformImport, { onApplied }), root));
  const decision = root.querySelector("#reform-decision") as HTMLInputElement;
  act(() => {
    decision.value = "1685/NQ-UBTVQH15";
    decision.dispatchEvent(new Event("input", { bubbles: true }));
  });
  const input = root.querySelector("#reform-file") as HTMLInputElement;
  const rows = [...sheet([["99001", "Xã Mới", "commune", "", "02511"]])].map(([name, cells]) => ({
    name,
    rows: cells,
  }));
  Object.defineProperty(input, "files", { value: [new File([xlsxBytes(rows) as BlobPart], "a.xlsx")] });
  await act(async () => {
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await vi.waitFor(() => expect(onApplied).toHaveBeenCalledOnce());
  });
  expect(vi.mocked(post)).toHaveBeenCalledWith(
    paths.reforms,
    expect.objectContaining({ decision: "1685/NQ-UBTVQH15", effectiveDate: "2025-07-01" }),
  );
  expect(root.querySelector('[role="status"]')?.textContent).toBe(
    "Đã áp dụng 1685/NQ-UBTVQH15: 1 đơn vị mới, 1 đơn vị chấm dứt từ 01/07/2025.",
  );
  act(() => render(null, root));
});
