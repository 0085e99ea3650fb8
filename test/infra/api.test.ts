import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ROUTES, routeKey } from "../../functions/routes.ts";
import { JOBS } from "../../infra/cdk/constructs/jobs.ts";
import { DEFAULT_THROTTLE } from "../../infra/cdk/throttles.ts";
import { type Cfn, resourcesOf, synth, TEST_REGION } from "./synth-info.ts";

const full = synth("full");
const bare = synth("bare");
const handlers = [...new Set(ROUTES.map((r) => r.handler))];

/** The logical id of the function whose description names the handler module. */
function functionOf(json: typeof full.json, handler: string): string {
  const found = resourcesOf(json, "AWS::Lambda::Function").filter(
    ([, r]) => r.Properties.Description === `chiso ${handler}`,
  );
  expect(found, handler).toHaveLength(1);
  return (found[0] as [string, unknown])[0];
}

describe("the HTTP API, built from functions/routes.ts", () => {
  const routes = resourcesOf(full.json, "AWS::ApiGatewayV2::Route");
  const integrations = new Map(resourcesOf(full.json, "AWS::ApiGatewayV2::Integration"));
  const authorizers = resourcesOf(full.json, "AWS::ApiGatewayV2::Authorizer");

  it("has exactly the routes of the table", () => {
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it("puts the Cognito JWT authorizer on every route but the public ones", () => {
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] as [string, { Properties: Cfn }];
    expect(authorizer.Properties.AuthorizerType).toBe("JWT");
    expect(authorizer.Properties.IdentitySource).toEqual(["$request.header.Authorization"]);
    expect(authorizer.Properties.JwtConfiguration.Audience).toEqual([
      { Ref: expect.stringMatching(/^AuthUserPoolWebClient/) },
    ]);
    expect(authorizer.Properties.JwtConfiguration.Issuer["Fn::Join"][1]).toEqual([
      `https://cognito-idp.${TEST_REGION}.amazonaws.com/`,
      { Ref: expect.stringMatching(/^AuthUserPool/) },
    ]);
    for (const route of ROUTES) {
      const [, r] = routes.find(([, x]) => x.Properties.RouteKey === routeKey(route)) ?? [];
      if (route.access === "public") expect(r?.Properties.AuthorizationType, routeKey(route)).toBe("NONE");
      else {
        expect(r?.Properties.AuthorizationType, routeKey(route)).toBe("JWT");
        expect(r?.Properties.AuthorizerId, routeKey(route)).toEqual({ Ref: authorizerId });
      }
    }
  });

  it("leaves a route the table marks public without an authorizer", () => {
    const pub = resourcesOf(bare.json, "AWS::ApiGatewayV2::Route").find(
      ([, r]) => r.Properties.RouteKey === "GET /api/public-test",
    );
    expect(pub?.[1].Properties.AuthorizationType).toBe("NONE");
    expect(pub?.[1].Properties.AuthorizerId).toBeUndefined();
  });

  it("sends each route to its own handler's function, payload v2", () => {
    for (const route of ROUTES) {
      const [, r] = routes.find(([, x]) => x.Properties.RouteKey === routeKey(route)) ?? [];
      const target = r?.Properties.Target as { "Fn::Join": [string, unknown[]] };
      const integrationId = (target["Fn::Join"][1][1] as { Ref: string }).Ref;
      const integration = integrations.get(integrationId);
      expect(integration?.Properties.IntegrationType).toBe("AWS_PROXY");
      expect(integration?.Properties.PayloadFormatVersion).toBe("2.0");
      expect(integration?.Properties.IntegrationUri).toEqual({
        "Fn::GetAtt": [functionOf(full.json, route.handler), "Arn"],
      });
    }
  });

  it("logs access on the $default stage, with a default throttle for unlisted keys", () => {
    full.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp("requestId") },
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_THROTTLE.rate,
        ThrottlingBurstLimit: DEFAULT_THROTTLE.burst,
      },
    });
  });
});

