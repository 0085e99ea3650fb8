import { useState } from "preact/hooks";
import type { ReformResultView } from "../../../../shared/api/reforms.ts";
import { messagesFor } from "../../i18n/index.ts";
import { TextField } from "../../ui/fields.tsx";
import { paths, post } from "../api.ts";
import type { Unit } from "../types.ts";
import type { ReformForm } from "./excel/reform.ts";
import { FileImport } from "./ImportFile.tsx";
import { download, importWorkbook } from "./importing.ts";

export const trf = messagesFor(
  {
    title: "Sắp xếp đơn vị hành chính",
    help: "Tệp Excel theo mẫu: mỗi dòng một đơn vị mới và các mã cũ hình thành nó. Đơn vị cũ giữ nguyên cho các kỳ trước và chấm dứt vào ngày trước ngày hiệu lực.",
    decision: "Nghị quyết / Quyết định (để trống: lấy từ tệp)",
    effectiveDate: "Hiệu lực từ ngày (dd/mm/yyyy; để trống: lấy từ tệp)",
    file: "Tệp sắp xếp đơn vị (.xlsx)",
    template: "Tải mẫu sắp xếp đơn vị",
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

const ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Reads the chosen workbook, sends the reform, and maps the API's problems back to the sheet. */
const applyFile = (file: File, form: ReformForm): Promise<string> =>
  importWorkbook(
    file,
    (excel, sheets) => excel.reformFromSheets(sheets, form),
    async (body) => {
      const result = await post<ReformResultView>(paths.reforms, body);
      return trf("applied", {
        decision: result.decision,
        units: result.units.length,
        ended: result.ended.length,
        date: dmy(result.effectiveDate),
      });
    },
  );

/** The reorganisation import of the Units screen: decision and date (or the sheet's), the file, the template. */
export function ReformImport({ onApplied }: { onApplied: () => void }) {
  const [decision, setDecision] = useState("");
  const [effectiveDate, setEffectiveDate] = useState("");
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
      <FileImport
        id="reform-file"
        label={trf("file")}
        accept={ACCEPT}
        run={(file) => applyFile(file, { decision, effectiveDate })}
        onImported={onApplied}
        templateLabel={trf("template")}
        template={async () => {
          const excel = await import("./excel/index.ts");
          download(excel.reformWorkbook(), "mau-sap-xep-don-vi.xlsx");
        }}
      />
    </section>
  );
}
