import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PreTokenGenerationTriggerEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { ROUTES, routeKey } from "../../functions/routes.ts";
import { ORIGIN_SECRET_HEADER } from "../../infra/cdk/constructs/api.ts";
import { JOBS } from "../../infra/cdk/constructs/jobs.ts";
import { PERMISSIONS_POLICY } from "../../infra/cdk/constructs/site.ts";
import { THROTTLES, throttleClassOf, throttleOf } from "../../infra/cdk/throttles.ts";
import { MFA_CLAIM, MFA_SETUP_REQUIRED, requireStaffMfa } from "../../infra/cdk/triggers/staff-mfa.ts";
import {
  COMMON_RULES_COUNTED,
  MANAGED_RULE_GROUPS,
  RATE_WINDOW_SECONDS,
  SOURCE_RATE_LIMIT,
} from "../../infra/cdk/waf.ts";
import {
  type Cfn,
  type CfnTemplate,
  resourcesOf,
  synth,
  TEST_DOMAIN,
  TEST_REGION,
  wafTemplate,
} from "./synth-info.ts";

const full = synth("full");
const bare = synth("bare");
const nowaf = synth("nowaf");

const distributionOf = (json: CfnTemplate) =>
  resourcesOf(json, "AWS::CloudFront::Distribution")[0]?.[1].Properties.DistributionConfig as Cfn;
const apiOriginOf = (json: CfnTemplate) => {
  const config = distributionOf(json);
  const api = (config.CacheBehaviors as Cfn[]).find((b) => b.PathPattern === "/api/*");
  return (config.Origins as Cfn[]).find((o) => o.Id === api.TargetOriginId);
};
const routeFunctions = (json: CfnTemplate) => {
  const handlers = new Set(ROUTES.map((r) => `chiso ${r.handler}`));
  return resourcesOf(json, "AWS::Lambda::Function").filter(([, r]) => handlers.has(r.Properties.Description));
};
const functionOf = (json: CfnTemplate, handler: string) =>
  resourcesOf(json, "AWS::Lambda::Function").find(([, r]) => r.Properties.Description === `chiso ${handler}`);
const policiesOfRole = (json: CfnTemplate, roleRef: string) =>
  resourcesOf(json, "AWS::IAM::Policy")
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleRef}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Cfn[]);

describe("the API is reachable only through CloudFront", () => {
  const [secretId, secret] = resourcesOf(full.json, "AWS::SecretsManager::Secret")[0] ?? [];

  it("generates the origin secret in Secrets Manager: its value is never in the template", () => {
    expect(secret?.Properties.GenerateSecretString).toMatchObject({
      PasswordLength: 48,
      ExcludePunctuation: true,
    });
    expect(secret?.Properties.SecretString).toBeUndefined();
  });

  it("has CloudFront send it to the API origin as a header, by dynamic reference", () => {
    for (const variant of [full, bare, nowaf]) {
      const headers = apiOriginOf(variant.json)?.OriginCustomHeaders as Cfn[];
      expect(headers, variant.name).toHaveLength(1);
      expect(headers[0].HeaderName).toBe(ORIGIN_SECRET_HEADER);
      const id = resourcesOf(variant.json, "AWS::SecretsManager::Secret")[0]?.[0];
      expect(headers[0].HeaderValue).toEqual({
        "Fn::Join": ["", ["{{resolve:secretsmanager:", { Ref: id }, ":SecretString:::}}"]],
      });
    }
  });

  it("gives every route function the secret's ARN and header name, and GetSecretValue on it alone", () => {
    const functions = routeFunctions(full.json);
    expect(functions.length).toBe(new Set(ROUTES.map((r) => r.handler)).size);
    for (const [id, f] of functions) {
      const env = f.Properties.Environment.Variables;
      expect(env.ORIGIN_SECRET_PARAM, id).toEqual({ Ref: secretId });
      expect(env.ORIGIN_SECRET_HEADER, id).toBe(ORIGIN_SECRET_HEADER);
      const statements = policiesOfRole(full.json, f.Properties.Role["Fn::GetAtt"][0]);
      const onSecret = statements.filter(
        (s: { Resource: unknown }) => JSON.stringify(s.Resource) === JSON.stringify({ Ref: secretId }),
      );
      // One action, which CloudFormation may write as a string or a list of one.
      expect(
        onSecret.flatMap((s: { Action: string | string[] }) => [s.Action].flat()),
        id,
      ).toEqual(["secretsmanager:GetSecretValue"]);
    }
    // The jobs are not called through the API: they know nothing of it.
    for (const job of [JOBS.period, JOBS.reminders]) {
      const env = functionOf(full.json, job)?.[1].Properties.Environment.Variables;
      expect(env.ORIGIN_SECRET_PARAM, job).toBeUndefined();
    }
  });

  it("with apiCertificateArn: the API's own regional domain is CloudFront's origin, execute-api is off", () => {
    full.template.hasResourceProperties("AWS::ApiGatewayV2::Api", { DisableExecuteApiEndpoint: true });
    const domains = resourcesOf(full.json, "AWS::ApiGatewayV2::DomainName");
    expect(domains).toHaveLength(1);
    expect(domains[0]?.[1].Properties).toMatchObject({
      DomainName: `api.${TEST_DOMAIN}`,
      DomainNameConfigurations: [
        {
          CertificateArn: full.context.apiCertificateArn,
          EndpointType: "REGIONAL",
          SecurityPolicy: "TLS_1_2",
        },
      ],
    });
    expect(resourcesOf(full.json, "AWS::ApiGatewayV2::ApiMapping")).toHaveLength(1);
    expect(apiOriginOf(full.json)?.DomainName).toBe(`api.${TEST_DOMAIN}`);
    expect(full.json.Outputs?.ApiDomainTarget).toBeDefined();
  });

  it("without it: the execute-api endpoint stays CloudFront's origin (the secret guards it)", () => {
    const api = resourcesOf(bare.json, "AWS::ApiGatewayV2::Api")[0]?.[1];
    expect(api?.Properties.DisableExecuteApiEndpoint).toBe(false);
    expect(JSON.stringify(apiOriginOf(bare.json)?.DomainName)).toContain(".execute-api.");
    expect(resourcesOf(bare.json, "AWS::ApiGatewayV2::DomainName")).toHaveLength(0);
  });
});

