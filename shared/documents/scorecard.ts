import type { LedgerLeafView, UnitResultView } from "../api/results.ts";
import { roundIndex, roundPoints } from "../engine/rounding.ts";
import type { Framework, FrameworkNode, InnerNode, Leaf, LevelOption } from "../model/framework.ts";
import { isLeaf } from "../model/framework.ts";
import type { PeriodDecision } from "../model/period.ts";
import type { RankingSnapshot, SnapshotGroup, SnapshotUnit } from "../model/snapshot.ts";
import { headingColumns, notSubmitted } from "./appendix.ts";
import type { Block, Cell, DocumentModel, Inline, Paragraph, Run, Table } from "./model.ts";
import {
  amount,
  answerWords,
  FLAG_WORDS,
  flagWords,
  index,
  NONE,
  points,
  rankChangeWords,
  signed,
  vietnamDate,
  vietnamDay,
} from "./words.ts";

/** One unit's scorecard: its totals, pillars, the change since the previous period, and every leaf. */
export interface ScorecardInput {
  /** The published version (period, framework, version, publishedAt). */
  snapshot: RankingSnapshot;
  /** The unit's group as published (its nodes' names and maxima, all its units). */
  group: SnapshotGroup;
  /** As published, with `change`. */
  unit: SnapshotUnit;
  /** The unit's final ledger; undefined for a unit with none. */
  ledger: UnitResultView | undefined;
  /** The framework as ranked: names of pillars and indicators, methods. */
  framework: Framework;
  /** The compared period, when there is one. */
  previous?: { periodName: string; unit: SnapshotUnit | undefined };
  decision?: PeriodDecision;
}

type Change = NonNullable<SnapshotUnit["change"]>;

/** A group's nodes in framework order, flattened once per framework (a publication builds thousands). */
interface Plan {
  rows: { node: FrameworkNode; depth: number }[];
  names: Map<string, string>;
  options: Map<string, Map<string, LevelOption>>;
}

const plans = new WeakMap<Framework, Map<string, Plan>>();

function planOf(framework: Framework, groupId: string): Plan | undefined {
  let byGroup = plans.get(framework);
  if (!byGroup) {
    byGroup = new Map();
    for (const group of framework.groups) {
      const plan: Plan = { rows: [], names: new Map(), options: new Map() };
      const walk = (node: FrameworkNode, depth: number): void => {
        plan.rows.push({ node, depth });
        plan.names.set(node.code, node.name);
        if (isLeaf(node)) {
          if (node.method.type === "level")
            plan.options.set(node.code, new Map(node.method.options.map((o) => [o.id, o])));
        } else for (const child of node.children) walk(child, depth + 1);
      };
      for (const node of group.nodes) walk(node, 0);
      byGroup.set(group.id, plan);
    }
    plans.set(framework, byGroup);
  }
  return byGroup.get(groupId);
}

const para = (text: Inline, extra: Partial<Paragraph> = {}): Paragraph => ({
  kind: "paragraph",
  text,
  ...extra,
});
const labelled = (label: string, value: string): Paragraph =>
  para([{ text: `${label}: `, bold: true }, { text: value }]);
const section = (text: string): Paragraph => para(text, { bold: true, spaceBefore: 10, spaceAfter: 4 });

