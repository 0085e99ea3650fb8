import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type Needs, needsOf } from "./access.ts";
import { ROOT } from "./settings.ts";

export interface ChisoFunctionProps {
  /** The handler module under functions/, without extension: "periods/transition". */
  handler: string;
  /** Plain settings; a name or ARN that comes with a right is added by a bind… method instead. */
  environment?: Record<string, string>;
  logRetention: logs.RetentionDays;
  memorySize?: number;
  timeout?: Duration;
  /** The module's file when it is not functions/<handler>.ts (the Cognito trigger under infra/cdk/). */
  entry?: string;
  /** Defaults to "chiso <handler>" (the tests find route and job functions by it). */
  description?: string;
  /** What it may touch (infra/cdk/access.ts): decides which adapters its bundle carries; none without. */
  needs?: Needs;
}

/** Where the app arms a period's close: infra/cdk/constructs/jobs.ts. */
export interface CloseSchedules {
  groupName: string;
  /** The ARN pattern of the schedules the app may arm: close-* in the group. */
  scheduleArn: string;
  schedulerRole: iam.IRole;
  deadLetterQueue: sqs.IQueue;
  /** The function a close schedule invokes. */
  target: lambda.IFunction;
}

/** The esbuild settings of every function (the ESM bundle needs `require` for bundled CommonJS). */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: "node22",
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  // Stack traces map to file:line without shipping the sources a second time.
  sourcesContent: false,
  // Prefer the ES module build of dependencies that ship both (smaller, tree-shakable).
  mainFields: ["module", "main"],
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  // The pinned AWS SDK the tests ran against, not the runtime's own (another version, updated by AWS).
  // Only the clients of the adapters a function may use are bundled (bundlingFor), and those other
  // than DynamoDB's are imported on first use (test/bench/cold-start.ts, test/infra/bundles.test.ts).
  bundleAwsSDK: true,
  logLevel: LogLevel.ERROR,
  tsconfig: join(ROOT, "tsconfig.json"),
};

/** The adapters of functions/http/adapters.ts that only some functions use (each with its SDK clients). */
export type AdapterPart = "evidenceFiles" | "published" | "users" | "scheduler" | "jobs" | "mailer";

/** Which of them a function's needs give it. */
export function partsOf(needs: Needs): Record<AdapterPart, boolean> {
  return {
    evidenceFiles: (needs.evidence?.length ?? 0) > 0,
    // The CloudFront invalidation is a method of the published files.
    published: (needs.published?.length ?? 0) > 0 || needs.invalidate === true,
    users: (needs.users?.length ?? 0) > 0,
    scheduler: needs.closeSchedule !== undefined,
    jobs: needs.jobs === true,
    mailer: needs.mail === true,
  };
}

/** The constant that tells functions/http/adapters.ts whether its bundle carries a part. */
const PART_CONSTANTS: Record<AdapterPart, string> = {
  evidenceFiles: "CHISO_PART_EVIDENCE_FILES",
  published: "CHISO_PART_PUBLISHED",
  users: "CHISO_PART_USERS",
  scheduler: "CHISO_PART_SCHEDULER",
  jobs: "CHISO_PART_JOBS",
  mailer: "CHISO_PART_MAILER",
};

/**
 * BUNDLING with the constants of one function: esbuild drops the adapters its needs do not name, and
 * the API contract (functions/http/api.ts: response checks are for tests only), as dead code.
 */
export function bundlingFor(needs: Needs) {
  const parts = partsOf(needs);
  const define: Record<string, string> = { CHISO_CONTRACT: "false" };
  for (const part of Object.keys(PART_CONSTANTS) as AdapterPart[])
    define[PART_CONSTANTS[part]] = String(parts[part]);
  return { ...BUNDLING, define };
}

/** What "read" allows on a table; its indexes are only queried. */
const TABLE_READS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"];
/** What "write" adds: conditional puts and updates, in transactions too, and the reminder claim's delete. */
const TABLE_WRITES = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:ConditionCheckItem",
];

/**
 * How a function uses a table: "read" = GetItem, BatchGetItem, Query; "write" = also PutItem,
 * UpdateItem, DeleteItem, ConditionCheckItem; "append" =
 * dynamodb:PutItem only, "name-only" = the name and no right (shared/store/dynamo.ts wants both tables'
 * names, whatever the function touches).
 */
export type TableAccess = "read" | "write" | "append" | "name-only";

/** Object-level rights under a bucket prefix. */
export type ObjectRight = "put" | "get" | "delete" | "list-parts" | "abort";

/** The environment variable that carries a bound resource's name or ARN to the handler. */
export interface EnvName {
  env: string;
}

/**
 * One Lambda function with the house defaults: Node.js 22 on ARM64, a minified ESM bundle with source
 * maps, its own log group with a retention, its own role with nothing but the right to write that log
 * group. Everything else it may touch comes through a bind… method, which adds the right and the
 * environment variable naming the resource together (infra/cdk/grants.ts calls them from access.ts).
 */
