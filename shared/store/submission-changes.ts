import type { AuditEntry, StoredAnswer, SubmissionWrite } from "../services/ports.ts";

/**
 * What a one-write save leaves on the head for its audit records (`lastChange`): who, when, which
 * request, and per record its action, its leaf and what else its "before" said (a carried answer's
 * source). The values are not copied: the stream gives the head before and after the save, and the
 * records take each answer's value and note from there — a save of 40 long notes does not carry
 * them twice more in the item.
 */
export interface ChangeRecord {
  /** The head's version this save wrote: a record is derived only from the write that set it. */
  version: number;
  actor: string;
  requestId: string;
  time: string;
  entries: { action: string; code: string; extra?: Record<string, unknown> }[];
}

const ANSWER_FIELDS = new Set(["code", "value", "note"]);

/** A head keeps each answer in an attribute of its own, `A#{code}`: a save sets only its answers'. */
export const ANSWER_PREFIX = "A#";

/** The change record of a one-write save, from the audit entries the service gave it. */
export function changeRecordOf(change: SubmissionWrite): ChangeRecord {
  const [first] = change.audit;
  if (!first) throw new Error("a save without its audit records");
  return {
    version: change.expectVersion + 1,
    actor: first.actor,
    requestId: first.requestId,
    time: first.time,
    entries: change.audit.map((entry) => {
      const code = (entry.after as { code?: unknown } | undefined)?.code;
      if (typeof code !== "string") throw new Error(`audit record ${entry.action} names no leaf`);
      const extra = Object.entries((entry.before ?? {}) as Record<string, unknown>).filter(
        ([key]) => !ANSWER_FIELDS.has(key),
      );
      return { action: entry.action, code, ...(extra.length ? { extra: Object.fromEntries(extra) } : {}) };
    }),
  };
}

type Kept = Omit<StoredAnswer, "code">;

/** An answer as the audit log shows it: its code, value and note (when there is one). */
const shown = (code: string, answer: Kept) => ({
  code,
  value: answer.value,
  ...(answer.note !== undefined ? { note: answer.note } : {}),
});

/**
 * The audit records of a change of a submission head, from the head before and after it (a stream
 * record's images): those of the one-write save that set `lastChange`, none for any other change
 * (a lock, a result, a submit: the record stays on the head, naming a version it no longer has, or
 * the version did not move). Keyed as the service's own records (time,
 * request, order), so a record delivered twice is written twice to the same key.
 */
export function auditOfChange(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): AuditEntry[] {
  const change = after?.lastChange as ChangeRecord | undefined;
  if (!after || !change || change.version !== after.version || before?.version === after.version) return [];
  const entity = `submission#${after.periodId as string}#${after.unitId as string}`;
  return change.entries.map(({ action, code, extra }, seq) => {
    const previous = before?.[`${ANSWER_PREFIX}${code}`] as Kept | undefined;
    const next = after[`${ANSWER_PREFIX}${code}`] as Kept | undefined;
    return {
      entity,
      action,
      actor: change.actor,
      requestId: change.requestId,
      time: change.time,
      before: { ...(previous ? shown(code, previous) : { code }), ...extra },
      after: next ? shown(code, next) : { code },
      seq,
    };
  });
}
