import type { AwsCall } from "../support/aws-calls.ts";
import type { IamRequest } from "../support/iam-check.ts";

/** Where the ARNs are: the template's region and the local account (infra/local/template.ts). */
export interface ArnScope {
  region: string;
  account: string;
}

type Input = Record<string, unknown>;
type Mapper = (input: Input, scope: ArnScope) => IamRequest[];

const text = (input: Input, field: string): string => {
  const value = input[field];
  if (typeof value !== "string" || value === "") throw new Error(`no ${field} in ${JSON.stringify(input)}`);
  return value;
};

const one = (action: string, resource: string, context?: Record<string, string>): IamRequest => ({
  action,
  resources: [resource],
  ...(context ? { context } : {}),
});

/**
 * An ARN the input carries (a role, a function, a secret): a local one (the local account) is moved to
 * the template's region, the one every other ARN of the check is built in.
 */
function localArn(arn: string, { region, account }: ArnScope): string {
  const parts = arn.split(":");
  if (parts[0] !== "arn" || parts[4] !== account || parts[3] === "") return arn;
  parts[3] = region;
  return parts.join(":");
}

// DynamoDB: the table, or the index a Query or Scan reads.
const table = (name: string, { region, account }: ArnScope, index?: string) =>
  `arn:aws:dynamodb:${region}:${account}:table/${name}${index ? `/index/${index}` : ""}`;
const onTable =
  (action: string): Mapper =>
  (input, scope) => [
    one(`dynamodb:${action}`, table(text(input, "TableName"), scope, input.IndexName as string | undefined)),
  ];
const perTable =
  (action: string): Mapper =>
  (input, scope) =>
    Object.keys((input.RequestItems ?? {}) as Input).map((name) =>
      one(`dynamodb:${action}`, table(name, scope)),
    );
/**
 * A transaction is authorised item by item, each as its own action on its table (DynamoDB developer
 * guide, "Using IAM with DynamoDB transactions").
 */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  ConditionCheck: "ConditionCheckItem",
  Get: "GetItem",
};
const transaction: Mapper = (input, scope) =>
  ((input.TransactItems ?? []) as Input[]).flatMap((item) =>
    Object.entries(item).map(([kind, operation]) => {
      const action = TRANSACT_ACTIONS[kind];
      if (!action) throw new Error(`a transaction item of the unknown kind ${kind}`);
      return one(`dynamodb:${action}`, table(text(operation as Input, "TableName"), scope));
    }),
  );

// S3: objects are arn:aws:s3:::bucket/key, the bucket arn:aws:s3:::bucket.
const object = (input: Input) => `arn:aws:s3:::${text(input, "Bucket")}/${text(input, "Key")}`;
const putObject: Mapper = (input) => [
  one("s3:PutObject", object(input)),
  ...(input.Tagging ? [one("s3:PutObjectTagging", object(input))] : []),
  ...(input.ACL ? [one("s3:PutObjectAcl", object(input))] : []),
];
const getObject: Mapper = (input) => [
  one(input.VersionId ? "s3:GetObjectVersion" : "s3:GetObject", object(input)),
];

// EventBridge Scheduler: the schedule, and passing its target's role to the service.
const schedule = (input: Input, { region, account }: ArnScope) =>
  `arn:aws:scheduler:${region}:${account}:schedule/${(input.GroupName as string | undefined) ?? "default"}/${text(input, "Name")}`;
const armSchedule =
  (action: string): Mapper =>
  (input, scope) => [
    one(`scheduler:${action}`, schedule(input, scope)),
    one("iam:PassRole", localArn(text((input.Target ?? {}) as Input, "RoleArn"), scope), {
      "iam:PassedToService": "scheduler.amazonaws.com",
    }),
  ];

const userPool =
  (action: string): Mapper =>
  (input, { region, account }) => [
    one(
      `cognito-idp:${action}`,
      `arn:aws:cognito-idp:${region}:${account}:userpool/${text(input, "UserPoolId")}`,
    ),
  ];

/**
 * Which IAM actions on which resources each operation needs, by client and operation. An operation
 * that is not here fails the check (callsToRequests): add it, with its rule from the service's
 * "Actions, resources, and condition keys" page, rather than let a call go unchecked.
 */
