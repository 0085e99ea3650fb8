import { t } from "../../i18n/index.ts";
import { type Sheets, writeXlsx } from "./xlsx.ts";

/**
 * The Excel templates of the index set and of the units, and their conversion to the JSON that the
 * API takes. Columns carry the JSON's field names (API.md "Formats"); a problem found here or by the
 * server is reported by sheet, row and column.
 */
export interface SheetIssue {
  sheet: string;
  row?: number;
  column?: string;
  message: string;
}

const FRAMEWORK_FIELDS = [
  "id",
  "name",
  "nameEn",
  "decision",
  "about",
  "lineage",
  "missingEvidence",
  "rankCompare",
];
const GROUP_COLUMNS = ["id", "name", "nameEn", "unitKinds", "bands"];
const NODE_COLUMNS = [
  "group",
  "code",
  "name",
  "nameEn",
  "maxPoints",
  "method",
  "options",
  "steps",
  "target",
  "whenZero",
  "pointsEach",
  "numeratorLabel",
  "denominatorLabel",
  "evidenceRequired",
  "evidenceKinds",
  "evidenceHint",
  "guidance",
  "source",
];
const UNIT_COLUMNS = [
  "id",
  "code",
  "name",
  "nameEn",
  "kind",
  "parentId",
  "validFrom",
  "validTo",
  "email",
  "predecessorIds",
];

export const SHEETS = { framework: "framework", groups: "groups", nodes: "nodes", units: "units" };

// ---------------------------------------------------------------------------------------------
// Templates.

const SAMPLE_NODES: string[][] = [
  ["department", "1", "Nhận thức số", "", "40", "", "", "", "", "", "", "", "", "", "", "", "", ""],
  [
    "department",
    "1.1",
    "Ban hành kế hoạch chuyển đổi số năm",
    "Annual DT plan issued",
    "10",
    "yesno",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "x",
    "file, url",
    "Kế hoạch đã ban hành",
    "Có kế hoạch do người đứng đầu ký trong năm",
    "",
  ],
  [
    "department",
    "1.2",
    "Tổ trưởng Tổ công tác chuyển đổi số",
    "",
    "10",
    "level",
    "head:1:Người đứng đầu cơ quan; deputy:0.5:Cấp phó của người đứng đầu; none:0:Chưa thành lập",
    "",
    "",
    "",
    "",
    "",
    "",
    "x",
    "file",
    "Quyết định thành lập",
    "",
    "",
  ],
  [
    "department",
    "1.3",
    "Tỷ lệ văn bản đi được ký số",
    "",
    "10",
    "ratio",
    "",
    "",
    "1",
    "full",
    "",
    "Số văn bản đi được ký số",
    "Tổng số văn bản đi",
    "",
    "",
    "",
    "",
    "system",
  ],
  [
    "department",
    "1.4",
    "Số buổi họp chuyên đề",
    "",
    "10",
    "steps",
    "",
    "4:10; 2:5; 1:2",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ],
  ["department", "2", "Chính quyền số", "", "60", "", "", "", "", "", "", "", "", "", "", "", "", ""],
  [
    "department",
    "2.1",
    "Số nền tảng dùng chung",
    "",
    "20",
    "count",
    "",
    "",
    "",
    "",
    "5",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ],
  [
    "department",
    "2.2",
    "Bảo đảm an toàn thông tin",
    "",
    "20",
    "points",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ],
  [
    "department",
    "2.3",
    "Số giao dịch không dùng tiền mặt",
    "",
    "20",
    "relative",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ],
  [
    "department",
    "2.4",
    "Tình hình đô thị thông minh",
    "",
    "0",
    "info",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
  ],
];

