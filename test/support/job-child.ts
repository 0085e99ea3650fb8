import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { adapters } from "../../functions/http/adapters.ts";
import { JOB_KINDS, type JobKind } from "../../shared/model/period.ts";
import { SCHEDULER } from "../../shared/services/close.ts";
import { runPeriodJob } from "../../shared/services/transitions.ts";

/**
 * One attempt of a period's job in a process of its own, as the job function runs it, for the crash
 * harness, bundled by esbuild (in-process.ts): `node job-child.mjs <periodId> <kind>` with the stack's environment. With
 * CHISO_KILL_AFTER_WRITES=k the process kills itself (SIGKILL: no handler, no cleanup) the moment its
 * k-th write (DynamoDB or S3) has been answered — every write boundary, one run each. It prints
 * `{"writes", "result"}` when the attempt ends by itself.
 */
const [periodId, kind] = process.argv.slice(2) as [string, JobKind];
if (!periodId || !JOB_KINDS.includes(kind)) throw new Error("usage: job-child.ts <periodId> <kind>");
const killAfter = Number(process.env.CHISO_KILL_AFTER_WRITES ?? 0);

const WRITE = /^(Put|Update|Delete|TransactWrite|BatchWrite|PutObject|DeleteObject|CopyObject)/;
let writes = 0;
for (const client of [DynamoDBDocumentClient, S3Client]) {
  const send = client.prototype.send as (...args: unknown[]) => Promise<unknown>;
  client.prototype.send = async function (this: unknown, ...args: unknown[]) {
    const result = await send.apply(this, args);
    if (WRITE.test((args[0] as object).constructor.name)) {
      writes++;
      if (killAfter > 0 && writes >= killAfter) process.kill(process.pid, "SIGKILL");
    }
    return result;
  } as typeof client.prototype.send;
}

const ctx = { actor: SCHEDULER, requestId: `child-${process.pid}`, now: new Date() };
process.stdout.write("start\n"); // the harness times a random kill from here
try {
  const result = await runPeriodJob(adapters(), ctx, periodId, kind);
  process.stdout.write(`${JSON.stringify({ writes, result })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ writes, error: (error as Error).message })}\n`);
  process.exitCode = 1;
}
