import { messagesFor } from "../../../i18n/index.ts";
import type { Converted } from "./parse.ts";
import type { SheetIssue } from "./sheets.ts";
import { columnName, type SheetSpec, type Sheets, serialDate, writeXlsx } from "./xlsx.ts";

/**
 * The "Sắp xếp đơn vị" sheet: a reorganisation (POST /api/reforms) as the province's list of new units.
 * Rows 1–3 hold the decision, its effective date and the codes that end with no successor (or the
 * form gives them); row 5 is the header, each row below one new unit.
 */
export const tr = messagesFor(
  {
    sheet: "Sắp xếp đơn vị",
    decision: "Nghị quyết / Quyết định",
    effectiveDate: "Hiệu lực từ ngày",
    ended: "Đơn vị chấm dứt (không có đơn vị kế thừa)",
    code: "Mã mới",
    name: "Tên mới",
    kind: "Loại",
    parentCode: "Mã đơn vị cấp trên",
    fromCodes: "Hình thành từ (mã cũ, cách nhau bởi dấu phẩy)",
    id: "Mã định danh (không bắt buộc)",
    required: "bắt buộc",
    badDate: "“{value}” không phải là ngày (dd/mm/yyyy)",
    badCode: "mã “{value}” không hợp lệ (chữ, số, dấu . _ -)",
    repeated: "mã “{value}” trùng với dòng {row}",
    mappedTwice: "mã cũ “{value}” đã được dùng ở dòng {row}",
    missingSheet: "thiếu trang tính “{sheet}”",
    missingColumn: "thiếu cột “{column}” ở dòng tiêu đề",
  },
  {
    sheet: "Sắp xếp đơn vị",
    decision: "Resolution / decision",
    effectiveDate: "Effective from",
    ended: "Units that end (no successor)",
    code: "New code",
    name: "New name",
    kind: "Kind",
    parentCode: "Parent's code",
    fromCodes: "Formed from (old codes, comma-separated)",
    id: "Id (optional)",
    required: "required",
    badDate: "“{value}” is not a date (dd/mm/yyyy)",
    badCode: "code “{value}” is not valid (letters, digits, . _ -)",
    repeated: "code “{value}” repeats row {row}",
    mappedTwice: "old code “{value}” is already used on row {row}",
    missingSheet: "the sheet “{sheet}” is missing",
    missingColumn: "the column “{column}” is missing from the header",
  },
);

/** The sheet's name: the same in both languages, so a file filled in English reads back. */
export const REFORM_SHEET = "Sắp xếp đơn vị";
const COLUMNS = ["code", "name", "kind", "parentCode", "fromCodes", "id"] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ["code", "name", "kind", "fromCodes"];
const HEADER_ROW = 5;
const CODE = /^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$/;

/** The decision and date typed in the form, which win over the sheet's rows 1–2. */
export interface ReformForm {
  decision?: string;
  effectiveDate?: string;
}

/** dd/mm/yyyy, yyyy-mm-dd or an Excel serial day → yyyy-mm-dd; undefined when it is none. */
export function reformDate(text: string): string | undefined {
  const t = text.trim();
  let iso: string | undefined;
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = t;
  else if (dmy) iso = `${dmy[3]}-${dmy[2]?.padStart(2, "0")}-${dmy[1]?.padStart(2, "0")}`;
  else if (/^\d{5}$/.test(t)) iso = serialDate(Number(t));
  if (!iso) return undefined;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : undefined;
}

const splitCodes = (text: string) =>
  text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** Which header names which field (the labels of either language, or the field name itself). */
function fieldOfHeader(header: string): Column | undefined {
  const h = header.trim().toLowerCase();
  return COLUMNS.find(
    (c) =>
      c.toLowerCase() === h ||
      tr(c).toLowerCase() === h ||
      h.startsWith(tr(c).split(" (")[0]?.toLowerCase() ?? "\u0000"),
  );
}

/**
 * A filled-in "Sắp xếp đơn vị" sheet → the body of POST /api/reforms, or every problem by sheet, row
 * and column; the API's problems are mapped back by `locate`.
 */
