import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import type { TableDefinition } from "../../shared/store/tables.ts";

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
    const attributes = new Set([
      definition.partitionKey,
      definition.sortKey,
      ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [...attributes].map((AttributeName) => ({
            AttributeName,
            AttributeType: "S",
          })),
          KeySchema: [
            { AttributeName: definition.partitionKey, KeyType: "HASH" },
            { AttributeName: definition.sortKey, KeyType: "RANGE" },
          ],
          GlobalSecondaryIndexes: definition.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          })),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
  }
}
