import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { StoredMeasurement } from "../model/measurement.ts";
import type { MeasurementPut, MeasurementStore } from "../services/ports.ts";
import { chunks, mapLimit } from "./batches.ts";
import { batchGetAll, type DynamoConfig } from "./dynamo.ts";
import { keys } from "./keys.ts";

/** TransactWriteItems takes 100 items; requests in flight per push. */
const PUTS_PER_TRANSACTION = 100;
const TRANSACTIONS_IN_FLIGHT = 4;
/** Conditional puts in flight when a transaction was cancelled and its values go one by one. */
const PUTS_IN_FLIGHT = 16;

const toMeasurement = ({ pk: _pk, sk: _sk, asOfMs: _ms, ...item }: Record<string, unknown>) =>
  item as unknown as StoredMeasurement;

/**
 * Measured values live in the unit's submission partition (sk `M#{code}`), so the submission's one
 * Query reads them with its answers; they are their own items, never in a transaction with the head,
 * so a push and the unit's own saves never refuse or overwrite each other.
 */
export class MeasurementRepository implements MeasurementStore {
  constructor(private readonly config: DynamoConfig) {}

  async getMany(
    periodId: string,
    wanted: readonly { unitId: string; code: string }[],
  ): Promise<Map<string, StoredMeasurement>> {
    const items = await batchGetAll(
      this.config.client,
      this.config.dataTable,
      wanted.map((w) => keys.measurement(periodId, w.unitId, w.code)),
      { consistent: true },
    );
    const prefix = keys.submissionPartition(periodId, "");
    return new Map(
      items.map((item) => [
        `${(item.pk as string).slice(prefix.length)}#${item.code as string}`,
        toMeasurement(item),
      ]),
    );
  }

  /**
   * Each value lands unless a newer asOf got there first (then false: the caller reports it stale).
   * Every put is conditional ("newest asOf wins" under a race, a first value too: BatchWriteItem has no
   * conditions), PUTS_PER_TRANSACTION per TransactWriteItems, so 5,000 values are 50 requests instead of
   * 5,000. A transaction is all or nothing: when it is cancelled (one value met a newer one, or another
   * push wrote the same item at that moment) its values are put one by one, each with its condition.
   */
  async putMany(puts: readonly MeasurementPut[]): Promise<boolean[]> {
    const results = await mapLimit(
      chunks(puts, PUTS_PER_TRANSACTION),
      TRANSACTIONS_IN_FLIGHT,
      async (chunk) => {
        try {
          await this.config.client.send(
            new TransactWriteCommand({
              TransactItems: chunk.map((put) => ({ Put: this.conditionalPut(put) })),
            }),
          );
          return chunk.map(() => true);
        } catch (error) {
          if (error instanceof TransactionCanceledException) return this.putEach(chunk);
          throw error;
        }
      },
    );
    return results.flat();
  }

  private putEach(puts: readonly MeasurementPut[]): Promise<boolean[]> {
    return mapLimit(puts, PUTS_IN_FLIGHT, async (put) => {
      try {
        await this.config.client.send(new PutCommand(this.conditionalPut(put)));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    });
  }

  private conditionalPut({ periodId, unitId, measurement }: MeasurementPut) {
    const asOfMs = Date.parse(measurement.asOf);
    return {
      TableName: this.config.dataTable,
      Item: { ...keys.measurement(periodId, unitId, measurement.code), ...measurement, asOfMs },
      ConditionExpression: "attribute_not_exists(sk) OR asOfMs <= :asOfMs",
      ExpressionAttributeValues: { ":asOfMs": asOfMs },
    };
  }
}
