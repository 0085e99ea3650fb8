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
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ROUTES, type Route, routeKey } from "../../functions/routes.ts";
import { ROLES } from "../../shared/access/roles.ts";
import { AUDIT_TABLE, DATA_TABLE, type TableDefinition } from "../../shared/store/tables.ts";
import { type Needs, needsOf } from "./access.ts";
import { ChisoFunction } from "./chiso-function.ts";
import { type Acknowledgement, acknowledgeFindings } from "./nag.ts";
import type { Settings } from "./settings.ts";

export interface ChisoStackProps extends StackProps {
  settings: Settings;
  /** The route table; functions/routes.ts unless a test passes another. */
  routes?: readonly Route[];
}

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
    for (const handler of handlers)
      fn(handler, {
        ...(needsOf(handler).closeSchedule ? closeEnv : {}),
        ...(needsOf(handler).jobs ? jobEnv : {}),
      });

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
    });
    const accessLogs = new logs.LogGroup(this, "HttpApiAccessLogs", {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigwv2.HttpStage(this, "HttpApiStage", {
      httpApi: api,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
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
    const apiOrigin = new origins.HttpOrigin(`${api.apiId}.execute-api.${Aws.REGION}.amazonaws.com`, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });
    const distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `chiso ${settings.stage}`,
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: logsBucket,
      logFilePrefix: "cloudfront/",
      ...(settings.webAclArn ? { webAclId: settings.webAclArn } : {}),
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
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
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
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
        },
        "/public/*": {
          origin: siteOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: publicCache,
          // Open data: readable from any web page (CORS), with the security headers.
          responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
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
    output("ApiEndpoint", api.apiEndpoint, "The HTTP API behind CloudFront's /api/*");
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

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="vi">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chiso</title>
<p>chiso: the web app has not been built into web/dist yet. The API is at <code>/api/</code>,
the published rankings at <code>/public/rankings/index.json</code>.</p>
</html>
`;
