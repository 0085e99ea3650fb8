import { useEffect, useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import type { Submission } from "../types.ts";
import { Autosave, submissionIO } from "./autosave.ts";

export type { PendingAnswer, SaveStatus } from "./autosave.ts";

/**
 * The submission being edited, saved as the user goes (the logic is `Autosave`, autosave.ts): this
 * hook renders its state, saves when the page is hidden and warns before leaving with unsaved edits.
 */
export function useSubmission(periodId: string, unitId: string, initial: Submission) {
  const [, setTick] = useState(0);
  const [saver] = useState(
    () => new Autosave(initial, submissionIO(periodId, unitId), () => setTick((n) => n + 1)),
  );

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (saver.pending.size === 0) return;
      event.preventDefault();
      event.returnValue = t("form.unsavedLeave");
    };
    const hidden = () => {
      if (document.visibilityState === "hidden" && saver.pending.size > 0) void saver.save();
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("visibilitychange", hidden);
    };
  }, [saver]);
  useEffect(() => () => saver.stop(), [saver]);

  return {
    submission: saver.submission,
    apply: saver.apply,
    pending: saver.pending,
    status: saver.status,
    leafErrors: saver.leafErrors,
    generation: saver.generation,
    change: saver.change,
    save: saver.save,
    flush: saver.flush,
    discardMine: saver.discardMine,
    keepMine: saver.keepMine,
    write: saver.write,
    refresh: saver.refresh,
  };
}

export type SubmissionState = ReturnType<typeof useSubmission>;
