import { Aws, Duration } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type ChisoFunction, constructId } from "../chiso-function.ts";
import type { Settings } from "../settings.ts";

export interface AlarmsProps {
  settings: Settings;
  /** The route and job functions: one alarm each. */
  functions: Iterable<ChisoFunction>;
  staffMfa: ChisoFunction;
  httpApi: apigwv2.HttpApi;
  deadLetterQueue: sqs.IQueue;
}

/** Every failure someone must look at, on one SNS topic (alarmEmail subscribes to it). */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { settings } = props;
    this.topic = new sns.Topic(this, "AlarmTopic", {
      displayName: `chiso ${settings.stage} alarms`,
      enforceSSL: true,
    });
    // enforceSSL gives the topic a resource policy, which replaces the default one: CloudWatch (a
    // service principal, not a role) needs its own Allow, limited to this account's alarms.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "AllowCloudWatchAlarms",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: {
            "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (settings.alarmEmail)
      this.topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));

    const fiveMinutes = (statistic: string) => ({ period: Duration.minutes(5), statistic });
    for (const f of props.functions)
      this.alarm(
        `${constructId(f.handler)}Errors`,
        `chiso ${f.handler}: the function failed (error, timeout or crash)`,
        f.function.metricErrors(fiveMinutes(cloudwatch.Stats.SUM)),
      );
    // A failing trigger fails the sign-in of every admin and reviewer.
    this.alarm(
      "CognitoStaffMfaErrors",
      "chiso Cognito pre token generation trigger failed: staff sign-ins fail",
      props.staffMfa.function.metricErrors(fiveMinutes(cloudwatch.Stats.SUM)),
    );
    // A handler turns an unexpected error into a 500 reply (it does not crash): count those too.
    this.alarm(
      "HttpApi5xx",
      "chiso API: internal errors (5xx replies)",
      props.httpApi.metricServerError(fiveMinutes(cloudwatch.Stats.SUM)),
    );
    this.alarm(
      "CloseDeadLetters",
      "chiso: a scheduled close (or reminder run) failed after its retries: see the dead-letter queue",
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinutes(cloudwatch.Stats.MAXIMUM)),
    );
  }

  /** One occurrence in five minutes is one too many: each of these is a failure, never noise. */
  private alarm(id: string, alarmDescription: string, metric: cloudwatch.IMetric): void {
    new cloudwatch.Alarm(this, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new cwActions.SnsAction(this.topic));
  }
}
