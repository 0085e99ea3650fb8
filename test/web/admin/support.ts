import ExcelJS from "exceljs";
import { strToU8, zipSync } from "fflate";

/** An .xlsx written by exceljs (deflated entries, shared strings, styles): what Excel itself writes. */
export async function excelJsWorkbook(sheets: Record<string, (string | number | Date | boolean)[][]>) {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return new Uint8Array(await book.xlsx.writeBuffer());
}

/** A zip of the given text parts, for workbooks that no writer makes (odd prefixes, missing parts). */
export const zipOf = (parts: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(parts).map(([path, text]) => [path, strToU8(text)])));

/** A sheet's rows as the template would have them: header first, then data. */
export const table = (header: string[], ...rows: string[][]) => [header, ...rows];