export function scorecardDocument(input: ScorecardInput): DocumentModel {
  const { snapshot, group, unit, ledger, framework } = input;
  const plan = planOf(framework, group.id);
  const published = snapshot.publishedAt
    ? `công bố ngày ${vietnamDate(snapshot.publishedAt)}`
    : "chưa công bố";
  const change = changeOf(input);
  const blocks: Block[] = [
    // Dated at the publication, in Vietnam's calendar.
    headingColumns(input.decision, {
      date: snapshot.publishedAt ? vietnamDay(snapshot.publishedAt) : undefined,
    }),
    para("PHIẾU KẾT QUẢ ĐÁNH GIÁ CHỈ SỐ CHUYỂN ĐỔI SỐ", { bold: true, align: "center", spaceBefore: 6 }),
    para(snapshot.period.name, { bold: true, align: "center" }),
    para(`Phiên bản ${snapshot.version}, ${published}`, { italic: true, align: "center", spaceAfter: 10 }),
    section("I. ĐƠN VỊ"),
    labelled("Tên đơn vị", unit.name),
    labelled("Mã đơn vị", unit.code),
    labelled("Nhóm xếp hạng", group.name),
    section("II. KẾT QUẢ"),
    labelled("Xếp hạng", `${unit.rank}/${group.units.length}`),
    labelled("Tổng điểm", `${points(unit.points)} / ${amount(unit.maxPoints)}`),
    labelled("Chỉ số", index(unit.index)),
    labelled("Mức xếp loại", unit.band ?? `${NONE} (không xếp loại)`),
    ...unitFlags(unit, ledger),
    section("III. SO SÁNH VỚI KỲ TRƯỚC"),
    ...comparison(input, change, plan),
    section("IV. ĐIỂM THEO TRỤ CỘT"),
    pillarsTable(group, unit, change),
    section("V. CHI TIẾT TỪNG CHỈ TIÊU"),
    ledgerTable(input, plan),
    para(
      `Ghi chú: số liệu theo kết quả xếp hạng ${snapshot.period.name} đã công bố, phiên bản ${snapshot.version}` +
        `${snapshot.publishedAt ? ` (ngày ${vietnamDate(snapshot.publishedAt)})` : ""}; ` +
        "điểm làm tròn 2 chữ số thập phân, chỉ số 4 chữ số thập phân; chỉ số = tổng điểm ÷ tổng điểm tối đa áp dụng.",
      { size: 10, italic: true, spaceBefore: 10 },
    ),
  ];
  return {
    title: `Phiếu kết quả đánh giá chỉ số chuyển đổi số - ${unit.name} - ${snapshot.period.name}`,
    author: "chiso",
    orientation: "portrait",
    size: 12,
    pageNumbers: true,
    blocks,
  };
}

/** The unit's flags in words, with how many leaves each concerns when the ledger is known. */
function unitFlags(unit: SnapshotUnit, ledger: UnitResultView | undefined): Paragraph[] {
  if (unit.flags.length === 0) return [];
  if (notSubmitted(unit))
    return [labelled("Lưu ý", "Đơn vị không nộp bản tự đánh giá: được 0 điểm và vẫn được xếp hạng.")];
  const counts = new Map<string, number>();
  for (const leaf of ledger?.leaves ?? [])
    for (const flag of leaf.final.flags) counts.set(flag, (counts.get(flag) ?? 0) + 1);
  const words = unit.flags.map((flag) => {
    const n = counts.get(flag);
    const word = FLAG_WORDS[flag] ?? flag;
    return n ? `${n} chỉ tiêu ${word}` : `có chỉ tiêu ${word}`;
  });
  return [labelled("Lưu ý", `${words.join("; ")}.`)];
}

/**
 * The published change, or — for a snapshot published before `change` was kept — the difference of
 * the two published figures, rounded like them (no indicator detail then).
 */
function changeOf({ unit, previous }: ScorecardInput): Change | null {
  if (unit.change !== undefined) return unit.change;
  const before = previous?.unit;
  if (!before || unit.rankChange === null || notSubmitted(unit) || notSubmitted(before)) return null;
  const old = new Map(before.nodes.map((n) => [n.code, n]));
  return {
    points: roundPoints(unit.points - before.points),
    index: roundIndex(unit.index - before.index),
    nodes: unit.nodes.flatMap((n) => {
      const o = old.get(n.code);
      if (!o) return [];
      const value = n.value === null || o.value === null ? null : roundIndex(n.value - o.value);
      return [{ code: n.code, points: roundPoints(n.points - o.points), value }];
    }),
    leaves: [],
  };
}

