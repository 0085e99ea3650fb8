import { type StoredAnswer, type SubmissionWrite, SubmissionWriteConflict } from "../services/ports.ts";
import { keys } from "./keys.ts";
import { ANSWER_PREFIX } from "./submission-changes.ts";

/**
 * The submission head's conditional update, shared by the one-write save and the transactions
 * (shared/store/submissions.ts), and how a refusal of it reads.
 */

/** The head's list keys (index byHead): a period's heads by group, then unit. */
export function listKeys(periodId: string, groupId: string, unitId: string) {
  return { ":hpk": keys.submissionList(periodId), ":hsk": `${groupId}#${unitId}` };
}

/** The head's version is the one read; version 0 is also a head not written yet. */
export const versionCondition = (version: number) =>
  version === 0
    ? "(attribute_not_exists(#version) OR #version = :expectVersion)"
    : "#version = :expectVersion";

/** Why a head refused a write, from the head as it was. */
export function conflictOf(change: SubmissionWrite, old: Record<string, unknown> | undefined) {
  if (((old?.version as number | undefined) ?? 0) !== change.expectVersion)
    return new SubmissionWriteConflict("version", old);
  if ((old?.state ?? "draft") !== change.expectState) return new SubmissionWriteConflict("state", old);
  return new SubmissionWriteConflict("period", old); // the unit's own extension (or supplement) has run out
}

/** An answer as the head keeps it, under its code. */
const keptAnswer = ({ code: _code, ...answer }: StoredAnswer) => answer;

/**
 * The head's update of a write: version up, state, the given head fields and the answers (an
 * attribute each), under the version, state and unit deadline conditions.
 */
export function headUpdate(table: string, change: SubmissionWrite) {
  const { periodId, unitId } = change;
  const names: Record<string, string> = { "#state": "state", "#version": "version" };
  const values: Record<string, unknown> = {
    ":one": 1,
    ":zero": 0,
    ":expectState": change.expectState,
    ":expectVersion": change.expectVersion,
    ":next": change.nextState ?? change.expectState,
    ":groupId": change.groupId,
    ":periodId": periodId,
    ":unitId": unitId,
    ...listKeys(periodId, change.groupId, unitId),
    ":updatedAt": change.audit[0]?.time ?? new Date(change.period.nowMs).toISOString(),
  };
  const sets = [
    "#version = if_not_exists(#version, :zero) + :one",
    "#state = :next",
    "groupId = :groupId",
    "periodId = :periodId",
    "unitId = :unitId",
    "hpk = :hpk",
    "hsk = :hsk",
    "updatedAt = :updatedAt",
  ];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(change.head ?? {})) {
    names[`#${field}`] = field;
    if (value === null) removes.push(`#${field}`);
    else {
      values[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  (change.answers ?? []).forEach((answer, i) => {
    names[`#a${i}`] = `${ANSWER_PREFIX}${answer.code}`;
    values[`:a${i}`] = keptAnswer(answer);
    sets.push(`#a${i} = :a${i}`);
  });
  const conditions = [
    // A head may exist at version 0 before the unit's first write (a deadline extension made it).
    versionCondition(change.expectVersion),
    change.expectState === "draft"
      ? "(attribute_not_exists(#state) OR #state = :expectState)"
      : "#state = :expectState",
  ];
  if (change.period.extended || change.period.supplement) {
    values[":now"] = change.period.nowMs;
    conditions.push(change.period.supplement ? "supplementUntilMs > :now" : "extendedUntilMs > :now");
  }
  return {
    TableName: table,
    Key: keys.submissionHead(periodId, unitId),
    UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
  };
}
