import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../i18n/index.ts";
import { ApiError, call, errorText, get, paths } from "../api.ts";
import type { Submission } from "../types.ts";

export type SaveStatus =
  | { kind: "idle" }
  | { kind: "unsaved" }
  | { kind: "saving" }
  | { kind: "saved"; at: Date }
  | { kind: "offline" }
  | { kind: "invalid" }
  | { kind: "error"; message: string }
  | { kind: "conflict" }
  | { kind: "closed"; message: string };

export interface PendingAnswer {
  value?: unknown;
  note?: string | null;
}

/** At most this many answers per PATCH (the API's MAX_ANSWERS_PER_SAVE). */
const BATCH = 40;
const DEBOUNCE_MS = 700;
const OFFLINE_RETRY_MS = 5000;

/**
 * The submission being edited, saved as the user goes: edits wait DEBOUNCE_MS, then go in one PATCH
 * with If-Match: "<version>". A 412 (someone else saved meanwhile) stops saving until the user
 * chooses to load the other version or to keep theirs; a lost connection retries. Every write to the
 * submission (answers, evidence) runs in one queue, so the version sent is always the latest known.
 */
export function useSubmission(periodId: string, unitId: string, initial: Submission) {
  const [submission, setSubmission] = useState(initial);
  const current = useRef(initial);
  const pending = useRef(new Map<string, PendingAnswer>());
  const [, setTick] = useState(0);
  const [status, setStatus] = useState<SaveStatus>({ kind: "idle" });
  const [leafErrors, setLeafErrors] = useState<Record<string, string>>({});
  const [generation, setGeneration] = useState(0);
  const conflict = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const bump = () => setTick((n) => n + 1);
  const apply = useCallback((next: Submission) => {
    current.current = next;
    setSubmission(next);
  }, []);

  /** Runs writes one after another. */
  const run = useCallback(<T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.current.then(task, task);
    queue.current = next.catch(() => undefined);
    return next;
  }, []);

  const refresh = useCallback(async () => {
    apply(await get<Submission>(paths.submission(periodId, unitId)));
  }, [periodId, unitId, apply]);

  const schedule = (ms = DEBOUNCE_MS) => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void save(), ms);
  };

  const save = (): Promise<void> =>
    run(async () => {
      window.clearTimeout(timer.current);
      if (conflict.current || pending.current.size === 0) return;
      const batch = [...pending.current.entries()].slice(0, BATCH);
      setStatus({ kind: "saving" });
      try {
        const { data } = await call<Submission>(
          "PATCH",
          paths.answers(periodId, unitId),
          { answers: Object.fromEntries(batch) },
          { "if-match": `"${current.current.version}"` },
        );
        for (const [code, sent] of batch)
          if (pending.current.get(code) === sent) pending.current.delete(code);
        apply(data);
        setLeafErrors((errors) => {
          const next = { ...errors };
          for (const [code] of batch) delete next[code];
          return next;
        });
        setStatus({ kind: "saved", at: new Date() });
        if (pending.current.size > 0) schedule(0);
      } catch (error) {
        if (!(error instanceof ApiError)) setStatus({ kind: "error", message: String(error) });
        else if (error.status === 412) {
          conflict.current = true;
          setStatus({ kind: "conflict" });
        } else if (error.status === 422) {
          const errors: Record<string, string> = {};
          for (const detail of error.details) {
            const code = /^answers\.(.+?)(\.value|\.note)?$/.exec(detail.path)?.[1];
            if (code) {
              errors[code] = detail.message;
              pending.current.delete(code);
            }
          }
          if (Object.keys(errors).length === 0) setStatus({ kind: "error", message: errorText(error) });
          else setStatus({ kind: "invalid" });
          setLeafErrors((old) => ({ ...old, ...errors }));
          if (pending.current.size > 0) schedule(0);
        } else if (error.status === 409) {
          setStatus({ kind: "closed", message: errorText(error) });
          await refresh().catch(() => undefined);
        } else if (error.status === 0) {
          setStatus({ kind: "offline" });
          schedule(OFFLINE_RETRY_MS);
        } else setStatus({ kind: "error", message: errorText(error) });
      } finally {
        bump();
      }
    });

  const change = (code: string, part: PendingAnswer) => {
    pending.current.set(code, { ...pending.current.get(code), ...part });
    setLeafErrors((errors) => {
      if (!(code in errors)) return errors;
      const next = { ...errors };
      delete next[code];
      return next;
    });
    if (!conflict.current) setStatus({ kind: "unsaved" });
    bump();
    schedule();
  };

  /** Saves everything waiting; resolves when nothing is left or saving stopped on an error. */
  const flush = async (): Promise<boolean> => {
    for (let i = 0; i < 50 && pending.current.size > 0 && !conflict.current; i++) {
      const before = pending.current.size;
      await save();
      if (pending.current.size >= before) break;
    }
    return pending.current.size === 0 && !conflict.current;
  };

  /** After a 412: take the stored version and drop this user's unsaved edits. */
  const discardMine = () =>
    run(async () => {
      await refresh();
      pending.current.clear();
      conflict.current = false;
      setLeafErrors({});
      setGeneration((g) => g + 1);
      setStatus({ kind: "idle" });
    });

  /** After a 412: take the stored version's number and save this user's edits over it. */
  const keepMine = async () => {
    await run(async () => {
      await refresh();
      conflict.current = false;
      setStatus({ kind: "unsaved" });
    });
    await save();
  };

  /** An evidence change (or submit/withdraw): in the queue, then the submission re-read for its version. */
  const write = <T>(operation: () => Promise<T>, reread = true): Promise<T> =>
    run(async () => {
      const result = await operation();
      if (reread) await refresh().catch(() => undefined);
      return result;
    });

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (pending.current.size === 0) return;
      event.preventDefault();
      event.returnValue = t("form.unsavedLeave");
    };
    const hidden = () => {
      if (document.visibilityState === "hidden" && pending.current.size > 0) void save();
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("visibilitychange", hidden);
    };
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);

  return {
    submission,
    apply,
    pending: pending.current,
    status,
    leafErrors,
    generation,
    change,
    save,
    flush,
    discardMine,
    keepMine,
    write,
    refresh,
  };
}

export type SubmissionState = ReturnType<typeof useSubmission>;