function comparison(input: ScorecardInput, change: Change | null, plan: Plan | undefined): Paragraph[] {
  const { unit, group, previous } = input;
  // A non-submitter's 0 is no result to move from or to (DOMAIN.md §5 "Rank change").
  if (previous && notSubmitted(unit))
    return [para("Không so sánh với kỳ trước: đơn vị không nộp bản tự đánh giá kỳ này.")];
  if (!previous || !change) return [para("Không có kết quả kỳ trước để so sánh.")];
  const out = [labelled("Kỳ so sánh", previous.periodName)];
  if (unit.rankChange !== null) {
    const before = unit.rank + unit.rankChange;
    out.push(
      labelled("Thứ hạng", `hạng ${before} → hạng ${unit.rank} (${rankChangeWords(unit.rankChange)})`),
    );
  }
  out.push(labelled("Tổng điểm", `${signed(change.points, 2)} điểm; chỉ số ${signed(change.index, 4)}`));
  // The index set changed (DOMAIN.md §3 "Versions of an index set"): say what was compared.
  if (group.comparability)
    out.push(
      labelled(
        "Bộ chỉ số thay đổi",
        `so sánh chỉ số tổng và các trụ cột tương đương (điểm kỳ trước quy về thang điểm mới); ${group.comparability.notComparable.leaves.length} chỉ tiêu mới hoặc tách không so sánh, ${group.comparability.dropped.leaves.length} chỉ tiêu cũ đã bỏ`,
      ),
    );
  const pillarNames = new Map(group.nodes.map((n) => [n.code, n.name]));
  const moved = change.nodes.filter((n) => n.points !== 0);
  out.push(
    labelled(
      "Trụ cột thay đổi",
      moved.length === 0
        ? "điểm các trụ cột không thay đổi"
        : moved.map((n) => `${pillarNames.get(n.code) ?? n.code} ${signed(n.points, 2)} điểm`).join("; "),
    ),
  );
  if (change.leaves.length > 0)
    out.push(
      labelled(
        "Chỉ tiêu thay đổi nhiều nhất",
        change.leaves
          .map((l) => {
            const name = plan?.names.get(l.code);
            return `${l.code}${name ? ` ${name}` : ""} ${signed(l.points, 2)} điểm`;
          })
          .join("; "),
      ),
    );
  return out;
}

function pillarsTable(group: SnapshotGroup, unit: SnapshotUnit, change: Change | null): Table {
  const withChange = change !== null;
  const byCode = new Map(unit.nodes.map((n) => [n.code, n]));
  const changes = new Map(change?.nodes.map((n) => [n.code, n.points]) ?? []);
  const head = (text: string): Cell => ({ text, bold: true, align: "center" });
  const n = group.units.length;
  const rows = group.nodes.map((p): Cell[] => {
    const node = byCode.get(p.code);
    const delta = changes.get(p.code);
    const cells: Cell[] = [
      { text: p.name },
      { text: node ? points(node.points) : NONE },
      { text: amount(node?.maxPoints ?? p.maxPoints) },
      { text: node && node.value !== null ? index(node.value) : NONE },
      { text: node && node.rank !== null ? `${node.rank}/${n}` : NONE },
    ];
    if (withChange) cells.push({ text: delta === undefined ? NONE : signed(delta, 2) });
    return cells;
  });
  const total: Cell[] = [
    { text: "Tổng", bold: true },
    { text: points(unit.points), bold: true },
    { text: amount(unit.maxPoints), bold: true },
    { text: index(unit.index), bold: true },
    { text: `${unit.rank}/${n}`, bold: true },
  ];
  if (withChange) total.push({ text: signed(change.points, 2), bold: true });
  rows.push(total);
  return {
    kind: "table",
    columns: [
      { width: 34, align: "left" },
      { width: 12, align: "right" },
      { width: 11, align: "right" },
      { width: 12, align: "right" },
      { width: 13, align: "center" },
      ...(withChange ? [{ width: 14, align: "right" as const }] : []),
    ],
    header: [
      [
        head("Trụ cột"),
        head("Điểm"),
        head("Tối đa"),
        head("Giá trị"),
        head("Hạng trong nhóm"),
        ...(withChange ? [head("Thay đổi điểm")] : []),
      ],
    ],
    rows,
  };
}

