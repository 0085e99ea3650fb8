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
): Required<Pick<CreateTableCommandInput, "AttributeDefinitions" | "KeySchema" | "GlobalSecondaryIndexes">> &
  Pick<CreateTableCommandInput, "StreamSpecification"> {
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
      Projection: index.include
        ? { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.include] }
        : { ProjectionType: "ALL" },
    })),
    ...(definition.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }
      : {}),
  };
}

/**
 * Creates each table unless it exists (data survives restarts under .data/). A table kept from an
 * older version, without an index or the stream this version reads, stops the start with what to do.
 */
export async function ensureTables(
  client: DynamoDBClient,
  tables: { definition: TableDefinition; name: string }[],
): Promise<void> {
  for (const { definition, name } of tables) {
    const existing = await client.send(new DescribeTableCommand({ TableName: name })).then(
      (described) => described.Table,
      () => undefined,
    );
    if (existing) {
      const indexes = new Set((existing.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      const missing = definition.indexes.filter((i) => !indexes.has(i.name)).map((i) => `index ${i.name}`);
      if (definition.stream && !existing.StreamSpecification?.StreamEnabled) missing.push("its stream");
      if (missing.length > 0)
        throw new Error(
          `the kept table ${name} was made by an older version of chiso (it lacks ${missing.join(" and ")}): ` +
            "delete the local data directory (.data/, or DATA_DIR) to start afresh",
        );
      continue;
    }
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
