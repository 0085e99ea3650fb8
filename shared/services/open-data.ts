import type { RankingSnapshot } from "../model/snapshot.ts";
import { writeXlsx } from "./xlsx.ts";

/**
 * The period's open data as a table: one row per unit (group, rank, code, name, points, index, band,
 * rank change, flags, and each top-level node's points). The CSV and the XLSX hold the same rows.
 */
export type OpenDataRow = (string | number | null)[];

export function rankingRows(snapshot: RankingSnapshot): { header: string[]; rows: OpenDataRow[] } {
  const nodeCodes = [...new Set(snapshot.groups.flatMap((g) => g.nodes.map((n) => n.code)))];
  const header = [
    "group",
    "group_name",
    "rank",
    "code",
    "name",
    "points",
    "index",
    "band",
    "rank_change",
    "flags",
  ];
  header.push(...nodeCodes.map((code) => `points_${code}`));
  const rows = snapshot.groups.flatMap((group) =>
    group.units.map((u): OpenDataRow => {
      const byCode = new Map(u.nodes.map((n) => [n.code, n.points]));
      return [
        group.id,
        group.name,
        u.rank,
        u.code,
        u.name,
        u.points,
        u.index,
        u.band,
        u.rankChange,
        u.flags.join(" "),
        ...nodeCodes.map((code) => byCode.get(code) ?? null),
      ];
    }),
  );
  return { header, rows };
}

/** A text cell a spreadsheet would read as a formula: it starts with =, +, -, @, a tab or a CR (OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell. Text is neutralised against CSV injection (OWASP "CSV Injection"): a text cell that
 * starts like a formula gets a leading single quote, so a unit named "=HYPERLINK(…)" is shown, never
 * run. Numbers are data, a negative one included, and stay as they are. Then RFC 4180 quoting.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV with a UTF-8 byte order mark, so spreadsheet programs read Vietnamese correctly. */
export function toCsv({ header, rows }: { header: string[]; rows: OpenDataRow[] }): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The same rows as an XLSX workbook: one sheet, the header in bold and frozen. */
export function toXlsx(table: { header: string[]; rows: OpenDataRow[] }): Uint8Array {
  return writeXlsx("Xếp hạng", table.header, table.rows);
}
