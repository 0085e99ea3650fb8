import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { conflict } from "../errors.ts";
import type { StoredSource } from "../model/measurement.ts";
import type { AuditEntry, SourceStore } from "../services/ports.ts";
import { auditPut, createAudited } from "./audit.ts";
import { type DynamoConfig, queryAll, transact } from "./dynamo.ts";
import { keys } from "./keys.ts";

const fields = ({ pk: _pk, sk: _sk, ...item }: Record<string, unknown>) => item as unknown as StoredSource;

/** Data sources: one partition (a province has a handful), each item with its salted secret hash. */
export class SourceRepository implements SourceStore {
  constructor(private readonly config: DynamoConfig) {}

  async create(source: StoredSource, audit: AuditEntry): Promise<void> {
    await createAudited(this.config, { ...keys.source(source.id), ...source }, audit, () =>
      conflict("source-exists", `a data source with id "${source.id}" exists (ids are never reused)`),
    );
  }

  async get(id: string): Promise<StoredSource | undefined> {
    const result = await this.config.client.send(
      new GetCommand({ TableName: this.config.dataTable, Key: keys.source(id), ConsistentRead: true }),
    );
    return result.Item ? fields(result.Item) : undefined;
  }

  async all(): Promise<StoredSource[]> {
    const items = await queryAll(this.config.client, {
      TableName: this.config.dataTable,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": keys.sources },
    });
    return items.map(fields);
  }

  async revoke(id: string, at: string, by: string, audit: AuditEntry): Promise<boolean> {
    let revoked = true;
    await transact(
      this.config.client,
      [
        {
          Update: {
            TableName: this.config.dataTable,
            Key: keys.source(id),
            UpdateExpression: "SET revokedAt = :at, revokedBy = :by",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(revokedAt)",
            ExpressionAttributeValues: { ":at": at, ":by": by },
          },
        },
        auditPut(this.config, audit),
      ],
      () => {
        revoked = false;
        return new RevokedAlready();
      },
    ).catch((error: unknown) => {
      if (!(error instanceof RevokedAlready)) throw error;
    });
    return revoked;
  }
}

class RevokedAlready extends Error {}
