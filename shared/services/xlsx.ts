import { zip } from "../documents/zip.ts";

/**
 * A one-sheet XLSX writer: the few XML parts of an Office Open XML workbook in a zip. The open data is
 * one table of strings and numbers, and a general spreadsheet library would put ≈ 1 MB into the
 * function that publishes (the bundle budget is 400 KB); what it writes is read back with exceljs in
 * the tests. `title` lines (the first one large) go above the table with a blank row after them; the
 * header row is bold and frozen, and each column is as wide as its longest cell (within bounds).
 */
export function writeXlsx(
  sheetName: string,
  header: readonly string[],
  rows: readonly (string | number | null)[][],
  title: readonly string[] = [],
): Uint8Array {
  const top = title.length ? title.length + 1 : 0;
  const lines = [
    ...title.map((line, i) => rowXml(i + 1, [line], i === 0 ? 2 : 0)),
    rowXml(top + 1, header, 1),
    ...rows.map((row, i) => rowXml(top + i + 2, row, 0)),
  ];
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="${MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="${top + 1}" topLeftCell="A${top + 2}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>${cols(header, rows)}<sheetData>${lines.join("")}</sheetData></worksheet>`;
  return zip(
    [
      ["[Content_Types].xml", CONTENT_TYPES],
      ["_rels/.rels", ROOT_RELS],
      ["xl/workbook.xml", workbook(sheetName)],
      ["xl/_rels/workbook.xml.rels", WORKBOOK_RELS],
      ["xl/styles.xml", STYLES],
      ["xl/worksheets/sheet1.xml", sheet],
    ],
    FIXED_PARTS,
  );
}

/** The parts every workbook shares, compressed once per process. */
const FIXED_PARTS: ReadonlySet<string> = new Set([
  "[Content_Types].xml",
  "_rels/.rels",
  "xl/_rels/workbook.xml.rels",
  "xl/styles.xml",
]);

/** Column widths in characters: the longest header or cell, between 6 and 60, plus a margin. */
function cols(header: readonly string[], rows: readonly (string | number | null)[][]): string {
  const widths = header.map((h) => h.length);
  for (const row of rows)
    row.forEach((value, i) => {
      widths[i] = Math.max(widths[i] ?? 0, value === null ? 0 : String(value).length);
    });
  const xml = widths.map((w, i) => {
    const width = Math.min(60, Math.max(6, w)) + 2;
    return `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`;
  });
  return xml.length ? `<cols>${xml.join("")}</cols>` : "";
}

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`;
/** Three cell formats: 0 plain, 1 bold (the header), 2 bold and large (the title). */
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="${MAIN}"><fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`;

const workbook = (sheetName: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="${escapeXml(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

function rowXml(row: number, cells: readonly (string | number | null)[], style: number): string {
  const xml = cells.map((value, i) => {
    if (value === null || value === "") return "";
    const ref = `${column(i)}${row}`;
    const s = style ? ` s="${style}"` : "";
    return typeof value === "number"
      ? `<c r="${ref}"${s}><v>${value}</v></c>`
      : `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
  });
  return `<row r="${row}">${xml.join("")}</row>`;
}

/** 0 → A, 25 → Z, 26 → AA. */
function column(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function escapeXml(text: string): string {
  // XML 1.0 has no place for control characters other than tab, line feed and carriage return.
  const printable = Array.from(text, (ch) => (ch < " " && !"\t\n\r".includes(ch) ? "" : ch)).join("");
  return printable.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
