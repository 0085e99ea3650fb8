import { pathFor } from "../../../../shared/api/paths.ts";
import { localName, messagesFor, t } from "../../i18n/index.ts";
import { ApiError, errorText, post } from "../api.ts";
import { allUnits } from "../context.ts";
import { detailText } from "../errorMessages.ts";
import type { Framework, Period, SubmissionRow } from "../types.ts";
import { leavesOf } from "../types.ts";
import type { TemplateRow } from "./excel/measurements.ts";
import type { Converted } from "./excel/parse.ts";
import type { SheetIssue } from "./excel/sheets.ts";
import type { Sheets } from "./excel/xlsx.ts";
import { FileImport } from "./ImportFile.tsx";
import { download, importWorkbook } from "./importing.ts";
import { refusedText, rowProblemText } from "./measurement-messages.ts";
import { ProblemsError } from "./outcome.tsx";

/** The organiser's import of measured values from a file received instead of a source's push. */

export const tmi = messagesFor(
  {
    title: "Nhập số liệu đo từ tệp",
    help: "Tệp .xlsx hoặc .csv (UTF-8), mỗi dòng: mã đơn vị, mã chỉ tiêu đo tự động, giá trị (số thập phân dùng dấu phẩy; tỉ lệ ghi 8/10, ô kiểu văn bản; có/không), ngày số liệu (không bắt buộc: mặc định là lúc nhập). Chỉ cần một dòng sai là không dòng nào được nhập.",
    file: "Tệp số liệu đo (.xlsx, .csv)",
    template: "Tải mẫu số liệu đo của kỳ",
    closed: "Kỳ chỉ nhận số liệu đo khi đang mở hoặc đang thẩm định.",
    done: "Đã nhập tệp {name}: {stored} giá trị lưu mới, {unchanged} không đổi, {stale} cũ hơn số liệu đã có (giữ số liệu mới hơn).",
    unchanged: "Tệp {name} không làm thay đổi gì: cả {n} giá trị đều không đổi.",
  },
  {
    title: "Import measured values from a file",
    help: "An .xlsx or .csv (UTF-8) file, each row: unit code, measured indicator code, value (a decimal comma or point; a ratio as 8/10 in a text cell; yes/no), date of the value (optional: the time of the import). One bad row and no row is imported.",
    file: "File of measured values (.xlsx, .csv)",
    template: "Download the period's template",
    closed: "The period takes measured values while it is open or in appraisal.",
    done: "{name} imported: {stored} values stored, {unchanged} unchanged, {stale} older than the stored value (the newer one kept).",
    unchanged: "{name} changed nothing: all {n} values are unchanged.",
  },
);

const ACCEPT = ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

interface ImportAnswer {
  counts: { stored: number; unchanged: number; stale: number };
}

const isCsv = (file: File) => /\.csv$/i.test(file.name);

/** What the import came to, as the organiser reads it. */
export function importSummary(name: string, { counts }: ImportAnswer): string {
  const n = counts.stored + counts.unchanged + counts.stale;
  return counts.unchanged === n ? tmi("unchanged", { name, n }) : tmi("done", { name, ...counts });
}

/** A file's problems, each at its sheet, row and column. */
async function problems(message: string, issues: SheetIssue[]): Promise<ProblemsError> {
  const { issueText } = await import("./excel/sheets.ts");
  return new ProblemsError(
    message,
    issues.map((issue) => ({ path: "", message: issueText(issue) })),
  );
}

/**
 * The API's refusal mapped back to the file: each detail at its cell, the bad rows' problems in the
 * user's words (a "rows.{i}" they name is the file's row).
 */
function refusal(error: unknown, converted: Converted): Promise<ProblemsError> | unknown {
  if (!(error instanceof ApiError)) return error;
  if (error.code !== "invalid-rows")
    return problems(
      errorText(error),
      error.details.map((d) => converted.locate(d.path, detailText(d.message))),
    );
  const rowOf = (index: number) => converted.locate(`rows.${index}.code`, "").row;
  const rows = new Set(error.details.map((d) => d.path.split(".")[1])).size;
  return problems(
    refusedText(rows),
    error.details.map((d) => converted.locate(d.path, rowProblemText(d.message, rowOf))),
  );
}

/**
 * Reads the chosen CSV or workbook into rows, sends them, and maps each problem (the file's or the
 * API's `rows.{i}.{field}`) back to its sheet, row and column.
 */
export async function importMeasurementFile(file: File, periodId: string): Promise<string> {
  const m = await import("./excel/measurements.ts");
  let converted: Converted | undefined;
  const convert = (sheets: Sheets) => {
    converted = m.measurementsFromSheets(sheets, file.name);
    return converted;
  };
  const path = pathFor("POST /api/periods/{periodId}/measurement-imports", { periodId });
  // The refusal is thrown as the file's problems (importWorkbook passes them on as they are).
  const send = async (body: unknown) => {
    try {
      return importSummary(file.name, await post<ImportAnswer>(path, body));
    } catch (error) {
      throw converted ? await refusal(error, converted) : error;
    }
  };
  if (!isCsv(file)) return importWorkbook(file, (_excel, sheets) => convert(sheets), send);
  // A CSV file: the workbook's steps on its one sheet.
  const read = m.csvSheets(await file.text(), file.name);
  const rows = convert(read.sheets);
  const issues = [...read.issues, ...rows.issues];
  if (issues.length > 0)
    throw await problems(t("excel.problems", { n: issues.length, name: file.name }), issues);
  return send(rows.value);
}

/** The template's rows: each unit of the period with each measured indicator of its group. */
export function templateRows(
  framework: Framework,
  rows: readonly SubmissionRow[],
  units: ReadonlyMap<string, { code: string; name: string; nameEn?: string | undefined }>,
): TemplateRow[] {
  const measured = new Map(
    framework.groups.map((g) => [g.id, leavesOf(g.nodes).filter((l) => typeof l.source === "object")]),
  );
  return rows.flatMap((row) => {
    const unit = units.get(row.unitId);
    return (measured.get(row.groupId) ?? []).map((leaf) => ({
      unitCode: unit?.code ?? row.unitId,
      unitName: unit ? localName(unit) : row.unitId,
      code: leaf.code,
      leafName: localName(leaf),
    }));
  });
}

/** Whether the index set has a measured leaf (only then the import is offered). */
export const hasMeasured = (framework: Framework) =>
  framework.groups.some((g) => leavesOf(g.nodes).some((l) => typeof l.source === "object"));

/** The period screen's section: the file input, the period's template, what the import came to. */
export function MeasurementImport({
  period,
  framework,
  rows,
}: {
  period: Period;
  framework: Framework;
  rows: readonly SubmissionRow[];
}) {
  if (!hasMeasured(framework)) return null;
  const open = period.state === "open" || period.state === "appraisal";
  return (
    <section aria-labelledby="measurement-import" class="admin-section">
      <h2 id="measurement-import">{tmi("title")}</h2>
      <p class="muted">{open ? tmi("help") : tmi("closed")}</p>
      {open && (
        <FileImport
          id="measurement-file"
          label={tmi("file")}
          accept={ACCEPT}
          run={(file) => importMeasurementFile(file, period.id)}
          // Nothing on this screen shows the values: the outcome's message stays.
          onImported={() => undefined}
          templateLabel={tmi("template")}
          template={async () => {
            const m = await import("./excel/measurements.ts");
            const blob = m.measurementsWorkbook(templateRows(framework, rows, await allUnits()));
            download(blob, `mau-so-lieu-do-${period.id}.xlsx`);
          }}
        />
      )}
    </section>
  );
}
