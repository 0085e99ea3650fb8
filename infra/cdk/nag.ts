import { type CfnElement, type Stack, Token, Validations } from "aws-cdk-lib";
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import type * as cognito from "aws-cdk-lib/aws-cognito";
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
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
  originSecret: secretsmanager.Secret;
  staffMfa: ChisoFunction;
  /** Whether the distribution has a web ACL (the app's own or webAclArn): not with waf=off. */
  hasCloudFrontWebAcl: boolean;
}

const REASONS = {
  runtime:
    "Node.js 22 is the runtime the stack decisions fix (LTS, supported by Lambda until 2027-04-30). " +
    "Node.js 24 is newer: moving is one line in infra/cdk/chiso-function.ts once the suite runs on it.",
  tableIndexes:
    "dynamodb:Query on <table ARN>/index/*: the indexes of this one table (byList, byDay), which the " +
    "list queries read.",
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
    "MFA is required where it matters, per group, which Cognito's pool setting cannot express: admin " +
    "and reviewer tokens carry their role only after a TOTP sign-in (pre token generation trigger, " +
    "infra/cdk/triggers/staff-mfa.ts). For unit editors it stays optional: commune officials often " +
    "share one phone or have none; their passwords are strong (8+, four classes), TOTP is available.",
  originSecretRotation:
    "The origin secret is a shared header value between CloudFront and the API, not a credential of a " +
    "service: an automatic rotation would change it under CloudFront's feet (the distribution reads it " +
    "at deployment). It never leaves AWS (HTTPS to the origin only); docs/ARCHITECTURE.md says how to rotate it.",
  plusPlan:
    "The Plus feature plan (threat protection) costs $0.02 per monthly active user on top of Lite; " +
    "there is no self sign-up and admins create every account. A province can switch featurePlan later.",
  geo:
    "The rankings are public open data for everyone (citizens abroad, researchers, the press): a " +
    "geographic restriction is not a security control here.",
  waf:
    "The operator turned the web ACL off explicitly (-c waf=off, saving ≈ $13/month): the API keeps its " +
    "per-route throttles, the JWT authorizer and the origin secret, the site is static.",
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
  // cdk-nag prints a pseudo parameter as <AWS::…>, a value the stack knows (its region, and its account
  // when the CLI gives one) as itself.
  const known = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
  const partition = known(stack.partition, "Partition");
  const region = known(stack.region, "Region");
  const account = known(stack.account, "AccountId");

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
        `AwsSolutions-IAM5[Resource::arn:${partition}:scheduler:${region}:${account}:` +
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
      `Resource::arn:${partition}:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
      `Resource::${arnOf(parts.siteBucket)}/*`,
    ])
      ack(child, `AwsSolutions-IAM5[${finding}]`, REASONS.deploymentRole);
  }

  for (const route of parts.publicRoutes) ack(route, "AwsSolutions-APIG4", REASONS.publicRoute);
  ack(parts.closeDlq, "AwsSolutions-SQS3", REASONS.dlq);
  ack(parts.userPool, "AwsSolutions-COG2", REASONS.mfa);
  ack(parts.originSecret, "AwsSolutions-SMG4", REASONS.originSecretRotation);
  ack(parts.staffMfa.function, "AwsSolutions-L1", REASONS.runtime);
  ack(parts.userPool, "AwsSolutions-COG8", REASONS.plusPlan);
  ack(parts.distribution, "AwsSolutions-CFR1", REASONS.geo);
  if (!parts.hasCloudFrontWebAcl) ack(parts.distribution, "AwsSolutions-CFR2", REASONS.waf);
  if (!parts.settings.domain) ack(parts.distribution, "AwsSolutions-CFR4", REASONS.tls);
  return done;
}