export class ChisoFunction extends Construct {
  readonly handler: string;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChisoFunctionProps) {
    super(scope, id);
    this.handler = props.handler;
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `chiso function ${props.handler}`,
    });
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      // Operational logs only: the audit trail lives in the audit table, which is retained.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): this log group only.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry ?? join(ROOT, "functions", `${props.handler}.ts`),
      handler: "handler",
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      description: props.description ?? `chiso ${props.handler}`,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        POWERTOOLS_SERVICE_NAME: "chiso",
        POWERTOOLS_LOG_LEVEL: "INFO",
        ...props.environment,
      },
      bundling: bundlingFor(props.needs ?? {}),
    });
  }

  /** A route or job handler under functions/, sized by its needs (infra/cdk/access.ts). */
  static forHandler(scope: Construct, handler: string, logRetention: logs.RetentionDays): ChisoFunction {
    const needs = needsOf(handler);
    const heavy = needs.heavy === true;
    const job = handler.startsWith("jobs/");
    return new ChisoFunction(scope, constructId(handler), {
      handler,
      logRetention,
      needs,
      // A heavy job (the period's: scoring, then a publication's 4,000 scorecards as PDF and DOCX,
      // rendered on two threads and held for the ZIP) gets two whole vCPUs (1,769 MB buys one) and
      // room for the documents: the same GB-seconds as one vCPU for half the time (ARCHITECTURE.md).
      ...(heavy ? { memorySize: job ? 3538 : 1024 } : {}),
      ...(job
        ? { timeout: heavy ? Duration.minutes(15) : Duration.minutes(5) }
        : heavy
          ? { timeout: Duration.seconds(29) }
          : {}),
    });
  }

  bindTable(table: dynamodb.ITable, access: TableAccess, { env }: EnvName): this {
    this.function.addEnvironment(env, table.tableName);
    if (access === "read" || access === "write") {
      // The actions the code makes (the rights test records them), not grantReadData's
      // or grantReadWriteData's whole sets (Scan, DescribeTable, streams, BatchWriteItem…).
      this.allow([...TABLE_READS, ...(access === "write" ? TABLE_WRITES : [])], [table.tableArn]);
      this.allow(["dynamodb:Query"], [`${table.tableArn}/index/*`]);
    }
    if (access === "append") this.allow(["dynamodb:PutItem"], [table.tableArn]);
    return this;
  }

  /** Object-level rights under one prefix, action by action (no s3:GetObject*, no s3:Abort*). */
  bindBucketPrefix(
    bucket: s3.IBucket,
    prefix: string,
    rights: readonly ObjectRight[],
    { env }: EnvName,
  ): this {
    this.function.addEnvironment(env, bucket.bucketName);
    const actions = rights.map(
      (right) =>
        ({
          put: "s3:PutObject",
          get: "s3:GetObject",
          delete: "s3:DeleteObject",
          // Multipart: CreateMultipartUpload, UploadPart and CompleteMultipartUpload are s3:PutObject.
          "list-parts": "s3:ListMultipartUploadParts",
          abort: "s3:AbortMultipartUpload",
        })[right],
    );
    this.allow(actions, [bucket.arnForObjects(`${prefix}*`)]);
    // Without ListBucket, S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey, and
    // the adapters read "not there" from NoSuchKey (a file never uploaded, a snapshot not yet written).
    if (rights.includes("get")) this.allow(["s3:ListBucket"], [bucket.bucketArn]);
    return this;
  }

  bindUserPool(pool: cognito.IUserPool, actions: readonly string[], { env }: EnvName): this {
    this.function.addEnvironment(env, pool.userPoolId);
    pool.grant(this.role, ...actions);
    return this;
  }

  /** GetSecretValue on the secret, whose ARN the handler reads (it caches the value per process). */
  bindSecret(secret: secretsmanager.ISecret, { env }: EnvName): this {
    this.function.addEnvironment(env, secret.secretArn);
    // GetSecretValue alone (grantRead adds DescribeSecret, which the handler never calls).
    this.allow(["secretsmanager:GetSecretValue"], [secret.secretArn]);
    return this;
  }

  /** lambda:InvokeFunction on the job function, unqualified (grantInvoke would add ":*" too). */
  bindJobQueue(job: lambda.IFunction, { env }: EnvName): this {
    this.function.addEnvironment(env, job.functionName);
    this.allow(["lambda:InvokeFunction"], [job.functionArn]);
    return this;
  }

  bindDistribution(distribution: cloudfront.IDistribution, { env }: EnvName): this {
    this.function.addEnvironment(env, distribution.distributionId);
    distribution.grantCreateInvalidation(this.role);
    return this;
  }

  /** ses:SendEmail from one verified identity, with the From address the handler uses. */
  bindMailer(identityArn: string, from: string, { env }: EnvName): this {
    this.function.addEnvironment(env, from);
    this.allow(["ses:SendEmail"], [identityArn]);
    return this;
  }

  /**
   * Arms (and with "arm-disarm" deletes) the one-time close schedules named close-* in the group, and
   * passes the scheduler role to them; the handler reads the group, the role, the dead-letter queue and
   * the job function they target (the job function itself reads its own ARN from its invocation
   * context: its ARN in its own environment would be a circular reference).
   */
  bindCloseSchedules(schedules: CloseSchedules, mode: "arm" | "arm-disarm"): this {
    const env: Record<string, string> = {
      SCHEDULE_GROUP: schedules.groupName,
      SCHEDULER_ROLE_ARN: schedules.schedulerRole.roleArn,
      CLOSE_DLQ_ARN: schedules.deadLetterQueue.queueArn,
    };
    if (schedules.target !== this.function) env.JOB_FUNCTION_ARN = schedules.target.functionArn;
    for (const [name, value] of Object.entries(env)) this.function.addEnvironment(name, value);
    this.allow(
      [
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        ...(mode === "arm-disarm" ? ["scheduler:DeleteSchedule"] : []),
      ],
      [schedules.scheduleArn],
    );
    this.allow(["iam:PassRole"], [schedules.schedulerRole.roleArn], {
      StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" },
    });
    return this;
  }

  /** A statement on the function's own role (its default policy): only a bind… method adds one. */
  private allow(actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }),
    );
  }
}

/** "periods/transition" → "PeriodsTransition": a stable construct id per handler module. */
export function constructId(handler: string): string {
  return handler
    .split(/[/-]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
