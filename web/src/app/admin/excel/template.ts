import type { FrameworkInput } from "../../../../../shared/model/framework.ts";
import type { Unit } from "../../../../../shared/model/unit.ts";
import { GUIDE, rowOf, SAMPLE_FRAMEWORK, SAMPLE_GROUP, SAMPLE_NODES, SAMPLE_UNITS } from "./sample.ts";
import {
  FRAMEWORK_FIELDS,
  GROUP_COLUMNS,
  LABELS,
  LISTS_SHEET,
  labelsOf,
  MAP_COLUMNS,
  MEASURED_PREFIX,
  NODE_COLUMNS,
  RELATION_LABELS,
  SHEET_LABELS,
  UNIT_COLUMNS,
} from "./sheets.ts";
import { columnName, type DropDown, type SheetSpec, writeXlsx } from "./xlsx.ts";

/**
 * The workbooks the organiser downloads, fills in and imports (as parse.ts reads them): headed by the
 * Vietnamese labels, with drop-downs on the columns of a fixed choice, and holding the current data
 * (the index set or the units) or, when there is none yet, a sample. Written then read, a workbook
 * gives back the same document (test/web/admin/roundtrip.test.ts).
 */
const GUIDE_SHEET: SheetSpec = { name: "Hướng dẫn", rows: GUIDE, widths: [28, 110] };

const sheetName = (name: string) => SHEET_LABELS[name] ?? name;
const quoted = (sheet: string) => `'${sheet.replace(/'/g, "''")}'`;

/** The choices of the drop-downs, one column each of the hidden lists sheet. */
function listsSheet(kinds: string[]) {
  const lists: [string, string[]][] = [
    ["method", ["yesno", "level", "ratio", "steps", "count", "points", "relative", "info"]],
    ["whenZero", ["full", "zero", "exclude"]],
    ["evidenceRequired", ["x"]],
    ["evidenceKinds", ["file, url", "file", "url"]],
    ["source", ["system"]],
    ["missingEvidence", ["zero", "keep"]],
    ["rankCompare", ["rounded", "exact"]],
    ["kind", kinds.length > 0 ? kinds : ["department"]],
    ["relation", Object.values(RELATION_LABELS)],
  ];
  const height = Math.max(...lists.map(([, values]) => values.length));
  const rows: string[][] = [lists.map(([name]) => name)];
  for (let i = 0; i < height; i++) rows.push(lists.map(([, values]) => values[i] ?? ""));
  const column = new Map(lists.map(([name, values], i) => [name, { i, n: values.length }]));
  /** The range of one list, for a drop-down. */
  const source = (name: string) => {
    const at = column.get(name) ?? { i: 0, n: 1 };
    const letter = columnName(at.i);
    return `${quoted(LISTS_SHEET)}!$${letter}$2:$${letter}$${at.n + 1}`;
  };
  const spec: SheetSpec = { name: LISTS_SHEET, rows, hidden: true };
  return { spec, source };
}

const letterOf = (columns: readonly string[], column: string) => columnName(columns.indexOf(column));

/** Drop-downs on the data rows (2 to `last`) of the given columns. */
const dropDowns = (
  columns: readonly string[],
  sources: [column: string, source: string, strict?: boolean][],
  last: number,
): DropDown[] =>
  sources.map(([column, source, strict = true]) => {
    const letter = letterOf(columns, column);
    return { sqref: `${letter}2:${letter}${last}`, source, strict };
  });

/** "a:b; c:d" of a list of pairs. */
const joinPairs = (pairs: [unknown, unknown][]) => pairs.map(([a, b]) => `${a}:${b}`).join("; ");

type AnyNode = {
  code: string;
  name: string;
  nameEn?: string | undefined;
  guidance?: string | undefined;
  maxPoints: number;
  children?: AnyNode[];
  method?: Record<string, unknown> & { type: string };
  evidence?: { required: boolean; kinds?: string[]; hint?: string | undefined } | undefined;
  source?: string | { kind: string; sourceId: string } | undefined;
};

