import { getSession } from "../../auth/session.ts";
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
export const BATCH = 40;
export const DEBOUNCE_MS = 700;
export const OFFLINE_RETRY_MS = 5000;

/** How the autosave reaches the API (a test may pass its own). */
export interface SubmissionIO {
  /** PATCH the answers with If-Match: "<version>"; the stored submission after. */
  saveAnswers(answers: Record<string, PendingAnswer>, version: number): Promise<Submission>;
  load(): Promise<Submission>;
  /** The same PATCH as a keepalive request that outlives the page (tab closed); nothing is read back. */
  saveOnLeave?(answers: Record<string, PendingAnswer>, version: number): void;
}

export const submissionIO = (periodId: string, unitId: string): SubmissionIO => ({
  saveAnswers: async (answers, version) =>
    (
      await call<Submission>(
        "PATCH",
        paths.answers(periodId, unitId),
        { answers },
        { "if-match": `"${version}"` },
      )
    ).data,
  load: () => get<Submission>(paths.submission(periodId, unitId)),
  saveOnLeave: (answers, version) => {
    // No await may run while the page unloads: the token in hand, fetch with keepalive.
    const token = getSession()?.idToken;
    if (!token) return;
    void fetch(paths.answers(periodId, unitId), {
      method: "PATCH",
      keepalive: true,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "if-match": `"${version}"`,
      },
      body: JSON.stringify({ answers }),
    }).catch(() => undefined);
  },
});

/** The leaf a 422 detail is about ("answers.1.2.value" → "1.2"), or undefined. */
export const leafOfDetail = (path: string) => /^answers\.(.+?)(\.value|\.note)?$/.exec(path)?.[1];

/**
 * The submission being edited, saved as the user goes: edits wait DEBOUNCE_MS, then go in one PATCH
 * with If-Match: "<version>". A 412 (someone else saved meanwhile) stops saving until the user
 * chooses to load the other version or to keep theirs; a lost connection retries. Every write to the
 * submission (answers, evidence) runs in one queue, so the version sent is always the latest known.
 * Plain TypeScript: `useSubmission` renders it, tests drive it with fake timers.
 */
export class Autosave {
  readonly pending = new Map<string, PendingAnswer>();
  submission: Submission;
  status: SaveStatus = { kind: "idle" };
  leafErrors: Record<string, string> = {};
  /** Counts "drop my edits": the form's fields are re-created from the stored values. */
  generation = 0;
  private conflict = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    initial: Submission,
    private readonly io: SubmissionIO,
    /** Called after every change of state. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.submission = initial;
  }

  apply = (next: Submission): void => {
    this.submission = next;
    this.changed();
  };

  private setStatus(status: SaveStatus): void {
    this.status = status;
    this.changed();
  }

  private setLeafErrors(errors: Record<string, string>): void {
    this.leafErrors = errors;
    this.changed();
  }

  /** Runs writes one after another. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  refresh = async (): Promise<void> => {
    this.apply(await this.io.load());
  };

  private schedule(ms = DEBOUNCE_MS): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), ms);
  }

  /** Stops a waiting save (tests). */
  stop(): void {
    clearTimeout(this.timer);
  }

  /** The form is gone (an in-app move, the back button): what waits is saved now, not dropped. */
  close(): void {
    clearTimeout(this.timer);
    if (this.pending.size > 0 && !this.conflict) void this.save();
  }

  /** The page is being unloaded: the waiting answers go in one keepalive request. */
  leave(): void {
    if (this.pending.size === 0 || this.conflict || !this.io.saveOnLeave) return;
    clearTimeout(this.timer);
    const batch = [...this.pending.entries()].slice(0, BATCH);
    this.io.saveOnLeave(Object.fromEntries(batch), this.submission.version);
  }

