import { t } from "../../../i18n/index.ts";
import {
  FRAMEWORK_FIELDS,
  fieldOf,
  LABELS,
  MEASURED_PREFIX,
  RELATION_LABELS,
  SHEET_LABELS,
  SHEETS,
  type SheetIssue,
  UNIT_COLUMNS,
} from "./sheets.ts";
import { columnName, type Sheets } from "./xlsx.ts";

/**
 * A filled-in template → the JSON that the API takes, or every problem by sheet, row and column. The
 * API's own problems with the result are mapped back to the same places by `locate`.
 */
export interface Converted {
  value: unknown;
  issues: SheetIssue[];
  /** The sheet, row and column of an API problem's path (e.g. groups.0.nodes.1.children.0.maxPoints). */
  locate(path: string, message: string): SheetIssue;
}

/** A field's label in a sheet (for a message about a missing column). */
const fieldLabel = (sheet: string, field: string) => LABELS[sheet]?.[field] ?? field;

/** The columns that a sheet cannot do without (the others may be left out of the header). */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  [SHEETS.framework]: ["field", "value"],
  [SHEETS.groups]: ["id", "name"],
  [SHEETS.nodes]: ["group", "code", "name", "maxPoints"],
  [SHEETS.map]: ["group", "code", "from", "relation"],
  [SHEETS.units]: ["id", "code", "name", "kind"],
};

interface Row {
  row: number;
  get(field: string): string;
  /** Records a problem of this row in the given column. */
  issue(column: string, message: string): void;
}

interface Table {
  rows: Row[];
  /** Field name → column index. */
  columns: Map<string, number>;
  /** Field name → its header as written (a label, or the field name in an older file). */
  headers: Map<string, string>;
  /** The sheet's name as written. */
  sheet: string;
}

const letter = (index: number | undefined) => (index === undefined ? undefined : columnName(index));

const columnLabel = (table: Pick<Table, "columns" | "headers">, column: string) =>
  `${letter(table.columns.get(column)) ?? "?"} (${table.headers.get(column) ?? column})`;

/**
 * A sheet's non-empty rows by field name (its headers are labels or field names); a missing sheet or
 * required column is an issue. The sheet is found by its label or its machine name.
 */
function records(sheets: Sheets, name: string, issues: SheetIssue[]): Table {
  const label = SHEET_LABELS[name] ?? name;
  const sheet = sheets.has(label) ? label : name;
  const table = sheets.get(sheet);
  if (!table) {
    issues.push({ sheet: label, message: t("excel.missingSheet", { sheet: label }) });
    return { rows: [], columns: new Map(), headers: new Map(), sheet: label };
  }
  const header = (table[0] ?? []).map((h) => h.trim());
  const fields = header.map((h) => fieldOf(name, h));
  const columns = new Map(fields.map((f, i) => [f, i]));
  const headers = new Map(fields.map((f, i) => [f, header[i] ?? f]));
  const missing = (REQUIRED_COLUMNS[name] ?? []).filter((column) => !columns.has(column));
  for (const column of missing)
    issues.push({
      sheet,
      row: 1,
      message: t("excel.missingColumn", { column: fieldLabel(name, column) }),
    });
  if (missing.length > 0) return { rows: [], columns, headers, sheet };
  const rows: Row[] = [];
  table.slice(1).forEach((cells, i) => {
    if (!cells.some((c) => c.trim() !== "")) return;
    const row = i + 2;
    rows.push({
      row,
      get: (field) => {
        const at = columns.get(field);
        return at === undefined ? "" : (cells[at] ?? "").trim();
      },
      issue: (column, message) =>
        issues.push({ sheet, row, column: columnLabel({ columns, headers }, column), message }),
    });
  });
  return { rows, columns, headers, sheet };
}

/**
 * Reports a value of a column already seen on an earlier row (within `scope`, e.g. a node's group);
 * true when it is such a repeat. `seen` remembers each value's first row.
 */
function repeats(seen: Map<string, number>, r: Row, column: string, scope = ""): boolean {
  const value = r.get(column);
  const key = `${scope}\u0000${value}`;
  const first = seen.get(key);
  if (value !== "" && first !== undefined) {
    r.issue(column, t("excel.duplicate", { value, row: first }));
    return true;
  }
  seen.set(key, r.row);
  return false;
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

const words = (text: string, separators: RegExp) =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);

/** "key:text; key:text" (English labels of options or bands, by id or minimum index) as a map. */
function pairs(text: string): Map<string, string> {
  return new Map(
    list(text).map((pair) => {
      const [key, ...label] = pair.split(":");
      const k = (key ?? "").trim();
      // A band's minimum is matched as a number: "0.50" is the band 0.5.
      return [Number.isFinite(Number(k)) && k !== "" ? String(Number(k)) : k, label.join(":").trim()];
    }),
  );
}

const yes = (text: string) => /^(x|có|co|yes|y|true|1)$/i.test(text.trim());

