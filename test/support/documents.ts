import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LedgerLeafView, UnitResultView } from "../../shared/api/results.ts";
import type { DocumentModel, Inline } from "../../shared/documents/model.ts";
import { type Framework, type FrameworkInput, frameworkSchema } from "../../shared/model/framework.ts";
import type { RankingSnapshot, SnapshotGroup, SnapshotUnit } from "../../shared/model/snapshot.ts";

/**
 * A small published period, by hand, for the document builders: two groups over three pillars, eight
 * leaves of several methods (a sub-pillar, an info leaf), a unit that did not submit, a tie, an
 * appraisal with a reason and a contest, an excluded ratio, and changes since the previous period.
 */

const nodes = [
  {
    code: "1",
    name: "Nhận thức số",
    maxPoints: 30,
    children: [
      { code: "1.1", name: "Ban hành kế hoạch chuyển đổi số", maxPoints: 10, method: { type: "yesno" } },
      {
        code: "1.2",
        name: "Mức độ tuyên truyền",
        maxPoints: 20,
        method: {
          type: "level",
          options: [
            { id: "none", label: "Chưa thực hiện", fraction: 0 },
            { id: "partial", label: "Một phần", fraction: 0.5 },
            { id: "full", label: "Đầy đủ", fraction: 1 },
          ],
        },
      },
    ],
  },
  {
    code: "2",
    name: "Thể chế số",
    maxPoints: 30,
    children: [
      {
        code: "2.1",
        name: "Tỷ lệ thủ tục trực tuyến toàn trình",
        maxPoints: 15,
        method: {
          type: "ratio",
          whenZero: "exclude",
          numeratorLabel: "Số thủ tục trực tuyến",
          denominatorLabel: "Tổng số thủ tục",
        },
      },
      {
        code: "2.2",
        name: "Số quy chế đã ban hành",
        maxPoints: 15,
        method: {
          type: "steps",
          steps: [
            { min: 0, points: 0 },
            { min: 5, points: 8 },
            { min: 10, points: 15 },
          ],
        },
      },
    ],
  },
  {
    code: "3",
    name: "Hoạt động số",
    maxPoints: 40,
    children: [
      {
        code: "3.1",
        name: "Số hệ thống dùng chung",
        maxPoints: 10,
        method: { type: "count", pointsEach: 2 },
      },
      { code: "3.2", name: "Điểm an toàn thông tin", maxPoints: 20, method: { type: "points" } },
      {
        code: "3.3",
        name: "Dữ liệu số",
        maxPoints: 10,
        children: [
          { code: "3.3.1", name: "Số bộ dữ liệu mở", maxPoints: 10, method: { type: "relative" } },
          { code: "3.3.2", name: "Ghi chú về dữ liệu", maxPoints: 0, method: { type: "info" } },
        ],
      },
    ],
  },
];

const bands = [
  { minIndex: 0.8, label: "Tốt" },
  { minIndex: 0.5, label: "Khá" },
  { minIndex: 0.25, label: "Trung bình" },
];

export const framework: Framework = frameworkSchema.parse({
  id: "dti-2022",
  name: "Bộ chỉ số đánh giá chuyển đổi số",
  decision: "Quyết định số 922/QĐ-BTTTT",
  groups: [
    { id: "so", name: "Sở, ban, ngành", unitKinds: ["department"], bands, nodes },
    { id: "xa", name: "Xã, phường, thị trấn", unitKinds: ["commune"], bands, nodes },
  ],
} satisfies FrameworkInput);

const pillars = [
  { code: "1", name: "Nhận thức số", maxPoints: 30 },
  { code: "2", name: "Thể chế số", maxPoints: 30 },
  { code: "3", name: "Hoạt động số", maxPoints: 40 },
];

type NodeRow = [code: string, points: number, max: number, value: number | null, rank: number | null];
const nodeResults = (rows: NodeRow[]) =>
  rows.map(([code, points, maxPoints, value, rank]) => ({ code, points, maxPoints, value, rank }));

export const unitA: SnapshotUnit = {
  unitId: "u-a",
  code: "STC",
  name: "Sở Tài chính",
  rank: 1,
  points: 82,
  maxPoints: 100,
  index: 0.82,
  band: "Tốt",
  rankChange: 2,
  change: {
    points: 12.5,
    index: 0.125,
    nodes: [
      { code: "1", points: 10, value: 0.3333 },
      { code: "2", points: -4, value: -0.1333 },
      { code: "3", points: 6.5, value: 0.1625 },
    ],
    leaves: [
      { code: "1.1", points: 10 },
      { code: "3.2", points: 6.5 },
      { code: "2.2", points: -4 },
    ],
  },
  flags: [],
  nodes: nodeResults([
    ["1", 20, 30, 0.6667, 2],
    ["2", 28.5, 30, 0.95, 1],
    ["3", 33.5, 40, 0.8375, 1],
  ]),
};