export const OPERATIONS: Record<string, Record<string, Mapper>> = {
  DynamoDB: {
    GetItem: onTable("GetItem"),
    PutItem: onTable("PutItem"),
    UpdateItem: onTable("UpdateItem"),
    DeleteItem: onTable("DeleteItem"),
    Query: onTable("Query"),
    Scan: onTable("Scan"),
    DescribeTable: onTable("DescribeTable"),
    BatchGetItem: perTable("BatchGetItem"),
    BatchWriteItem: perTable("BatchWriteItem"),
    TransactWriteItems: transaction,
    TransactGetItems: transaction,
  },
  S3: {
    GetObject: getObject,
    HeadObject: getObject,
    PutObject: putObject,
    // A presigned POST form (shared/store/evidence-files.ts): its holder puts the key as the signer.
    PresignedPost: putObject,
    DeleteObject: (input) => [one("s3:DeleteObject", object(input))],
    // Multipart uploads (shared/store/evidence-files.ts): starting, a presigned part and completing
    // are s3:PutObject on the object; listing its parts and aborting have their own actions.
    CreateMultipartUpload: putObject,
    UploadPart: (input) => [one("s3:PutObject", object(input))],
    CompleteMultipartUpload: (input) => [one("s3:PutObject", object(input))],
    ListParts: (input) => [one("s3:ListMultipartUploadParts", object(input))],
    AbortMultipartUpload: (input) => [one("s3:AbortMultipartUpload", object(input))],
    DeleteObjects: (input) =>
      (((input.Delete as Input | undefined)?.Objects ?? []) as Input[]).map((item) =>
        one("s3:DeleteObject", object({ Bucket: input.Bucket, Key: item.Key })),
      ),
    CopyObject: (input, scope) => {
      // CopySource is "bucket/key" (URL-encoded, maybe "?versionId=").
      const source = decodeURIComponent(text(input, "CopySource").replace(/^\//, "").split("?")[0] as string);
      return [...putObject(input, scope), one("s3:GetObject", `arn:aws:s3:::${source}`)];
    },
    ListObjectsV2: (input) => [one("s3:ListBucket", `arn:aws:s3:::${text(input, "Bucket")}`)],
    ListObjects: (input) => [one("s3:ListBucket", `arn:aws:s3:::${text(input, "Bucket")}`)],
  },
  CognitoIdentityProvider: Object.fromEntries(
    [
      "AdminCreateUser",
      "AdminSetUserPassword",
      "AdminAddUserToGroup",
      "AdminRemoveUserFromGroup",
      "AdminGetUser",
      "AdminDeleteUser",
      "AdminDisableUser",
      "AdminEnableUser",
      "AdminUpdateUserAttributes",
      "AdminListGroupsForUser",
      "ListUsers",
      "ListUsersInGroup",
    ].map((operation) => [operation, userPool(operation)]),
  ),
  Scheduler: {
    CreateSchedule: armSchedule("CreateSchedule"),
    UpdateSchedule: armSchedule("UpdateSchedule"),
    DeleteSchedule: (input, scope) => [one("scheduler:DeleteSchedule", schedule(input, scope))],
    GetSchedule: (input, scope) => [one("scheduler:GetSchedule", schedule(input, scope))],
  },
  Lambda: {
    Invoke: (input, scope) => {
      const name = text(input, "FunctionName");
      const qualifier = input.Qualifier ? `:${input.Qualifier as string}` : "";
      const arn = name.startsWith("arn:")
        ? localArn(name, scope)
        : `arn:aws:lambda:${scope.region}:${scope.account}:function:${name}`;
      return [one("lambda:InvokeFunction", `${arn}${qualifier}`)];
    },
  },
  SESv2: {
    // Authorised on the identity the From address is sent under: the address itself when it is a
    // verified identity, else its domain; either grant lets the call through.
    SendEmail: (input, { region, account }) => {
      const from = text(input, "FromEmailAddress").replace(/^.*<([^>]+)>\s*$/, "$1");
      const identity = (name: string) => `arn:aws:ses:${region}:${account}:identity/${name}`;
      const resources = input.FromEmailAddressIdentityArn
        ? [input.FromEmailAddressIdentityArn as string]
        : [identity(from), identity(from.slice(from.indexOf("@") + 1))];
      const configurationSet = input.ConfigurationSetName
        ? [
            one(
              "ses:SendEmail",
              `arn:aws:ses:${region}:${account}:configuration-set/${input.ConfigurationSetName}`,
            ),
          ]
        : [];
      return [{ action: "ses:SendEmail", resources }, ...configurationSet];
    },
  },
  CloudFront: {
    CreateInvalidation: (input, { account }) => [
      one(
        "cloudfront:CreateInvalidation",
        `arn:aws:cloudfront::${account}:distribution/${text(input, "DistributionId")}`,
      ),
    ],
  },
  SecretsManager: {
    GetSecretValue: (input, scope) => {
      const id = text(input, "SecretId");
      return [
        one(
          "secretsmanager:GetSecretValue",
          id.startsWith("arn:")
            ? localArn(id, scope)
            : `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:${id}`,
        ),
      ];
    },
  },
};

/** What IAM must allow for one recorded call; an operation the table lacks throws. */
export function requestsOf(
  call: Pick<AwsCall, "service" | "command" | "input">,
  scope: ArnScope,
): IamRequest[] {
  const mapper = OPERATIONS[call.service]?.[call.command];
  if (!mapper)
    throw new Error(
      `test/rights/requests.ts: no IAM rule for ${call.service}.${call.command}: add it to OPERATIONS`,
    );
  return mapper(call.input, scope);
}
