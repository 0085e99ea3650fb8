import { Aws, RemovalPolicy } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUserPoolAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { type Route, routeKey } from "../../../functions/routes.ts";
import { ChisoFunction, constructId } from "../chiso-function.ts";
import type { Settings } from "../settings.ts";
import { DEFAULT_THROTTLE, throttleOf } from "../throttles.ts";
import type { Auth } from "./auth.ts";

/**
 * The header CloudFront adds to every /api/* request it sends to the API, with the origin secret's
 * value; the API refuses any request without it (functions/http/api.ts reads ORIGIN_SECRET_PARAM).
 */
export const ORIGIN_SECRET_HEADER = "x-chiso-origin-secret";

export interface ApiProps {
  settings: Settings;
  /** The route table: one function per handler module, one API route per entry. */
  routes: readonly Route[];
  auth: Auth;
}

/**
 * The HTTP API built from the route table: one function per handler, a JWT authorizer on the user
 * pool for every route not marked public, per-route throttles, access logs, and (with
 * apiCertificateArn) a regional domain of its own. Only CloudFront may call it: see the origin secret.
 */
export class Api extends Construct {
  /** handler module → its function. */
  readonly functions = new Map<string, ChisoFunction>();
  readonly httpApi: apigwv2.HttpApi;
  readonly originSecret: secretsmanager.Secret;
  /** The host CloudFront sends /api/* to: the API's own domain, else its execute-api endpoint. */
  readonly originHost: string;
  readonly domain?: apigwv2.DomainName;
  /** Routes the route table marks "public": no authorizer. */
  readonly publicRoutes: apigwv2.HttpRoute[] = [];

  constructor(scope: Construct, id: string, { settings, routes, auth }: ApiProps) {
    super(scope, id);
    // Generated once by Secrets Manager at the first deployment; the template holds a dynamic
    // reference ({{resolve:secretsmanager:…}}), never the value. CloudFront sends it as a header to the
    // API origin; the API functions read it (ORIGIN_SECRET_PARAM = the secret's ARN) and refuse any
    // request without it, so the execute-api endpoint (or the API's custom domain) called directly,
    // around CloudFront and its web ACL, answers nothing.
    this.originSecret = new secretsmanager.Secret(this, "OriginSecret", {
      description: `chiso ${settings.stage}: the header value CloudFront sends to the API (${ORIGIN_SECRET_HEADER})`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const handler of new Set(routes.map((r) => r.handler))) {
      const made = ChisoFunction.forHandler(this, handler, settings.logRetention);
      made.function.addEnvironment("ORIGIN_SECRET_HEADER", ORIGIN_SECRET_HEADER);
      made.bindSecret(this.originSecret, { env: "ORIGIN_SECRET_PARAM" });
      this.functions.set(handler, made);
    }

    this.httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      apiName: `chiso-${settings.stage}`,
      description: "chiso API: built from functions/routes.ts",
      createDefaultStage: false,
      // With its own domain, the API answers there only (CloudFront's origin): the generated
      // execute-api endpoint is off. Without one, it stays (CloudFront's origin) and the origin secret
      // makes direct calls useless.
      disableExecuteApiEndpoint: settings.apiCertificateArn !== undefined,
    });
    const stage = this.stage(settings, routes);
    const httpRoutes = this.addRoutes(routes, auth);
    for (const r of httpRoutes) stage.node.addDependency(r);

    // The API's own domain (regional endpoint, TLS 1.2): CloudFront's origin when apiCertificateArn is set.
    this.originHost = `${this.httpApi.apiId}.execute-api.${Aws.REGION}.amazonaws.com`;
    if (settings.apiDomain && settings.apiCertificateArn) {
      this.domain = new apigwv2.DomainName(this, "ApiDomain", {
        domainName: settings.apiDomain,
        certificate: acm.Certificate.fromCertificateArn(this, "ApiCertificate", settings.apiCertificateArn),
        endpointType: apigwv2.EndpointType.REGIONAL,
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      new apigwv2.ApiMapping(this, "ApiMapping", { api: this.httpApi, domainName: this.domain, stage });
      this.originHost = settings.apiDomain;
    }
  }

  /** The $default stage: access logs, and per-route throttles sized for the deadline rush. */
  private stage(settings: Settings, routes: readonly Route[]): apigwv2.HttpStage {
    const accessLogs = new logs.LogGroup(this, "HttpApiAccessLogs", {
      retention: settings.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new apigwv2.HttpStage(this, "HttpApiStage", {
      httpApi: this.httpApi,
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
    // A flood of one kind of call (say, reads) cannot take the capacity of another (the saves):
    // infra/cdk/throttles.ts. RouteSettings name route keys, which must exist before the stage is updated.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes) {
      const throttle = throttleOf(route);
      routeSettings[routeKey(route)] = {
        ThrottlingRateLimit: throttle.rate,
        ThrottlingBurstLimit: throttle.burst,
      };
    }
    (stage.node.defaultChild as apigwv2.CfnStage).addPropertyOverride("RouteSettings", routeSettings);
    return stage;
  }

  /** One API route per entry of the table, one Lambda integration per handler. */
  private addRoutes(routes: readonly Route[], auth: Auth): apigwv2.HttpRoute[] {
    const authorizer = new HttpUserPoolAuthorizer("CognitoAuthorizer", auth.userPool, {
      userPoolClients: [auth.userPoolClient],
      identitySource: ["$request.header.Authorization"],
    });
    const integrations = new Map<string, HttpLambdaIntegration>();
    return routes.map((route) => {
      let integration = integrations.get(route.handler);
      if (!integration) {
        const target = this.functions.get(route.handler) as ChisoFunction;
        integration = new HttpLambdaIntegration(`${constructId(route.handler)}Integration`, target.function, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(route.handler, integration);
      }
      const httpRoute = new apigwv2.HttpRoute(this, `Route ${routeKey(route)}`, {
        httpApi: this.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(route.path, route.method as apigwv2.HttpMethod),
        integration,
        // Roles are checked by the handler against the same table (functions/http/api.ts).
        authorizer: route.access === "public" ? new apigwv2.HttpNoneAuthorizer() : authorizer,
      });
      if (route.access === "public") this.publicRoutes.push(httpRoute);
      return httpRoute;
    });
  }
}
