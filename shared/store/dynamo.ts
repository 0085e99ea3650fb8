import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  paginateQuery,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { conflict } from "../errors.ts";
import { chunks, mapLimit } from "./batches.ts";

/**
 * The one DynamoDB document client of a process. Endpoint and table names come from the environment:
 * CDK sets them in the cloud, the local stack sets them on one machine.
 */
export interface DynamoConfig {
  client: DynamoDBDocumentClient;
  dataTable: string;
  auditTable: string;
}

let shared: (DynamoConfig & { from: string }) | undefined;

export function dynamoFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoConfig {
  const endpoint = env.DYNAMODB_ENDPOINT;
  // Built once, unless the environment now names other tables or another endpoint: a local stack
  // stopped and started again in the same process (tests) runs DynamoDB Local on a new port.
  const from = [endpoint, env.TABLE_NAME, env.AUDIT_TABLE_NAME].join("\n");
  if (shared?.from === from) return shared;
  const raw = new DynamoDBClient({
    ...(endpoint ? { endpoint, region: env.AWS_REGION ?? "local" } : {}),
    maxAttempts: 5,
  });
  shared = {
    client: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    dataTable: required(env, "TABLE_NAME"),
    auditTable: required(env, "AUDIT_TABLE_NAME"),
    from,
  };
  return shared;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * Writes items all or nothing. A failed condition is handed to `onConditionFailed` with the item's
 * position and its current value, to become the right refusal; a conflict with a concurrent
 * transaction on the same item is retried, so two editors saving different leaves both land (and
 * after nine attempts refused as `409 busy`, never a server error).
 */
export async function transact(
  client: DynamoDBDocumentClient,
  items: TransactItem[],
  onConditionFailed: (position: number, current: Record<string, unknown> | undefined) => Error,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === "ConditionalCheckFailed");
      if (failed >= 0)
        throw onConditionFailed(failed, reasons[failed]?.Item as Record<string, unknown> | undefined);
      const conflicting = reasons.some((r) => r.Code === "TransactionConflict");
      if (!conflicting) throw error;
      // Still crowded after the retries (many writers on one submission's head): a refusal to retry.
      if (attempt >= 8) throw conflict("busy", "others are changing the same records; try again");
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20 * 2 ** attempt));
    }
  }
}

type Item = Record<string, unknown>;

/** Every item a Query matches, page after page (the SDK's paginator). */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

/** Keys per BatchGetItem (DynamoDB's limit) and requests in flight. */
const KEYS_PER_GET = 100;
const GETS_IN_FLIGHT = 8;

/**
 * The items of these keys that exist, in no particular order: BatchGetItem of KEYS_PER_GET, the keys
 * it leaves unprocessed asked again after a pause that grows.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  wanted: readonly Item[],
  options: { consistent?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  type Request = Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
  await mapLimit(chunks(wanted, KEYS_PER_GET), GETS_IN_FLIGHT, async (chunk) => {
    let request: Request | undefined = {
      [table]: { Keys: chunk, ...(options.consistent ? { ConsistentRead: true } : {}) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, Math.min(1000, 20 * 2 ** attempt)));
      const result = await client.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(result.Responses?.[table] ?? []));
      request = result.UnprocessedKeys as Request | undefined;
    }
  });
  return found;
}