/** The appraisal of a leaf, and a contest's decision, in brief. */
function appraisalWords(leaf: Leaf, entry: LedgerLeafView, options?: Map<string, LevelOption>): string {
  const parts: string[] = [];
  const a = entry.appraisal;
  if (a) {
    if (a.accepted) parts.push(a.reason ? `Chấp nhận. ${a.reason}` : "Chấp nhận");
    else
      parts.push(
        `Điều chỉnh: ${answerWords(leaf.method, a.value, options)}${a.reason ? `. Lý do: ${a.reason}` : ""}`,
      );
  }
  const decision = entry.contest?.decision;
  if (decision)
    parts.push(
      decision.outcome === "upheld"
        ? `Giải trình: giữ nguyên (${decision.reason})`
        : `Giải trình: điều chỉnh thành ${answerWords(leaf.method, decision.value, options)} (${decision.reason})`,
    );
  return parts.length > 0 ? parts.join(". ") : NONE;
}

function ledgerTable(input: ScorecardInput, plan: Plan | undefined): Table {
  const { unit, ledger } = input;
  const entries = new Map(ledger?.leaves.map((l) => [l.code, l]) ?? []);
  const absent = notSubmitted(unit);
  const tops = new Map(unit.nodes.map((n) => [n.code, n]));
  const rows: Cell[][] = [];
  for (const { node, depth } of plan?.rows ?? []) {
    if (!isLeaf(node)) {
      const inner = node as InnerNode;
      const top = depth === 0 ? tops.get(inner.code) : undefined;
      rows.push([
        { text: inner.code, bold: true },
        { text: inner.name, bold: true, span: 3 },
        { text: top ? points(top.points) : "", bold: true },
        { text: amount(inner.maxPoints), bold: true },
      ]);
      continue;
    }
    const entry = entries.get(node.code);
    const options = plan?.options.get(node.code);
    const answer: Run[] = [
      { text: absent || !entry ? NONE : answerWords(node.method, entry.self.value, options) },
    ];
    if (node.method.type === "info") {
      rows.push([
        { text: node.code },
        { text: node.name },
        { text: answer },
        { text: "" },
        { text: "" },
        { text: "" },
      ]);
      continue;
    }
    const flags = entry ? flagWords(entry.final.flags.filter((f) => f !== "not-submitted")) : [];
    if (flags.length > 0) answer.push({ text: ` (${flags.join(", ")})`, italic: true });
    // A measured leaf's value came from its source (or the organiser's file), not from the unit: say
    // which and as of when.
    const measured = entry?.measured;
    if (measured && !absent)
      answer.push({
        text: measured.importedBy
          ? ` (Số liệu đo do ${measured.importedBy} nhập từ tệp “${measured.fileName ?? ""}”, ngày ${vietnamDate(measured.asOf)})`
          : ` (Số liệu đo tự động từ ${measured.sourceName}, ngày ${vietnamDate(measured.asOf)})`,
        italic: true,
      });
    const score = entry ? points(Math.max(0, entry.final.score)) : absent ? points(0) : NONE;
    rows.push([
      { text: node.code },
      { text: node.name },
      { text: answer },
      { text: entry && !absent ? appraisalWords(node, entry, options) : NONE },
      { text: score },
      { text: amount(node.maxPoints) },
    ]);
  }
  const head = (text: string): Cell => ({ text, bold: true, align: "center" });
  return {
    kind: "table",
    columns: [
      { width: 8, align: "left" },
      { width: 30, align: "left" },
      { width: 22, align: "left" },
      { width: 24, align: "left" },
      { width: 9, align: "right" },
      { width: 8, align: "right" },
    ],
    header: [
      [
        head("Mã"),
        head("Chỉ tiêu"),
        head("Đơn vị tự đánh giá"),
        head("Thẩm định, giải trình"),
        head("Điểm"),
        head("Tối đa"),
      ],
    ],
    rows,
    size: 10,
  };
}