describe("WAF", () => {
  const waf = wafTemplate("bare");
  /** A rate rule's scope-down to the URIs whose path starts or ends with `search`, as synthesized. */
  const uriPath = (constraint: "STARTS_WITH" | "ENDS_WITH", search: string) => ({
    ByteMatchStatement: {
      FieldToMatch: { UriPath: {} },
      PositionalConstraint: constraint,
      SearchString: search,
      TextTransformations: [{ Priority: 0, Type: "NONE" }],
    },
  });
  const acl = waf && resourcesOf(waf, "AWS::WAFv2::WebACL")[0]?.[1].Properties;

  it("makes a CLOUDFRONT web ACL in its own us-east-1 stack by default", () => {
    expect(acl?.Scope).toBe("CLOUDFRONT");
    expect(acl?.DefaultAction).toEqual({ Allow: {} });
    const manifest = JSON.parse(readFileSync(join(bare.outdir, "manifest.json"), "utf8"));
    expect(manifest.artifacts["Chiso-bare-waf"].environment).toMatch(/\/us-east-1$/);
    expect(manifest.artifacts["Chiso-bare"].environment).toMatch(new RegExp(`/${TEST_REGION}$`));
    expect(manifest.artifacts["Chiso-bare"].dependencies).toContain("Chiso-bare-waf");
  });

  it("has the managed rule groups (Common, KnownBadInputs, IP reputation)", () => {
    const groups = ((acl?.Rules ?? []) as Cfn[]).filter((r) => r.Statement.ManagedRuleGroupStatement);
    expect(groups.map((r) => r.Statement.ManagedRuleGroupStatement.Name)).toEqual([...MANAGED_RULE_GROUPS]);
    expect(MANAGED_RULE_GROUPS).toEqual(
      expect.arrayContaining([
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesAmazonIpReputationList",
      ]),
    );
    for (const r of groups) {
      expect(r.OverrideAction, r.Name).toEqual({ None: {} });
      expect(r.Statement.ManagedRuleGroupStatement.VendorName).toBe("AWS");
    }
    const common = groups.find((r) => r.Name === "AWSManagedRulesCommonRuleSet");
    expect(common?.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual(
      COMMON_RULES_COUNTED.map((Name) => ({ Name, ActionToUse: { Count: {} } })),
    );
  });

  it("limits each data source's pushes (keyed on its Authorization header), second, with a 429", () => {
    const rule = ((acl?.Rules ?? []) as Cfn[]).find((r) => r.Name === "per-source-rate");
    expect(rule?.Priority).toBe(1);
    expect(rule?.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: "CUSTOM_KEYS",
      CustomKeys: [
        { Header: { Name: "authorization", TextTransformations: [{ Priority: 0, Type: "NONE" }] } },
      ],
      Limit: SOURCE_RATE_LIMIT,
      EvaluationWindowSec: RATE_WINDOW_SECONDS,
      ScopeDownStatement: uriPath("ENDS_WITH", "/measurements"),
    });
    expect(rule?.Action.Block.CustomResponse.ResponseCode).toBe(429);
    const priorities = ((acl?.Rules ?? []) as Cfn[]).map((r) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it("limits each IP to 1,000 requests per 5 minutes on /api/*, first, with a 429", () => {
    const rate = ((acl?.Rules ?? []) as Cfn[]).find((r) => r.Name === "per-ip-rate");
    expect(rate?.Priority).toBe(0);
    expect(rate?.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: "IP",
      Limit: 1000,
      EvaluationWindowSec: RATE_WINDOW_SECONDS,
      ScopeDownStatement: uriPath("STARTS_WITH", "/api/"),
    });
    expect(rate?.Action.Block.CustomResponse.ResponseCode).toBe(429);
  });

  it("attaches it to the distribution through a cross-region stack output", () => {
    expect(distributionOf(bare.json).WebACLId).toEqual({
      "Fn::GetStackOutput": {
        StackName: "Chiso-bare-waf",
        Region: "us-east-1",
        OutputName: expect.any(String),
      },
    });
    const output = distributionOf(bare.json).WebACLId["Fn::GetStackOutput"].OutputName;
    expect(waf?.Outputs?.[output]?.Value).toEqual({
      "Fn::GetAtt": [resourcesOf(waf as CfnTemplate, "AWS::WAFv2::WebACL")[0]?.[0], "Arn"],
    });
  });

  it("attaches a given web ACL instead, without a us-east-1 stack", () => {
    expect(full.wafTemplateFile).toBeUndefined();
    expect(distributionOf(full.json).WebACLId).toBe(full.context.webAclArn);
  });

  it("limits sign-in per IP with a regional web ACL on the user pool", () => {
    for (const variant of [full, bare]) {
      const [aclId, signIn] = resourcesOf(variant.json, "AWS::WAFv2::WebACL")[0] ?? [];
      expect(signIn?.Properties.Scope, variant.name).toBe("REGIONAL");
      const rate = ((signIn?.Properties.Rules ?? []) as Cfn[]).find((r) => r.Statement.RateBasedStatement);
      expect(rate?.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: "IP",
        Limit: 300,
        EvaluationWindowSec: RATE_WINDOW_SECONDS,
      });
      // The per-source budget is the API's alone; the sign-in ACL's priorities stay distinct.
      const rules = (signIn?.Properties.Rules ?? []) as Cfn[];
      expect(rules.map((r) => r.Name)).not.toContain("per-source-rate");
      expect(new Set(rules.map((r) => r.Priority)).size).toBe(rules.length);
      const associations = resourcesOf(variant.json, "AWS::WAFv2::WebACLAssociation");
      expect(associations.map(([, a]) => a.Properties)).toEqual([
        {
          ResourceArn: { "Fn::GetAtt": [expect.stringMatching(/^AuthUserPool/), "Arn"] },
          WebACLArn: { "Fn::GetAtt": [aclId, "Arn"] },
        },
      ]);
    }
  });

  it("is gone with waf=off: no web ACL anywhere", () => {
    expect(nowaf.wafTemplateFile).toBeUndefined();
    expect(distributionOf(nowaf.json).WebACLId).toBeUndefined();
    expect(resourcesOf(nowaf.json, "AWS::WAFv2::WebACL")).toHaveLength(0);
    expect(resourcesOf(nowaf.json, "AWS::WAFv2::WebACLAssociation")).toHaveLength(0);
    expect(nowaf.acknowledgements.map((a) => a.rule)).toContain("AwsSolutions-CFR2");
    expect(bare.acknowledgements.map((a) => a.rule)).not.toContain("AwsSolutions-CFR2");
  });
});

describe("per-route throttles", () => {
  const stage = resourcesOf(full.json, "AWS::ApiGatewayV2::Stage")[0]?.[1] as Cfn;

  it("give every route of the table its own throttle, by class", () => {
    const settings = stage.Properties.RouteSettings as Record<string, Cfn>;
    expect(Object.keys(settings).sort()).toEqual(ROUTES.map(routeKey).sort());
    for (const route of ROUTES) {
      const t = throttleOf(route);
      expect(settings[routeKey(route)], routeKey(route)).toEqual({
        ThrottlingRateLimit: t.rate,
        ThrottlingBurstLimit: t.burst,
      });
    }
  });

  it("give the deadline's saves the most, admin writes and the export the least", () => {
    const classOf = (method: string, path: string) =>
      throttleClassOf(ROUTES.find((r) => r.method === method && r.path === path) as (typeof ROUTES)[number]);
    const unit = "/api/periods/{periodId}/units/{unitId}";
    expect(classOf("PATCH", `${unit}/answers`)).toBe("save");
    expect(classOf("POST", `${unit}/evidence`)).toBe("evidence");
    expect(classOf("POST", `${unit}/submit`)).toBe("submit");
    expect(classOf("PUT", `${unit}/appraisals/{code}`)).toBe("review");
    expect(classOf("POST", "/api/periods/{periodId}/transitions")).toBe("admin");
    expect(classOf("GET", "/api/periods/{periodId}/export")).toBe("export");
    const rates = Object.values(THROTTLES).map((t) => t.rate);
    expect(THROTTLES.save.rate).toBe(Math.max(...rates));
    expect(THROTTLES.export.rate).toBe(Math.min(...rates));
    expect(THROTTLES.admin.rate).toBeLessThan(THROTTLES.read.rate);
    for (const t of Object.values(THROTTLES)) expect(t.burst).toBeGreaterThanOrEqual(t.rate);
    // The sum stays under the account's default HTTP API quota (10,000 req/s).
    expect(rates.reduce((a, b) => a + b, 0)).toBeLessThan(10_000);
  });

  it("update the stage only after every route exists (RouteSettings name route keys)", () => {
    const routeIds = resourcesOf(full.json, "AWS::ApiGatewayV2::Route").map(([id]) => id);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});

describe("response headers", () => {
  const policies = (json: CfnTemplate) =>
    new Map(
      resourcesOf(json, "AWS::CloudFront::ResponseHeadersPolicy").map(([id, p]) => [
        id,
        p.Properties.ResponseHeadersPolicyConfig as Cfn,
      ]),
    );
  const csp = (config: Cfn) => {
    const value = config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy;
    return (value["Fn::Join"][1] as Cfn[])
      .map((part) => (typeof part === "string" ? part : `<${part.Ref ?? JSON.stringify(part)}>`))
      .join("");
  };

  it("put a strict Content-Security-Policy on every behavior", () => {
    const all = policies(full.json);
    const config = distributionOf(full.json);
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      const ref = behavior.ResponseHeadersPolicyId.Ref;
      expect(all.has(ref), behavior.PathPattern ?? "default").toBe(true);
    }
    const site = all.get(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref);
    const evidence = resourcesOf(full.json, "AWS::S3::Bucket").find(
      ([, b]) => b.Properties.LoggingConfiguration?.LogFilePrefix === "s3/evidence/",
    )?.[0];
    expect(csp(site)).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; " +
        `img-src 'self' data: https://<${evidence}>.s3.<AWS::Region>.<AWS::URLSuffix>; ` +
        `frame-src https://<${evidence}>.s3.<AWS::Region>.<AWS::URLSuffix>; ` +
        "connect-src 'self' https://cognito-idp.<AWS::Region>.<AWS::URLSuffix> " +
        `https://<${evidence}>.s3.<AWS::Region>.<AWS::URLSuffix>; ` +
        "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; " +
        "form-action 'self'; upgrade-insecure-requests",
    );
    // No unsafe-inline, unsafe-eval or wildcard source in the production shape.
    expect(csp(site)).not.toMatch(/unsafe|\*/);
  });

  it("without a domain, connect to the region's S3 hosts (the bucket cannot be named: a cycle)", () => {
    const config = distributionOf(bare.json);
    const site = policies(bare.json).get(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref);
    expect(csp(site)).toContain(
      "connect-src 'self' https://cognito-idp.<AWS::Region>.<AWS::URLSuffix> https://*.s3.<AWS::Region>.<AWS::URLSuffix>;",
    );
  });

  it("send HSTS, nosniff, DENY, a referrer policy and a permissions policy; CORS only on /public/*", () => {
    const config = distributionOf(full.json);
    const all = policies(full.json);
    for (const [id, p] of all) {
      expect(p.SecurityHeadersConfig, id).toEqual(
        expect.objectContaining({
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: 63_072_000,
            IncludeSubdomains: true,
            Preload: false,
            Override: true,
          },
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: "DENY", Override: true },
          ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true },
          XSSProtection: { Protection: false, Override: true },
        }),
      );
      expect(p.CustomHeadersConfig.Items).toEqual([
        { Header: "Permissions-Policy", Value: PERMISSIONS_POLICY, Override: true },
      ]);
    }
    const pub = (config.CacheBehaviors as Cfn[]).find((b) => b.PathPattern === "/public/*");
    expect(all.get(pub.ResponseHeadersPolicyId.Ref)?.CorsConfig.AccessControlAllowOrigins.Items).toEqual([
      "*",
    ]);
    expect(all.get(config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref)?.CorsConfig).toBeUndefined();
  });
});

