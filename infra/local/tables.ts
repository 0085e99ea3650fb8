import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "../../shared/store/tables.ts";

/**
 * A table's keys and indexes as DynamoDB (and CloudFormation's AWS::DynamoDB::Table) spell them: the
 * local table is created from it, and test/infra checks the deployed tables against it, so both
 * stacks have the same keys.
 */
export function tableSchema(
  definition: TableDefinition,
): Required<Pick<CreateTableCommandInput, "AttributeDefinitions" | "KeySchema" | "GlobalSecondaryIndexes">> {
  const attributes = new Set([
    definition.partitionKey,
    definition.sortKey,
    ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ]);
  const keys = (partitionKey: string, sortKey: string) => [
    { AttributeName: partitionKey, KeyType: "HASH" as const },
    { AttributeName: sortKey, KeyType: "RANGE" as const },
  ];
  return {
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: "S" })),
    KeySchema: keys(definition.partitionKey, definition.sortKey),
    GlobalSecondaryIndexes: definition.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keys(index.partitionKey, index.sortKey),
      Projection: { ProjectionType: "ALL" },
    })),
  };
}

/** Creates each table unless it exists (data survives restarts under .data/). */
export async function ensureTables(
  client: DynamoDBClient,
  tables: { definition: TableDefinition; name: string }[],
): Promise<void> {
  for (const { definition, name } of tables) {
    const exists = await client.send(new DescribeTableCommand({ TableName: name })).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          ...tableSchema(definition),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
  }
}
