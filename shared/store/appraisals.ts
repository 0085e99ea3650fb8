import { conflict } from "../errors.ts";
import type { Appraisal, Contest } from "../model/appraisal.ts";
import type { PeriodState } from "../model/period.ts";
import { type AuditEntry, auditPut } from "./audit.ts";
import { type DynamoConfig, type TransactItem, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";
import type { SubmissionHead } from "./submissions.ts";

/**
 * Appraisals and contests live in the unit's submission partition (R#{code}, C#{code}); each write
 * is guarded by the period's state in the same transaction, with its audit record.
 */
export class AppraisalRepository {
  constructor(private readonly config: DynamoConfig) {}

  async putAppraisal(
    periodId: string,
    unitId: string,
    appraisal: Appraisal,
    audit: AuditEntry,
  ): Promise<void> {
    await this.write(
      periodId,
      "appraisal",
      {
        Put: {
          TableName: this.config.dataTable,
          Item: { ...keys.appraisal(periodId, unitId, appraisal.code), ...appraisal },
        },
      },
      audit,
      () => conflict("appraisal-closed", "appraisals are taken only while the period is in appraisal"),
    );
  }

  /** A unit contests a leaf once. */
  async putContest(periodId: string, unitId: string, contest: Contest, audit: AuditEntry): Promise<void> {
    await this.write(
      periodId,
      "explanation",
      {
        Put: {
          TableName: this.config.dataTable,
          Item: { ...keys.contest(periodId, unitId, contest.code), ...contest },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      audit,
      (position) =>
        position === 0
          ? conflict("already-contested", `indicator ${contest.code} is already contested`)
          : conflict("not-explanation-round", "contests are taken only in the explanation round"),
    );
  }

  /** A reviewer decides a contest once. */
  async decide(
    periodId: string,
    unitId: string,
    code: string,
    decision: NonNullable<Contest["decision"]>,
    audit: AuditEntry,
  ) {
    await this.write(
      periodId,
      "explanation",
      {
        Update: {
          TableName: this.config.dataTable,
          Key: keys.contest(periodId, unitId, code),
          UpdateExpression: "SET decision = :decision",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(decision)",
          ExpressionAttributeValues: { ":decision": decision },
        },
      },
      audit,
      (position) =>
        position === 0
          ? conflict("no-open-contest", `there is no undecided contest of ${code}`)
          : conflict("not-explanation-round", "contests are decided in the explanation round"),
    );
  }

  /** The one supplement request of a unit: reopens chosen leaves until a date. */
  async requestSupplement(
    periodId: string,
    unitId: string,
    groupId: string,
    supplement: NonNullable<SubmissionHead["supplement"]>,
    audit: AuditEntry,
  ): Promise<void> {
    await this.write(
      periodId,
      "appraisal",
      {
        Update: {
          TableName: this.config.dataTable,
          Key: keys.submissionHead(periodId, unitId),
          UpdateExpression:
            "SET supplement = :supplement, supplementUntilMs = :until, groupId = if_not_exists(groupId, :groupId)",
          ConditionExpression: "attribute_not_exists(supplement)",
          ExpressionAttributeValues: {
            ":supplement": supplement,
            ":until": Date.parse(supplement.until),
            ":groupId": groupId,
          },
        },
      },
      audit,
      (position) =>
        position === 0
          ? conflict("supplement-used", "this unit has already had its one supplement request")
          : conflict("appraisal-closed", "supplements are requested during appraisal"),
    );
  }

  private async write(
    periodId: string,
    state: PeriodState,
    item: TransactItem,
    audit: AuditEntry,
    refusal: (position: number) => Error,
  ): Promise<void> {
    await transact(
      this.config.client,
      [
        item,
        {
          ConditionCheck: {
            TableName: this.config.dataTable,
            Key: keys.period(periodId),
            ConditionExpression: "#state = :state",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: { ":state": state },
          },
        },
        auditPut(this.config, audit),
      ],
      refusal,
    );
  }
}
