import type { PeriodDecision } from "../model/period.ts";
import type { RankingSnapshot, SnapshotGroup, SnapshotUnit } from "../model/snapshot.ts";
import type { Block, Cell, Column, Columns, DocumentModel, Paragraph, Table } from "./model.ts";
import {
  amount,
  DOTS,
  dateWords,
  FLAG_WORDS,
  index,
  NONE,
  points,
  roman,
  sentenceName,
  upper,
  vietnamDate,
} from "./words.ts";

/**
 * The decision's appendix: every group's ranking as a table, laid out as a Vietnamese decision's
 * appendix (Decree 30/2020/NĐ-CP): issuing body beside the national motto, "PHỤ LỤC", the line that
 * ties it to the decision, the tables, notes, and the signature block.
 */

const DEFAULT_ISSUER = `ỦY BAN NHÂN DÂN TỈNH ${DOTS}`;

/** The heading block shared by the appendix and the scorecards: issuer (≈ 40 %) | motto (≈ 60 %). */
export function headingColumns(
  decision: PeriodDecision | undefined,
  /** A stand-alone document (the scorecard) also says where and when under the motto; an appendix does not. */
  dated?: { date: string | undefined },
): Columns {
  const issuer = decision?.issuer ? upper(decision.issuer) : DEFAULT_ISSUER;
  const placeAndDate: Paragraph[] = dated
    ? [
        {
          kind: "paragraph",
          text: `${decision?.place ?? DOTS}, ${dateWords(dated.date)}`,
          italic: true,
          align: "center",
          spaceBefore: 6,
        },
      ]
    : [];
  return {
    kind: "columns",
    spaceAfter: 12,
    columns: [
      { width: 40, blocks: [{ kind: "paragraph", text: issuer, bold: true, align: "center", rule: true }] },
      {
        width: 60,
        blocks: [
          { kind: "paragraph", text: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold: true, align: "center" },
          { kind: "paragraph", text: "Độc lập - Tự do - Hạnh phúc", bold: true, align: "center", rule: true },
          ...placeAndDate,
        ],
      },
    ],
  };
}

/** "(Kèm theo Quyết định số … ngày … tháng … năm … của …)", dotted where the decision is not filled in. */
export function attachedTo(decision: PeriodDecision | undefined): string {
  const number = decision?.number ?? DOTS;
  const issuer = decision?.issuer ? sentenceName(decision.issuer) : DOTS;
  return `(Kèm theo Quyết định số ${number} ${dateWords(decision?.date)} của ${issuer})`;
}

/** "Bộ chỉ số: … (…). Kết quả công bố [phiên bản v,] ngày dd/mm/yyyy." */
export function indexSetLine(snapshot: RankingSnapshot): string {
  const framework = snapshot.period.framework;
  const set = framework.decision ? `${framework.name} (${framework.decision})` : framework.name;
  const version = snapshot.version > 1 ? `phiên bản ${snapshot.version}, ` : "";
  const when = snapshot.publishedAt ? `ngày ${vietnamDate(snapshot.publishedAt)}` : "(chưa công bố)";
  return `Bộ chỉ số: ${set}. Kết quả công bố ${version}${when}.`;
}

const centred = (text: string, extra: Partial<Paragraph> = {}): Paragraph => ({
  kind: "paragraph",
  text,
  align: "center",
  ...extra,
});

export function appendixDocument(
  snapshot: RankingSnapshot,
  decision: PeriodDecision | undefined,
): DocumentModel {
  const blocks: Block[] = [
    headingColumns(decision),
    centred("PHỤ LỤC", { bold: true, spaceBefore: 6 }),
    centred("KẾT QUẢ XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ", { bold: true }),
    centred(snapshot.period.name, { bold: true }),
    centred(attachedTo(decision), { italic: true }),
    centred(indexSetLine(snapshot), { spaceAfter: 12 }),
  ];
  snapshot.groups.forEach((group, i) => {
    blocks.push({
      kind: "paragraph",
      text: `${roman(i + 1)}. ${group.name} (${group.units.length} đơn vị)`,
      bold: true,
      spaceBefore: 10,
      spaceAfter: 4,
    });
    blocks.push(groupTable(group));
  });
  blocks.push(...notes(snapshot), signature(decision));
  return {
    title: `Phụ lục kết quả xếp hạng chỉ số chuyển đổi số - ${snapshot.period.name}`,
    author: "chiso",
    orientation: "landscape",
    size: 13,
    pageNumbers: true,
    blocks,
  };
}