  /**
   * Before an in-app navigation: saves what waits; true to go on. A save that cannot land (a
   * conflict, an error) asks the user (`ask`), who may stay.
   */
  beforeLeave = async (ask: () => boolean): Promise<boolean> => {
    clearTimeout(this.timer);
    if (this.pending.size === 0) {
      await this.queue;
      return true;
    }
    if (await this.flush()) return true;
    return ask();
  };

  save = (): Promise<void> =>
    this.run(async () => {
      clearTimeout(this.timer);
      if (this.conflict || this.pending.size === 0) return;
      const batch = [...this.pending.entries()].slice(0, BATCH);
      this.setStatus({ kind: "saving" });
      try {
        const data = await this.io.saveAnswers(Object.fromEntries(batch), this.submission.version);
        for (const [code, sent] of batch) if (this.pending.get(code) === sent) this.pending.delete(code);
        this.apply(data);
        const errors = { ...this.leafErrors };
        for (const [code] of batch) delete errors[code];
        this.setLeafErrors(errors);
        this.setStatus({ kind: "saved", at: new Date() });
        if (this.pending.size > 0) this.schedule(0);
      } catch (error) {
        await this.failed(error);
      }
    });

  private async failed(error: unknown): Promise<void> {
    if (!(error instanceof ApiError)) return this.setStatus({ kind: "error", message: String(error) });
    if (error.status === 412) {
      this.conflict = true;
      return this.setStatus({ kind: "conflict" });
    }
    if (error.status === 422) {
      const errors: Record<string, string> = {};
      for (const detail of error.details) {
        const code = leafOfDetail(detail.path);
        if (code) {
          errors[code] = detail.message;
          this.pending.delete(code);
        }
      }
      if (Object.keys(errors).length === 0) this.setStatus({ kind: "error", message: errorText(error) });
      else this.setStatus({ kind: "invalid" });
      this.setLeafErrors({ ...this.leafErrors, ...errors });
      if (this.pending.size > 0) this.schedule(0);
      return;
    }
    if (error.status === 409) {
      this.setStatus({ kind: "closed", message: errorText(error) });
      await this.refresh().catch(() => undefined);
      return;
    }
    if (error.status === 0) {
      this.setStatus({ kind: "offline" });
      this.schedule(OFFLINE_RETRY_MS);
      return;
    }
    this.setStatus({ kind: "error", message: errorText(error) });
  }

  change = (code: string, part: PendingAnswer): void => {
    this.pending.set(code, { ...this.pending.get(code), ...part });
    if (code in this.leafErrors) {
      const errors = { ...this.leafErrors };
      delete errors[code];
      this.leafErrors = errors;
    }
    if (!this.conflict) this.status = { kind: "unsaved" };
    this.changed();
    this.schedule();
  };

  /** Saves everything waiting; true when nothing is left, false when saving stopped on an error. */
  flush = async (): Promise<boolean> => {
    for (let i = 0; i < 50 && this.pending.size > 0 && !this.conflict; i++) {
      const before = this.pending.size;
      await this.save();
      if (this.pending.size >= before) break;
    }
    return this.pending.size === 0 && !this.conflict;
  };

  /** After a 412: take the stored version and drop this user's unsaved edits. */
  discardMine = (): Promise<void> =>
    this.run(async () => {
      await this.refresh();
      this.pending.clear();
      this.conflict = false;
      this.leafErrors = {};
      this.generation++;
      this.setStatus({ kind: "idle" });
    });

  /** After a 412: take the stored version's number and save this user's edits over it. */
  keepMine = async (): Promise<void> => {
    await this.run(async () => {
      await this.refresh();
      this.conflict = false;
      this.setStatus({ kind: "unsaved" });
    });
    await this.save();
  };

  /** An evidence change (or submit/withdraw): in the queue, then the submission re-read for its version. */
  write = <T>(operation: () => Promise<T>, reread = true): Promise<T> =>
    this.run(async () => {
      const result = await operation();
      if (reread) await this.refresh().catch(() => undefined);
      return result;
    });
}
