import { useCallback, useRef, useState } from "preact/hooks";
import { ApiError, errorText } from "./api.ts";

/**
 * The one owner of "busy" in the app: runs an action once at a time, keeps its error as text (and the
 * API's details, for forms that list them), and clears the error when it runs again. A second call
 * while the first runs is ignored, so a double click sends one request.
 *
 *   const save = useAction(async () => { await put(path, body); onDone(); });
 *   <button disabled={save.busy} onClick={save.run}>…</button> {save.error && <p role="alert">{save.error}</p>}
 */
export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  busy: boolean;
  /** The last failure as readable text, or null. */
  error: string | null;
  /** The last failure itself (an ApiError carries status, code and details), or null. */
  failure: unknown;
  /** Sets or clears the error by hand (a check before sending, a dismissed message). */
  setError: (error: string | null) => void;
}

/** `describe` turns a failure into the text shown (the API's message by default). */
export function useAction<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  describe: (failure: unknown) => string = errorText,
): Action<A> {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  const latest = useRef({ action, describe });
  latest.current = { action, describe };
  const run = useCallback(async (...args: A) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    setFailure(null);
    try {
      await latest.current.action(...args);
    } catch (e) {
      setFailure(e);
      setError(latest.current.describe(e));
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { run, busy, error, failure, setError };
}

/** The API's per-field problems of a failed action (empty for any other failure). */
export const detailsOf = (failure: unknown) => (failure instanceof ApiError ? failure.details : []);
