import { join } from "node:path";
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as cognito from "aws-cdk-lib/aws-cognito";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";
import { ROUTES, type Route, routeKey } from "../../functions/routes.ts";
import { ROLES } from "../../shared/access/roles.ts";
import { AUDIT_TABLE, DATA_TABLE, type TableDefinition } from "../../shared/store/tables.ts";
import { type Needs, needsOf } from "./access.ts";
import { ChisoFunction } from "./chiso-function.ts";
import { type Acknowledgement, acknowledgeFindings } from "./nag.ts";
import { ROOT, type Settings } from "./settings.ts";
import { DEFAULT_THROTTLE, throttleOf } from "./throttles.ts";
import { MFA_GROUPS } from "./triggers/staff-mfa.ts";
import { webAcl } from "./waf.ts";

export interface ChisoStackProps extends StackProps {
  settings: Settings;
  /** The route table; functions/routes.ts unless a test passes another. */
  routes?: readonly Route[];
  /**
   * The CloudFront web ACL: settings.webAclArn, or the ARN of the app's own (WafStack in us-east-1,
   * a cross-region reference). None only with waf=off.
   */
  cloudFrontWebAclArn?: string;
}

/**
 * The header CloudFront adds to every /api/* request it sends to the API, with the origin secret's
 * value; the API refuses any request without it (functions/http/api.ts reads ORIGIN_SECRET_PARAM).
 */
export const ORIGIN_SECRET_HEADER = "x-chiso-origin-secret";

/** The handler modules that are not routes: the period job (and close target) and the reminder job. */
export const JOBS = { period: "jobs/period-job", reminders: "jobs/send-reminders" } as const;

/** Hourly: a reminder is due "3 days before" to the hour, and each is claimed once (reminders.ts). */
export const REMINDER_SCHEDULE = "rate(1 hour)";

/**
 * chiso in one AWS account and region: the HTTP API and its functions built from functions/routes.ts,
 * DynamoDB, the evidence and site buckets, CloudFront, Cognito, the close scheduler, reminders and
 * alarms. Parameters come from Settings (CDK context); see README.md, "Deploying to AWS".
 */
export class ChisoStack extends Stack {
  readonly functions = new Map<string, ChisoFunction>();
  /** The Cognito trigger that keeps admin/reviewer out of the tokens of a user without TOTP. */
  readonly staffMfa: ChisoFunction;
  readonly settings: Settings;
  /** The cdk-nag findings this stack accepts, with their reasons (infra/cdk/nag.ts). */
  readonly acknowledgements: Acknowledgement[];

