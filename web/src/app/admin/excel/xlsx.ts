import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { t } from "../../../i18n/index.ts";

/**
 * Just enough of XLSX for the admin's templates: read a workbook (shared strings, inline strings,
 * numbers, booleans, dates) into rows of text per sheet, and write one (inline strings, a bold frozen
 * header). The zip is fflate's; the XML is the browser's DOMParser.
 */
export type Sheets = Map<string, string[][]>;

/** A file that is not a readable workbook; the message is for the user. */
export class XlsxError extends Error {}

// ---------------------------------------------------------------------------------------------
// Reading.

const parseXml = (text: string) => new DOMParser().parseFromString(text, "application/xml");

/**
 * Elements by local name, whatever prefix the writer gave them (`x:row` as well as `row`). By hand,
 * as getElementsByTagNameNS("*", …) is not found everywhere (happy-dom lacks it).
 */
const elements = (root: Document | Element, name: string) =>
  Array.from(root.getElementsByTagName("*")).filter((el) => el.localName === name);

/** A string item's text: its runs' `t`, without the phonetic guides (`rPh`) that some writers add. */
const textOf = (item: Element) =>
  elements(item, "t")
    .filter((el) => el.parentElement?.localName !== "rPh")
    .map((el) => el.textContent ?? "")
    .join("");

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? "A";
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Excel's built-in date formats (ECMA-376 18.8.30) and custom ones that show a day, month or year. */
const BUILTIN_DATES = new Set([14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]);
const isDateFormat = (code: string) => /[dmy]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ""));

/** Which cell styles (`s` index) show a date, so that their serial numbers read as YYYY-MM-DD. */
function dateStyles(styles: Document | undefined): Set<number> {
  const dates = new Set<number>();
  if (!styles) return dates;
  const custom = new Map(
    elements(styles, "numFmt").map((f) => [
      Number(f.getAttribute("numFmtId")),
      f.getAttribute("formatCode") ?? "",
    ]),
  );
  const cellXfs = elements(styles, "cellXfs")[0];
  if (!cellXfs) return dates;
  elements(cellXfs, "xf").forEach((xf, index) => {
    const id = Number(xf.getAttribute("numFmtId") ?? 0);
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : BUILTIN_DATES.has(id)) dates.add(index);
  });
  return dates;
}

/** A serial day number of the 1900 date system as YYYY-MM-DD (the time of day is dropped). */
export function serialDate(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30) + Math.floor(serial) * 86_400_000).toISOString().slice(0, 10);
}

function unzip(data: Uint8Array): Record<string, Uint8Array> {
  try {
    // Only the XML parts: pictures and the like are neither needed nor inflated.
    return unzipSync(data, { filter: (file) => /\.(xml|rels)$/i.test(file.name) });
  } catch {
    throw new XlsxError(t("excel.notZip"));
  }
}

