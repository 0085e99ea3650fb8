import { GUIDE, rowOf, SAMPLE_FRAMEWORK, SAMPLE_GROUP, SAMPLE_NODES, SAMPLE_UNITS } from "./sample.ts";
import { GROUP_COLUMNS, NODE_COLUMNS, SHEETS, UNIT_COLUMNS } from "./sheets.ts";
import { type SheetSpec, writeXlsx } from "./xlsx.ts";

/** The templates the organiser downloads, fills in and imports (as parse.ts reads them). */
const GUIDE_SHEET: SheetSpec = { name: "Hướng dẫn", rows: GUIDE, widths: [24, 110] };

export function frameworkSheets(): SheetSpec[] {
  return [
    { name: SHEETS.framework, rows: [["field", "value"], ...SAMPLE_FRAMEWORK], widths: [18, 60] },
    { name: SHEETS.groups, rows: [[...GROUP_COLUMNS], SAMPLE_GROUP], widths: [14, 28, 20, 24, 48] },
    {
      name: SHEETS.nodes,
      rows: [
        [...NODE_COLUMNS],
        ...SAMPLE_NODES.map((node) => rowOf(NODE_COLUMNS, { group: "department", ...node })),
      ],
      widths: [12, 8, 44, 24, 10, 10, 48, 18, 8, 10, 10, 26, 26, 10, 12, 30, 40, 8],
    },
    GUIDE_SHEET,
  ];
}

export function unitsSheets(): SheetSpec[] {
  return [
    {
      name: SHEETS.units,
      rows: [[...UNIT_COLUMNS], ...SAMPLE_UNITS.map((unit) => rowOf(UNIT_COLUMNS, unit))],
      widths: [16, 10, 32, 28, 12, 14, 12, 12, 24, 20],
    },
    GUIDE_SHEET,
  ];
}

export const frameworkTemplate = (): Blob => writeXlsx(frameworkSheets());
export const unitsTemplate = (): Blob => writeXlsx(unitsSheets());