const GUIDE: string[][] = [
  ["sheet / cột", "Ý nghĩa"],
  [
    "framework",
    "Mỗi dòng một trường của bộ chỉ số: id (chữ thường, số, '-'), name, decision, missingEvidence (zero | keep) …",
  ],
  [
    "groups",
    "Mỗi dòng một nhóm: id, name, unitKinds (các loại đơn vị, cách nhau dấu phẩy), bands (0.75:Rất cao; 0.5:Cao …)",
  ],
  ["nodes", "Mỗi dòng một chỉ tiêu hoặc nhóm chỉ tiêu, theo thứ tự; cấp cha suy từ mã (1.2 thuộc 1)"],
  [
    "nodes.method",
    "Để trống: nhóm chỉ tiêu (có chỉ tiêu con). yesno | level | ratio | steps | count | points | relative | info",
  ],
  ["nodes.options", "level: id:tỷ lệ:nhãn; … ví dụ head:1:Người đứng đầu; deputy:0.5:Cấp phó"],
  ["nodes.steps", "steps: từ:điểm; … ví dụ 4:20; 3:15; 2:10; 1:5"],
  [
    "nodes.target / whenZero",
    "ratio: tỷ lệ đạt đủ điểm (0–1, mặc định 1); khi mẫu số = 0: full | zero | exclude",
  ],
  ["nodes.pointsEach", "count: số điểm mỗi đơn vị"],
  [
    "nodes.evidenceRequired",
    "x nếu bắt buộc có tài liệu kiểm chứng; evidenceKinds: file, url; evidenceHint: gợi ý",
  ],
  [
    "units",
    "Mỗi dòng một đơn vị: id, code, name, kind, parentId, validFrom, validTo (YYYY-MM-DD), email, predecessorIds",
  ],
];

export function frameworkTemplate(): Blob {
  return writeXlsx([
    {
      name: SHEETS.framework,
      rows: [
        ["field", "value"],
        ["id", "mau-bo-chi-so"],
        ["name", "Bộ chỉ số mẫu"],
        ["nameEn", "Sample index set"],
        ["decision", "Quyết định số …/QĐ-UBND"],
        ["about", ""],
        ["lineage", ""],
        ["missingEvidence", "zero"],
        ["rankCompare", "rounded"],
      ],
      widths: [18, 60],
    },
    {
      name: SHEETS.groups,
      rows: [
        GROUP_COLUMNS,
        [
          "department",
          "Sở, ban, ngành",
          "Departments",
          "department",
          "0.75:Rất cao; 0.5:Cao; 0.25:Trung bình; 0:Thấp",
        ],
      ],
      widths: [14, 28, 20, 24, 48],
    },
    {
      name: SHEETS.nodes,
      rows: [NODE_COLUMNS, ...SAMPLE_NODES],
      widths: [12, 8, 44, 24, 10, 10, 48, 18, 8, 10, 10, 26, 26, 10, 12, 30, 40, 8],
    },
    { name: "Hướng dẫn", rows: GUIDE, widths: [24, 110] },
  ]);
}

