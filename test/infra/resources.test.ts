import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { JOBS, REMINDER_SCHEDULE } from "../../infra/cdk/constructs/jobs.ts";
import { tableSchema } from "../../infra/local/tables.ts";
import { ROLES } from "../../shared/access/roles.ts";
import { AUDIT_TABLE, DATA_TABLE } from "../../shared/store/tables.ts";
import { type Cfn, resourcesOf, synth, TEST_DOMAIN } from "./synth-info.ts";

const full = synth("full");
const bare = synth("bare");

const functionId = (json: typeof full.json, handler: string) =>
  (
    resourcesOf(json, "AWS::Lambda::Function").find(
      ([, r]) => r.Properties.Description === `chiso ${handler}`,
    ) as [string, unknown]
  )[0];
const idOf = (json: typeof full.json, type: string, like: string) =>
  (resourcesOf(json, type).find(([id]) => id.includes(like)) as [string, unknown])[0];

describe("DynamoDB", () => {
  it("has the two tables of shared/store/tables.ts: on demand, PITR, deletion protection, retained", () => {
    const tables = resourcesOf(full.json, "AWS::DynamoDB::Table");
    expect(tables).toHaveLength(2);
    for (const definition of [DATA_TABLE, AUDIT_TABLE]) {
      // The same keys, attributes and indexes as the local stack's table (infra/local/tables.ts).
      const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = tableSchema(definition);
      full.template.hasResource("AWS::DynamoDB::Table", {
        DeletionPolicy: "Retain",
        UpdateReplacePolicy: "Retain",
        Properties: {
          BillingMode: "PAY_PER_REQUEST",
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          AttributeDefinitions,
          KeySchema,
          GlobalSecondaryIndexes,
        },
      });
    }
  });
});

describe("S3", () => {
  const buckets = resourcesOf(full.json, "AWS::S3::Bucket");

  it("blocks public access, encrypts and refuses plain HTTP on every bucket", () => {
    expect(buckets).toHaveLength(3);
    const policies = resourcesOf(full.json, "AWS::S3::BucketPolicy");
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption, id).toBeDefined();
      expect(bucket.DeletionPolicy, id).toBe("Retain");
      const policy = policies.find(
        ([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }),
      );
      expect(policy?.[1].Properties.PolicyDocument.Statement, id).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Action: "s3:*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
    }
  });

  it("keeps evidence private, versioned, logged, CORS-open to the site only, incomplete uploads aborted", () => {
    full.template.hasResourceProperties("AWS::S3::Bucket", {
      VersioningConfiguration: { Status: "Enabled" },
      LoggingConfiguration: { LogFilePrefix: "s3/evidence/" },
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: [`https://${TEST_DOMAIN}`],
            AllowedMethods: Match.arrayWith(["POST", "GET"]),
          }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: "Enabled" }),
        ]),
      },
    });
  });

  it("expires evidence uploads after a day; nothing expires a confirmed file", () => {
    const evidence = buckets.find(
      ([, b]) => b.Properties.LoggingConfiguration?.LogFilePrefix === "s3/evidence/",
    )?.[1] as Cfn;
    const rules = evidence.Properties.LifecycleConfiguration.Rules as Cfn[];
    const uploads = rules.filter((r) => r.Id === "expire-uploads");
    expect(uploads).toEqual([
      {
        Id: "expire-uploads",
        Prefix: "evidence/uploads/",
        ExpirationInDays: 1,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: "Enabled",
      },
    ]);
    // Current objects expire only under uploads/: confirmed files (evidence/files/) stay.
    expect(rules.filter((r) => r.ExpirationInDays !== undefined || r.ExpirationDate !== undefined)).toEqual(
      uploads,
    );
  });

  it("without a domain, lets the CloudFront name upload evidence", () => {
    bare.template.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: [
              {
                "Fn::Join": [
                  "",
                  ["https://", { "Fn::GetAtt": [Match.stringLikeRegexp("Distribution"), "DomainName"] }],
                ],
              },
            ],
          }),
        ],
      },
    });
  });
});