const unitC: SnapshotUnit = {
  unitId: "u-c",
  code: "SCT",
  name: "Sở Công Thương",
  rank: 2,
  points: 70.25,
  maxPoints: 100,
  index: 0.7025,
  band: "Khá",
  rankChange: 0,
  change: { points: 0.75, index: 0.0075, nodes: [{ code: "1", points: 0.75, value: 0.025 }], leaves: [] },
  flags: [],
  nodes: nodeResults([
    ["1", 25, 30, 0.8333, 1],
    ["2", 20.25, 30, 0.675, 2],
    ["3", 25, 40, 0.625, 3],
  ]),
};

export const unitB: SnapshotUnit = {
  unitId: "u-b",
  code: "SNV",
  name: "Sở Nội vụ",
  rank: 2,
  points: 70.25,
  maxPoints: 100,
  index: 0.7025,
  band: "Khá",
  rankChange: -1,
  change: { points: -4, index: -0.04, nodes: [{ code: "3", points: -4, value: -0.1 }], leaves: [] },
  flags: ["missing-evidence"],
  nodes: nodeResults([
    ["1", 10, 30, 0.3333, 3],
    ["2", 30, 30, 1, 1],
    ["3", 30.25, 40, 0.7563, 2],
  ]),
};

export const unitD: SnapshotUnit = {
  unitId: "u-d",
  code: "SYT",
  name: "Sở Y tế",
  rank: 4,
  points: 0,
  maxPoints: 100,
  index: 0,
  band: null,
  rankChange: null,
  change: null,
  flags: ["not-submitted"],
  nodes: nodeResults([
    ["1", 0, 30, 0, 4],
    ["2", 0, 30, 0, 4],
    ["3", 0, 40, 0, 4],
  ]),
};

export const unitE: SnapshotUnit = {
  unitId: "u-e",
  code: "XAT",
  name: "Xã An Tường",
  rank: 1,
  points: 48,
  maxPoints: 85,
  index: 0.5647,
  band: "Khá",
  rankChange: null,
  change: null,
  flags: ["excluded", "unanswered"],
  nodes: nodeResults([
    ["1", 20, 30, 0.6667, 1],
    ["2", 8, 15, 0.5333, 1],
    ["3", 20, 40, 0.5, 1],
  ]),
};

export const unitF: SnapshotUnit = {
  unitId: "u-f",
  code: "XLV",
  name: "Xã Lưỡng Vượng",
  rank: 2,
  points: 40,
  maxPoints: 100,
  index: 0.4,
  band: "Trung bình",
  rankChange: null,
  change: null,
  flags: [],
  nodes: nodeResults([
    ["1", 10, 30, 0.3333, 2],
    ["2", 15, 30, 0.5, 2],
    ["3", 15, 40, 0.375, 2],
  ]),
};

export const groupSo: SnapshotGroup = {
  id: "so",
  name: "Sở, ban, ngành",
  maxPoints: 100,
  nodes: pillars,
  units: [unitA, unitC, unitB, unitD],
};
export const groupXa: SnapshotGroup = {
  id: "xa",
  name: "Xã, phường, thị trấn",
  maxPoints: 100,
  nodes: pillars,
  units: [unitE, unitF],
};

export const snapshot: RankingSnapshot = {
  period: {
    id: "2022-h1",
    name: "6 tháng đầu năm 2022",
    framework: {
      id: "dti-2022",
      name: "Bộ chỉ số đánh giá chuyển đổi số",
      decision: "Quyết định số 922/QĐ-BTTTT",
    },
  },
  version: 2,
  publishedAt: "2022-08-01T02:30:00.000Z",
  groups: [groupSo, groupXa],
};

type LeafOptions = Partial<Pick<LedgerLeafView, "appraisal" | "contest">> & {
  flags?: string[];
  final?: unknown;
};
function leaf(code: string, value: unknown, score: number, options: LeafOptions = {}): LedgerLeafView {
  const flags = options.flags ?? [];
  return {
    code,
    self: { value, note: null, by: "u1", at: "2022-06-30T10:00:00+07:00", score, flags },
    appraisal: options.appraisal ?? null,
    contest: options.contest ?? null,
    final: { value: "final" in options ? options.final : value, score, flags },
  };
}

