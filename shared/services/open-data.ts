import { NOT_SUBMITTED, SUBMITTED } from "../documents/words.ts";
import type { RankingSnapshot } from "../model/snapshot.ts";
import { writeXlsx } from "./xlsx.ts";

/**
 * The period's open data as a table: one row per unit, with Vietnamese headers a reader understands
 * (rank, code, unit, group, points, index, band, each top-level node's points under its code and
 * name, rank change, whether the unit submitted). The CSV and the XLSX hold the same rows; the XLSX
 * has a title block above them (`title`).
 */
export type OpenDataRow = (string | number | null)[];

export interface OpenDataTable {
  header: string[];
  rows: OpenDataRow[];
  /** Lines above the table in the XLSX (the CSV keeps one header row, for machines). */
  title?: string[];
}

export function rankingRows(snapshot: RankingSnapshot): OpenDataTable {
  // Top-level nodes by code, named as the framework names them (the first group that has the node).
  const nodes = new Map<string, string>();
  for (const node of snapshot.groups.flatMap((g) => g.nodes))
    if (!nodes.has(node.code)) nodes.set(node.code, node.name);
  const header = [
    "Hạng",
    "Mã",
    "Đơn vị",
    "Nhóm",
    "Điểm",
    "Chỉ số",
    "Xếp loại",
    ...[...nodes].map(([code, name]) => `${code}. ${name}`),
    "Thay đổi hạng",
    "Tình trạng",
  ];
  const rows = snapshot.groups.flatMap((group) =>
    group.units.map((u): OpenDataRow => {
      const byCode = new Map(u.nodes.map((n) => [n.code, n.points]));
      return [
        u.rank,
        u.code,
        u.name,
        group.name,
        u.points,
        u.index,
        u.band,
        ...[...nodes.keys()].map((code) => byCode.get(code) ?? null),
        u.rankChange,
        u.flags.includes("not-submitted") ? NOT_SUBMITTED : SUBMITTED,
      ];
    }),
  );
  const framework = snapshot.period.framework;
  const title = [
    `Xếp hạng chuyển đổi số — ${snapshot.period.name}`,
    `Bộ chỉ số: ${framework.decision ? `${framework.name} (${framework.decision})` : framework.name}`,
    `Ngày công bố: ${snapshot.publishedAt ? vietnamDate(snapshot.publishedAt) : "chưa công bố"}`,
    `Phiên bản: ${snapshot.version}`,
  ];
  return { header, rows, title };
}

/** dd/mm/yyyy in Vietnam time (UTC+7, no daylight saving), without depending on the runtime's ICU. */
function vietnamDate(iso: string): string {
  const day = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

export { downloadName } from "../model/downloads.ts";

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
export function toCsv({ header, rows }: OpenDataTable): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

/** The same rows as an XLSX workbook: one sheet, the title block, the header in bold and frozen. */
export function toXlsx(table: OpenDataTable): Uint8Array {
  return writeXlsx("Xếp hạng", table.header, table.rows, table.title ?? []);
}
