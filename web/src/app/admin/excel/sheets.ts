import { t } from "../../../i18n/index.ts";

/**
 * The sheets and columns of the Excel templates of the index set and of the units. Columns carry the
 * JSON's field names (docs/API.md "Formats"), so that a template reads as the document it becomes.
 */
export const SHEETS = { framework: "framework", groups: "groups", nodes: "nodes", units: "units" };

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
];

export const GROUP_COLUMNS = ["id", "name", "nameEn", "unitKinds", "bands"] as const;

export const NODE_COLUMNS = [
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
] as const;

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

export type NodeColumn = (typeof NODE_COLUMNS)[number];
export type UnitColumn = (typeof UNIT_COLUMNS)[number];

/** A problem of a filled-in template, where the user can find it. */
export interface SheetIssue {
  sheet: string;
  row?: number;
  /** The column's letter and name, e.g. "E (maxPoints)". */
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
