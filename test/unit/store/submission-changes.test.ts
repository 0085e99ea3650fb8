import { describe, expect, it } from "vitest";
import type { SubmissionWrite } from "../../../shared/services/ports.ts";
import { ANSWER_PREFIX, auditOfChange, changeRecordOf } from "../../../shared/store/submission-changes.ts";

const entry = (
  action: string,
  code: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) => ({
  entity: "submission#p#u",
  action,
  actor: "editor.a",
  requestId: "req-1",
  time: "2026-11-28T10:00:00.000Z",
  before: { code, ...before },
  after: { code, ...after },
});

const save = (audit: SubmissionWrite["audit"], expectVersion = 2): SubmissionWrite => ({
  periodId: "p",
  unitId: "u",
  groupId: "g",
  expectVersion,
  expectState: "draft",
  period: { nowMs: 0, extended: false },
  answers: [],
  audit,
});

const head = (version: number, answers: Record<string, unknown>, lastChange?: unknown) => ({
  periodId: "p",
  unitId: "u",
  version,
  ...Object.fromEntries(Object.entries(answers).map(([code, a]) => [`${ANSWER_PREFIX}${code}`, a])),
  ...(lastChange ? { lastChange } : {}),
});

describe("the audit records of a one-write save", () => {
  it("are the service's own records, values and notes read from the head before and after", () => {
    const audit = [
      entry("answer.save", "1.1", { value: true, note: "cũ" }, { value: false, note: "mới" }),
      entry("answer.save", "1.2", {}, { value: 3 }),
    ];
    const change = changeRecordOf(save(audit));
    expect(change).toEqual({
      version: 3,
      actor: "editor.a",
      requestId: "req-1",
      time: "2026-11-28T10:00:00.000Z",
      entries: [
        { action: "answer.save", code: "1.1" },
        { action: "answer.save", code: "1.2" },
      ],
    });
    const before = head(2, { "1.1": { value: true, note: "cũ", updatedAt: "t0", updatedBy: "x" } });
    const after = head(
      3,
      {
        "1.1": { value: false, note: "mới", updatedAt: "t", updatedBy: "editor.a" },
        "1.2": { value: 3, updatedAt: "t", updatedBy: "editor.a" },
      },
      change,
    );
    expect(auditOfChange(before, after)).toEqual(audit.map((record, seq) => ({ ...record, seq })));
  });

  it("keep what else a record's before said (a carried answer's source)", () => {
    const from = { periodId: "2024", unitId: "u" };
    const audit = [entry("answer.carry", "2.1", { from }, { value: 5 })];
    const change = changeRecordOf(save(audit, 0));
    expect(change.entries).toEqual([{ action: "answer.carry", code: "2.1", extra: { from } }]);
    const after = head(
      1,
      { "2.1": { value: 5, updatedAt: "t", updatedBy: "editor.a", carried: true } },
      change,
    );
    expect(auditOfChange(undefined, after)).toEqual([{ ...audit[0], seq: 0 }]);
  });

  it("are none for a later write that left the record on the head, or one that did not move the version", () => {
    const change = changeRecordOf(save([entry("answer.save", "1.1", {}, { value: 1 })]));
    const saved = head(3, { "1.1": { value: 1, updatedAt: "t", updatedBy: "a" } }, change);
    expect(auditOfChange(head(2, {}), saved)).toHaveLength(1);
    // A submit (version 4) and a lock or a result (version unchanged) keep the record: no new records.
    expect(auditOfChange(saved, { ...saved, version: 4, state: "submitted" })).toEqual([]);
    expect(auditOfChange(saved, { ...saved, state: "locked" })).toEqual([]);
    expect(auditOfChange(head(2, {}), head(3, {}))).toEqual([]);
    expect(auditOfChange(saved, undefined)).toEqual([]);
  });

  it("refuses a save whose records do not name their leaf", () => {
    const bad = { ...entry("answer.save", "1.1", {}, {}), after: { value: 1 } };
    expect(() => changeRecordOf(save([bad]))).toThrow("names no leaf");
    expect(() => changeRecordOf(save([]))).toThrow("without its audit records");
  });
});
