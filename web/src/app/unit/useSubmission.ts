import { useEffect, useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { beforeNavigate } from "../../router.ts";
import type { Submission } from "../types.ts";
import { Autosave, submissionIO } from "./autosave.ts";

export type { PendingAnswer, SaveStatus } from "./autosave.ts";

/**
 * The submission being edited, saved as the user goes (the logic is `Autosave`, autosave.ts): this
 * hook renders its state, saves when the page is hidden, before an in-app navigation and when the form
 * goes, sends a keepalive save when the tab closes and warns before leaving with unsaved edits.
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
    // The tab closes or reloads: a keepalive request outlives the page.
    const gone = () => saver.leave();
    window.addEventListener("beforeunload", warn);
    document.addEventListener("visibilitychange", hidden);
    window.addEventListener("pagehide", gone);
    // An in-app link waits for the save; if it cannot land, the user chooses.
    const unguard = beforeNavigate(() => saver.beforeLeave(() => window.confirm(t("form.unsavedLeave"))));
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("visibilitychange", hidden);
      window.removeEventListener("pagehide", gone);
      unguard();
      saver.close();
    };
  }, [saver]);

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
