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
  /** Add the managed rule groups (the CloudFront ACL); the Cognito ACL has the rate rule and IP reputation. */
  managedGroups: readonly string[];
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** One web ACL: a per-IP rate-based rule first (429 with Retry-After), then AWS managed rule groups. */
export function webAcl(scope: Construct, id: string, options: WebAclOptions): wafv2.CfnWebACL {
  const rateStatement: wafv2.CfnWebACL.RateBasedStatementProperty = {
    aggregateKeyType: "IP",
    limit: options.rateLimit,
    evaluationWindowSec: RATE_WINDOW_SECONDS,
    ...(options.ratePathPrefix
      ? {
          scopeDownStatement: {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: "STARTS_WITH",
              searchString: options.ratePathPrefix,
              textTransformations: [{ priority: 0, type: "NONE" }],
            },
          },
        }
      : {}),
  };
  const block429: wafv2.CfnWebACL.RuleActionProperty = {
    block: { customResponse: { responseCode: 429, responseHeaders: [{ name: "retry-after", value: "60" }] } },
  };
  // The measurement route is outside the sign-in: its own budget per source, on the API's ACL only.
  const perSource: wafv2.CfnWebACL.RuleProperty[] = options.ratePathPrefix
    ? [
        {
          name: "per-source-rate",
          priority: 1,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "CUSTOM_KEYS",
              customKeys: [
                { header: { name: "authorization", textTransformations: [{ priority: 0, type: "NONE" }] } },
              ],
              limit: SOURCE_RATE_LIMIT,
              evaluationWindowSec: RATE_WINDOW_SECONDS,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: "ENDS_WITH",
                  searchString: "/measurements",
                  textTransformations: [{ priority: 0, type: "NONE" }],
                },
              },
            },
          },
          action: block429,
          visibilityConfig: visibility(`${options.name}-per-source-rate`),
        },
      ]
    : [];
  const rules: wafv2.CfnWebACL.RuleProperty[] = [
    {
      name: "per-ip-rate",
      priority: 0,
      statement: { rateBasedStatement: rateStatement },
      action: block429,
      visibilityConfig: visibility(`${options.name}-per-ip-rate`),
    },
    ...perSource,
    ...options.managedGroups.map(
      (name, i): wafv2.CfnWebACL.RuleProperty => ({
        name,
        priority: i + 1 + perSource.length,
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
      }),
    ),
  ];
  return new wafv2.CfnWebACL(scope, id, {
    name: options.name,
    scope: options.scope,
    defaultAction: { allow: {} },
    rules,
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
      managedGroups: MANAGED_RULE_GROUPS,
    });
    new CfnOutput(this, "WebAclArn", { value: this.webAcl.attrArn, description: "CloudFront web ACL" });
  }
}
