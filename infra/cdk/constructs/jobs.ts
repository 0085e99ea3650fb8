import { Aws, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import { SqsDestination } from "aws-cdk-lib/aws-lambda-destinations";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ChisoFunction, type CloseSchedules } from "../chiso-function.ts";
import type { Settings } from "../settings.ts";

/** The handler modules that are not routes: the period job (and close target) and the reminder job. */
export const JOBS = { period: "jobs/period-job", reminders: "jobs/send-reminders" } as const;

/** Hourly: a reminder is due "3 days before" to the hour, and each is claimed once (reminders.ts). */
export const REMINDER_SCHEDULE = "rate(1 hour)";

/**
 * The work that runs outside a request: the period job (a close, final scoring or publication, one
 * per period at a time, held by a lease on the period), the close schedules that start it, the hourly
 * reminder job, and the dead-letter queue of all of them.
 */
export class Jobs extends Construct {
  /** Closes, final scoring and publication: the target of the close schedules and of transitions. */
  readonly periodJob: ChisoFunction;
  /** The deadline reminders, hourly once an SES identity is set. */
  readonly reminders: ChisoFunction;
  /** Where the jobs' failed runs and the schedules' undeliverable invocations end up. */
  readonly deadLetterQueue: sqs.Queue;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** What a function that arms a close binds (ChisoFunction.bindCloseSchedules). */
  readonly closeSchedules: CloseSchedules;

  constructor(scope: Construct, id: string, { settings }: { settings: Settings }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deadLetterQueue = new sqs.Queue(this, "CloseDeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.scheduleGroup = new scheduler.ScheduleGroup(this, "CloseScheduleGroup", {
      scheduleGroupName: `chiso-${settings.stage}-closes`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const schedulerRole = new iam.Role(this, "CloseSchedulerRole", {
      description: "EventBridge Scheduler: invokes the close function, dead-letters what it cannot deliver",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.deadLetterQueue.grantSendMessages(schedulerRole);

    this.periodJob = ChisoFunction.forHandler(this, JOBS.period, settings.logRetention);
    this.reminders = ChisoFunction.forHandler(this, JOBS.reminders, settings.logRetention);
    // Transitions and the close schedule invoke the jobs asynchronously: a failing attempt is retried
    // by Lambda (twice), then sent to the dead-letter queue, which raises the alarm; the job records
    // its progress and error on the period.
    for (const job of this.functions)
      job.function.configureAsyncInvoke({
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        onFailure: new SqsDestination(this.deadLetterQueue),
      });
    allowInvoke(schedulerRole, this.periodJob);
    this.closeSchedules = {
      groupName: this.scheduleGroup.scheduleGroupName,
      scheduleArn: stack.formatArn({
        service: "scheduler",
        resource: "schedule",
        resourceName: `${this.scheduleGroup.scheduleGroupName}/close-*`,
      }),
      schedulerRole,
      deadLetterQueue: this.deadLetterQueue,
      target: this.periodJob.function,
    };

    if (settings.sesIdentity) this.scheduleReminders();
    else
      this.node.addMetadata(
        "chiso:reminders",
        "no sesIdentity: the reminder job is deployed but not scheduled (set -c sesIdentity=...)",
      );
  }

  get functions(): ChisoFunction[] {
    return [this.periodJob, this.reminders];
  }

  /** Hourly, in the province's time zone; undeliverable runs go to the dead-letter queue. */
  private scheduleReminders(): void {
    const role = new iam.Role(this, "RemindersSchedulerRole", {
      description: "EventBridge Scheduler: runs the reminder job every hour",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    });
    allowInvoke(role, this.reminders);
    this.deadLetterQueue.grantSendMessages(role);
    new scheduler.CfnSchedule(this, "RemindersSchedule", {
      description: "chiso deadline reminders",
      scheduleExpression: REMINDER_SCHEDULE,
      scheduleExpressionTimezone: "Asia/Ho_Chi_Minh",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: this.reminders.function.functionArn,
        roleArn: role.roleArn,
        input: "{}",
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
      },
    });
  }
}

/** The unqualified function only (grantInvoke would add every version and alias, ":*"). */
function allowInvoke(role: iam.IRole, job: ChisoFunction): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [job.function.functionArn] }),
  );
}
