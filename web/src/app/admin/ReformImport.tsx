import { useState } from "preact/hooks";
import { messagesFor } from "../../i18n/index.ts";
import { Field, TextField } from "../../ui/fields.tsx";
import { ApiError, errorText, paths, post } from "../api.ts";
import { detailText } from "../errorMessages.ts";
import type { Unit } from "../types.ts";
import { useAction } from "../useAction.ts";
import { download } from "./importing.ts";
import { OutcomeNote, ProblemsError, useOutcome } from "./outcome.tsx";

export const trf = messagesFor(
  {
    title: "Sắp xếp đơn vị hành chính",
    help: "Tệp Excel theo mẫu: mỗi dòng một đơn vị mới và các mã cũ hình thành nó. Đơn vị cũ giữ nguyên cho các kỳ trước và chấm dứt vào ngày trước ngày hiệu lực.",
    decision: "Nghị quyết / Quyết định (để trống: lấy từ tệp)",
    effectiveDate: "Hiệu lực từ ngày (dd/mm/yyyy; để trống: lấy từ tệp)",
    file: "Tệp sắp xếp đơn vị (.xlsx)",
    template: "Tải mẫu sắp xếp đơn vị",
    problems: "{name}: có {n} lỗi, chưa gửi gì.",
    applied: "Đã áp dụng {decision}: {units} đơn vị mới, {ended} đơn vị chấm dứt từ {date}.",
    history: "Sáp nhập từ {from} theo {decision}, hiệu lực từ {date}",
    formed: "Thành lập theo {decision}, hiệu lực từ {date}",
  },
  {
    title: "Administrative reorganisation",
    help: "An Excel file from the template: one row per new unit and the old codes it is formed from. Old units stay as they were for past periods and end the day before the effective date.",
    decision: "Resolution / decision (empty: from the file)",
    effectiveDate: "Effective from (dd/mm/yyyy; empty: from the file)",
    file: "Reorganisation file (.xlsx)",
    template: "Download the reorganisation template",
    problems: "{name}: {n} problems, nothing sent.",
    applied: "{decision} applied: {units} new units, {ended} units ended from {date}.",
    history: "Merged from {from} by {decision}, effective {date}",
    formed: "Formed by {decision}, effective {date}",
  },
);

const dmy = (iso: string) => iso.split("-").reverse().join("/");

/** A unit's history line: "Sáp nhập từ A, B theo Nghị quyết …, hiệu lực từ …", or nothing. */
export function unitHistory(unit: Unit, byId: ReadonlyMap<string, Unit>): string | undefined {
  if (!unit.reform) return undefined;
  const date = dmy(unit.reform.effectiveDate);
  const from = (unit.predecessorIds ?? []).map((id) => byId.get(id)?.name ?? id).join(", ");
  return from
    ? trf("history", { from, decision: unit.reform.decision, date })
    : trf("formed", { decision: unit.reform.decision, date });
}

interface ReformResult {
  decision: string;
  effectiveDate: string;
  units: unknown[];
  ended: string[];
}

/** Reads the chosen workbook, sends the reform, and maps the API's problems back to the sheet. */
async function applyFile(file: File, form: { decision: string; effectiveDate: string }): Promise<string> {
  const excel = await import("./excel/index.ts");
  const converted = excel.reformFromSheets(excel.readXlsx(await file.arrayBuffer()), form);
  if (converted.issues.length > 0)
    throw new ProblemsError(
      trf("problems", { n: converted.issues.length, name: file.name }),
      converted.issues.map((issue) => ({ path: "", message: excel.issueText(issue) })),
    );
  try {
    const result = await post<ReformResult>(paths.reforms, converted.value);
    return trf("applied", {
      decision: result.decision,
      units: result.units.length,
      ended: result.ended.length,
      date: dmy(result.effectiveDate),
    });
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

/** The reorganisation import of the Units screen: decision and date (or the sheet's), the file, the template. */
export function ReformImport({ onApplied }: { onApplied: () => void }) {
  const [decision, setDecision] = useState("");
  const [effectiveDate, setEffectiveDate] = useState("");
  const applying = useOutcome(async (file: File) => {
    const message = await applyFile(file, { decision, effectiveDate });
    onApplied();
    return message;
  });
  const template = useAction(async () => {
    const excel = await import("./excel/index.ts");
    download(excel.reformWorkbook(), "mau-sap-xep-don-vi.xlsx");
  });
  return (
    <section aria-labelledby="reform" class="admin-section">
      <h3 id="reform">{trf("title")}</h3>
      <p class="muted">{trf("help")}</p>
      <TextField id="reform-decision" label={trf("decision")} value={decision} onValue={setDecision} />
      <TextField
        id="reform-date"
        label={trf("effectiveDate")}
        value={effectiveDate}
        onValue={setEffectiveDate}
      />
      <Field id="reform-file" label={trf("file")}>
        <input
          id="reform-file"
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={applying.busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (file) void applying.run(file);
          }}
        />
      </Field>
      <p>
        <button
          type="button"
          class="btn btn-small"
          disabled={template.busy}
          onClick={() => void template.run()}
        >
          {trf("template")}
        </button>
      </p>
      <OutcomeNote
        ok={applying.ok}
        error={applying.error ?? template.error}
        failure={applying.failure ?? template.failure}
      />
    </section>
  );
}
