import { messagesFor } from "../../i18n/index.ts";

/** The strings of the organiser's period screen (its chunk only): consequences, preview, one unit. */
export const tp = messagesFor(
  {
    notSubmittedCol: "Không nộp",
    progressClosed: "{submitted}/{units} đơn vị đã nộp, {missing} không nộp.",
    // Consequences, one per move.
    closeEarly:
      "Đóng sớm “{name}” và chuyển sang thẩm định? {missing}/{units} đơn vị chưa nộp sẽ bị khoá với 0 điểm, ghi “Không nộp”; {submitted} đơn vị đã nộp được khoá và tính điểm tạm. Đơn vị không sửa hay nộp được nữa.",
    closeAll: "Tất cả {units} đơn vị đã nộp; bản tự đánh giá sẽ bị khoá và tính điểm tạm.",
    open: "Mở kỳ “{name}”? {units} đơn vị bắt đầu tự đánh giá, hạn nộp {closesAt}. Sau khi mở, bộ chỉ số và danh sách đơn vị không đổi được.",
    explanation:
      "Mở vòng giải trình của “{name}”? Đơn vị thấy điểm thẩm định và khiếu nại được đến {until}; thẩm định viên không sửa điểm được nữa, chỉ quyết định khiếu nại.",
    final:
      "Tính điểm chính thức của “{name}”? Điểm được tính từ kết quả thẩm định và các quyết định khiếu nại, rồi xếp hạng; không thẩm định hay khiếu nại được nữa.",
    published:
      "Công bố “{name}” (phiên bản {version})? Bảng xếp hạng dưới đây sẽ hiện trên trang công khai và trong các tệp tải về.",
    reopen:
      "Mở lại “{name}” để đính chính? Trang công khai vẫn giữ phiên bản {version} cho đến lần công bố sau (phiên bản {next}); thẩm định viên sửa được điểm, rồi phải tính điểm chính thức và công bố lại.",
    draft: "Đưa “{name}” về nháp?",
    // Publication preview.
    preview: "Bảng xếp hạng sẽ công bố",
    previewLoading: "Đang tải bảng xếp hạng…",
    rank: "Hạng",
    unit: "Đơn vị",
    points: "Điểm",
    index: "Chỉ số",
    band: "Mức",
    warnNotAppraised: "{n} đơn vị đã nộp còn chỉ tiêu chưa thẩm định.",
    warnContests: "{n} khiếu nại chưa được quyết định.",
    warnNotSubmitted: "{n} đơn vị không nộp: xếp 0 điểm, ghi “Không nộp”.",
    noWarnings: "Không có cảnh báo: mọi đơn vị đã nộp và được thẩm định, không còn khiếu nại.",
    // One unit.
    oneUnit: "Một đơn vị",
    oneUnitHelp:
      "Gia hạn nộp riêng cho một đơn vị (khi kỳ đang mở) hoặc yêu cầu bổ sung (khi đang thẩm định).",
    pickUnit: "Chọn đơn vị",
    pickUnitNone: "— chọn —",
    unitState: "Trạng thái",
    unitSubmittedAt: "Nộp lúc",
    unitPoints: "Điểm tự chấm",
    extend: "Gia hạn cho đơn vị này",
    extendTitle: "Gia hạn nộp cho {unit}",
    extendUntil: "Hạn mới (giờ Việt Nam)",
    extendHelp:
      "Hạn mới phải sau hạn chung {closesAt}. Chỉ đơn vị này được sửa và nộp đến hạn mới; kỳ tự đóng khi hạn muộn nhất qua.",
    extended: "Đã gia hạn cho {unit} đến {until}.",
    supplement: "Yêu cầu bổ sung",
    supplementTitle: "Yêu cầu {unit} bổ sung",
    supplementCodes: "Các chỉ tiêu mở lại",
    supplementUntil: "Bổ sung đến (giờ Việt Nam)",
    supplementMessage: "Lời nhắn cho đơn vị",
    supplementHelp:
      "Mỗi đơn vị chỉ được yêu cầu bổ sung một lần. Đơn vị sửa được câu trả lời và tài liệu của các chỉ tiêu đã chọn đến hạn này.",
    supplementPick: "Chọn ít nhất một chỉ tiêu.",
    supplemented: "Đã yêu cầu {unit} bổ sung {n} chỉ tiêu đến {until}.",
    noUnitAction: "Ở bước này không có thao tác riêng cho một đơn vị.",
    exportExcel: "Xuất Excel",
    exportExcelOf: "Xuất Excel bộ chỉ số {id}",
  },
  {
    notSubmittedCol: "Not submitted",
    progressClosed: "{submitted}/{units} units submitted, {missing} did not.",
    closeEarly:
      "Close “{name}” early and move to appraisal? {missing} of {units} units have not submitted: they are locked with 0 points and marked “Not submitted”; the {submitted} that submitted are locked and scored provisionally. No unit can edit or submit after this.",
    closeAll: "All {units} units have submitted; their self-assessments are locked and scored provisionally.",
    open: "Open “{name}”? {units} units start their self-assessment, due {closesAt}. Once open, the index set and the list of units cannot change.",
    explanation:
      "Open the explanation round of “{name}”? Units see their appraised points and may contest until {until}; reviewers no longer change points, they decide contests.",
    final:
      "Compute the final results of “{name}”? Points come from the appraisals and the contest decisions, then units are ranked; no more appraisals or contests.",
    published:
      "Publish “{name}” (version {version})? The ranking below goes on the public page and into the downloads.",
    reopen:
      "Reopen “{name}” for a correction? The public page keeps version {version} until the next publication (version {next}); reviewers may change points, then the results must be computed and published again.",
    draft: "Move “{name}” back to draft?",
    preview: "The ranking to be published",
    previewLoading: "Loading the ranking…",
    rank: "Rank",
    unit: "Unit",
    points: "Points",
    index: "Index",
    band: "Band",
    warnNotAppraised: "{n} submitted units have indicators not yet appraised.",
    warnContests: "{n} contests are not decided.",
    warnNotSubmitted: "{n} units did not submit: 0 points, marked “Not submitted”.",
    noWarnings: "No warnings: every unit submitted and was appraised, no contest is pending.",
    oneUnit: "One unit",
    oneUnitHelp:
      "Extend one unit's deadline (while the period is open) or request a supplement (during appraisal).",
    pickUnit: "Choose a unit",
    pickUnitNone: "— choose —",
    unitState: "State",
    unitSubmittedAt: "Submitted at",
    unitPoints: "Self-assessed points",
    extend: "Extend this unit's deadline",
    extendTitle: "Extend the deadline of {unit}",
    extendUntil: "New deadline (Vietnam time)",
    extendHelp:
      "The new deadline must be after the period's {closesAt}. Only this unit may edit and submit until then; the period closes by itself when the latest deadline passes.",
    extended: "{unit} may submit until {until}.",
    supplement: "Request a supplement",
    supplementTitle: "Ask {unit} for a supplement",
    supplementCodes: "Indicators to reopen",
    supplementUntil: "Until (Vietnam time)",
    supplementMessage: "Message to the unit",
    supplementHelp:
      "Each unit may be asked for a supplement once. The unit may change the answers and evidence of the chosen indicators until then.",
    supplementPick: "Choose at least one indicator.",
    supplemented: "{unit} was asked to supplement {n} indicators until {until}.",
    noUnitAction: "There is nothing to do for one unit at this step.",
    exportExcel: "Export to Excel",
    exportExcelOf: "Export to Excel: index set {id}",
  },
);
