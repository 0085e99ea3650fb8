import { t } from "../../../i18n/index.ts";

/**
 * The sheets and columns of the Excel templates of the index set and of the units. Each column is
 * known by the JSON's field name (docs/API.md "Formats") and headed by its Vietnamese label; a file
 * is read by either (files made before the labels carry the field names).
 */
export const SHEETS = {
  framework: "framework",
  groups: "groups",
  nodes: "nodes",
  map: "map",
  units: "units",
};

/** The sheets' names as written; the machine names are read too. */
export const SHEET_LABELS: Record<string, string> = {
  framework: "Bộ chỉ số",
  groups: "Nhóm",
  nodes: "Chỉ tiêu",
  map: "Ánh xạ",
  units: "Đơn vị",
};
/** The hidden sheet of the drop-down lists. */
export const LISTS_SHEET = "Danh mục";

/** The rows of the framework sheet: one field of the index set each (columns "field" and "value"). */
export const FRAMEWORK_FIELDS = [
  "id",
  "name",
  "nameEn",
  "decision",
  "about",
  "lineage",
  "missingEvidence",
  "rankCompare",
  "predecessor",
];

export const GROUP_COLUMNS = ["id", "name", "nameEn", "unitKinds", "bands", "bandsEn"] as const;

export const NODE_COLUMNS = [
  "group",
  "code",
  "name",
  "nameEn",
  "maxPoints",
  "method",
  "options",
  "optionsEn",
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
] as const;

/** The map to the predecessor (DOMAIN.md §3 "Versions of an index set"): one line of predecessor.map each. */
/** The source column's text for a measured leaf: "measured:<source id>". */
export const MEASURED_PREFIX = "measured:";

export const MAP_COLUMNS = ["group", "code", "from", "relation"] as const;

/** A relation as written in the sheet → its name in the JSON (the name itself is read too). */
export const RELATION_LABELS: Record<string, string> = {
  same: "giống",
  renamed: "đổi tên",
  split: "tách",
  merged: "gộp",
  new: "mới",
  dropped: "bỏ",
};

export const UNIT_COLUMNS = [
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
] as const;

/** The Vietnamese label of each column and framework field, by field name (unique within a sheet). */
export const LABELS: Record<string, Record<string, string>> = {
  framework: { field: "Trường", value: "Giá trị" },
  frameworkFields: {
    id: "Mã bộ chỉ số",
    name: "Tên bộ chỉ số",
    nameEn: "Tên tiếng Anh",
    decision: "Quyết định ban hành",
    about: "Giới thiệu",
    lineage: "Dòng bộ chỉ số",
    missingEvidence: "Khi thiếu kiểm chứng",
    rankCompare: "So sánh chỉ số khi xếp hạng",
    predecessor: "Bộ chỉ số trước (mã)",
  },
  groups: {
    id: "Mã nhóm",
    name: "Tên nhóm",
    nameEn: "Tên tiếng Anh",
    unitKinds: "Loại đơn vị",
    bands: "Mức xếp loại",
    bandsEn: "Mức xếp loại (tiếng Anh)",
  },
  nodes: {
    group: "Nhóm",
    code: "Mã",
    name: "Tên chỉ tiêu",
    nameEn: "Tên tiếng Anh",
    maxPoints: "Điểm tối đa",
    method: "Cách chấm",
    options: "Các mức",
    optionsEn: "Các mức (tiếng Anh)",
    steps: "Bậc điểm",
    target: "Tỷ lệ đạt đủ điểm",
    whenZero: "Khi mẫu số bằng 0",
    pointsEach: "Điểm mỗi đơn vị",
    numeratorLabel: "Nhãn tử số",
    denominatorLabel: "Nhãn mẫu số",
    evidenceRequired: "Bắt buộc kiểm chứng",
    evidenceKinds: "Loại kiểm chứng",
    evidenceHint: "Gợi ý kiểm chứng",
    guidance: "Hướng dẫn",
    source: "Nguồn số liệu",
  },
  map: { group: "Nhóm", code: "Mã mới", from: "Mã cũ", relation: "Quan hệ" },
  units: {
    id: "Mã định danh",
    code: "Mã đơn vị",
    name: "Tên đơn vị",
    nameEn: "Tên tiếng Anh",
    kind: "Loại đơn vị",
    parentId: "Đơn vị cấp trên",
    validFrom: "Hiệu lực từ",
    validTo: "Hiệu lực đến",
    email: "Email nhận nhắc hạn",
    predecessorIds: "Đơn vị tiền thân",
  },
};

/** A header as written → its field name: a label or the field name itself (case and marks aside). */
export function fieldOf(table: string, header: string): string {
  const labels = LABELS[table] ?? {};
  const wanted = header.trim().normalize("NFC").toLowerCase();
  for (const [field, label] of Object.entries(labels))
    if (label.toLowerCase() === wanted || field.toLowerCase() === wanted) return field;
  return header.trim();
}

/** The labels of a list of fields, in order. */
export const labelsOf = (table: string, fields: readonly string[]): string[] =>
  fields.map((field) => LABELS[table]?.[field] ?? field);

export type NodeColumn = (typeof NODE_COLUMNS)[number];
export type UnitColumn = (typeof UNIT_COLUMNS)[number];

/** A problem of a filled-in template, where the user can find it. */
export interface SheetIssue {
  sheet: string;
  row?: number;
  /** The column's letter and header, e.g. "E (Điểm tối đa)". */
  column?: string;
  message: string;
}

/** One issue as text: "trang nodes, dòng 5, cột E (maxPoints): …". */
export function issueText(issue: SheetIssue): string {
  const where = [
    t("excel.sheet", { sheet: issue.sheet }),
    ...(issue.row ? [t("excel.row", { row: issue.row })] : []),
    ...(issue.column ? [t("excel.column", { column: issue.column })] : []),
  ].join(", ");
  return `${where}: ${issue.message}`;
}
