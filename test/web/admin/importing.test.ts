import { describe, expect, test, vi } from "vitest";
import { xlsxBytes } from "../../../web/src/app/admin/excel/xlsx.ts";
import { importFile, isExcel, readJson, templateOf } from "../../../web/src/app/admin/importing.ts";
import { ProblemsError, problemsOf } from "../../../web/src/app/admin/outcome.tsx";
import { unitsBody } from "../../../web/src/app/admin/Units.tsx";
import { ApiError } from "../../../web/src/app/api.ts";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const jsonFile = (name: string, text: string) => new File([text], name, { type: "application/json" });
const excelFile = (name: string, rows: string[][]) =>
  new File([xlsxBytes([{ name: "units", rows }]) as BlobPart], name, { type: XLSX });
const UNIT_HEADER = ["id", "code", "name", "kind"];

/** What importFile threw (it must throw). */
async function failure(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("reading a chosen file", () => {
  test("JSON is parsed; a syntax error names the file", async () => {
    expect(await readJson(jsonFile("a.json", '{"units": []}'))).toEqual({ units: [] });
    await expect(readJson(jsonFile("hong.json", "{units"))).rejects.toThrow(
      /^hong\.json không phải JSON hợp lệ/,
    );
  });

  test("an Excel file is told by its name, whatever its case", () => {
    expect([
      isExcel(new File([], "Mau.XLSX")),
      isExcel(new File([], "mau.xls")),
      isExcel(new File([], "a.json")),
    ]).toEqual([true, false, false]);
  });

  test("a bare list of units is wrapped as the API's body", () => {
    expect(unitsBody([{ id: "a" }])).toEqual({ units: [{ id: "a" }] });
    expect(unitsBody({ units: [] })).toEqual({ units: [] });
  });
});

describe("importFile", () => {
  test("sends a JSON file as it is and answers what send answers", async () => {
    const send = vi.fn(async () => "Đã nhập.");
    expect(await importFile(jsonFile("u.json", '{"units":[{"id":"a"}]}'), "units", send)).toBe("Đã nhập.");
    expect(send).toHaveBeenCalledWith({ units: [{ id: "a" }] });
  });

  test("sends a filled-in workbook converted", async () => {
    const send = vi.fn(async () => "ok");
    await importFile(excelFile("u.xlsx", [UNIT_HEADER, ["a", "001", "Xã A", "commune"]]), "units", send);
    expect(send).toHaveBeenCalledWith({ units: [{ id: "a", code: "001", name: "Xã A", kind: "commune" }] });
  });

  test("a workbook with problems sends nothing and lists them", async () => {
    const send = vi.fn(async () => "ok");
    const file = excelFile("sai.xlsx", [
      UNIT_HEADER,
      ["a", "001", "A", "commune"],
      ["a", "002", "B", "commune"],
    ]);
    const error = await failure(importFile(file, "units", send));
    expect(send).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(ProblemsError);
    expect((error as Error).message).toBe("sai.xlsx: có 1 lỗi, chưa nhập gì.");
    expect(problemsOf(error)).toEqual([
      { path: "", message: "trang units, dòng 3, cột A (id): “a” trùng với dòng 2" },
    ]);
  });

  test("a file named .xlsx that is not one says so", async () => {
    const error = await failure(importFile(new File(["id,code"], "gia.xlsx"), "units", async () => "ok"));
    expect((error as Error).message).toMatch(/không phải tệp Excel/);
  });

  test("the API's problems with a workbook are given by sheet, row and column", async () => {
    const send = async () => {
      throw new ApiError(400, "invalid", "Dữ liệu không hợp lệ", [
        { path: "units.0.kind", message: "không hợp lệ" },
      ]);
    };
    const error = await failure(
      importFile(excelFile("u.xlsx", [UNIT_HEADER, ["a", "001", "A", "lang"]]), "units", send),
    );
    expect(problemsOf(error)).toEqual([
      { path: "", message: "trang units, dòng 2, cột D (kind): không hợp lệ" },
    ]);
  });

  test("the API's problems with a JSON file keep their paths", async () => {
    const details = [{ path: "groups.0.unitKinds", message: "trống" }];
    const send = async () => {
      throw new ApiError(400, "invalid", "Dữ liệu không hợp lệ", details);
    };
    const error = await failure(importFile(jsonFile("f.json", "{}"), "framework", send));
    expect(error).toBeInstanceOf(ApiError);
    expect(problemsOf(error)).toEqual(details);
  });

  test("any other failure (the network) passes as it is, with no problems listed", async () => {
    const send = async () => {
      throw new TypeError("Failed to fetch");
    };
    const error = await failure(
      importFile(excelFile("u.xlsx", [UNIT_HEADER, ["a", "001", "A", "commune"]]), "units", send),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(problemsOf(error)).toEqual([]);
  });
});

test("the templates are built on demand, as Excel files (samples while there is no data)", async () => {
  const none = async () => ({});
  const [framework, units] = await Promise.all([templateOf("framework", none), templateOf("units", none)]);
  expect([framework.type, units.type]).toEqual([XLSX, XLSX]);
  expect(framework.size).toBeGreaterThan(units.size);
});
