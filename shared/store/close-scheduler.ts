import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { toVietnamTime } from "../model/period.ts";
import type { CloseScheduler } from "../services/context.ts";

/**
 * The close of a period as a one-time EventBridge Scheduler schedule, `at(...)` in Vietnam time,
 * targeting the job function (the close job) with retries and a dead-letter queue. Moving the deadline updates it.
 */
export class EventBridgeCloseScheduler implements CloseScheduler {
  private readonly client = new SchedulerClient({});

  constructor(
    private readonly settings: { group: string; targetArn: string; roleArn: string; deadLetterArn: string },
  ) {}

  async arm(periodId: string, closesAt: string): Promise<void> {
    const input = {
      Name: scheduleName(periodId),
      GroupName: this.settings.group,
      // at() takes Vietnam local time to the second: a deadline with milliseconds fires at the next
      // second, never before it (a close that fires early would only arm itself again).
      ScheduleExpression: `at(${toVietnamTime(Math.ceil(Date.parse(closesAt) / 1000) * 1000).slice(0, 19)})`,
      ScheduleExpressionTimezone: "Asia/Ho_Chi_Minh",
      FlexibleTimeWindow: { Mode: "OFF" as const },
      ActionAfterCompletion: "DELETE" as const,
      Target: {
        Arn: this.settings.targetArn,
        RoleArn: this.settings.roleArn,
        Input: JSON.stringify({ periodId, kind: "close" }),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: this.settings.deadLetterArn },
      },
    };
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  async disarm(periodId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(periodId), GroupName: this.settings.group }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

const scheduleName = (periodId: string) => `close-${periodId}`;
