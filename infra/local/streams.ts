import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetShardIteratorCommand,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { localDynamoDbClientConfig } from "./dynamodb-local.ts";
import { invoker } from "./invoke.ts";

/** How often an idle shard is read again, and the stream described again for new shards. */
const POLL_MS = 50;
const DESCRIBE_MS = 2000;

/**
 * Lambda's event source mapping for the data table's stream, on one machine: reads every shard of
 * DynamoDB Local's stream from its start and hands the records its filter keeps to the function
 * (through the stack's invoker, so bundle mode runs the shipped bundle), in order. A batch the
 * function fails, wholly or from one record on, is given again from that record after a pause,
 * until it is taken: as in the cloud, a save's audit records are delayed by a failure, never lost
 * (the cloud then dead-letters after its retries; here the log says so at each failure).
 */
export class LocalStreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly shards = new Map<string, string | undefined>(); // shard id → next iterator
  private readonly done = new Set<string>();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly dynamo: DynamoDBClient,
    private readonly endpoint: string,
    private readonly table: string,
    private readonly handler: string,
    private readonly keep: (record: DynamoDBRecord) => boolean,
    private readonly log: (line: string) => void,
  ) {
    this.streams = new DynamoDBStreamsClient(localDynamoDbClientConfig(endpoint));
  }

  start(): void {
    this.loop = this.run().catch((error) => this.log(`stream of ${this.table}: stopped: ${error.message}`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.streams.destroy();
  }

  private async run(): Promise<void> {
    const described = await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }));
    const arn = described.Table?.LatestStreamArn;
    if (!arn) throw new Error(`the table ${this.table} has no stream`);
    let describedAt = 0;
    while (!this.stopped) {
      if (Date.now() - describedAt > DESCRIBE_MS) {
        await this.discover(arn);
        describedAt = Date.now();
      }
      let busy = false;
      for (const [shard, iterator] of this.shards) {
        if (this.stopped) return;
        busy = (await this.read(shard, iterator)) || busy;
      }
      if (!busy) await pause(POLL_MS);
    }
  }

  private async discover(arn: string): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        const id = shard.ShardId as string;
        if (this.shards.has(id) || this.done.has(id)) continue;
        // A child shard is read once its parent is done, so a unit's changes stay in order.
        if (shard.ParentShardId && this.shards.has(shard.ParentShardId)) continue;
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: arn, ShardId: id, ShardIteratorType: "TRIM_HORIZON" }),
        );
        this.shards.set(id, ShardIterator);
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** One read of a shard; true when it gave records. */
  private async read(shard: string, iterator: string | undefined): Promise<boolean> {
    if (!iterator) {
      this.shards.delete(shard);
      this.done.add(shard);
      return false;
    }
    const { Records = [], NextShardIterator } = await this.getRecords(iterator);
    const kept = Records.filter(this.keep);
    for (let failures = 0; kept.length > 0 && !this.stopped; failures++) {
      const failed = await this.deliver(kept);
      if (failed === undefined) break;
      kept.splice(
        0,
        Math.max(
          0,
          kept.findIndex((r) => r.dynamodb?.SequenceNumber === failed),
        ),
      );
      this.log(
        `stream of ${this.table}: ${this.handler} failed at ${failed}; again in ${2 ** Math.min(failures, 6) * 100} ms`,
      );
      await pause(2 ** Math.min(failures, 6) * 100);
    }
    this.shards.set(shard, NextShardIterator);
    return Records.length > 0;
  }

  /**
   * GetRecords as it is on the wire, which is what Lambda hands the function: the SDK client's
   * deserializer turns an empty map or list in an image into a value with no type.
   */
  private async getRecords(
    iterator: string,
  ): Promise<{ Records?: DynamoDBRecord[]; NextShardIterator?: string }> {
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDBStreams_20120810.GetRecords",
        // DynamoDB Local reads the credentials' key id and region from here; it checks no signature.
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: JSON.stringify({ ShardIterator: iterator, Limit: 100 }),
    });
    if (!response.ok) throw new Error(`GetRecords: ${response.status} ${await response.text()}`);
    // DynamoDB Local writes an empty map or list in an image as `{}`, with no type (the cloud writes
    // {"M": {}} or {"L": []}): given as NULL, so the function reads what the cloud would give it.
    const read = (await response.json()) as { Records?: DynamoDBRecord[]; NextShardIterator?: string };
    for (const record of read.Records ?? [])
      for (const image of [record.dynamodb?.NewImage, record.dynamodb?.OldImage])
        for (const [name, value] of Object.entries(image ?? {})) (image as Image)[name] = typed(value);
    return read;
  }

  /** Invokes the function with the records as Lambda would; the sequence number it failed at, if any. */
  private async deliver(records: DynamoDBRecord[]): Promise<string | undefined> {
    try {
      const answer = (await invoker().invoke(
        this.handler,
        { Records: records },
        `local-stream-${Date.now()}`,
      )) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      return answer?.batchItemFailures?.[0]?.itemIdentifier;
    } catch {
      return records[0]?.dynamodb?.SequenceNumber ?? "";
    }
  }
}

type Image = Record<string, unknown>;

/** An attribute value with its type, `{}` (an empty map or list, from DynamoDB Local) as NULL. */
function typed(value: unknown): unknown {
  const attribute = value as { M?: Image; L?: unknown[] };
  if (Object.keys(attribute).length === 0) return { NULL: true };
  if (attribute.M)
    return { M: Object.fromEntries(Object.entries(attribute.M).map(([k, v]) => [k, typed(v)])) };
  if (attribute.L) return { L: attribute.L.map(typed) };
  return value;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The event source's filter (infra/cdk/grants.ts): submission heads a save left a change record on. */
export const savedHead = (record: DynamoDBRecord): boolean =>
  record.dynamodb?.Keys?.sk?.S === "#" && record.dynamodb?.NewImage?.lastChange?.M !== undefined;