/** One node as a row of the nodes sheet, by column. */
function nodeRow(groupId: string, node: AnyNode): Record<string, string | number> {
  const row: Record<string, string | number> = {
    group: groupId,
    code: node.code,
    name: node.name,
    nameEn: node.nameEn ?? "",
    maxPoints: node.maxPoints,
    guidance: node.guidance ?? "",
  };
  const method = node.method;
  if (!method) return row;
  row.method = method.type;
  const options = (method.options ?? []) as {
    id: string;
    fraction: number;
    label: string;
    labelEn?: string;
  }[];
  if (method.type === "level") {
    row.options = options.map((o) => `${o.id}:${o.fraction}:${o.label}`).join("; ");
    row.optionsEn = joinPairs(options.filter((o) => o.labelEn).map((o) => [o.id, o.labelEn]));
  }
  if (method.type === "steps")
    row.steps = joinPairs(
      ((method.steps ?? []) as { min: number; points: number }[]).map((s) => [s.min, s.points]),
    );
  if (method.type === "ratio") {
    row.target = (method.target as number | undefined) ?? 1;
    row.whenZero = (method.whenZero as string | undefined) ?? "full";
    row.numeratorLabel = (method.numeratorLabel as string | undefined) ?? "";
    row.denominatorLabel = (method.denominatorLabel as string | undefined) ?? "";
  }
  if (method.type === "count") row.pointsEach = method.pointsEach as number;
  const evidence = node.evidence ?? { required: false };
  row.evidenceRequired = evidence.required ? "x" : "";
  row.evidenceKinds = (evidence.kinds ?? ["file", "url"]).join(", ");
  row.evidenceHint = evidence.hint ?? "";
  // A measured leaf is written "measured:<source id>" (the drop-down offers "system"; any text is taken).
  row.source =
    typeof node.source === "object" ? `${MEASURED_PREFIX}${node.source.sourceId}` : (node.source ?? "");
  return row;
}

function nodeRows(groupId: string, nodes: AnyNode[], out: Record<string, string | number>[] = []) {
  for (const node of nodes) {
    out.push(nodeRow(groupId, node));
    if (node.children) nodeRows(groupId, node.children, out);
  }
  return out;
}

const inOrder = (columns: readonly string[], row: Record<string, string | number>) =>
  columns.map((column) => row[column] ?? "");

