/**
 * The name a download of a period's published file is saved under: xep-hang-<periodId>-v<version>.<ext>.
 * Publication sets it on the file, the public page on its links. Plain code with no imports, so the
 * public page reads it without the spreadsheet writer beside it in open-data.ts.
 */
export const downloadName = (periodId: string, version: number, ext: string) =>
  `xep-hang-${periodId}-v${version}.${ext}`;
