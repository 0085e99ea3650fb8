import { type CfnElement, type Stack, Validations } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { IConstruct } from "constructs";
import type { Needs } from "./access.ts";
import type { ChisoFunction } from "./chiso-function.ts";
import type { Settings } from "./settings.ts";

/** One cdk-nag finding acknowledged on one construct (and its children), with the reason. */
export interface Acknowledgement {
  path: string;
  rule: string;
  reason: string;
}

export interface NagParts {
  settings: Settings;
  functions: Iterable<ChisoFunction>;
  needsOf: (handler: string) => Needs;
  dataTable: dynamodb.Table;
  auditTable: dynamodb.Table;
  evidenceBucket: s3.Bucket;
  siteBucket: s3.Bucket;
  scheduleGroupName: string;
  userPool: cognito.UserPool;
  distribution: cloudfront.Distribution;
  closeDlq: sqs.Queue;
  /** Routes the route table marks "public": no token by design. */
  publicRoutes: readonly IConstruct[];
}

const REASONS = {
  runtime:
    "Node.js 22 is the runtime the design fixes (issue 6; LTS, supported by Lambda until 2027-04-30). " +
    "Node.js 24 is newer: moving is one line in infra/cdk/chiso-function.ts once the suite runs on it.",
  tableIndexes:
    "grantReadData/grantReadWriteData on a table with global secondary indexes also covers " +
    "<table ARN>/index/*: the indexes of this one table (byList, byDay), which the list queries read.",
  evidenceObjects:
    "Object rights under the evidence/ prefix only, action by action: the keys " +
    "(evidence/{period}/{unit}/{id}) are chosen by the server at request time, so the key part is a wildcard.",
  publicObjects:
    "Object rights under the site bucket's public/ prefix only (public/rankings/...): the publication " +
    "writes and reads per-period files whose names are known only at run time.",
  closeSchedules:
    "The app arms one one-time schedule per period at run time, named close-{periodId}, in this " +
    "stack's own schedule group: the policy allows exactly that group and that name prefix.",
  deploymentRole:
    "CDK's BucketDeployment custom resource (aws-cdk-lib s3-deployment) copies the web build from the " +
    "CDK assets bucket into the site bucket during deployments only; its role and policy are generated " +
    "by CDK and cannot be narrowed through the construct's API.",
  deploymentRuntime:
    "The runtime of CDK's BucketDeployment custom-resource function is chosen by aws-cdk-lib, not by " +
    "this app; upgrading aws-cdk-lib upgrades it.",
  dlq:
    "This queue IS the dead-letter queue: of the close schedules and the reminder schedule (EventBridge " +
    "Scheduler DeadLetterConfig) and of the two job functions (Lambda on-failure destination). cdk-nag " +
    "only recognises SQS redrive policies.",
  mfa:
    "MFA is optional by design (issue 6): commune officials often have one shared phone or none; " +
    "passwords are strong (8+, four classes) and any user can turn on TOTP.",
  plusPlan:
    "The Plus feature plan (threat protection) costs $0.02 per monthly active user on top of Lite; " +
    "there is no self sign-up and admins create every account. A province can switch featurePlan later.",
  geo:
    "The rankings are public open data for everyone (citizens abroad, researchers, the press): a " +
    "geographic restriction is not a security control here.",
  waf:
    "No web ACL was given (-c webAclArn=...): a WAF costs ≥ $5/month + $1/rule; the API has stage " +
    "throttling and a JWT authorizer, the site is static. Pass webAclArn to attach one.",
  publicRoute:
    "The route table (functions/routes.ts) marks this route public: it serves readers without an " +
    "account (the public ranking), so it has no authorizer; the handler still parses and limits its input.",
  tls:
    "Without a custom domain CloudFront serves the *.cloudfront.net certificate, whose security policy " +
    "(TLSv1) cannot be changed. With -c domain=... -c certificateArn=... the stack sets TLSv1.2_2021.",
} as const;

/**
 * Every cdk-nag AwsSolutions finding this stack accepts, each on the narrowest construct, with its
 * reason. Everything else fails the synth (and test/infra/nag.test.ts).
 */
export function acknowledgeFindings(stack: Stack, parts: NagParts): Acknowledgement[] {
  const done: Acknowledgement[] = [];
  const ack = (scope: IConstruct, rule: string, reason: string) => {
    Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
    done.push({ path: scope.node.path, rule, reason });
  };
  const arnOf = (resource: { node: IConstruct["node"] }) =>
    `<${stack.resolve((resource.node.defaultChild as CfnElement).logicalId)}.Arn>`;

  for (const f of parts.functions) {
    ack(f.function, "AwsSolutions-L1", REASONS.runtime);
    const needs = parts.needsOf(f.handler);
    if (needs.data)
      ack(f.role, `AwsSolutions-IAM5[Resource::${arnOf(parts.dataTable)}/index/*]`, REASONS.tableIndexes);
    if (needs.audit === "read")
      ack(f.role, `AwsSolutions-IAM5[Resource::${arnOf(parts.auditTable)}/index/*]`, REASONS.tableIndexes);
    if (needs.evidence)
      ack(
        f.role,
        `AwsSolutions-IAM5[Resource::${arnOf(parts.evidenceBucket)}/evidence/*]`,
        REASONS.evidenceObjects,
      );
    if (needs.published)
      ack(f.role, `AwsSolutions-IAM5[Resource::${arnOf(parts.siteBucket)}/public/*]`, REASONS.publicObjects);
    if (needs.closeSchedule)
      ack(
        f.role,
        "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:" +
          `schedule/${parts.scheduleGroupName}/close-*]`,
        REASONS.closeSchedules,
      );
  }

  // CDK's singleton BucketDeployment handler (one per stack, shared by the deployments).
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith("Custom::CDKBucketDeployment")) continue;
    ack(child, "AwsSolutions-L1", REASONS.deploymentRuntime);
    ack(
      child,
      "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      REASONS.deploymentRole,
    );
    for (const finding of [
      "Action::s3:GetBucket*",
      "Action::s3:GetObject*",
      "Action::s3:List*",
      "Action::s3:Abort*",
      "Action::s3:DeleteObject*",
      "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
      `Resource::${arnOf(parts.siteBucket)}/*`,
    ])
      ack(child, `AwsSolutions-IAM5[${finding}]`, REASONS.deploymentRole);
  }

  for (const route of parts.publicRoutes) ack(route, "AwsSolutions-APIG4", REASONS.publicRoute);
  ack(parts.closeDlq, "AwsSolutions-SQS3", REASONS.dlq);
  ack(parts.userPool, "AwsSolutions-COG2", REASONS.mfa);
  ack(parts.userPool, "AwsSolutions-COG8", REASONS.plusPlan);
  ack(parts.distribution, "AwsSolutions-CFR1", REASONS.geo);
  if (!parts.settings.webAclArn) ack(parts.distribution, "AwsSolutions-CFR2", REASONS.waf);
  if (!parts.settings.domain) ack(parts.distribution, "AwsSolutions-CFR4", REASONS.tls);
  return done;
}
