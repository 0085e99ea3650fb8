import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { ROOT } from "./settings.ts";

export interface ChisoFunctionProps {
  /** The handler module under functions/, without extension: "periods/transition". */
  handler: string;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  memorySize?: number;
  timeout?: Duration;
  /** The module's file when it is not functions/<handler>.ts (the Cognito trigger under infra/cdk/). */
  entry?: string;
  /** Defaults to "chiso <handler>" (the tests find route and job functions by it). */
  description?: string;
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
  // The Node.js 22 runtime provides AWS SDK v3: bundling the six clients of services.ts would add
  // ≈ 800 KB to every function (measured), four times the rest of the bundle.
  externalModules: ["@aws-sdk/*"],
  logLevel: LogLevel.ERROR,
  tsconfig: join(ROOT, "tsconfig.json"),
};

/**
 * One Lambda function with the house defaults: Node.js 22 on ARM64, a minified ESM bundle with source
 * maps, its own log group with a retention, its own role with nothing but the right to write that log
 * group (each grant is added by the stack, from infra/cdk/access.ts).
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
      bundling: BUNDLING,
    });
  }
}
