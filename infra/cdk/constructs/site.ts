import { Aws, Duration } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import type { Settings } from "../settings.ts";
import { MFA_GROUPS } from "../triggers/staff-mfa.ts";
import { type Api, ORIGIN_SECRET_HEADER } from "./api.ts";
import type { Auth } from "./auth.ts";
import type { Data } from "./data.ts";

export interface SiteProps {
  settings: Settings;
  data: Data;
  auth: Auth;
  api: Api;
  /** The distribution's web ACL; none only with waf=off. */
  webAclArn?: string;
}

/**
 * The one public address: CloudFront in front of the site bucket (the web app, with an SPA fallback),
 * /public/* (the published rankings, open data) and /api/* (the API, with the origin secret), the
 * security headers on all of it, and the web build with its /config.json deployed to the bucket.
 */
export class Site extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** https:// and the domain, else the distribution's own name. */
  readonly url: string;

  constructor(scope: Construct, id: string, { settings, data, auth, api, webAclArn }: SiteProps) {
    super(scope, id);
    const spaFallback = new cloudfront.Function(this, "SpaFallback", {
      comment: "The web app's paths (no file extension) are served index.html; /developers/ its own",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_FALLBACK),
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
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(data.siteBucket);
    const apiOrigin = new origins.HttpOrigin(api.originHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
      // The dynamic reference is resolved by CloudFormation at deployment: not in the template.
      customHeaders: { [ORIGIN_SECRET_HEADER]: api.originSecret.secretValue.unsafeUnwrap() },
    });
    // The browser signs in against Cognito's endpoint and sends evidence straight to the bucket by
    // presigned POST (XMLHttpRequest) and GET: those are the only origins it connects to but this one.
    // shared/store/evidence-files.ts signs with the default S3 client: virtual-hosted, regional. With a
    // domain, the bucket's own host. Without one, the bucket's CORS rule names the distribution, which
    // cannot name the bucket back (a cycle): any bucket host of the region, a wider connect-src that
    // still allows no script of another origin to run.
    const evidenceOrigin = settings.domain
      ? `https://${data.evidenceBucket.bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`
      : `https://*.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const cognitoOrigin = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const csp = contentSecurityPolicy([cognitoOrigin, evidenceOrigin], evidenceOrigin);
    const securityHeaders = (id: string, comment: string, cors?: cloudfront.ResponseHeadersCorsBehavior) =>
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
    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `chiso ${settings.stage}`,
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: data.logsBucket,
      logFilePrefix: "cloudfront/",
      ...(webAclArn ? { webAclId: webAclArn } : {}),
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
        // Gzip or brotli for the app's text (CachingOptimized accepts both): also CDK's default, said here.
        compress: true,
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
          // The ranking JSON and CSV, compressed (publicCache accepts gzip and brotli).
          compress: true,
          responseHeadersPolicy: publicHeaders,
        },
      },
    });
    this.url = `https://${settings.domain ?? this.distribution.distributionDomainName}`;
    // POST: a presigned form; PUT: a resumable upload's parts (their ETag readable by the page).
    data.evidenceBucket.addCorsRule({
      allowedOrigins: [this.url],
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      allowedHeaders: ["*"],
      exposedHeaders: ["ETag"],
      maxAge: 3600,
    });
    this.deployWeb(settings, data.siteBucket, auth);
  }

  /** web/dist (or a placeholder page) and /config.json, into the site bucket. */
  private deployWeb(settings: Settings, siteBucket: s3.IBucket, auth: Auth): void {
    const config = {
      auth: {
        region: Aws.REGION,
        userPoolId: auth.userPool.userPoolId,
        clientId: auth.userPoolClient.userPoolClientId,
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
  }
}

/**
 * The site's Content-Security-Policy: scripts and styles from the site only (no inline code, no eval),
 * images from the site, data: URLs and the evidence bucket, connections to the site, Cognito's
 * endpoint and the evidence bucket only; frames of the evidence bucket only (a PDF shown in the
 * reviewer's panel, served inline by a presigned GET); no framing of the site, no <base>, forms
 * posted to the site only.
 */
export function contentSecurityPolicy(connectOrigins: readonly string[], evidenceOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: ${evidenceOrigin}`,
    `frame-src ${evidenceOrigin}`,
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

/**
 * The CloudFront function in front of the site bucket: a path without a file extension is a page of
 * the web app (index.html), except under /developers/, the API reference, which has its own page.
 * Plain JavaScript for CloudFront's runtime; test/infra runs it as it is.
 */
export const SPA_FALLBACK = [
  "function handler(event) {",
  "  var request = event.request;",
  "  var uri = request.uri;",
  "  if (uri.indexOf('.', uri.lastIndexOf('/')) !== -1) return request;",
  "  var reference = uri === '/developers' || uri.indexOf('/developers/') === 0;",
  "  request.uri = reference ? '/developers/index.html' : '/index.html';",
  "  return request;",
  "}",
].join("\n");
