import { messagesFor } from "../../../i18n/index.ts";
import type { Converted } from "./parse.ts";
import { reformDate } from "./reform.ts";
import type { SheetIssue } from "./sheets.ts";
import { columnName, type Sheets, writeXlsx } from "./xlsx.ts";

/**
 * The "Số liệu đo" sheet (or a CSV file): measured values for POST /api/periods/{periodId}/
 * measurement-imports, one row per unit and indicator. The unit and indicator names are there for the
 * reader; the API takes the codes, the value as written and the optional date.
 */
const VI = {
  unitCode: "Mã đơn vị",
  unitName: "Tên đơn vị",
  code: "Mã chỉ tiêu",
  leafName: "Tên chỉ tiêu",
  value: "Giá trị",
  asOf: "Ngày số liệu (dd/mm/yyyy, không bắt buộc)",
  required: "bắt buộc",
  noRows: "tệp không có dòng số liệu nào",
  missingColumn: "thiếu cột “{column}” ở dòng tiêu đề",
  badDate: "“{value}” không phải là ngày (dd/mm/yyyy)",
  badCsv: "dòng {row}: dấu ngoặc kép không được đóng",
};
const EN: typeof VI = {
  unitCode: "Unit code",
  unitName: "Unit name",
  code: "Indicator code",
  leafName: "Indicator name",
  value: "Value",
  asOf: "Date of the value (dd/mm/yyyy, optional)",
  required: "required",
  noRows: "the file has no rows of values",
  missingColumn: "the column “{column}” is missing from the header",
  badDate: "“{value}” is not a date (dd/mm/yyyy)",
  badCsv: "line {row}: a double quote is not closed",
};
export const tm = messagesFor(VI, EN);

/** The sheet's name: the same in both languages, so a file filled in English reads back. */
export const MEASUREMENT_SHEET = "Số liệu đo";
const COLUMNS = ["unitCode", "unitName", "code", "leafName", "value", "asOf"] as const;
type Column = (typeof COLUMNS)[number];
/** What the API takes of a row (the names are for the reader). */
const SENT = ["unitCode", "code", "value", "asOf"] as const;
const REQUIRED = ["unitCode", "code", "value"] as const;

/** Which header names which column: the labels of either language, or the field name itself. */
function columnOf(header: string): Column | undefined {
  const h = header.normalize("NFC").trim().toLowerCase();
  if (!h) return undefined;
  return COLUMNS.find((c) => {
    const labels = [c, VI[c], EN[c]].map((l) => l.split(" (")[0]?.toLowerCase());
    return labels.includes(h) || labels.some((l) => l && h.startsWith(`${l} (`));
  });
}

/**
 * A CSV file's rows: comma- or semicolon-separated (Excel in Vietnamese writes ";"), fields in double
 * quotes may hold separators, quotes ("") and line breaks; a byte order mark is dropped.
 */
export function csvRows(text: string): { rows: string[][]; unclosedAt?: number } {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const separator = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
      quoteLine = line;
    } else if (ch === separator) {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      line++;
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return quoted ? { rows, unclosedAt: quoteLine } : { rows };
}

/** A CSV file as a workbook of one sheet, named after the file. */
export function csvSheets(text: string, name: string): { sheets: Sheets; issues: SheetIssue[] } {
  const { rows, unclosedAt } = csvRows(text);
  const issues = unclosedAt ? [{ sheet: name, message: tm("badCsv", { row: unclosedAt }) }] : [];
  return { sheets: new Map([[name, rows]]), issues };
}

/**
 * A filled-in sheet → the body of the import, or every problem by sheet, row and column; the API's
 * problems (`rows.{i}.{field}`) are mapped back to the same cells by `locate`. The sheet is
 * "Số liệu đo", or the first one (a CSV file's only sheet, a ministry system's own workbook).
 */
export function measurementsFromSheets(sheets: Sheets, fileName: string): Converted {
  const issues: SheetIssue[] = [];
  const sheet = sheets.has(MEASUREMENT_SHEET)
    ? MEASUREMENT_SHEET
    : ([...sheets.keys()][0] ?? MEASUREMENT_SHEET);
  const rows = sheets.get(sheet) ?? [];
  // The header is the first row that names the unit code (a title may stand above it).
  const found = rows.findIndex((cells) => cells.some((c) => columnOf(c) === "unitCode"));
  const headerRow = found >= 0 ? found + 1 : 1;
  const columns = new Map<Column, number>();
  (rows[headerRow - 1] ?? []).forEach((h, i) => {
    const column = columnOf(h);
    if (column && !columns.has(column)) columns.set(column, i);
  });
  const where = (row: number, column: Column): Omit<SheetIssue, "message"> => ({
    sheet,
    row,
    column: `${columnName(columns.get(column) ?? 0)} (${tm(column)})`,
  });
  const origins: number[] = [];
  const locate = (path: string, message: string): SheetIssue => {
    const [head, index, field] = path.split(".");
    const row = head === "rows" && index !== undefined ? origins[Number(index)] : undefined;
    if (row === undefined) return { sheet, message: path ? `${path}: ${message}` : message };
    const column = (SENT as readonly string[]).includes(field ?? "") ? (field as Column) : "unitCode";
    return { ...where(row, column), message };
  };
  const missing = REQUIRED.filter((c) => !columns.has(c));
  for (const c of missing)
    issues.push({ sheet, row: headerRow, message: tm("missingColumn", { column: tm(c) }) });
  const body: Record<string, string>[] = [];
  if (missing.length === 0)
    rows.slice(headerRow).forEach((cells, i) => {
      if (!cells.some((c) => c.trim() !== "")) return;
      const row = headerRow + 1 + i;
      const get = (c: Column) => (cells[columns.get(c) ?? -1] ?? "").normalize("NFC").trim();
      for (const c of REQUIRED) if (!get(c)) issues.push({ ...where(row, c), message: tm("required") });
      const asOfText = get("asOf");
      const asOf = asOfText ? (reformDate(asOfText) ?? asOfText) : "";
      if (asOfText && !reformDate(asOfText) && !/^\d{4}-\d{2}-\d{2}T/.test(asOfText))
        issues.push({ ...where(row, "asOf"), message: tm("badDate", { value: asOfText }) });
      origins.push(row);
      body.push({
        unitCode: get("unitCode"),
        code: get("code"),
        value: get("value"),
        ...(asOf ? { asOf } : {}),
      });
    });
  if (missing.length === 0 && body.length === 0) issues.push({ sheet, message: tm("noRows") });
  return { value: { fileName, rows: body }, issues, locate };
}

/** One row of the template: a unit of the period and one of its group's measured indicators. */
export interface TemplateRow {
  unitCode: string;
  unitName: string;
  code: string;
  leafName: string;
}

/** The template: the header and one row per unit and measured indicator of the period, values empty. */
export const measurementsWorkbook = (rows: readonly TemplateRow[]): Blob =>
  writeXlsx([
    {
      name: MEASUREMENT_SHEET,
      rows: [
        COLUMNS.map((c) => tm(c)),
        ...rows.map((r) => [r.unitCode, r.unitName, r.code, r.leafName, "", ""]),
      ],
      widths: [14, 36, 12, 48, 14, 22],
    },
  ]);
