import { t } from "../../i18n/index.ts";
import { ApiError, errorText, getAll, paths } from "../api.ts";
import { allUnits, getFramework } from "../context.ts";
import { detailText } from "../errorMessages.ts";
import type { Framework, FrameworkSummary, Unit } from "../types.ts";
import type { Converted } from "./excel/parse.ts";
import type { Sheets } from "./excel/xlsx.ts";
import { ProblemsError } from "./outcome.tsx";

/**
 * Importing an index set or units from a chosen file: JSON as is, or a filled-in Excel template
 * converted first. The Excel code (and its zip library) is loaded only when a workbook is chosen or a
 * template asked for. Problems, the conversion's or the API's mapped back to the template, are given
 * by sheet, row and column.
 */
export type ImportKind = "framework" | "units";

/** Each import's file input (its id and help's id, its texts) and the name of its template file. */
export const IMPORTS = {
  framework: {
    id: "framework-file",
    helpId: "framework-help",
    label: "admin.importFramework",
    help: "admin.frameworkHelp",
    template: "admin.frameworkTemplate",
    templateName: "mau-bo-chi-so.xlsx",
  },
  units: {
    id: "units-file",
    helpId: "units-help",
    label: "admin.importUnits",
    help: "admin.unitsHelp",
    template: "admin.unitsTemplate",
    templateName: "mau-don-vi.xlsx",
  },
} as const satisfies Record<ImportKind, Record<string, string>>;

/** Reads a chosen JSON file; a syntax error is reported as such. */
export async function readJson(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(t("admin.badJson", { name: file.name, message: (error as Error).message }));
  }
}

export const isExcel = (file: File) => /\.xlsx$/i.test(file.name);

type Excel = typeof import("./excel/index.ts");

/**
 * Converts a chosen workbook with `convert` and sends its value with `send` (which answers the success
 * message); the conversion's problems, or the API's mapped back to the sheet, are thrown as such.
 */
export async function importWorkbook(
  file: File,
  convert: (excel: Excel, sheets: Sheets) => Converted,
  send: (body: unknown) => Promise<string>,
): Promise<string> {
  const excel = await import("./excel/index.ts");
  const converted = convert(excel, excel.readXlsx(await file.arrayBuffer()));
  if (converted.issues.length > 0)
    throw new ProblemsError(
      t("excel.problems", { n: converted.issues.length, name: file.name }),
      converted.issues.map((issue) => ({ path: "", message: excel.issueText(issue) })),
    );
  try {
    return await send(converted.value);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ProblemsError(
      errorText(error),
      error.details.map((d) => ({
        path: "",
        message: excel.issueText(converted.locate(d.path, detailText(d.message))),
      })),
    );
  }
}

/** Imports `file` with `send` (which answers the success message); throws what went wrong. */
export async function importFile(
  file: File,
  kind: ImportKind,
  send: (body: unknown) => Promise<string>,
): Promise<string> {
  if (!isExcel(file)) return send(await readJson(file));
  return importWorkbook(
    file,
    (excel, sheets) => (kind === "framework" ? excel.frameworkFromSheets : excel.unitsFromSheets)(sheets),
    send,
  );
}

/** Offers a generated file for download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The newest index set, if any (the one the template shows). */
export async function newestFramework(): Promise<Framework | undefined> {
  const list = await getAll<FrameworkSummary>(paths.frameworks);
  const newest = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return newest ? getFramework(newest.id) : undefined;
}

/** What a template holds: the newest index set and every unit, as the API has them. */
export interface CurrentData {
  framework?: Framework | undefined;
  units?: Unit[];
}

async function currentData(kind: ImportKind): Promise<CurrentData> {
  const framework = await newestFramework();
  return kind === "framework" ? { framework } : { framework, units: [...(await allUnits()).values()] };
}

/**
 * The Excel template of `kind`, built in the browser with the current data: the newest index set, or
 * every unit (a sample while there is none), with the drop-downs' choices.
 */
export async function templateOf(
  kind: ImportKind,
  current: (kind: ImportKind) => Promise<CurrentData> = currentData,
): Promise<Blob> {
  const excel = await import("./excel/index.ts");
  const { framework, units } = await current(kind);
  if (kind === "framework") return excel.frameworkWorkbook(framework);
  return excel.unitsWorkbook(units, framework?.groups.flatMap((g) => g.unitKinds) ?? []);
}

/** One index set as a workbook (its export), named after it. */
export async function exportFramework(id: string): Promise<void> {
  const excel = await import("./excel/index.ts");
  download(excel.frameworkWorkbook(await getFramework(id)), `bo-chi-so-${id}.xlsx`);
}
