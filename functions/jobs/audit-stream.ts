import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import middy from "@middy/core";
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { AuditLog } from "../../shared/store/audit.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { auditOfChange } from "../../shared/store/submission-changes.ts";
import { logger } from "../http/logger.ts";

type Image = Parameters<typeof unmarshall>[0];
const imageOf = (image: unknown) => (image ? unmarshall(image as Image) : undefined);

/**
 * The data table's stream (submission heads whose save left a change record): writes the audit
 * records each save implies, in stream order. A record that fails is reported with the ones after it
 * (Lambda retries from there, then sends what it cannot write to the dead-letter queue); a record
 * delivered again rewrites the same keys.
 */
export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const audit = new AuditLog(dynamoFromEnv());
    let written = 0;
    for (const record of event.Records) {
      const entries = auditOfChange(imageOf(record.dynamodb?.OldImage), imageOf(record.dynamodb?.NewImage));
      try {
        await Promise.all(entries.map((entry) => audit.append(entry)));
        written += entries.length;
      } catch (error) {
        logger.error("audit records not written", { error, sequence: record.dynamodb?.SequenceNumber });
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? "" }] };
      }
    }
    logger.info("audit records written", { records: event.Records.length, written });
    return { batchItemFailures: [] };
  });