/** Where a JSON path of the converted document came from. */
type Origin = { sheet: string; row: number; columns: Map<string, number>; headers: Map<string, string> };

const originOf = (table: Table, row: number): Origin => ({
  sheet: table.sheet,
  row,
  columns: table.columns,
  headers: table.headers,
});

/** The column of a node's nested JSON field (method.options → options, evidence.kinds → evidenceKinds). */
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
      else if (field === "children") field = "code";
      // A framework field's row has its value in the "value" column.
      if (!origin.columns.has(field) && origin.columns.has("value")) field = "value";
      const column = letter(origin.columns.get(field));
      return {
        sheet: origin.sheet,
        row: origin.row,
        ...(column ? { column: `${column} (${origin.headers.get(field) ?? field})` } : {}),
        message,
      };
    }
    return { sheet: fallbackSheet, message: `${path}: ${message}` };
  };
}

function frameworkFields(table: Table, doc: Record<string, unknown>, origins: Map<string, Origin>): void {
  for (const r of table.rows) {
    const written = r.get("field");
    const value = r.get("value");
    if (!written) continue;
    const field = fieldOf("frameworkFields", written);
    if (!FRAMEWORK_FIELDS.includes(field)) {
      r.issue("field", t("excel.unknownField", { field: written }));
      continue;
    }
    // The predecessor's id: the map sheet adds its lines (predecessorMap).
    if (field === "predecessor") {
      if (value !== "") doc.predecessor = { frameworkId: value, map: [] };
      origins.set("predecessor.frameworkId", originOf(table, r.row));
      continue;
    }
    if (value !== "") doc[field] = value;
    origins.set(field, originOf(table, r.row));
  }
}

function group(r: Row): Record<string, unknown> {
  const value: Record<string, unknown> = {
    id: r.get("id"),
    name: r.get("name"),
    unitKinds: words(r.get("unitKinds"), /[,;\n]/),
    nodes: [],
  };
  if (r.get("nameEn")) value.nameEn = r.get("nameEn");
  if (r.get("bands")) {
    const english = pairs(r.get("bandsEn"));
    value.bands = list(r.get("bands")).map((band) => {
      const [min, ...label] = band.split(":");
      const minIndex = number((min ?? "").trim(), (m) => r.issue("bands", m)) ?? 0;
      const labelEn = english.get(String(minIndex));
      return { minIndex, label: label.join(":").trim(), ...(labelEn ? { labelEn } : {}) };
    });
  }
  return value;
}

function method(r: Row, type: string): Record<string, unknown> {
  const value: Record<string, unknown> = { type };
  const numberIn = (column: string) => (text: string) => number(text.trim(), (m) => r.issue(column, m));
  if (type === "level") {
    const english = pairs(r.get("optionsEn"));
    value.options = list(r.get("options")).map((option) => {
      const [id, fraction, ...label] = option.split(":");
      const labelEn = english.get((id ?? "").trim());
      return {
        id: (id ?? "").trim(),
        label: label.join(":").trim(),
        ...(labelEn ? { labelEn } : {}),
        fraction: numberIn("options")(fraction ?? "") ?? 0,
      };
    });
  }
  if (type === "steps")
    value.steps = list(r.get("steps")).map((step) => {
      const [min, points] = step.split(":");
      return { min: numberIn("steps")(min ?? "") ?? 0, points: numberIn("steps")(points ?? "") ?? 0 };
    });
  if (type === "ratio") {
    const target = numberIn("target")(r.get("target"));
    if (target !== undefined) value.target = target;
    for (const field of ["whenZero", "numeratorLabel", "denominatorLabel"])
      if (r.get(field)) value[field] = r.get(field);
  }
  if (type === "count") value.pointsEach = numberIn("pointsEach")(r.get("pointsEach"));
  return value;
}

/** One row of the nodes sheet as a node: an indicator (with a method) or a group of them (children). */
function node(r: Row): Record<string, unknown> {
  const value: Record<string, unknown> = { code: r.get("code"), name: r.get("name") };
  if (r.get("nameEn")) value.nameEn = r.get("nameEn");
  if (r.get("guidance")) value.guidance = r.get("guidance");
  if (r.get("maxPoints") === "") r.issue("maxPoints", t("excel.required"));
  value.maxPoints = number(r.get("maxPoints"), (m) => r.issue("maxPoints", m)) ?? 0;
  const type = r.get("method");
  if (!type) {
    value.children = [];
    return value;
  }
  value.method = method(r, type);
  if (r.get("evidenceRequired") || r.get("evidenceKinds") || r.get("evidenceHint")) {
    const evidence: Record<string, unknown> = { required: yes(r.get("evidenceRequired")) };
    if (r.get("evidenceKinds")) evidence.kinds = words(r.get("evidenceKinds"), /[,;\s]+/);
    if (r.get("evidenceHint")) evidence.hint = r.get("evidenceHint");
    value.evidence = evidence;
  }
  const source = r.get("source");
  if (source)
    value.source = source.startsWith(MEASURED_PREFIX)
      ? { kind: "measured", sourceId: source.slice(MEASURED_PREFIX.length).trim() }
      : source;
  return value;
}