export function unitsTemplate(): Blob {
  return writeXlsx([
    {
      name: SHEETS.units,
      rows: [
        UNIT_COLUMNS,
        [
          "so-noi-vu",
          "S02",
          "Sở Nội vụ",
          "Department of Home Affairs",
          "department",
          "",
          "2021-07-01",
          "",
          "",
          "",
        ],
        ["dvhc-070", "070", "Thành phố Tuyên Quang", "", "city", "", "", "", "", ""],
        ["dvhc-02200", "02200", "Phường Phan Thiết", "", "ward", "dvhc-070", "", "", "", ""],
      ],
      widths: [16, 10, 32, 28, 12, 14, 12, 12, 24, 20],
    },
    { name: "Hướng dẫn", rows: GUIDE, widths: [24, 110] },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Sheets → JSON.

interface Row {
  row: number;
  get(field: string): string;
}

function records(
  sheets: Sheets,
  name: string,
  issues: SheetIssue[],
): { rows: Row[]; columns: Map<string, number> } {
  const table = sheets.get(name);
  if (!table) {
    issues.push({ sheet: name, message: t("excel.missingSheet", { sheet: name }) });
    return { rows: [], columns: new Map() };
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  const columns = new Map(header.map((h, i) => [h, i]));
  const rows: Row[] = [];
  table.slice(1).forEach((cells, i) => {
    if (!cells.some((c) => c.trim() !== "")) return;
    rows.push({
      row: i + 2,
      get: (field) => {
        const at = columns.get(field);
        return at === undefined ? "" : (cells[at] ?? "").trim();
      },
    });
  });
  return { rows, columns };
}

const letter = (index: number | undefined) =>
  index === undefined ? undefined : String.fromCharCode(65 + index);

/** Where a JSON path of the converted document came from. */
type Origin = { sheet: string; row: number; columns: Map<string, number> };

export interface Converted {
  value: unknown;
  issues: SheetIssue[];
  /** The sheet, row and column of an API problem's path (e.g. groups.0.nodes.1.children.0.maxPoints). */
  locate(path: string, message: string): SheetIssue;
}

function number(text: string, issue: (message: string) => void): number | undefined {
  if (text === "") return undefined;
  const n = Number(text.replace(",", "."));
  if (!Number.isFinite(n)) {
    issue(t("excel.notNumber", { value: text }));
    return undefined;
  }
  return n;
}

const list = (text: string) =>
  text
    .split(/[;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

const yes = (text: string) => /^(x|có|co|yes|y|true|1)$/i.test(text.trim());

const NODE_FIELD_COLUMN: Record<string, string> = {
  options: "options",
  steps: "steps",
  target: "target",
  whenZero: "whenZero",
  pointsEach: "pointsEach",
  numeratorLabel: "numeratorLabel",
  denominatorLabel: "denominatorLabel",
  type: "method",
  kinds: "evidenceKinds",
  hint: "evidenceHint",
  required: "evidenceRequired",
};

function locator(origins: Map<string, Origin>, fallbackSheet: string) {
  return (path: string, message: string): SheetIssue => {
    const segments = path.split(".");
    for (let n = segments.length; n > 0; n--) {
      const origin = origins.get(segments.slice(0, n).join("."));
      if (!origin) continue;
      const rest = segments.slice(n);
      let field = rest[0] ?? "";
      if ((field === "method" || field === "evidence") && rest[1])
        field = NODE_FIELD_COLUMN[rest[1]] ?? field;
      else if (field === "method") field = "method";
      else if (field === "children") field = "code";
      const column = letter(origin.columns.get(field) ?? origin.columns.get("value"));
      return {
        sheet: origin.sheet,
        row: origin.row,
        ...(column ? { column: `${column} (${field || "?"})` } : {}),
        message,
      };
    }
    return { sheet: fallbackSheet, message: `${path}: ${message}` };
  };
}

/** The index set of a filled-in template: the document for POST /api/frameworks, or the problems. */
export function frameworkFromSheets(sheets: Sheets): Converted {
  const issues: SheetIssue[] = [];
  const origins = new Map<string, Origin>();
  const doc: Record<string, unknown> = {};

  const fw = records(sheets, SHEETS.framework, issues);
  for (const r of fw.rows) {
    const field = r.get("field");
    const value = r.get("value");
    if (!field) continue;
    if (!FRAMEWORK_FIELDS.includes(field)) {
      issues.push({
        sheet: SHEETS.framework,
        row: r.row,
        column: "A (field)",
        message: t("excel.unknownField", { field }),
      });
      continue;
    }
    if (value !== "") doc[field] = value;
    origins.set(field, { sheet: SHEETS.framework, row: r.row, columns: fw.columns });
  }

  const groups: Record<string, unknown>[] = [];
  const groupIndex = new Map<string, number>();
  const gs = records(sheets, SHEETS.groups, issues);
  for (const r of gs.rows) {
    const issue = (column: string, message: string) =>
      issues.push({
        sheet: SHEETS.groups,
        row: r.row,
        column: `${letter(gs.columns.get(column)) ?? "?"} (${column})`,
        message,
      });
    const group: Record<string, unknown> = {
      id: r.get("id"),
      name: r.get("name"),
      unitKinds: r
        .get("unitKinds")
        .split(/[,;\n]/)
        .map((k) => k.trim())
        .filter(Boolean),
      nodes: [],
    };
    if (r.get("nameEn")) group.nameEn = r.get("nameEn");
    if (r.get("bands")) {
      group.bands = list(r.get("bands")).map((band) => {
        const [min, ...label] = band.split(":");
        return {
          minIndex: number((min ?? "").trim(), (m) => issue("bands", m)) ?? 0,
          label: label.join(":").trim(),
        };
      });
    }
    origins.set(`groups.${groups.length}`, { sheet: SHEETS.groups, row: r.row, columns: gs.columns });
    groupIndex.set(String(group.id), groups.length);
    groups.push(group);
  }
  doc.groups = groups;

  const ns = records(sheets, SHEETS.nodes, issues);
  const placed = new Map<string, { node: Record<string, unknown>; path: string }>();
  for (const r of ns.rows) {
    const issue = (column: string, message: string) =>
      issues.push({
        sheet: SHEETS.nodes,
        row: r.row,
        column: `${letter(ns.columns.get(column)) ?? "?"} (${column})`,
        message,
      });
    const groupId = r.get("group");
    const gi = groupIndex.get(groupId);
    const code = r.get("code");
    if (gi === undefined) {
      issue("group", t("excel.unknownGroup", { group: groupId }));
      continue;
    }
    if (!code) {
      issue("code", t("excel.required"));
      continue;
    }
    const node: Record<string, unknown> = { code, name: r.get("name") };
    if (r.get("nameEn")) node.nameEn = r.get("nameEn");
    if (r.get("guidance")) node.guidance = r.get("guidance");
    const max = number(r.get("maxPoints"), (m) => issue("maxPoints", m));
    if (r.get("maxPoints") === "") issue("maxPoints", t("excel.required"));
    node.maxPoints = max ?? 0;
    const type = r.get("method");
    if (type) {
      const method: Record<string, unknown> = { type };
      if (type === "level")
        method.options = list(r.get("options")).map((option) => {
          const [id, fraction, ...label] = option.split(":");
          return {
            id: (id ?? "").trim(),
            fraction: number((fraction ?? "").trim(), (m) => issue("options", m)) ?? 0,
            label: label.join(":").trim(),
          };
        });
      if (type === "steps")
        method.steps = list(r.get("steps")).map((step) => {
          const [min, points] = step.split(":");
          return {
            min: number((min ?? "").trim(), (m) => issue("steps", m)) ?? 0,
            points: number((points ?? "").trim(), (m) => issue("steps", m)) ?? 0,
          };
        });
      if (type === "ratio") {
        const target = number(r.get("target"), (m) => issue("target", m));
        if (target !== undefined) method.target = target;
        if (r.get("whenZero")) method.whenZero = r.get("whenZero");
        if (r.get("numeratorLabel")) method.numeratorLabel = r.get("numeratorLabel");
        if (r.get("denominatorLabel")) method.denominatorLabel = r.get("denominatorLabel");
      }
      if (type === "count") method.pointsEach = number(r.get("pointsEach"), (m) => issue("pointsEach", m));
      node.method = method;
      if (r.get("evidenceRequired") || r.get("evidenceKinds") || r.get("evidenceHint")) {
        const evidence: Record<string, unknown> = { required: yes(r.get("evidenceRequired")) };
        if (r.get("evidenceKinds"))
          evidence.kinds = r
            .get("evidenceKinds")
            .split(/[,;\s]+/)
            .filter(Boolean);
        if (r.get("evidenceHint")) evidence.hint = r.get("evidenceHint");
        node.evidence = evidence;
      }
      if (r.get("source")) node.source = r.get("source");
    } else node.children = [];

    const parentCode = code.includes(".") ? code.slice(0, code.lastIndexOf(".")) : "";
    const group = groups[gi] as { nodes: Record<string, unknown>[] };
    let path: string;
    if (!parentCode) {
      path = `groups.${gi}.nodes.${group.nodes.length}`;
      group.nodes.push(node);
    } else {
      const parent = placed.get(`${groupId}\u0000${parentCode}`);
      if (!parent || !Array.isArray(parent.node.children)) {
        issue("code", t("excel.noParent", { code, parent: parentCode }));
        continue;
      }
      const children = parent.node.children as Record<string, unknown>[];
      path = `${parent.path}.children.${children.length}`;
      children.push(node);
    }
    placed.set(`${groupId}\u0000${code}`, { node, path });
    origins.set(path, { sheet: SHEETS.nodes, row: r.row, columns: ns.columns });
  }
  return { value: doc, issues, locate: locator(origins, SHEETS.framework) };
}

/** The units of a filled-in template: the body of PUT /api/units, or the problems. */
export function unitsFromSheets(sheets: Sheets): Converted {
  const issues: SheetIssue[] = [];
  const origins = new Map<string, Origin>();
  const us = records(sheets, SHEETS.units, issues);
  const units = us.rows.map((r, i) => {
    const unit: Record<string, unknown> = {};
    for (const field of UNIT_COLUMNS) {
      const value = r.get(field);
      if (value === "") continue;
      unit[field] =
        field === "predecessorIds"
          ? value
              .split(/[,;\s]+/)
              .map((v) => v.trim())
              .filter(Boolean)
          : value;
    }
    origins.set(`units.${i}`, { sheet: SHEETS.units, row: r.row, columns: us.columns });
    return unit;
  });
  return { value: { units }, issues, locate: locator(origins, SHEETS.units) };
}

/** One issue as text: "nodes, row 5, column E (maxPoints): …". */
export function issueText(issue: SheetIssue): string {
  const where = [
    t("excel.sheet", { sheet: issue.sheet }),
    ...(issue.row ? [t("excel.row", { row: issue.row })] : []),
    ...(issue.column ? [t("excel.column", { column: issue.column })] : []),
  ].join(", ");
  return `${where}: ${issue.message}`;
}