describe("the functions", () => {
  const functions = resourcesOf(full.json, "AWS::Lambda::Function").filter(([, r]) =>
    String(r.Properties.Description).startsWith("chiso "),
  );

  it("are one per handler module, plus the two jobs", () => {
    expect(functions.map(([, r]) => r.Properties.Description).sort()).toEqual(
      [...handlers, JOBS.period, JOBS.reminders].map((h) => `chiso ${h}`).sort(),
    );
  });

  it("run Node.js 22 on ARM64, from an esbuild bundle, with source maps on", () => {
    expect(Object.keys(full.bundles).sort()).toEqual([...handlers, JOBS.period, JOBS.reminders].sort());
    for (const [id, r] of functions) {
      expect(r.Properties.Runtime, id).toBe("nodejs22.x");
      expect(r.Properties.Architectures, id).toEqual(["arm64"]);
      expect(r.Properties.Handler, id).toBe("index.handler");
      expect(r.Properties.Environment.Variables.NODE_OPTIONS, id).toBe("--enable-source-maps");
    }
  });

  it("each write to an explicit log group with a retention", () => {
    const groups = new Map(resourcesOf(full.json, "AWS::Logs::LogGroup"));
    for (const [id, r] of functions) {
      const ref = (r.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;
      expect(groups.get(ref)?.Properties.RetentionInDays, id).toBe(90);
    }
  });

  it("get the environment their ports read", () => {
    for (const [id, r] of functions) {
      const env = r.Properties.Environment.Variables as Record<string, unknown>;
      expect(env.TABLE_NAME, id).toEqual({ Ref: expect.stringMatching(/^DataDataTable/) });
      expect(env.AUDIT_TABLE_NAME, id).toEqual({ Ref: expect.stringMatching(/^DataAuditTable/) });
      expect(env.POWERTOOLS_SERVICE_NAME, id).toBe("chiso");
    }
    const env = (handler: string) =>
      full.json.Resources[functionOf(full.json, handler)]?.Properties.Environment.Variables as Record<
        string,
        unknown
      >;
    expect(env("evidence/add").EVIDENCE_BUCKET).toEqual({
      Ref: expect.stringMatching(/^DataEvidenceBucket/),
    });
    expect(env("evidence/add").MAX_EVIDENCE_BYTES).toBe("20000000");
    expect(env(JOBS.period).SITE_BUCKET).toEqual({ Ref: expect.stringMatching(/^DataSiteBucket/) });
    expect(env("periods/transition").JOB_FUNCTION_NAME).toEqual({
      Ref: expect.stringMatching(/^JobsJobsPeriodJob/),
    });
    expect(env(JOBS.period).DISTRIBUTION_ID).toEqual({
      Ref: expect.stringMatching(/^SiteDistribution/),
    });
    expect(env("users/create").USER_POOL_ID).toEqual({ Ref: expect.stringMatching(/^AuthUserPool/) });
    expect(env(JOBS.reminders).REMINDER_FROM).toBe("no-reply@example.gov.vn");
    expect(env(JOBS.reminders).REMINDER_DAYS).toBe("3,1");
    for (const handler of ["periods/patch", "periods/transition"])
      expect(Object.keys(env(handler))).toEqual(
        expect.arrayContaining(["SCHEDULE_GROUP", "JOB_FUNCTION_ARN", "SCHEDULER_ROLE_ARN", "CLOSE_DLQ_ARN"]),
      );
    // A function gets only what it uses: a reader knows no bucket, no pool, no scheduler.
    expect(Object.keys(env("periods/list")).sort()).toEqual(
      [
        "AUDIT_TABLE_NAME",
        "NODE_OPTIONS",
        "ORIGIN_SECRET_HEADER",
        "ORIGIN_SECRET_PARAM",
        "POWERTOOLS_LOG_LEVEL",
        "POWERTOOLS_SERVICE_NAME",
        "TABLE_NAME",
      ].sort(),
    );
  });
});
