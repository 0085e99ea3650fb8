import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import * as wafv2 from "aws-cdk-lib/aws-wafv2";
import type { Construct } from "constructs";

/** The AWS managed rule groups of the CloudFront web ACL, in evaluation order after the rate rule. */
export const MANAGED_RULE_GROUPS = [
  // Addresses Amazon threat intelligence lists as bots, scanners and DDoS sources.
  "AWSManagedRulesAmazonIpReputationList",
  // Request patterns known to be malicious (Log4j, Java deserialization, localhost Host…).
  "AWSManagedRulesKnownBadInputsRuleSet",
  // OWASP-style core rules. SizeRestrictions_BODY (8 KB) only counts: an admin's import of an index
  // set or of 4,000 units, and a save of many answers, are legitimately larger bodies.
  "AWSManagedRulesCommonRuleSet",
] as const;

/** Rules of the Common rule set that only count (see above). */
export const COMMON_RULES_COUNTED = ["SizeRestrictions_BODY"] as const;

/** WAF's evaluation window of the rate-based rules (seconds). */
export const RATE_WINDOW_SECONDS = 300;

/**
 * Pushes per data source per 5 minutes (the measurement route, keyed on its Authorization header: one
 * budget per source, whatever address it pushes from). A push carries up to 5,000 values, so 100 pushes
 * are 500,000 values: far above any system's nightly report, low enough that a leaked secret cannot
 * flood the table.
 */
export const SOURCE_RATE_LIMIT = 100;

export interface WebAclOptions {
  scope: "CLOUDFRONT" | "REGIONAL";
  name: string;
  /** Per-IP requests per 5 minutes. */
  rateLimit: number;
  /** Limit the rate rule to URIs starting with this path (CloudFront: "/api/"); all requests otherwise. */
  ratePathPrefix?: string;
  /** Add the per-source rate rule on the measurement route (the API's ACL). */
  perSourceRate?: boolean;
  /** Add the managed rule groups (the CloudFront ACL); the Cognito ACL has the rate rule and IP reputation. */
  managedGroups: readonly string[];
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const NONE: wafv2.CfnWebACL.TextTransformationProperty[] = [{ priority: 0, type: "NONE" }];

/** A scope-down to the URIs whose path starts or ends with `searchString`. */
const uriPath = (
  positionalConstraint: "STARTS_WITH" | "ENDS_WITH",
  searchString: string,
): wafv2.CfnWebACL.StatementProperty => ({
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint,
    searchString,
    textTransformations: NONE,
  },
});

const block429: wafv2.CfnWebACL.RuleActionProperty = {
  block: { customResponse: { responseCode: 429, responseHeaders: [{ name: "retry-after", value: "60" }] } },
};

/**
 * One web ACL: a per-IP rate-based rule first (429 with Retry-After), then the per-source rate rule
 * (the API's ACL), then AWS managed rule groups; priorities in that order.
 */
export function webAcl(scope: Construct, id: string, options: WebAclOptions): wafv2.CfnWebACL {
  const rules: Omit<wafv2.CfnWebACL.RuleProperty, "priority">[] = [
    {
      name: "per-ip-rate",
      statement: {
        rateBasedStatement: {
          aggregateKeyType: "IP",
          limit: options.rateLimit,
          evaluationWindowSec: RATE_WINDOW_SECONDS,
          ...(options.ratePathPrefix
            ? { scopeDownStatement: uriPath("STARTS_WITH", options.ratePathPrefix) }
            : {}),
        },
      },
      action: block429,
      visibilityConfig: visibility(`${options.name}-per-ip-rate`),
    },
    // The measurement route is outside the sign-in: its own budget per source (its Authorization).
    ...(options.perSourceRate
      ? [
          {
            name: "per-source-rate",
            statement: {
              rateBasedStatement: {
                aggregateKeyType: "CUSTOM_KEYS",
                customKeys: [{ header: { name: "authorization", textTransformations: NONE } }],
                limit: SOURCE_RATE_LIMIT,
                evaluationWindowSec: RATE_WINDOW_SECONDS,
                scopeDownStatement: uriPath("ENDS_WITH", "/measurements"),
              },
            },
            action: block429,
            visibilityConfig: visibility(`${options.name}-per-source-rate`),
          },
        ]
      : []),
    ...options.managedGroups.map((name) => ({
      name,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name,
          ...(name === "AWSManagedRulesCommonRuleSet"
            ? {
                ruleActionOverrides: COMMON_RULES_COUNTED.map((rule) => ({
                  name: rule,
                  actionToUse: { count: {} },
                })),
              }
            : {}),
        },
      },
      visibilityConfig: visibility(`${options.name}-${name}`),
    })),
  ];
  return new wafv2.CfnWebACL(scope, id, {
    name: options.name,
    scope: options.scope,
    defaultAction: { allow: {} },
    rules: rules.map((rule, priority) => ({ ...rule, priority })),
    visibilityConfig: visibility(options.name),
  });
}

export interface WafStackProps extends StackProps {
  stage: string;
  /** Per-IP requests per 5 minutes on /api/*. */
  apiRateLimit: number;
}

/**
 * The CloudFront web ACL of a stage. CloudFront only takes web ACLs of scope CLOUDFRONT, which exist in
 * us-east-1 only: this small stack lives there, and the main stack reads its ARN through CDK's
 * cross-region references (an SSM parameter written into the main stack's region).
 */
export class WafStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WafStackProps) {
    super(scope, id, props);
    this.webAcl = webAcl(this, "WebAcl", {
      scope: "CLOUDFRONT",
      name: `chiso-${props.stage}-cloudfront`,
      rateLimit: props.apiRateLimit,
      ratePathPrefix: "/api/",
      perSourceRate: true,
      managedGroups: MANAGED_RULE_GROUPS,
    });
    new CfnOutput(this, "WebAclArn", { value: this.webAcl.attrArn, description: "CloudFront web ACL" });
  }
}