const by = { by: "reviewer", at: "2022-07-10T09:00:00+07:00" };

export const ledgerA: UnitResultView = {
  unitId: "u-a",
  groupId: "so",
  submitted: true,
  provisional: null,
  final: null,
  totals: { self: { points: 92, max: 100 }, appraised: { points: 82, max: 100 } },
  leaves: [
    leaf("1.1", true, 10, { appraisal: { code: "1.1", value: true, accepted: true, ...by } }),
    leaf("1.2", "full", 10, {
      final: "partial",
      appraisal: {
        code: "1.2",
        value: "partial",
        accepted: false,
        reason: "Chưa có văn bản ban hành kế hoạch tuyên truyền",
        ...by,
      },
      contest: {
        code: "1.2",
        explanation: "Đã có kế hoạch",
        evidenceIds: [],
        ...by,
        decision: { outcome: "upheld", reason: "Minh chứng bổ sung không đủ", ...by },
      },
    }),
    leaf("2.1", { numerator: 45, denominator: 50 }, 13.5),
    leaf("2.2", 12, 15),
    leaf("3.1", 4, 8),
    leaf("3.2", 17.5, 17.5),
    leaf("3.3.1", 120, 8),
    leaf("3.3.2", "Đã kết nối cổng dữ liệu tỉnh", 0),
  ],
};

export const ledgerB: UnitResultView = {
  ...ledgerA,
  unitId: "u-b",
  leaves: [
    leaf("1.1", true, 0, { flags: ["missing-evidence"] }),
    leaf("1.2", "partial", 10),
    leaf("2.1", { numerator: 50, denominator: 50 }, 15),
    leaf("2.2", 10, 15),
    leaf("3.1", 5, 10),
    leaf("3.2", 12.25, 12.25),
    leaf("3.3.1", 120, 8),
    leaf("3.3.2", 3, 0),
  ],
};

export const ledgerD: UnitResultView = {
  ...ledgerA,
  unitId: "u-d",
  submitted: false,
  leaves: ledgerA.leaves.map((l) => ({
    ...l,
    appraisal: null,
    contest: null,
    self: { ...l.self, score: 0, flags: ["not-submitted"] },
    final: { ...l.final, score: 0, flags: ["not-submitted"] },
  })),
};

export const ledgerE: UnitResultView = {
  ...ledgerA,
  unitId: "u-e",
  groupId: "xa",
  leaves: [
    leaf("1.1", true, 10),
    leaf("1.2", "partial", 10),
    leaf("2.1", { numerator: 0, denominator: 0 }, 0, { flags: ["excluded"] }),
    leaf("2.2", 6, 8),
    leaf("3.1", 5, 10),
    leaf("3.2", null, 0, { flags: ["unanswered"] }),
    leaf("3.3.1", 150, 10),
    leaf("3.3.2", true, 0),
  ],
};

/** Every text of a document model, in reading order: paragraphs, columns, table cells (runs joined). */
export function documentTexts(doc: DocumentModel): string[] {
  const flat = (text: Inline): string => (typeof text === "string" ? text : text.map((r) => r.text).join(""));
  const out: string[] = [];
  for (const block of doc.blocks) {
    if (block.kind === "paragraph") out.push(flat(block.text));
    else if (block.kind === "columns")
      for (const column of block.columns) for (const p of column.blocks) out.push(flat(p.text));
    else if (block.kind === "table")
      for (const row of [...block.header, ...block.rows]) for (const cell of row) out.push(flat(cell.text));
  }
  return out;
}

/** The rows of the document's tables, each row's cell texts. */
export function tableRows(doc: DocumentModel): string[][] {
  const flat = (text: Inline): string => (typeof text === "string" ? text : text.map((r) => r.text).join(""));
  return doc.blocks.flatMap((b) =>
    b.kind === "table" ? b.rows.map((row) => row.map((c) => flat(c.text))) : [],
  );
}

const run = promisify(execFile);

/** The text pdftotext reads back from a PDF; fails with how to install it when it is missing. */
export async function pdfText(pdf: Uint8Array, layout = true): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "chiso-doc-"));
  try {
    const file = join(dir, "doc.pdf");
    await writeFile(file, pdf);
    try {
      await run("pdftotext", [...(layout ? ["-layout"] : []), "-enc", "UTF-8", file, join(dir, "doc.txt")]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new Error("install poppler-utils: apt-get install -y poppler-utils");
      throw error;
    }
    return (await readFile(join(dir, "doc.txt"), "utf8")).normalize("NFC");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
