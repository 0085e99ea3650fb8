import { Aws, CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { ROUTES, type Route } from "../../functions/routes.ts";
import { needsOf } from "./access.ts";
import type { ChisoFunction } from "./chiso-function.ts";
import { Alarms } from "./constructs/alarms.ts";
import { Api } from "./constructs/api.ts";
import { Auth } from "./constructs/auth.ts";
import { Data } from "./constructs/data.ts";
import { Jobs } from "./constructs/jobs.ts";
import { Site } from "./constructs/site.ts";
import { bindNeeds } from "./grants.ts";
import { type Acknowledgement, acknowledgeFindings } from "./nag.ts";
import type { Settings } from "./settings.ts";

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
 * chiso in one AWS account and region: the HTTP API and its functions built from functions/routes.ts,
 * DynamoDB, the evidence and site buckets, CloudFront, Cognito, the close scheduler, reminders and
 * alarms. Parameters come from Settings (CDK context); see docs/DEPLOYING.md, "Parameters".
 */
export class ChisoStack extends Stack {
  /** handler module → function: the routes' and the jobs'. */
  readonly functions = new Map<string, ChisoFunction>();
  /** The Cognito trigger that keeps admin/reviewer out of the tokens of a user without TOTP. */
  readonly staffMfa: ChisoFunction;
  readonly settings: Settings;
  /** The cdk-nag findings this stack accepts, with their reasons (infra/cdk/nag.ts). */
  readonly acknowledgements: Acknowledgement[];

  constructor(scope: Construct, id: string, props: ChisoStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    this.settings = settings;
    Tags.of(this).add("app", "chiso");
    Tags.of(this).add("stage", settings.stage);

    const data = new Data(this, "Data");
    const auth = new Auth(this, "Auth", { settings });
    const jobs = new Jobs(this, "Jobs", { settings });
    const api = new Api(this, "Api", { settings, routes: props.routes ?? ROUTES, auth });
    const site = new Site(this, "Site", { settings, data, auth, api, webAclArn: props.cloudFrontWebAclArn });
    this.staffMfa = auth.staffMfa;
    for (const f of [...jobs.functions, ...api.functions.values()]) {
      this.functions.set(f.handler, f);
      bindNeeds(f, needsOf(f.handler), { settings, data, auth, jobs, distribution: site.distribution });
    }
    const alarms = new Alarms(this, "Alarms", {
      settings,
      functions: this.functions.values(),
      staffMfa: auth.staffMfa,
      httpApi: api.httpApi,
      deadLetterQueue: jobs.deadLetterQueue,
    });

    // bootstrap-admin.ts reads UserPoolId.
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    const distribution = site.distribution;
    output("SiteUrl", site.url, "The site (and /api, /public, /config.json)");
    output("DistributionDomainName", distribution.distributionDomainName, "CNAME target for the domain");
    output("DistributionId", distribution.distributionId, "CloudFront distribution");
    output(
      "ApiEndpoint",
      api.domain ? `https://${settings.apiDomain}` : api.httpApi.apiEndpoint,
      "The HTTP API behind CloudFront's /api/* (refuses requests without CloudFront's origin secret)",
    );
    if (api.domain)
      output(
        "ApiDomainTarget",
        api.domain.regionalDomainName,
        `CNAME target for ${settings.apiDomain} (CloudFront's origin)`,
      );
    output("OriginSecretArn", api.originSecret.secretArn, "The origin secret CloudFront sends to the API");
    output("Region", Aws.REGION, "Region");
    output("UserPoolId", auth.userPool.userPoolId, "Cognito user pool");
    output("UserPoolClientId", auth.userPoolClient.userPoolClientId, "Cognito app client of the web app");
    output("DataTableName", data.dataTable.tableName, "DynamoDB data table");
    output("AuditTableName", data.auditTable.tableName, "DynamoDB audit table");
    output("EvidenceBucketName", data.evidenceBucket.bucketName, "Evidence files");
    output("SiteBucketName", data.siteBucket.bucketName, "The site and the published rankings (public/)");
    output("CloseScheduleGroupName", jobs.scheduleGroup.scheduleGroupName, "EventBridge Scheduler group");
    output("CloseDeadLetterQueueUrl", jobs.deadLetterQueue.queueUrl, "Failed closes and reminder runs");
    output("AlarmTopicArn", alarms.topic.topicArn, "Subscribe here for alarms");

    this.acknowledgements = acknowledgeFindings(this, {
      settings,
      functions: this.functions.values(),
      needsOf,
      dataTable: data.dataTable,
      auditTable: data.auditTable,
      evidenceBucket: data.evidenceBucket,
      siteBucket: data.siteBucket,
      scheduleGroupName: jobs.scheduleGroup.scheduleGroupName,
      userPool: auth.userPool,
      distribution,
      closeDlq: jobs.deadLetterQueue,
      publicRoutes: api.publicRoutes,
      originSecret: api.originSecret,
      staffMfa: auth.staffMfa,
      hasCloudFrontWebAcl: props.cloudFrontWebAclArn !== undefined,
    });
  }
}