/** The sheets of an index set: the given one (its export), or the sample. */
export function frameworkSheets(framework?: FrameworkInput): SheetSpec[] {
  const kinds = framework ? [...new Set(framework.groups.flatMap((g) => g.unitKinds))] : ["department"];
  const lists = listsSheet(kinds);
  const fields: [string, string][] = framework
    ? FRAMEWORK_FIELDS.map((field) => [
        field,
        field === "predecessor"
          ? (framework.predecessor?.frameworkId ?? "")
          : String((framework as Record<string, unknown>)[field] ?? ""),
      ])
    : SAMPLE_FRAMEWORK;
  const mapRows = (framework?.predecessor?.map ?? []).map((e) =>
    inOrder(MAP_COLUMNS, {
      group: e.group,
      code: e.code ?? "",
      from: (e.from ?? []).join(", "),
      relation: RELATION_LABELS[e.relation] ?? e.relation,
    }),
  );
  const groupRows = framework
    ? framework.groups.map((g) =>
        inOrder(GROUP_COLUMNS, {
          id: g.id,
          name: g.name,
          nameEn: g.nameEn ?? "",
          unitKinds: g.unitKinds.join(", "),
          bands: joinPairs((g.bands ?? []).map((b) => [b.minIndex, b.label])),
          bandsEn: joinPairs((g.bands ?? []).filter((b) => b.labelEn).map((b) => [b.minIndex, b.labelEn])),
        }),
      )
    : [SAMPLE_GROUP];
  const nodes = framework
    ? framework.groups.flatMap((g) => nodeRows(g.id, g.nodes as AnyNode[]))
    : SAMPLE_NODES.map((node) => ({ group: "department", ...node }) as Record<string, string>);
  const choiceRow = (field: string) => FRAMEWORK_FIELDS.indexOf(field) + 2;
  const groupIds = `${quoted(sheetName("groups"))}!$A$2:$A$500`;
  return [
    {
      name: sheetName("framework"),
      rows: [
        labelsOf("framework", ["field", "value"]),
        ...fields.map(([field, value]) => [LABELS.frameworkFields?.[field] ?? field, value]),
      ],
      widths: [28, 70],
      dropDowns: ["missingEvidence", "rankCompare"].map((field) => ({
        sqref: `B${choiceRow(field)}`,
        source: lists.source(field),
        strict: true,
      })),
    },
    {
      name: sheetName("groups"),
      rows: [labelsOf("groups", GROUP_COLUMNS), ...groupRows],
      widths: [14, 28, 20, 24, 48, 40],
      // Several kinds may be listed in one cell: the list offers them, and other text stays allowed.
      dropDowns: dropDowns(GROUP_COLUMNS, [["unitKinds", lists.source("kind"), false]], 500),
    },
    {
      name: sheetName("nodes"),
      rows: [labelsOf("nodes", NODE_COLUMNS), ...nodes.map((row) => inOrder(NODE_COLUMNS, row))],
      widths: [12, 8, 44, 24, 10, 10, 48, 30, 18, 10, 10, 10, 26, 26, 10, 12, 30, 40, 10],
      dropDowns: dropDowns(
        NODE_COLUMNS,
        [
          ["group", groupIds],
          ["method", lists.source("method")],
          ["whenZero", lists.source("whenZero")],
          ["evidenceRequired", lists.source("evidenceRequired")],
          ["evidenceKinds", lists.source("evidenceKinds")],
          ["source", lists.source("source"), false],
        ],
        5000,
      ),
    },
    {
      name: sheetName("map"),
      rows: [labelsOf("map", MAP_COLUMNS), ...mapRows],
      widths: [14, 10, 20, 12],
      dropDowns: dropDowns(
        MAP_COLUMNS,
        [
          ["group", groupIds],
          ["relation", lists.source("relation")],
        ],
        5000,
      ),
    },
    GUIDE_SHEET,
    lists.spec,
  ];
}

/** The sheets of the units: the given ones (their export), or the sample. */
export function unitsSheets(units?: readonly Unit[], kinds: readonly string[] = []): SheetSpec[] {
  const rows =
    units && units.length > 0
      ? units.map((u) =>
          inOrder(UNIT_COLUMNS, {
            ...(u as unknown as Record<string, string>),
            nameEn: u.nameEn ?? "",
            predecessorIds: (u.predecessorIds ?? []).join(", "),
          }),
        )
      : SAMPLE_UNITS.map((unit) => rowOf(UNIT_COLUMNS, unit));
  const allKinds = [...new Set([...kinds, ...(units ?? []).map((u) => u.kind)])].sort();
  const lists = listsSheet(allKinds.length > 0 ? allKinds : ["department", "city", "ward"]);
  const last = Math.max(5000, rows.length + 1000);
  return [
    {
      name: sheetName("units"),
      rows: [labelsOf("units", UNIT_COLUMNS), ...rows],
      widths: [16, 10, 32, 28, 12, 16, 12, 12, 24, 20],
      dropDowns: dropDowns(
        UNIT_COLUMNS,
        [
          ["kind", lists.source("kind"), false],
          ["parentId", `$A$2:$A$${last}`, false],
        ],
        last,
      ),
    },
    GUIDE_SHEET,
    lists.spec,
  ];
}

/** The index set as a workbook: its export, which imports back as the same document. */
export const frameworkWorkbook = (framework?: FrameworkInput): Blob => writeXlsx(frameworkSheets(framework));
/** The units as a workbook (every column, reminder e-mails too): their export and template. */
export const unitsWorkbook = (units?: readonly Unit[], kinds?: readonly string[]): Blob =>
  writeXlsx(unitsSheets(units, kinds));
