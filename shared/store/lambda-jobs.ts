import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { JobKind } from "../model/period.ts";
import type { JobQueue } from "../services/context.ts";

/**
 * A period's job as an asynchronous invocation of the job function: Lambda queues the event, retries a
 * failed attempt twice and then sends it to the dead-letter queue (the function's on-failure
 * destination), which raises the alarm. The job records its own progress and failure on the period.
 */
export class LambdaJobQueue implements JobQueue {
  private readonly client = new LambdaClient({});

  constructor(private readonly functionName: string) {}

  async enqueue(job: { periodId: string; kind: JobKind }): Promise<void> {
    const result = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: "Event",
        Payload: new TextEncoder().encode(JSON.stringify(job)),
      }),
    );
    if (result.StatusCode !== 202) throw new Error(`the job function refused the job (${result.StatusCode})`);
  }
}
