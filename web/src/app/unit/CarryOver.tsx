import { messagesFor } from "../../i18n/index.ts";
import { paths, post } from "../api.ts";
import type { Submission } from "../types.ts";
import { useAction } from "../useAction.ts";
import type { SubmissionState } from "./useSubmission.ts";

const tc = messagesFor(
  {
    start: "Bắt đầu từ kỳ trước",
    startHelp:
      "Chép câu trả lời của lần tự đánh giá gần nhất vào các chỉ tiêu còn trống, cùng minh chứng đã xác nhận (không phải tải lên lại). Mỗi câu trả lời chép sang chưa được tính điểm cho đến khi đơn vị xác nhận.",
    carried: "Chuyển từ kỳ trước — cần xác nhận",
    unconfirmed:
      "Chuyển từ kỳ trước nhưng không được xác nhận trước khi khóa: không có giá trị, không tính điểm.",
    confirm: "Xác nhận",
  },
  {
    start: "Start from the previous period",
    startHelp:
      "Copies the last self-assessment's answers into the indicators still empty, with its confirmed evidence (nothing to upload again). Each copied answer scores nothing until the unit confirms it.",
    carried: "Carried over from the previous period — confirm it",
    unconfirmed:
      "Carried over from the previous period but never confirmed before the lock: no value, no points.",
    confirm: "Confirm",
  },
);

/** The draft's "start from the previous period" action (POST …/carry-over); its result replaces the form's. */
export function CarryOverButton({ state }: { state: SubmissionState }) {
  const sub = state.submission;
  const run = useAction(async () => {
    await state.flush();
    state.apply(await post<Submission>(paths.carryOver(sub.periodId, sub.unitId), {}));
  });
  if (!sub.editable || sub.state !== "draft") return null;
  return (
    <p class="carry-over">
      <button type="button" class="btn btn-small" disabled={run.busy} onClick={() => void run.run()}>
        {tc("start")}
      </button>{" "}
      <span class="muted">{tc("startHelp")}</span>
      {run.error && (
        <span class="input-error" role="alert">
          {" "}
          {run.error}
        </span>
      )}
    </p>
  );
}

/** A carried answer's mark and its "Xác nhận": saving the same value confirms it. */
export function CarriedMark({
  code,
  state,
  editable,
}: {
  code: string;
  state: SubmissionState;
  editable: boolean;
}) {
  const stored = state.submission.answers[code];
  if (!stored?.carried || state.pending.has(code)) return null;
  // Locked: the carried value is gone (it was never the unit's answer); nothing left to confirm.
  if (state.submission.state === "locked")
    return <p class="carried-mark notice notice-warn">{tc("unconfirmed")}</p>;
  return (
    <p class="carried-mark notice notice-warn">
      {tc("carried")}{" "}
      {editable && (
        <button
          type="button"
          class="btn btn-small"
          onClick={() => state.change(code, { value: stored.value })}
        >
          {tc("confirm")}
        </button>
      )}
    </p>
  );
}