/** The index set of a filled-in template: the document for POST /api/frameworks, or the problems. */
export function frameworkFromSheets(sheets: Sheets): Converted {
  const issues: SheetIssue[] = [];
  const origins = new Map<string, Origin>();
  const doc: Record<string, unknown> = {};
  frameworkFields(records(sheets, SHEETS.framework, issues), doc, origins);

  const groups: { nodes: Record<string, unknown>[] }[] = [];
  const groupIndex = new Map<string, number>();
  const groupRows = new Map<string, number>();
  const gs = records(sheets, SHEETS.groups, issues);
  for (const r of gs.rows) {
    if (repeats(groupRows, r, "id")) continue;
    origins.set(`groups.${groups.length}`, originOf(gs, r.row));
    groupIndex.set(r.get("id"), groups.length);
    groups.push(group(r) as { nodes: Record<string, unknown>[] });
  }
  doc.groups = groups;

  const ns = records(sheets, SHEETS.nodes, issues);
  const placed = new Map<string, { node: Record<string, unknown>; path: string }>();
  const codes = new Map<string, number>();
  for (const r of ns.rows) {
    const groupId = r.get("group");
    const gi = groupIndex.get(groupId);
    const code = r.get("code");
    if (gi === undefined) {
      r.issue("group", t("excel.unknownGroup", { group: groupId }));
      continue;
    }
    if (!code) {
      r.issue("code", t("excel.required"));
      continue;
    }
    if (repeats(codes, r, "code", groupId)) continue;
    const value = node(r);
    const parentCode = code.includes(".") ? code.slice(0, code.lastIndexOf(".")) : "";
    const parent = parentCode ? placed.get(`${groupId}\u0000${parentCode}`) : undefined;
    if (parentCode && !Array.isArray(parent?.node.children)) {
      r.issue("code", t("excel.noParent", { code, parent: parentCode }));
      continue;
    }
    // Under its parent node (1.2 under 1), or at the top of its group.
    const into = parent ? (parent.node.children as Record<string, unknown>[]) : (groups[gi]?.nodes ?? []);
    const path = `${parent ? `${parent.path}.children` : `groups.${gi}.nodes`}.${into.length}`;
    into.push(value);
    placed.set(`${groupId}\u0000${code}`, { node: value, path });
    origins.set(path, originOf(ns, r.row));
  }
  predecessorMap(sheets, doc, origins, issues);
  return { value: doc, issues, locate: locator(origins, SHEET_LABELS.framework ?? SHEETS.framework) };
}

const RELATIONS = new Map(
  Object.entries(RELATION_LABELS).flatMap(([name, label]) => [
    [name, name],
    [label, name],
  ]),
);

/** The map sheet (optional: an index set without a predecessor has none) → predecessor.map. */
function predecessorMap(
  sheets: Sheets,
  doc: Record<string, unknown>,
  origins: Map<string, Origin>,
  issues: SheetIssue[],
): void {
  if (!sheets.has(SHEET_LABELS.map ?? SHEETS.map) && !sheets.has(SHEETS.map)) return;
  const table = records(sheets, SHEETS.map, issues);
  const map: Record<string, unknown>[] = [];
  for (const r of table.rows) {
    const written = r.get("relation");
    const relation = RELATIONS.get(written.normalize("NFC").toLowerCase());
    if (!relation) {
      r.issue("relation", t("excel.unknownRelation", { value: written }));
      continue;
    }
    const from = words(r.get("from"), /[,;\s]+/);
    origins.set(`predecessor.map.${map.length}`, originOf(table, r.row));
    map.push({
      group: r.get("group"),
      ...(r.get("code") ? { code: r.get("code") } : {}),
      ...(from.length > 0 ? { from } : {}),
      relation,
    });
  }
  if (map.length === 0) return;
  const predecessor = (doc.predecessor ?? {}) as Record<string, unknown>;
  doc.predecessor = { ...predecessor, map };
}

/** The units of a filled-in template: the body of PUT /api/units, or the problems. */
export function unitsFromSheets(sheets: Sheets): Converted {
  const issues: SheetIssue[] = [];
  const origins = new Map<string, Origin>();
  const us = records(sheets, SHEETS.units, issues);
  const ids = new Map<string, number>();
  const codes = new Map<string, number>();
  const units: Record<string, unknown>[] = [];
  for (const r of us.rows) {
    if (repeats(ids, r, "id") || repeats(codes, r, "code")) continue;
    const unit: Record<string, unknown> = {};
    for (const field of UNIT_COLUMNS) {
      const value = r.get(field);
      if (value === "") continue;
      unit[field] = field === "predecessorIds" ? words(value, /[,;\s]+/) : value;
    }
    origins.set(`units.${units.length}`, originOf(us, r.row));
    units.push(unit);
  }
  return { value: { units }, issues, locate: locator(origins, us.sheet) };
}