describe("CloudFront", () => {
  const distribution = () =>
    resourcesOf(full.json, "AWS::CloudFront::Distribution")[0]?.[1].Properties.DistributionConfig as Cfn;
  const behavior = (path: string) =>
    (distribution().CacheBehaviors as { PathPattern: string }[]).find((b) => b.PathPattern === path) as Cfn;

  it("serves the site bucket through Origin Access Control", () => {
    const s3Origin = (distribution().Origins as Cfn[]).find((o) => o.S3OriginConfig);
    expect(s3Origin?.OriginAccessControlId).toBeDefined();
    expect(s3Origin?.S3OriginConfig.OriginAccessIdentity).toBe("");
    full.template.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: { OriginAccessControlOriginType: "s3", SigningBehavior: "always" },
    });
  });

  it("routes /api/* to the HTTP API: no cache, every viewer header but Host, every method", () => {
    const api = behavior("/api/*");
    expect(api.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac"); // AllViewerExceptHostHeader
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(["POST", "PUT", "PATCH", "DELETE"]));
    const origin = (distribution().Origins as Cfn[]).find((o) => o.Id === api.TargetOriginId);
    // The API's own domain (apiCertificateArn is set); edge.test.ts checks the execute-api case.
    expect(origin?.DomainName).toBe(`api.${TEST_DOMAIN}`);
    expect(origin?.CustomOriginConfig.OriginSSLProtocols).toEqual(["TLSv1.2"]);
  });

  it("caches /public/* as the files say: short for pointers, a year for snapshots", () => {
    const pub = behavior("/public/*");
    const policy = full.json.Resources[pub.CachePolicyId.Ref]?.Properties.CachePolicyConfig;
    expect(policy.MinTTL).toBe(0);
    expect(policy.MaxTTL).toBeGreaterThanOrEqual(31_536_000);
    expect(policy.DefaultTTL).toBe(60);
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      CookiesConfig: { CookieBehavior: "none" },
      HeadersConfig: { HeaderBehavior: "none" },
      QueryStringsConfig: { QueryStringBehavior: "none" },
    });
  });

  it("answers on the custom domain with TLS 1.2+, logs, and the web ACL", () => {
    const config = distribution();
    expect(config.Aliases).toEqual([TEST_DOMAIN]);
    expect(config.ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: "TLSv1.2_2021",
      SslSupportMethod: "sni-only",
    });
    expect(config.Logging.Prefix).toBe("cloudfront/");
    expect(config.WebACLId).toMatch(/^arn:aws:wafv2:us-east-1:/);
  });

  it("deploys the site and a generated /config.json, never touching public/", () => {
    const deployments = resourcesOf(full.json, "Custom::CDKBucketDeployment");
    expect(deployments.length).toBeGreaterThanOrEqual(1);
    for (const [id, d] of deployments) {
      expect(d.Properties.Prune, id).toBe(false);
      // Either the pages (everything but assets/ and public/) or the hashed assets (assets/ only).
      const pages = d.Properties.Exclude.includes("public/*");
      const assets = d.Properties.Exclude.join() === "*" && d.Properties.Include.join() === "assets/*";
      expect(pages || assets, id).toBe(true);
    }
    const pages = deployments.find(([, d]) => d.Properties.SourceMarkers);
    const markers = JSON.stringify(pages?.[1].Properties.SourceMarkers);
    expect(markers).toMatch(/UserPool/);
    expect(markers).toMatch(/WebClient/);
    expect(markers).toMatch(/AWS::Region/);
  });
});