export function reformFromSheets(sheets: Sheets, form: ReformForm = {}): Converted {
  const issues: SheetIssue[] = [];
  const sheet = REFORM_SHEET;
  const rows = sheets.get(sheet);
  const cellAt = (row: number, col: number) => (rows?.[row - 1]?.[col] ?? "").trim();
  const where = (row: number, col: number, label: string): Omit<SheetIssue, "message"> => ({
    sheet,
    row,
    column: `${columnName(col)} (${label})`,
  });
  const origins = new Map<string, { row: number; columns: Map<string, number> }>();
  const locate = (path: string, message: string): SheetIssue => {
    const [head, index, field] = path.split(".");
    if (head === "decision") return { ...where(1, 1, tr("decision")), message };
    if (head === "effectiveDate") return { ...where(2, 1, tr("effectiveDate")), message };
    if (head === "ended") return { ...where(3, 1, tr("ended")), message };
    const origin = origins.get(`${head}.${index}`);
    if (!origin) return { sheet, message: `${path}: ${message}` };
    const col = origin.columns.get(field ?? "") ?? origin.columns.get("code");
    const column = COLUMNS.find((c) => origin.columns.get(c) === col) ?? "code";
    return { ...where(origin.row, col ?? 0, tr(column)), message };
  };
  if (!rows) {
    issues.push({ sheet, message: tr("missingSheet", { sheet }) });
    return { value: undefined, issues, locate };
  }
  const decision = form.decision?.trim() || cellAt(1, 1);
  if (!decision) issues.push({ ...where(1, 1, tr("decision")), message: tr("required") });
  const dateText = form.effectiveDate?.trim() || cellAt(2, 1);
  const effectiveDate = reformDate(dateText);
  if (!dateText) issues.push({ ...where(2, 1, tr("effectiveDate")), message: tr("required") });
  else if (!effectiveDate)
    issues.push({ ...where(2, 1, tr("effectiveDate")), message: tr("badDate", { value: dateText }) });
  const mapped = new Map<string, number>(); // old code → the row that first uses it
  const claim = (code: string, row: number, at: Omit<SheetIssue, "message">) => {
    if (!CODE.test(code)) issues.push({ ...at, message: tr("badCode", { value: code }) });
    const first = mapped.get(code);
    if (first !== undefined) issues.push({ ...at, message: tr("mappedTwice", { value: code, row: first }) });
    else mapped.set(code, row);
  };
  const ended = splitCodes(cellAt(3, 1));
  for (const code of ended) claim(code, 3, where(3, 1, tr("ended")));

  // The header is row 5 in the template; a sheet with fewer rows above it is read as well.
  const found = rows.findIndex((cells, i) => i >= 3 && cells.some((c) => fieldOfHeader(c) === "code"));
  const headerRow = found >= 0 ? found + 1 : HEADER_ROW;
  const header = rows[headerRow - 1] ?? [];
  const columns = new Map<string, number>();
  header.forEach((h, i) => {
    const field = fieldOfHeader(h);
    if (field && !columns.has(field)) columns.set(field, i);
  });
  const missing = REQUIRED.filter((c) => !columns.has(c));
  for (const c of missing)
    issues.push({ sheet, row: headerRow, message: tr("missingColumn", { column: tr(c) }) });
  const units: Record<string, unknown>[] = [];
  const codes = new Map<string, number>();
  if (missing.length === 0)
    rows.slice(headerRow).forEach((cells, i) => {
      if (!cells.some((c) => c.trim() !== "")) return;
      const row = headerRow + 1 + i;
      const get = (c: Column) => (cells[columns.get(c) ?? -1] ?? "").trim();
      const at = (c: Column) => where(row, columns.get(c) ?? 0, tr(c));
      for (const c of ["code", "name", "kind"] as const)
        if (!get(c)) issues.push({ ...at(c), message: tr("required") });
      const code = get("code");
      if (code && !CODE.test(code)) issues.push({ ...at("code"), message: tr("badCode", { value: code }) });
      const first = codes.get(code);
      if (code && first !== undefined)
        issues.push({ ...at("code"), message: tr("repeated", { value: code, row: first }) });
      else if (code) codes.set(code, row);
      const fromCodes = splitCodes(get("fromCodes"));
      for (const old of fromCodes) claim(old, row, at("fromCodes"));
      const parentCode = get("parentCode");
      if (parentCode && !CODE.test(parentCode))
        issues.push({ ...at("parentCode"), message: tr("badCode", { value: parentCode }) });
      origins.set(`units.${units.length}`, { row, columns });
      units.push({
        ...(get("id") ? { id: get("id") } : {}),
        code,
        name: get("name"),
        kind: get("kind"),
        ...(parentCode ? { parentCode } : {}),
        fromCodes,
      });
    });
  const value = {
    decision,
    effectiveDate: effectiveDate ?? dateText,
    units,
    ...(ended.length > 0 ? { ended } : {}),
  };
  return { value, issues, locate };
}

/** The template: the decision rows, the header and two sample rows (a merger, a ward keeping its code). */
export function reformSheets(): SheetSpec[] {
  const sample: Record<Column, string>[] = [
    {
      code: "02509",
      name: "Phường Mỹ Lâm",
      kind: "commune",
      parentCode: "",
      fromCodes: "02509, 02512",
      id: "",
    },
    {
      code: "02530",
      name: "Xã Hùng Lợi",
      kind: "commune",
      parentCode: "",
      fromCodes: "02530, 02533, 02536",
      id: "",
    },
  ];
  return [
    {
      name: REFORM_SHEET,
      rows: [
        [tr("decision"), "1684/NQ-UBTVQH15"],
        [tr("effectiveDate"), "01/07/2025"],
        [tr("ended"), "070, 071"],
        [],
        COLUMNS.map((c) => tr(c)),
        ...sample.map((s) => COLUMNS.map((c) => s[c])),
      ],
      widths: [16, 32, 14, 20, 44, 24],
    },
  ];
}

export const reformWorkbook = (): Blob => writeXlsx(reformSheets());
