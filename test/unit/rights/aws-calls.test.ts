import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, test } from "vitest";
import { currentInvocation } from "../../../infra/local/invoke.ts";
import { installAwsCallRecorder, namesOf, readCalls } from "../../support/aws-calls.ts";

const file = join(mkdtempSync(join(tmpdir(), "chiso-aws-calls-")), "calls.jsonl");
// No request leaves: the handler refuses it after the recorder (an initialize step) has run.
const config = {
  region: "us-east-1",
  endpoint: "http://127.0.0.1:9",
  credentials: { accessKeyId: "x", secretAccessKey: "y" },
  maxAttempts: 1,
  requestHandler: { handle: () => Promise.reject(new Error("not sent")) },
};
const inFunction = <T>(handler: string, run: () => Promise<T>) =>
  currentInvocation.run({ handler, requestId: "r" }, run);

describe("the AWS call recorder (test harness)", () => {
  beforeAll(() => installAwsCallRecorder(file));

  test("records a document client's call as the low-level operation, by the invoking function, once", async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(config));
    const put = () => doc.send(new PutCommand({ TableName: "chiso-data", Item: { pk: "a", secret: "s" } }));
    await inFunction("periods/create", put).catch(() => undefined);
    await inFunction("periods/create", put).catch(() => undefined);
    // Outside an invocation (the stack's own bootstrap): not a function's call.
    await put().catch(() => undefined);
    await inFunction("periods/patch", () =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: "chiso-audit", Item: { pk: "x" } } },
            { Update: { TableName: "chiso-data", Key: { pk: "y" }, UpdateExpression: "SET a = :a" } },
          ],
        }),
      ),
    ).catch(() => undefined);
    expect(readCalls(file)).toEqual([
      {
        handler: "periods/create",
        service: "DynamoDB",
        command: "PutItem",
        input: { TableName: "chiso-data" },
      },
      {
        handler: "periods/patch",
        service: "DynamoDB",
        command: "TransactWriteItems",
        input: {
          TransactItems: [{ Put: { TableName: "chiso-audit" } }, { Update: { TableName: "chiso-data" } }],
        },
      },
    ]);
  });

  test("a presigned download link and a presigned upload form are recorded too", async () => {
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const { createPresignedPost } = await import("@aws-sdk/s3-presigned-post");
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await inFunction("evidence/download", () =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: "chiso-evidence", Key: "evidence/files/a" })),
    );
    await inFunction("evidence/add", () =>
      createPresignedPost(s3, { Bucket: "chiso-evidence", Key: "evidence/uploads/b", Expires: 60 }),
    );
    expect(readCalls(file).slice(-2)).toEqual([
      {
        handler: "evidence/download",
        service: "S3",
        command: "GetObject",
        input: { Bucket: "chiso-evidence", Key: "evidence/files/a" },
      },
      {
        handler: "evidence/add",
        service: "S3",
        command: "PresignedPost",
        input: { Bucket: "chiso-evidence", Key: "evidence/uploads/b" },
      },
    ]);
  });

  test("keeps the names of an input, never its data", () => {
    expect(
      namesOf({
        UserPoolId: "p",
        Username: "u",
        Password: "secret",
        Target: { Arn: "arn:t", RoleArn: "arn:r", Input: "{}" },
        RequestItems: { "chiso-data": { Keys: [{ pk: "a" }] } },
        Delete: { Objects: [{ Key: "k1" }] },
      }),
    ).toEqual({
      UserPoolId: "p",
      Target: { RoleArn: "arn:r" },
      RequestItems: { "chiso-data": true },
      Delete: { Objects: [{ Key: "k1" }] },
    });
  });
});