/** Every sheet's rows as text (empty cells ""), by sheet name, in the workbook's order. */
export function readXlsx(data: ArrayBuffer | Uint8Array): Sheets {
  const files = unzip(data instanceof Uint8Array ? data : new Uint8Array(data));
  const read = (name: string) => {
    const file = files[name];
    return file ? parseXml(strFromU8(file)) : undefined;
  };
  const workbook = read("xl/workbook.xml");
  if (!workbook) throw new XlsxError(t("excel.notWorkbook", { part: "xl/workbook.xml" }));
  const targets = new Map(
    elements(read("xl/_rels/workbook.xml.rels") ?? parseXml("<Relationships/>"), "Relationship").map((r) => [
      r.getAttribute("Id") ?? "",
      r.getAttribute("Target") ?? "",
    ]),
  );
  const shared = elements(read("xl/sharedStrings.xml") ?? parseXml("<sst/>"), "si").map(textOf);
  const dates = dateStyles(read("xl/styles.xml"));
  const sheets: Sheets = new Map();
  for (const sheet of elements(workbook, "sheet")) {
    const id =
      sheet.getAttribute("r:id") ??
      sheet.getAttributeNS("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "id") ??
      "";
    const target = (targets.get(id) ?? "").replace(/^\/?xl\//, "").replace(/^\//, "");
    const doc = read(`xl/${target}`);
    if (!doc) continue;
    const rows: string[][] = [];
    for (const row of elements(doc, "row")) {
      const r = Number(row.getAttribute("r") ?? rows.length + 1) - 1;
      const cells: string[] = [];
      let next = 0;
      for (const cell of elements(row, "c")) {
        const ref = cell.getAttribute("r");
        const c = ref ? columnIndex(ref) : next;
        next = c + 1;
        const type = cell.getAttribute("t");
        const v = elements(cell, "v")[0]?.textContent ?? "";
        let value: string;
        if (type === "s") value = shared[Number(v)] ?? "";
        else if (type === "inlineStr") value = textOf(cell);
        else if (type === "b") value = v === "1" ? "TRUE" : "FALSE";
        else if ((type === null || type === "n") && v !== "" && dates.has(Number(cell.getAttribute("s"))))
          value = serialDate(Number(v));
        else value = v;
        while (cells.length < c) cells.push("");
        cells[c] = value;
      }
      while (rows.length < r) rows.push([]);
      rows[r] = cells;
    }
    sheets.set(sheet.getAttribute("name") ?? target, rows);
  }
  return sheets;
}

// ---------------------------------------------------------------------------------------------
// Writing.

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml";
const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function cellXml(value: string | number, ref: string, style: string): string {
  if (typeof value === "number") return `<c r="${ref}"${style}><v>${value}</v></c>`;
  if (value === "") return "";
  return `<c r="${ref}" t="inlineStr"${style}><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
}

/**
 * A drop-down on a range of cells (Excel's data validation of type list): its choices are a range of
 * cells (e.g. `'Danh mục'!$A$2:$A$9`), so that no list meets the 255 characters of an inline one.
 */
export interface DropDown {
  /** The cells, e.g. "F2:F2000". */
  sqref: string;
  /** The range that holds the choices. */
  source: string;
  /** Refuse any other value (else the list only offers its choices: a cell may hold several). */
  strict?: boolean;
}

function dropDownsXml(dropDowns: DropDown[]): string {
  if (dropDowns.length === 0) return "";
  const items = dropDowns.map(
    (d) =>
      `<dataValidation type="list" allowBlank="1" showErrorMessage="${d.strict ? 1 : 0}" sqref="${d.sqref}"><formula1>${escapeXml(d.source)}</formula1></dataValidation>`,
  );
  return `<dataValidations count="${items.length}">${items.join("")}</dataValidations>`;
}

function sheetXml(rows: (string | number)[][], widths: number[], dropDowns: DropDown[] = []): string {
  const cols = widths.length
    ? `<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols>`
    : "";
  const body = rows
    .map((row, r) => {
      const style = r === 0 ? ' s="1"' : "";
      const cells = row.map((value, c) => cellXml(value, `${columnName(c)}${r + 1}`, style)).join("");
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join("");
  const frozen =
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>';
  // dataValidations follows sheetData (ECMA-376's order of a worksheet's parts).
  return `${HEAD}<worksheet xmlns="${MAIN}">${frozen}${cols}<sheetData>${body}</sheetData>${dropDownsXml(dropDowns)}</worksheet>`;
}

const STYLES = `${HEAD}<styleSheet xmlns="${MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`;

export interface SheetSpec {
  name: string;
  rows: (string | number)[][];
  /** Column widths in characters, from column A. */
  widths?: number[];
  dropDowns?: DropDown[];
  /** A sheet the user does not see (the lists of the drop-downs). */
  hidden?: boolean;
}

/** The parts of a workbook of the given sheets, by path in the zip. */
export function workbookParts(sheets: SheetSpec[]): Record<string, string> {
  const numbered = sheets.map((s, i) => ({ ...s, n: i + 1 }));
  const parts: Record<string, string> = {
    "[Content_Types].xml": `${HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${TYPE}.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="${TYPE}.styles+xml"/>${numbered
      .map(
        ({ n }) => `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="${TYPE}.worksheet+xml"/>`,
      )
      .join("")}</Types>`,
    "_rels/.rels": `${HEAD}<Relationships xmlns="${PACKAGE_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${HEAD}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${numbered
      .map(
        ({ name, n, hidden }) =>
          `<sheet name="${escapeXml(name)}" sheetId="${n}"${hidden ? ' state="hidden"' : ""} r:id="rId${n}"/>`,
      )
      .join("")}</sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${HEAD}<Relationships xmlns="${PACKAGE_REL}">${numbered
      .map(
        ({ n }) => `<Relationship Id="rId${n}" Type="${REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`,
      )
      .join(
        "",
      )}<Relationship Id="rId${sheets.length + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    "xl/styles.xml": STYLES,
  };
  for (const { rows, widths, dropDowns, n } of numbered)
    parts[`xl/worksheets/sheet${n}.xml`] = sheetXml(rows, widths ?? [], dropDowns);
  return parts;
}

/** A workbook of the given sheets (the first row of each is its bold, frozen header), zipped. */
export function xlsxBytes(sheets: SheetSpec[]): Uint8Array {
  const parts = workbookParts(sheets);
  return zipSync(Object.fromEntries(Object.entries(parts).map(([path, xml]) => [path, strToU8(xml)])));
}

export const XLSX_TYPE = `${TYPE}.sheet`;

/** The workbook as a file to offer for download. */
export function writeXlsx(sheets: SheetSpec[]): Blob {
  return new Blob([xlsxBytes(sheets) as BlobPart], { type: XLSX_TYPE });
}
