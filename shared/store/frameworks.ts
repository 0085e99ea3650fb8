import { gunzipSync, gzipSync } from "node:zlib";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Framework } from "../model/framework.ts";
import {
  type AuditEntry,
  type FrameworkStore,
  type FrameworkSummary,
  type Page,
  type PageRequest,
  storeRefusals,
} from "../services/ports.ts";
import { createAudited } from "./audit.ts";
import type { DynamoConfig } from "./dynamo.ts";
import { keys } from "./keys.ts";
import { decodeCursor, encodeCursor } from "./page.ts";

export type { FrameworkSummary };

/**
 * Frameworks are immutable once imported (a new version is a new id). The body is stored gzipped:
 * an index set with guidance texts can approach DynamoDB's 400 KB item limit as plain JSON.
 */
export class FrameworkRepository implements FrameworkStore {
  private readonly cache = new Map<string, Framework>();

  constructor(private readonly config: DynamoConfig) {}

  async create(framework: Framework, createdAt: string, audit: AuditEntry): Promise<void> {
    const item = {
      ...keys.framework(framework.id),
      lpk: keys.frameworkList,
      lsk: framework.id,
      id: framework.id,
      name: framework.name,
      decision: framework.decision,
      createdAt,
      body: gzipSync(JSON.stringify(framework)),
    };
    await createAudited(this.config, item, audit, () => storeRefusals.frameworkExists(framework.id));
  }

  async get(id: string): Promise<Framework | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const result = await this.config.client.send(
      new GetCommand({ TableName: this.config.dataTable, Key: keys.framework(id) }),
    );
    if (!result.Item) return undefined;
    const framework = JSON.parse(gunzipSync(result.Item.body as Uint8Array).toString("utf8")) as Framework;
    this.cache.set(id, framework); // immutable: safe to keep for the life of the process
    return framework;
  }

  async list(page: PageRequest): Promise<Page<FrameworkSummary>> {
    const result = await this.config.client.send(
      new QueryCommand({
        TableName: this.config.dataTable,
        IndexName: "byList",
        KeyConditionExpression: "lpk = :list",
        ExpressionAttributeValues: { ":list": keys.frameworkList },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, {
          names: ["pk", "sk", "lpk", "lsk"],
          equal: { lpk: keys.frameworkList },
        }),
      }),
    );
    const items = (result.Items ?? []).map((i) => ({
      id: i.id as string,
      name: i.name as string,
      ...(i.decision ? { decision: i.decision as string } : {}),
      createdAt: i.createdAt as string,
    }));
    return { items, nextCursor: encodeCursor(result.LastEvaluatedKey) };
  }
}
