import { describe, expect, test } from "vitest";
import { requestsOf } from "../../rights/requests.ts";
import type { AwsCall } from "../../support/aws-calls.ts";

const scope = { region: "ap-southeast-1", account: "000000000000" };
const of = (service: string, command: string, input: AwsCall["input"]) =>
  requestsOf({ service, command, input }, scope);
const TABLE = "arn:aws:dynamodb:ap-southeast-1:000000000000:table";

describe("the IAM actions and resources of an AWS call", () => {
  test("DynamoDB: the table, the index a query reads, each table of a batch", () => {
    expect(of("DynamoDB", "GetItem", { TableName: "chiso-data" })).toEqual([
      { action: "dynamodb:GetItem", resources: [`${TABLE}/chiso-data`] },
    ]);
    expect(of("DynamoDB", "Query", { TableName: "chiso-data", IndexName: "byUnit" })).toEqual([
      { action: "dynamodb:Query", resources: [`${TABLE}/chiso-data/index/byUnit`] },
    ]);
    expect(
      of("DynamoDB", "BatchGetItem", { RequestItems: { "chiso-data": true, "chiso-audit": true } }),
    ).toEqual([
      { action: "dynamodb:BatchGetItem", resources: [`${TABLE}/chiso-data`] },
      { action: "dynamodb:BatchGetItem", resources: [`${TABLE}/chiso-audit`] },
    ]);
  });

  test("DynamoDB transactions: each item as its own action on its own table", () => {
    expect(
      of("DynamoDB", "TransactWriteItems", {
        TransactItems: [
          { Put: { TableName: "chiso-audit" } },
          { Update: { TableName: "chiso-data" } },
          { Delete: { TableName: "chiso-data" } },
          { ConditionCheck: { TableName: "chiso-data" } },
        ],
      }).map((r) => `${r.action} ${r.resources[0]}`),
    ).toEqual([
      `dynamodb:PutItem ${TABLE}/chiso-audit`,
      `dynamodb:UpdateItem ${TABLE}/chiso-data`,
      `dynamodb:DeleteItem ${TABLE}/chiso-data`,
      `dynamodb:ConditionCheckItem ${TABLE}/chiso-data`,
    ]);
    expect(
      of("DynamoDB", "TransactGetItems", { TransactItems: [{ Get: { TableName: "chiso-data" } }] }),
    ).toEqual([{ action: "dynamodb:GetItem", resources: [`${TABLE}/chiso-data`] }]);
  });

  test("S3: objects, the bucket for a listing, both ends of a copy, each key of a batch delete", () => {
    const object = { Bucket: "chiso-evidence", Key: "evidence/files/a" };
    expect(of("S3", "HeadObject", object)).toEqual([
      { action: "s3:GetObject", resources: ["arn:aws:s3:::chiso-evidence/evidence/files/a"] },
    ]);
    expect(of("S3", "PresignedPost", object)[0]?.action).toBe("s3:PutObject");
    expect(of("S3", "ListObjectsV2", { Bucket: "chiso-site" })).toEqual([
      { action: "s3:ListBucket", resources: ["arn:aws:s3:::chiso-site"] },
    ]);
    expect(
      of("S3", "CopyObject", { ...object, CopySource: "chiso-evidence/evidence/uploads/b%20c" }),
    ).toEqual([
      { action: "s3:PutObject", resources: ["arn:aws:s3:::chiso-evidence/evidence/files/a"] },
      { action: "s3:GetObject", resources: ["arn:aws:s3:::chiso-evidence/evidence/uploads/b c"] },
    ]);
    expect(
      of("S3", "DeleteObjects", { Bucket: "b", Delete: { Objects: [{ Key: "x" }, { Key: "y" }] } }).map(
        (r) => r.resources[0],
      ),
    ).toEqual(["arn:aws:s3:::b/x", "arn:aws:s3:::b/y"]);
    expect(of("S3", "PutObject", { ...object, Tagging: "a=b" }).map((r) => r.action)).toEqual([
      "s3:PutObject",
      "s3:PutObjectTagging",
    ]);
  });

  test("Cognito, Lambda, CloudFront, Secrets Manager: the pool, the function, the distribution, the secret", () => {
    expect(of("CognitoIdentityProvider", "AdminCreateUser", { UserPoolId: "local_1" })).toEqual([
      {
        action: "cognito-idp:AdminCreateUser",
        resources: ["arn:aws:cognito-idp:ap-southeast-1:000000000000:userpool/local_1"],
      },
    ]);
    expect(of("Lambda", "Invoke", { FunctionName: "chiso-jobs-period-job" })).toEqual([
      {
        action: "lambda:InvokeFunction",
        resources: ["arn:aws:lambda:ap-southeast-1:000000000000:function:chiso-jobs-period-job"],
      },
    ]);
    // A local ARN (the local account) is moved to the template's region.
    expect(
      of("Lambda", "Invoke", { FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:f" })[0]
        ?.resources,
    ).toEqual(["arn:aws:lambda:ap-southeast-1:000000000000:function:f"]);
    expect(of("CloudFront", "CreateInvalidation", { DistributionId: "ELOCALCHISO" })).toEqual([
      {
        action: "cloudfront:CreateInvalidation",
        resources: ["arn:aws:cloudfront::000000000000:distribution/ELOCALCHISO"],
      },
    ]);
    expect(
      of("SecretsManager", "GetSecretValue", {
        SecretId: "arn:aws:secretsmanager:us-east-1:000000000000:secret:chiso-Api-OriginSecret",
      }),
    ).toEqual([
      {
        action: "secretsmanager:GetSecretValue",
        resources: ["arn:aws:secretsmanager:ap-southeast-1:000000000000:secret:chiso-Api-OriginSecret"],
      },
    ]);
  });

  test("Scheduler: the schedule in its group, and passing the target's role to the scheduler only", () => {
    const input = {
      Name: "close-p1",
      GroupName: "chiso-closes",
      Target: { RoleArn: "arn:aws:iam::000000000000:role/r" },
    };
    expect(of("Scheduler", "CreateSchedule", input)).toEqual([
      {
        action: "scheduler:CreateSchedule",
        resources: ["arn:aws:scheduler:ap-southeast-1:000000000000:schedule/chiso-closes/close-p1"],
      },
      {
        action: "iam:PassRole",
        resources: ["arn:aws:iam::000000000000:role/r"],
        context: { "iam:PassedToService": "scheduler.amazonaws.com" },
      },
    ]);
    expect(of("Scheduler", "DeleteSchedule", { Name: "close-p1" })[0]?.resources).toEqual([
      "arn:aws:scheduler:ap-southeast-1:000000000000:schedule/default/close-p1",
    ]);
  });

  test("SESv2: the From address's identity, or its domain's", () => {
    expect(of("SESv2", "SendEmail", { FromEmailAddress: "chiso <no-reply@chiso.local>" })).toEqual([
      {
        action: "ses:SendEmail",
        resources: [
          "arn:aws:ses:ap-southeast-1:000000000000:identity/no-reply@chiso.local",
          "arn:aws:ses:ap-southeast-1:000000000000:identity/chiso.local",
        ],
      },
    ]);
  });

  test("an operation without a rule fails loudly", () => {
    expect(() => of("DynamoDB", "ExecuteStatement", {})).toThrow(/no IAM rule for DynamoDB.ExecuteStatement/);
    expect(() => of("SQS", "SendMessage", {})).toThrow(/add it to OPERATIONS/);
    expect(() => of("DynamoDB", "GetItem", {})).toThrow(/no TableName/);
  });
});
