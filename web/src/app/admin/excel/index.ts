/** The Excel side of the admin's imports: one chunk, loaded when a workbook is read or written. */
export { frameworkFromSheets, unitsFromSheets } from "./parse.ts";
export { reformFromSheets, reformWorkbook } from "./reform.ts";
export { issueText } from "./sheets.ts";
export { frameworkWorkbook, unitsWorkbook } from "./template.ts";
export { readXlsx } from "./xlsx.ts";
