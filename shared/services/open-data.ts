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

/** RFC 4180 CSV with a UTF-8 byte order mark, so spreadsheet programs read Vietnamese correctly. */
export function toCsv({ header, rows }: { header: string[]; rows: OpenDataRow[] }): string {
  const cell = (value: string | number | null) => {
    if (value === null) return "";
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** The same rows as an XLSX workbook: one sheet, the header in bold and frozen. */
export function toXlsx(table: { header: string[]; rows: OpenDataRow[] }): Uint8Array {
  return writeXlsx("Xếp hạng", table.header, table.rows);
}
