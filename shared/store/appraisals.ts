import type { Appraisal, Contest } from "../model/appraisal.ts";
import type { PeriodState } from "../model/period.ts";
import {
  type AppraisalStore,
  type AuditEntry,
  type ContestDecision,
  type Supplement,
  storeRefusals,
} from "../services/ports.ts";
import { auditPut } from "./audit.ts";
import { type DynamoConfig, type TransactItem, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";

/**
 * Appraisals and contests live in the unit's submission partition (R#{code}, C#{code}); each write
 * is guarded by the period's state in the same transaction, with its audit record, and adds one to
 * its head's `reviews`: final scoring reads again only the units whose count moved since the close.
 */
export class AppraisalRepository implements AppraisalStore {
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
      storeRefusals.appraisalClosed,
      unitId,
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
        position === 0 ? storeRefusals.alreadyContested(contest.code) : storeRefusals.contestsClosed(),
      unitId,
    );
  }

  /** A reviewer decides a contest once. */
  async decide(periodId: string, unitId: string, code: string, decision: ContestDecision, audit: AuditEntry) {
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
      (position) => (position === 0 ? storeRefusals.noOpenContest(code) : storeRefusals.decisionsClosed()),
      unitId,
    );
  }

  /** The one supplement request of a unit: reopens chosen leaves until a date. */
  async requestSupplement(
    periodId: string,
    unitId: string,
    groupId: string,
    supplement: Supplement,
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
      (position) => (position === 0 ? storeRefusals.supplementUsed() : storeRefusals.supplementsClosed()),
    );
  }

  private async write(
    periodId: string,
    state: PeriodState,
    item: TransactItem,
    audit: AuditEntry,
    refusal: (position: number) => Error,
    /** A reviewer's write to this unit's submission: counted on its head (last, never refused). */
    reviewOf?: string,
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
        ...(reviewOf
          ? [
              {
                Update: {
                  TableName: this.config.dataTable,
                  Key: keys.submissionHead(periodId, reviewOf),
                  UpdateExpression: "ADD reviews :one",
                  ExpressionAttributeValues: { ":one": 1 },
                },
              },
            ]
          : []),
      ],
      refusal,
    );
  }
}