describe("Cognito", () => {
  it("has the password policy of shared/services/users.ts, optional MFA and the custom attributes", () => {
    full.template.hasResourceProperties("AWS::Cognito::UserPool", {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      Schema: Match.arrayWith(
        ["unitId", "scopeGroups", "scopeNodes"].map((Name) =>
          Match.objectLike({ Name, AttributeDataType: "String", Mutable: true }),
        ),
      ),
      DeletionProtection: "ACTIVE",
    });
  });

  it("has the four role groups", () => {
    const groups = resourcesOf(full.json, "AWS::Cognito::UserPoolGroup").map(
      ([, g]) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it("has a public web client: password + SRP + refresh, no OAuth, custom attributes not writable", () => {
    full.template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayEquals([
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
      ]),
      AllowedOAuthFlowsUserPoolClient: false,
      PreventUserExistenceErrors: "ENABLED",
    });
    const clients = resourcesOf(full.json, "AWS::Cognito::UserPoolClient");
    expect(clients).toHaveLength(1);
    const writable = clients[0]?.[1].Properties.WriteAttributes as string[];
    expect(writable.length).toBeGreaterThan(0);
    expect(writable.filter((attribute) => attribute.startsWith("custom:"))).toEqual([]);
  });
});

describe("closing a period: the scheduler group, role and dead-letter queue", () => {
  const closeFn = functionId(full.json, JOBS.period);
  const dlq = idOf(full.json, "AWS::SQS::Queue", "CloseDeadLetterQueue");
  const role = idOf(full.json, "AWS::IAM::Role", "CloseSchedulerRole");
  const group = idOf(full.json, "AWS::Scheduler::ScheduleGroup", "CloseScheduleGroup");

  it("has an encrypted, TLS-only dead-letter queue", () => {
    full.template.hasResourceProperties("AWS::SQS::Queue", { SqsManagedSseEnabled: true });
    full.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("lets the scheduler (of this account and group) invoke the close function and dead-letter to the queue", () => {
    const trust = full.json.Resources[role]?.Properties.AssumeRolePolicyDocument.Statement[0];
    expect(trust.Principal).toEqual({ Service: "scheduler.amazonaws.com" });
    expect(trust.Condition.StringEquals["aws:SourceAccount"]).toEqual({ Ref: "AWS::AccountId" });
    expect(trust.Condition.ArnLike["aws:SourceArn"]).toEqual({ "Fn::GetAtt": [group, "Arn"] });
    const policy = resourcesOf(full.json, "AWS::IAM::Policy").find(([, p]) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    )?.[1];
    expect(policy?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: "lambda:InvokeFunction",
          Resource: { "Fn::GetAtt": [closeFn, "Arn"] },
        }),
        expect.objectContaining({
          Action: expect.arrayContaining(["sqs:SendMessage"]),
          Resource: { "Fn::GetAtt": [dlq, "Arn"] },
        }),
      ]),
    );
  });

  it("hands the app the target, role, queue and group it arms schedules with", () => {
    for (const handler of ["periods/patch", "periods/transition"]) {
      const env = full.json.Resources[functionId(full.json, handler)]?.Properties.Environment.Variables;
      expect(env.JOB_FUNCTION_ARN).toEqual({ "Fn::GetAtt": [closeFn, "Arn"] });
      expect(env.SCHEDULER_ROLE_ARN).toEqual({ "Fn::GetAtt": [role, "Arn"] });
      expect(env.CLOSE_DLQ_ARN).toEqual({ "Fn::GetAtt": [dlq, "Arn"] });
      expect(env.SCHEDULE_GROUP).toBe("chiso-test-closes");
    }
  });

  it("retries a failing close twice, then dead-letters it", () => {
    full.template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: closeFn },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { "Fn::GetAtt": [dlq, "Arn"] } } },
    });
  });
});

describe("reminders", () => {
  it("run hourly from a schedule, with retries and the dead-letter queue", () => {
    full.template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: REMINDER_SCHEDULE,
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: { "Fn::GetAtt": [functionId(full.json, JOBS.reminders), "Arn"] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
        DeadLetterConfig: { Arn: Match.anyValue() },
      },
    });
  });

  it("are not scheduled without an SES identity", () => {
    expect(resourcesOf(bare.json, "AWS::Scheduler::Schedule")).toHaveLength(0);
    const env = bare.json.Resources[functionId(bare.json, JOBS.reminders)]?.Properties.Environment.Variables;
    expect(env.REMINDER_FROM).toBeUndefined();
  });
});

describe("alarms", () => {
  const alarms = resourcesOf(full.json, "AWS::CloudWatch::Alarm");
  const topic = idOf(full.json, "AWS::SNS::Topic", "AlarmTopic");

  it("watch every function's errors, the API's 5xx and the dead-letter queue, and notify the topic", () => {
    const functions = resourcesOf(full.json, "AWS::Lambda::Function").filter(([, r]) =>
      String(r.Properties.Description).startsWith("chiso "),
    );
    for (const [id] of functions)
      expect(
        alarms.some(
          ([, a]) =>
            a.Properties.MetricName === "Errors" &&
            JSON.stringify(a.Properties.Dimensions).includes(`"Ref":"${id}"`),
        ),
        id,
      ).toBe(true);
    expect(alarms.some(([, a]) => a.Properties.MetricName === "5xx")).toBe(true);
    expect(alarms.some(([, a]) => a.Properties.MetricName === "ApproximateNumberOfMessagesVisible")).toBe(
      true,
    );
    for (const [id, a] of alarms) expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topic }]);
  });

  it("may publish to the TLS-only topic (CloudWatch needs its own Allow)", () => {
    full.template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
          }),
        ]),
      },
    });
    full.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.gov.vn",
    });
  });
});

describe("outputs", () => {
  it("name what an operator and bootstrap-admin.ts need", () => {
    for (const output of [
      "SiteUrl",
      "UserPoolId",
      "UserPoolClientId",
      "Region",
      "DistributionId",
      "ApiEndpoint",
    ])
      expect(full.json.Outputs?.[output], output).toBeDefined();
  });
});