describe("MFA for admins and reviewers", () => {
  const [triggerId, trigger] =
    resourcesOf(full.json, "AWS::Lambda::Function").find(([, r]) =>
      String(r.Properties.Description).startsWith("Cognito pre token generation"),
    ) ?? [];

  it("keeps the pool's MFA optional, TOTP only, with the pre token generation trigger", () => {
    full.template.hasResourceProperties("AWS::Cognito::UserPool", {
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      LambdaConfig: { PreTokenGeneration: { "Fn::GetAtt": [triggerId, "Arn"] } },
    });
    expect(trigger?.Properties.Timeout).toBeLessThanOrEqual(5);
    full.template.hasResourceProperties("AWS::Lambda::Permission", {
      FunctionName: { "Fn::GetAtt": [triggerId, "Arn"] },
      Principal: "cognito-idp.amazonaws.com",
    });
  });

  it("lets the trigger read users (AdminGetUser on this pool only) and nothing else of the pool", () => {
    const statements = policiesOfRole(full.json, trigger?.Properties.Role["Fn::GetAtt"][0]);
    const cognito = statements.filter((s) => JSON.stringify(s.Action).includes("cognito-idp"));
    expect(cognito).toEqual([
      expect.objectContaining({
        Action: "cognito-idp:AdminGetUser",
        Resource: { "Fn::GetAtt": [expect.stringMatching(/^AuthUserPool/), "Arn"] },
      }),
    ]);
  });

  it("bundles the trigger", () => {
    expect(existsSync(join(full.staffMfaBundle, "index.mjs"))).toBe(true);
  });

  it("tells the web app in /config.json which groups need TOTP", () => {
    const configs = readdirSync(full.outdir)
      .map((dir) => join(full.outdir, dir, "config.json"))
      .filter((file) => existsSync(file));
    expect(configs).toHaveLength(1);
    const config = JSON.parse(readFileSync(configs[0] as string, "utf8"));
    expect(config.auth.mfaRequiredFor).toEqual(["admin", "reviewer"]);
  });

  const event = (groups: string[]) =>
    ({
      version: "1",
      triggerSource: "TokenGeneration_Authentication",
      region: TEST_REGION,
      userPoolId: "pool",
      userName: "someone",
      callerContext: { awsSdkVersion: "x", clientId: "client" },
      request: {
        userAttributes: {},
        groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [] },
      },
      response: { claimsOverrideDetails: {} },
    }) as unknown as PreTokenGenerationTriggerEvent;

  it("trigger: strips admin/reviewer from a staff user without TOTP and says setup is required", async () => {
    const calls: string[] = [];
    const out = await requireStaffMfa(event(["reviewer", "unit-editor"]), async (_pool, user) => {
      calls.push(user);
      return [];
    });
    expect(calls).toEqual(["someone"]);
    expect(out.response.claimsOverrideDetails.groupOverrideDetails?.groupsToOverride).toEqual([
      "unit-editor",
    ]);
    expect(out.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({
      [MFA_CLAIM]: MFA_SETUP_REQUIRED,
    });
  });

  it("trigger: leaves a staff user with TOTP, and never looks up a unit user", async () => {
    const withTotp = await requireStaffMfa(event(["admin"]), async () => ["SOFTWARE_TOKEN_MFA"]);
    expect(withTotp.response.claimsOverrideDetails).toEqual({});
    const unit = await requireStaffMfa(event(["unit-editor"]), async () => {
      throw new Error("no lookup for unit users");
    });
    expect(unit.response.claimsOverrideDetails).toEqual({});
  });
});