  constructor(scope: Construct, id: string, props: ChisoStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    const routes = props.routes ?? ROUTES;
    this.settings = settings;
    Tags.of(this).add("app", "chiso");
    Tags.of(this).add("stage", settings.stage);

    // ---- data ------------------------------------------------------------------------------------
    const dataTable = this.table("DataTable", DATA_TABLE);
    const auditTable = this.table("AuditTable", AUDIT_TABLE);

    // ---- buckets ---------------------------------------------------------------------------------
    const logsBucket = new s3.Bucket(this, "LogsBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with an ACL grant: the bucket must accept ACLs.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: "expire-logs", expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const evidenceBucket = new s3.Bucket(this, "EvidenceBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: "s3/evidence/",
      lifecycleRules: [
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Confirm writes an upload's checked bytes to a key of their own, then deletes the upload: what
        // is left under uploads/ (never confirmed, or posted again after confirm) is garbage.
        {
          id: "expire-uploads",
          prefix: "evidence/uploads/",
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
        // A removed or replaced file stays recoverable for 90 days, then goes.
        {
          id: "expire-old-versions",
          noncurrentVersionExpiration: Duration.days(90),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const siteBucket = new s3.Bucket(this, "SiteBucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Published rankings are the public record: an overwrite or a delete stays recoverable.
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: "s3/site/",
      lifecycleRules: [
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: "expire-old-versions", noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- sign-in ---------------------------------------------------------------------------------
    const userPool = new cognito.UserPool(this, "UserPool", {
      userPoolName: `chiso-${settings.stage}`,
      // Admins create the users (POST /api/users, bootstrap-admin.ts): nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        unitId: new cognito.StringAttribute({ mutable: true, maxLen: 64 }),
        scopeGroups: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
        scopeNodes: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
      },
      // shared/services/users.ts: 8+ characters with an upper- and a lower-case letter, a digit, a symbol.
      passwordPolicy: {
        minLength: 8,
        requireUppercase: true,
        requireLowercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // No e-mail or phone is collected: an admin resets a forgotten password.
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.LITE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) userPool.addGroup(`Group-${role}`, { groupName: role });
    // Admins and reviewers must sign in with TOTP: Cognito cannot require MFA per group, so the pool's
    // MFA stays OPTIONAL (TOTP only) and this trigger keeps those groups out of the tokens of a user
    // without TOTP (infra/cdk/triggers/staff-mfa.ts). Not in this.functions: no route, no table.
    const staffMfa = new ChisoFunction(this, "CognitoStaffMfa", {
      handler: "triggers/staff-mfa",
      entry: join(ROOT, "infra", "cdk", "triggers", "staff-mfa.ts"),
      description: "Cognito pre token generation (chiso): admin and reviewer groups need TOTP",
      logRetention: settings.logRetention,
      environment: {},
      memorySize: 256,
      // Cognito waits 5 s for a trigger.
      timeout: Duration.seconds(5),
    });
    this.staffMfa = staffMfa;
    userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, staffMfa.function);
    // A Policy of its own, not the role's default policy: the function does not wait for it, so the
    // pool (which names the function as its trigger) may be named here without a dependency cycle.
    new iam.Policy(this, "CognitoStaffMfaReadUsers", {
      roles: [staffMfa.role],
      statements: [
        new iam.PolicyStatement({ actions: ["cognito-idp:AdminGetUser"], resources: [userPool.userPoolArn] }),
      ],
    });
    const userPoolClient = userPool.addClient("WebClient", {
      userPoolClientName: `chiso-${settings.stage}-web`,
      generateSecret: false,
      // The web app signs in with the Cognito API (USER_PASSWORD_AUTH / SRP): no hosted UI, no OAuth.
      disableOAuth: true,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.days(30),
      // The custom attributes are the user's authority (unit, reviewer scope): only admins set them
      // (AdminCreateUser / AdminUpdateUserAttributes), never the user through this client.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    // ---- closing a period: scheduler group, role, dead-letter queue -------------------------------
    const closeDlq = new sqs.Queue(this, "CloseDeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const scheduleGroup = new scheduler.ScheduleGroup(this, "CloseScheduleGroup", {
      scheduleGroupName: `chiso-${settings.stage}-closes`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const schedulerRole = new iam.Role(this, "CloseSchedulerRole", {
      description: "EventBridge Scheduler: invokes the close function, dead-letters what it cannot deliver",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    closeDlq.grantSendMessages(schedulerRole);

    // ---- the origin secret: only CloudFront may call the API -------------------------------------
    // Generated once by Secrets Manager at the first deployment; the template holds a dynamic
    // reference ({{resolve:secretsmanager:…}}), never the value. CloudFront sends it as a header to the
    // API origin; the API functions read it (ORIGIN_SECRET_PARAM = the secret's ARN) and refuse any
    // request without it, so the execute-api endpoint (or the API's custom domain) called directly,
    // around CloudFront and its web ACL, answers nothing.
    const originSecret = new secretsmanager.Secret(this, "OriginSecret", {
      description: `chiso ${settings.stage}: the header value CloudFront sends to the API (${ORIGIN_SECRET_HEADER})`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // ---- functions -------------------------------------------------------------------------------
    // The DynamoDB client wants both table names, whatever the function reads.
    const baseEnv = { TABLE_NAME: dataTable.tableName, AUDIT_TABLE_NAME: auditTable.tableName };
    const envFor = (needs: Needs): Record<string, string> => {
      const env: Record<string, string> = {};
      if (needs.evidence) env.EVIDENCE_BUCKET = evidenceBucket.bucketName;
      if (needs.published) env.SITE_BUCKET = siteBucket.bucketName;
      if (needs.users) env.USER_POOL_ID = userPool.userPoolId;
      if (needs.evidenceLimit && settings.maxEvidenceBytes !== undefined)
        env.MAX_EVIDENCE_BYTES = String(settings.maxEvidenceBytes);
      if (needs.mail) {
        env.REMINDER_DAYS = settings.reminderDays;
        if (settings.reminderFrom) env.REMINDER_FROM = settings.reminderFrom;
      }
      return env;
    };
    const fn = (handler: string, extraEnv: Record<string, string> = {}) => {
      const needs = needsOf(handler);
      const made = new ChisoFunction(this, constructId(handler), {
        handler,
        logRetention: settings.logRetention,
        environment: { ...baseEnv, ...envFor(needs), ...extraEnv },
        ...(needs.heavy ? { memorySize: 1024 } : {}),
        ...(handler.startsWith("jobs/")
          ? { timeout: Duration.minutes(5) }
          : needs.heavy
            ? { timeout: Duration.seconds(29) }
            : {}),
      });
      this.functions.set(handler, made);
      return made;
    };

    // The period job runs a close, final scoring or publication (one job per period at a time, held by
    // a lease on the period). Transitions and the close schedule invoke it asynchronously: a failing
    // attempt is retried by Lambda (twice), then sent to the same dead-letter queue as undeliverable
    // invocations, which raises the alarm; the job records its progress and error on the period.
    const scheduleEnv = {
      SCHEDULE_GROUP: scheduleGroup.scheduleGroupName,
      SCHEDULER_ROLE_ARN: schedulerRole.roleArn,
      CLOSE_DLQ_ARN: closeDlq.queueArn,
    };
    // The job function arms a close schedule targeting itself: it reads its own ARN from its
    // invocation context (its ARN in its own environment would be a circular reference).
    const periodJob = fn(JOBS.period, scheduleEnv);
    const reminders = fn(JOBS.reminders);
    for (const job of [periodJob, reminders])
      job.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        onFailure: new SqsDestination(closeDlq),
      });
    const closeEnv = { ...scheduleEnv, JOB_FUNCTION_ARN: periodJob.function.functionArn };
    schedulerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["lambda:InvokeFunction"],
        resources: [periodJob.function.functionArn],
      }),
    );
    const jobEnv = { JOB_FUNCTION_NAME: periodJob.function.functionName };

    const handlers = [...new Set(routes.map((r) => r.handler))];
    const originEnv = { ORIGIN_SECRET_PARAM: originSecret.secretArn, ORIGIN_SECRET_HEADER };
    for (const handler of handlers) {
      const made = fn(handler, {
        ...originEnv,
        ...(needsOf(handler).closeSchedule ? closeEnv : {}),
        ...(needsOf(handler).jobs ? jobEnv : {}),
      });
      // Every route function checks the header: GetSecretValue on this one secret (cached per process).
      originSecret.grantRead(made.role);
    }

    // ---- grants, from access.ts -------------------------------------------------------------------
    const closeScheduleArn = this.formatArn({
      service: "scheduler",
      resource: "schedule",
      resourceName: `${scheduleGroup.scheduleGroupName}/close-*`,
    });
    for (const f of this.functions.values()) {
      const needs = needsOf(f.handler);
      const role = f.role;
      if (needs.data === "read") dataTable.grantReadData(role);
      if (needs.data === "write") dataTable.grantReadWriteData(role);
      if (needs.audit === "read") auditTable.grantReadData(role);
      if (needs.audit === "append")
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: ["dynamodb:PutItem"], resources: [auditTable.tableArn] }),
        );
      if (needs.evidence) this.grantPrefix(role, evidenceBucket, "evidence/", needs.evidence);
      if (needs.published) this.grantPrefix(role, siteBucket, "public/", needs.published);
      if (needs.users)
        userPool.grant(
          role,
          "cognito-idp:AdminCreateUser",
          "cognito-idp:AdminSetUserPassword",
          "cognito-idp:AdminAddUserToGroup",
        );
      if (needs.closeSchedule) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: [
              "scheduler:CreateSchedule",
              "scheduler:UpdateSchedule",
              ...(needs.closeSchedule === "arm-disarm" ? ["scheduler:DeleteSchedule"] : []),
            ],
            resources: [closeScheduleArn],
          }),
        );
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ["iam:PassRole"],
            resources: [schedulerRole.roleArn],
            conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
          }),
        );
      }
      // The unqualified function only (grantInvoke would add every version and alias, ":*").
      if (needs.jobs)
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ["lambda:InvokeFunction"],
            resources: [periodJob.function.functionArn],
          }),
        );
      if (needs.mail && settings.sesIdentity)
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ["ses:SendEmail"],
            resources: [
              this.formatArn({ service: "ses", resource: "identity", resourceName: settings.sesIdentity }),
            ],
          }),
        );
    }

    // ---- HTTP API --------------------------------------------------------------------------------
    const api = new apigwv2.HttpApi(this, "HttpApi", {
      apiName: `chiso-${settings.stage}`,
      description: "chiso API: built from functions/routes.ts",
      createDefaultStage: false,
      // With its own domain, the API answers there only (CloudFront's origin): the generated
      // execute-api endpoint is off. Without one, it stays (CloudFront's origin) and the origin secret
      // makes direct calls useless.
      disableExecuteApiEndpoint: settings.apiCertificateArn !== undefined,
    });
    const accessLogs = new logs.LogGroup(this, "HttpApiAccessLogs", {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new apigwv2.HttpStage(this, "HttpApiStage", {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      // Routes the table does not list; every listed route has its own throttle (below).
      throttle: { rateLimit: DEFAULT_THROTTLE.rate, burstLimit: DEFAULT_THROTTLE.burst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            time: "$context.requestTime",
            route: "$context.routeKey",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
            authorizerError: "$context.authorizer.error",
            user: "$context.authorizer.claims.cognito:username",
            ip: "$context.identity.sourceIp",
          }),
        ),
      },
    });
    const authorizer = new HttpUserPoolAuthorizer("CognitoAuthorizer", userPool, {
      userPoolClients: [userPoolClient],
      identitySource: ["$request.header.Authorization"],
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    const publicRoutes: apigwv2.HttpRoute[] = [];
    const httpRoutes: apigwv2.HttpRoute[] = [];
    for (const route of routes) {
      const target = this.functions.get(route.handler) as ChisoFunction;
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${constructId(route.handler)}Integration`, target.function, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.handler, integration);
      }
      const httpRoute = new apigwv2.HttpRoute(this, `Route ${routeKey(route)}`, {
        httpApi: api,
        routeKey: apigwv2.HttpRouteKey.with(route.path, route.method as apigwv2.HttpMethod),
        integration,
        // Roles are checked by the handler against the same table (functions/http/api.ts).
        authorizer: route.access === "public" ? new apigwv2.HttpNoneAuthorizer() : authorizer,
      });
      if (route.access === "public") publicRoutes.push(httpRoute);
      httpRoutes.push(httpRoute);
    }
    // Per-route throttles, sized for the deadline rush (infra/cdk/throttles.ts): a flood of one kind
    // of call (say, reads) cannot take the capacity of another (the saves). RouteSettings name route
    // keys, which must exist before the stage is updated.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes) {
      const throttle = throttleOf(route);
      routeSettings[routeKey(route)] = {
        ThrottlingRateLimit: throttle.rate,
        ThrottlingBurstLimit: throttle.burst,
      };
    }
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.addPropertyOverride("RouteSettings", routeSettings);
    for (const r of httpRoutes) stage.node.addDependency(r);

    // The API's own domain (regional endpoint, TLS 1.2): CloudFront's origin when apiCertificateArn is set.
    let apiOriginHost = `${api.apiId}.execute-api.${Aws.REGION}.amazonaws.com`;
    let apiDomain: apigwv2.DomainName | undefined;
    if (settings.apiDomain && settings.apiCertificateArn) {
      apiDomain = new apigwv2.DomainName(this, "ApiDomain", {
        domainName: settings.apiDomain,
        certificate: acm.Certificate.fromCertificateArn(this, "ApiCertificate", settings.apiCertificateArn),
        endpointType: apigwv2.EndpointType.REGIONAL,
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      new apigwv2.ApiMapping(this, "ApiMapping", { api, domainName: apiDomain, stage });
      apiOriginHost = settings.apiDomain;
    }

    // ---- CloudFront ------------------------------------------------------------------------------
    const spaFallback = new cloudfront.Function(this, "SpaFallback", {
      comment: "The web app's paths (no file extension) are served index.html",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        [
          "function handler(event) {",
          "  var request = event.request;",
          "  var uri = request.uri;",
          "  if (uri.indexOf('.', uri.lastIndexOf('/')) === -1) request.uri = '/index.html';",
          "  return request;",
          "}",
        ].join("\n"),
      ),
    });
    // The published files carry their own Cache-Control (public, max-age=60 for pointers; a year,
    // immutable, for v{n} snapshots): this policy follows it, with nothing in the cache key but the path.
    const publicCache = new cloudfront.CachePolicy(this, "PublicFilesCache", {
      comment: "chiso /public/*: honours the origin's Cache-Control",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(60),
      maxTtl: Duration.days(365),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(siteBucket);
    const apiOrigin = new origins.HttpOrigin(apiOriginHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
      // The dynamic reference is resolved by CloudFormation at deployment: not in the template.
      customHeaders: { [ORIGIN_SECRET_HEADER]: originSecret.secretValue.unsafeUnwrap() },
    });
    // The browser signs in against Cognito's endpoint and sends evidence straight to the bucket by
    // presigned POST (XMLHttpRequest) and GET: those are the only origins it connects to but this one.
    // shared/store/evidence-files.ts signs with the default S3 client: virtual-hosted, regional. With a
    // domain, the bucket's own host. Without one, the bucket's CORS rule names the distribution, which
    // cannot name the bucket back (a cycle): any bucket host of the region, a wider connect-src that
    // still allows no script of another origin to run.
    const evidenceOrigin = settings.domain
      ? `https://${evidenceBucket.bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`
      : `https://*.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const cognitoOrigin = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const csp = contentSecurityPolicy([cognitoOrigin, evidenceOrigin]);
    const securityHeaders = (
      id: string,
      comment: string,
      cors?: cloudfront.ResponseHeadersCorsBehavior,
    ): cloudfront.ResponseHeadersPolicy =>
      new cloudfront.ResponseHeadersPolicy(this, id, {
        comment,
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
          strictTransportSecurity: {
            accessControlMaxAge: Duration.days(730),
            includeSubdomains: true,
            preload: false,
            override: true,
          },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
          referrerPolicy: {
            referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
            override: true,
          },
          // The legacy XSS auditor is off in every current browser and harmful where it is not: "0".
          xssProtection: { protection: false, override: true },
        },
        customHeadersBehavior: {
          customHeaders: [{ header: "Permissions-Policy", value: PERMISSIONS_POLICY, override: true }],
        },
        ...(cors ? { corsBehavior: cors } : {}),
      });
    const siteHeaders = securityHeaders("SiteHeaders", `chiso ${settings.stage}: CSP and security headers`);
    // Open data: readable from any web page (CORS), with the same security headers.
    const publicHeaders = securityHeaders(
      "PublicFilesHeaders",
      `chiso ${settings.stage}: open data (CORS *) with the security headers`,
      {
        accessControlAllowOrigins: ["*"],
        accessControlAllowMethods: ["GET", "HEAD"],
        accessControlAllowHeaders: ["*"],
        accessControlAllowCredentials: false,
        originOverride: true,
      },
    );
    const distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `chiso ${settings.stage}`,
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: logsBucket,
      logFilePrefix: "cloudfront/",
      ...(props.cloudFrontWebAclArn ? { webAclId: props.cloudFrontWebAclArn } : {}),
      ...(settings.domain && settings.certificateArn
        ? {
            domainNames: [settings.domain],
            certificate: acm.Certificate.fromCertificateArn(this, "Certificate", settings.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: siteHeaders,
        functionAssociations: [
          { function: spaFallback, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        "/api/*": {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Every viewer header (Authorization, If-Match…) but Host: API Gateway wants its own.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: siteHeaders,
        },
        "/public/*": {
          origin: siteOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: publicCache,
          responseHeadersPolicy: publicHeaders,
        },
      },
    });
    const siteUrl = `https://${settings.domain ?? distribution.distributionDomainName}`;
    evidenceBucket.addCorsRule({
      allowedOrigins: [siteUrl],
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      allowedHeaders: ["*"],
      exposedHeaders: ["ETag"],
      maxAge: 3600,
    });

    for (const f of this.functions.values()) {
      if (!needsOf(f.handler).invalidate) continue;
      f.function.addEnvironment("DISTRIBUTION_ID", distribution.distributionId);
      distribution.grantCreateInvalidation(f.role);
    }

    // ---- the site: web/dist (or a placeholder) and /config.json ------------------------------------
    const config = {
      auth: {
        region: Aws.REGION,
        userPoolId: userPool.userPoolId,
        clientId: userPoolClient.userPoolClientId,
        endpoint: `https://cognito-idp.${Aws.REGION}.amazonaws.com/`,
        // Tokens of these groups need TOTP (the pre token generation trigger): the web app offers the
        // TOTP enrolment to a user whose ID token says chiso_mfa = "setup-required".
        mfaRequiredFor: [...MFA_GROUPS],
      },
    };
    const web = settings.hasWebBuild
      ? s3deploy.Source.asset(settings.webDist)
      : s3deploy.Source.data("index.html", PLACEHOLDER_PAGE);
    // Hashed assets (Vite's assets/): cached for a year. Old ones stay, for pages still open.
    if (settings.hasWebBuild)
      new s3deploy.BucketDeployment(this, "DeployWebAssets", {
        sources: [web],
        destinationBucket: siteBucket,
        exclude: ["*"],
        include: ["assets/*"],
        prune: false,
        cacheControl: [s3deploy.CacheControl.fromString("public, max-age=31536000, immutable")],
      });
    // Pages and config.json: revalidated on every load. public/ belongs to the publication, never here.
    new s3deploy.BucketDeployment(this, "DeployWebPages", {
      sources: [web, s3deploy.Source.jsonData("config.json", config)],
      destinationBucket: siteBucket,
      exclude: ["assets/*", "public/*"],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
    });

    // ---- sign-in: a per-IP rate limit on Cognito's API (a regional web ACL on the user pool) -------
    // The browser signs in against cognito-idp directly, not through CloudFront: this ACL is what
    // limits password guessing from one address. Part of waf=on.
    if (settings.waf) {
      const signInAcl = webAcl(this, "SignInWebAcl", {
        scope: "REGIONAL",
        name: `chiso-${settings.stage}-sign-in`,
        rateLimit: settings.wafSignInRateLimit,
        managedGroups: ["AWSManagedRulesAmazonIpReputationList"],
      });
      new wafv2.CfnWebACLAssociation(this, "SignInWebAclAssociation", {
        resourceArn: userPool.userPoolArn,
        webAclArn: signInAcl.attrArn,
      });
    }

    // ---- reminders: hourly, from the SES identity -------------------------------------------------
    if (settings.sesIdentity) {
      const remindersRole = new iam.Role(this, "RemindersSchedulerRole", {
        description: "EventBridge Scheduler: runs the reminder job every hour",
        assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
          conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
        }),
      });
      remindersRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ["lambda:InvokeFunction"],
          resources: [reminders.function.functionArn],
        }),
      );
      closeDlq.grantSendMessages(remindersRole);
      new scheduler.CfnSchedule(this, "RemindersSchedule", {
        description: "chiso deadline reminders",
        scheduleExpression: REMINDER_SCHEDULE,
        scheduleExpressionTimezone: "Asia/Ho_Chi_Minh",
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: reminders.function.functionArn,
          roleArn: remindersRole.roleArn,
          input: "{}",
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: closeDlq.queueArn },
        },
      });
    } else {
      this.node.addMetadata(
        "chiso:reminders",
        "no sesIdentity: the reminder job is deployed but not scheduled (set -c sesIdentity=...)",
      );
    }

    // ---- alarms ----------------------------------------------------------------------------------
    const alarmTopic = new sns.Topic(this, "AlarmTopic", {
      displayName: `chiso ${settings.stage} alarms`,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a resource policy, which replaces the default one: CloudWatch (a
    // service principal, not a role) needs its own Allow, limited to this account's alarms.
    alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarms",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [alarmTopic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: {
            "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (settings.alarmEmail)
      alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const notify = new cwActions.SnsAction(alarmTopic);
    for (const f of this.functions.values()) {
      const alarm = new cloudwatch.Alarm(this, `${constructId(f.handler)}Errors`, {
        alarmDescription: `chiso ${f.handler}: the function failed (error, timeout or crash)`,
        metric: f.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
    }
    // A failing trigger fails the sign-in of every admin and reviewer.
    new cloudwatch.Alarm(this, "CognitoStaffMfaErrors", {
      alarmDescription: "chiso Cognito pre token generation trigger failed: staff sign-ins fail",
      metric: staffMfa.function.metricErrors({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
    // A handler turns an unexpected error into a 500 reply (it does not crash): count those too.
    new cloudwatch.Alarm(this, "HttpApi5xx", {
      alarmDescription: "chiso API: internal errors (5xx replies)",
      metric: api.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);
    new cloudwatch.Alarm(this, "CloseDeadLetters", {
      alarmDescription:
        "chiso: a scheduled close (or reminder run) failed after its retries: see the dead-letter queue",
      metric: closeDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(notify);

    // ---- outputs (bootstrap-admin.ts reads UserPoolId) -------------------------------------------
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output("SiteUrl", siteUrl, "The site (and /api, /public, /config.json)");
    output("DistributionDomainName", distribution.distributionDomainName, "CNAME target for the domain");
    output("DistributionId", distribution.distributionId, "CloudFront distribution");
    output(
      "ApiEndpoint",
      apiDomain ? `https://${settings.apiDomain}` : api.apiEndpoint,
      "The HTTP API behind CloudFront's /api/* (refuses requests without CloudFront's origin secret)",
    );
    if (apiDomain)
      output(
        "ApiDomainTarget",
        apiDomain.regionalDomainName,
        `CNAME target for ${settings.apiDomain} (CloudFront's origin)`,
      );
    output("OriginSecretArn", originSecret.secretArn, "The origin secret CloudFront sends to the API");
    output("Region", Aws.REGION, "Region");
    output("UserPoolId", userPool.userPoolId, "Cognito user pool");
    output("UserPoolClientId", userPoolClient.userPoolClientId, "Cognito app client of the web app");
    output("DataTableName", dataTable.tableName, "DynamoDB data table");
    output("AuditTableName", auditTable.tableName, "DynamoDB audit table");
    output("EvidenceBucketName", evidenceBucket.bucketName, "Evidence files");
    output("SiteBucketName", siteBucket.bucketName, "The site and the published rankings (public/)");
    output("CloseScheduleGroupName", scheduleGroup.scheduleGroupName, "EventBridge Scheduler group");
    output("CloseDeadLetterQueueUrl", closeDlq.queueUrl, "Failed closes and reminder runs");
    output("AlarmTopicArn", alarmTopic.topicArn, "Subscribe here for alarms");

    this.acknowledgements = acknowledgeFindings(this, {
      settings,
      functions: this.functions.values(),
      needsOf,
      dataTable,
      auditTable,
      evidenceBucket,
      siteBucket,
      scheduleGroupName: scheduleGroup.scheduleGroupName,
      userPool,
      distribution,
      closeDlq,
      publicRoutes,
      originSecret,
      staffMfa,
      hasCloudFrontWebAcl: props.cloudFrontWebAclArn !== undefined,
    });
  }

  private table(id: string, definition: TableDefinition): dynamodb.Table {
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, id, {
      partitionKey: key(definition.partitionKey),
      sortKey: key(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.indexes)
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    return table;
  }

  /** Object-level rights under one prefix, action by action (no s3:GetObject*, no s3:Abort*). */
  private grantPrefix(
    role: iam.IRole,
    bucket: s3.IBucket,
    prefix: string,
    rights: readonly ("put" | "get" | "delete")[],
  ): void {
    const actions = rights.map(
      (right) => ({ put: "s3:PutObject", get: "s3:GetObject", delete: "s3:DeleteObject" })[right],
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    // Without ListBucket, S3 answers a missing key with 403 AccessDenied instead of 404 NoSuchKey, and
    // the adapters read "not there" from NoSuchKey (a file never uploaded, a snapshot not yet written).
    if (rights.includes("get"))
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [bucket.bucketArn] }),
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

/**
 * The site's Content-Security-Policy: scripts and styles from the site only (no inline code, no eval),
 * images from the site and data: URLs, connections to the site, Cognito's endpoint and the evidence
 * bucket only; no framing, no <base>, forms posted to the site only.
 */
export function contentSecurityPolicy(connectOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(" ")}`,
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "upgrade-insecure-requests",
  ].join("; ");
}

/** Powerful browser features the app never uses, off for the site and anything it might frame. */
export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="vi">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chiso</title>
<p>chiso: the web app has not been built into web/dist yet. The API is at <code>/api/</code>,
the published rankings at <code>/public/rankings/index.json</code>.</p>
</html>
`;