/** The published order is the rank order; a list that is not (hand-made, older) is put in order. */
function inRankOrder(units: readonly SnapshotUnit[]): readonly SnapshotUnit[] {
  for (let i = 1; i < units.length; i++)
    if ((units[i] as SnapshotUnit).rank < (units[i - 1] as SnapshotUnit).rank)
      return [...units].sort((a, b) => a.rank - b.rank);
  return units;
}

export const notSubmitted = (unit: SnapshotUnit): boolean => unit.flags.includes("not-submitted");

function groupTable(group: SnapshotGroup): Table {
  const pillars = group.nodes;
  const columns: Column[] = [
    { width: 7, align: "center" },
    { width: 30, align: "left" },
    { width: 10, align: "right" },
    { width: 9, align: "right" },
    { width: 10, align: "center" },
    ...pillars.map((): Column => ({ width: Math.max(8, 44 / Math.max(1, pillars.length)), align: "right" })),
  ];
  const head = (text: string): Cell => ({ text, bold: true, align: "center" });
  const header: Cell[] = [
    head("Xếp hạng"),
    head("Đơn vị"),
    head(`Tổng điểm (tối đa ${amount(group.maxPoints)})`),
    head("Chỉ số"),
    head("Mức"),
    ...pillars.map((p) => head(`${p.name} (tối đa ${amount(p.maxPoints)})`)),
  ];
  const unitName = ` (${FLAG_WORDS["not-submitted"]})`;
  const rows = inRankOrder(group.units).map((unit): Cell[] => {
    const byCode = new Map(unit.nodes.map((n) => [n.code, n]));
    return [
      { text: String(unit.rank) },
      { text: notSubmitted(unit) ? unit.name + unitName : unit.name },
      { text: points(unit.points) },
      { text: index(unit.index) },
      { text: unit.band ?? NONE },
      ...pillars.map((p): Cell => {
        const node = byCode.get(p.code);
        return { text: node ? points(node.points) : NONE };
      }),
    ];
  });
  return { kind: "table", columns, header: [header], rows, spaceAfter: 6 };
}

function notes(snapshot: RankingSnapshot): Paragraph[] {
  const note = (text: string): Paragraph => ({ kind: "paragraph", text, size: 11, align: "justify" });
  const source = snapshot.publishedAt ? `, công bố ngày ${vietnamDate(snapshot.publishedAt)}` : "";
  return [
    { kind: "paragraph", text: "Ghi chú:", bold: true, italic: true, size: 11, spaceBefore: 10 },
    note(
      "- Chỉ số = Tổng điểm ÷ tổng điểm tối đa áp dụng của đơn vị (điểm tối đa của nhóm trừ các chỉ tiêu không áp dụng); điểm làm tròn 2 chữ số thập phân, chỉ số 4 chữ số thập phân.",
    ),
    note(
      "- Xếp hạng trong từng nhóm theo chỉ số giảm dần; các đơn vị có chỉ số bằng nhau (so đến 4 chữ số thập phân) cùng hạng, hạng kế tiếp được bỏ qua (1, 2, 2, 4) và được liệt kê theo tên.",
    ),
    note(
      "- Đơn vị không nộp bản tự đánh giá được 0 điểm và vẫn được xếp hạng, ghi “(không nộp)”. Mức xếp loại theo ngưỡng chỉ số của từng nhóm; “–”: không xếp loại.",
    ),
    note(
      `- Nguồn số liệu: kết quả xếp hạng ${snapshot.period.name} đã công bố, phiên bản ${snapshot.version}${source}.`,
    ),
  ];
}

/** The signer's block, right column: title, room for signature and seal, name (blank to sign by hand). */
export function signature(decision: PeriodDecision | undefined): Columns {
  return {
    kind: "columns",
    columns: [
      { width: 40, blocks: [] },
      {
        width: 60,
        blocks: [
          {
            kind: "paragraph",
            text: decision?.signerTitle ? upper(decision.signerTitle) : DOTS,
            bold: true,
            align: "center",
            spaceBefore: 14,
          },
          {
            kind: "paragraph",
            text: "(Ký, ghi rõ họ tên và đóng dấu)",
            italic: true,
            align: "center",
            spaceAfter: 64,
          },
          { kind: "paragraph", text: decision?.signerName ?? "", bold: true, align: "center" },
        ],
      },
    ],
  };
}
