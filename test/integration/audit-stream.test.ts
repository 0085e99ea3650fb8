import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../functions/jobs/audit-stream.ts";
import { lambdaContext } from "../../infra/local/invoke.ts";
import { dynamoFromEnv } from "../../shared/store/dynamo.ts";
import { keys } from "../../shared/store/keys.ts";
import {
  type Api,
  api,
  DEPARTMENT_ANSWERS,
  paths,
  readAll,
  setUpWorldClients,
  stack,
  submissionEntity,
  type World,
} from "../support/local-stack.ts";
import { settledAudit } from "../support/world-state.ts";

/**
 * A save is one conditional write of the submission's head; its audit records come from the data
 * table's stream (shared/store/submission-changes.ts, functions/jobs/audit-stream.ts). Every save
 * that lands has its records, once each, whatever the races; a record given twice writes nothing new;
 * a record the function could not write is given again.
 */

let world: World;
let admin: Api;
let editorA: Api;
let approverA: Api;

beforeAll(async () => {
  ({ world, admin, editorA, approverA } = await setUpWorldClients("audit-stream"));
  // The function runs in this process, on the stack's tables.
  Object.assign(process.env, stack().env);
});

type Row = { action: string; requestId: string; after?: { code?: string; value?: unknown } };
const codes = Object.keys(DEPARTMENT_ANSWERS) as (keyof typeof DEPARTMENT_ANSWERS)[];

/** The head as stored, and an event as the stream gives it: from the head one version before. */
async function storedHead(periodId: string, unitId: string) {
  const dynamo = dynamoFromEnv(stack().env);
  const read = await dynamo.client.send(
    new GetCommand({
      TableName: dynamo.dataTable,
      Key: keys.submissionHead(periodId, unitId),
      ConsistentRead: true,
    }),
  );
  return read.Item as Record<string, unknown>;
}

/** The stream's record of a save of one answer (`code`) the head did not have before. */
function streamEvent(after: Record<string, unknown>, code: string, sequence: string): DynamoDBStreamEvent {
  const { [`A#${code}`]: _saved, ...before }: Record<string, unknown> = { ...after, version: 0 };
  const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;
  return {
    Records: [
      {
        eventName: "MODIFY",
        eventSource: "aws:dynamodb",
        dynamodb: {
          Keys: image({ pk: after.pk, sk: after.sk }),
          OldImage: image(before),
          NewImage: image(after),
          SequenceNumber: sequence,
          StreamViewType: "NEW_AND_OLD_IMAGES",
        },
      },
    ],
  };
}

const invoke = (event: DynamoDBStreamEvent) =>
  handler(event, lambdaContext("jobs/audit-stream", `test-${Date.now()}`)) as Promise<{
    batchItemFailures: { itemIdentifier: string }[];
  }>;

describe("the audit records of answer saves", () => {
  it("are there for every save that landed, once each, with two editors saving at once (10 rounds)", async () => {
    const editors = [editorA, approverA];
    let landed = 0;
    for (let round = 0; round < 10; round++) {
      const replies = await Promise.all(
        editors.map((client, i) => {
          const code = codes[(2 * round + i) % codes.length] as keyof typeof DEPARTMENT_ANSWERS;
          return client.patch(paths.answers(world.periodId, world.a.id), {
            answers: { [code]: { ...DEPARTMENT_ANSWERS[code], note: `vòng ${round}` } },
          });
        }),
      );
      for (const reply of replies) expect(reply.status).toBe(200);
      landed += replies.length;
    }
    const records = (await settledAudit(admin, world.periodId, world.a.id)) as Row[];
    const saves = records.filter((r) => r.action === "answer.save");
    expect(saves).toHaveLength(landed);
    expect(new Set(saves.map((r) => r.requestId)).size).toBe(landed);
    const head = await storedHead(world.periodId, world.a.id);
    expect(head.version).toBe(landed);
  });

  it("writes the same records again when the stream gives a change twice (nothing new)", async () => {
    const saved = await api(world.b.editor).patch(paths.answers(world.periodId, world.b.id), {
      answers: { "1.2": { value: "deputy", note: "Quyết định 12/QĐ" } },
    });
    expect(saved.status).toBe(200);
    const records = await settledAudit(admin, world.periodId, world.b.id);
    const event = streamEvent(await storedHead(world.periodId, world.b.id), "1.2", "1");
    expect(await invoke(event)).toEqual({ batchItemFailures: [] });
    expect(await invoke(event)).toEqual({ batchItemFailures: [] });
    expect(await readAll(admin, paths.audit(submissionEntity(world.periodId, world.b.id)))).toEqual(records);
  });

  it("reports the record it could not write, so that it is given again, and writes it then", async () => {
    const saved = await api(world.b.editor).patch(paths.answers(world.periodId, world.b.id), {
      answers: { "1.3": { value: { numerator: 3, denominator: 4 } } },
    });
    expect(saved.status).toBe(200);
    const records = await settledAudit(admin, world.periodId, world.b.id);
    const head = await storedHead(world.periodId, world.b.id);
    const env = process.env.AUDIT_TABLE_NAME;
    process.env.AUDIT_TABLE_NAME = "no-such-table";
    try {
      expect(await invoke(streamEvent(head, "1.3", "42"))).toEqual({
        batchItemFailures: [{ itemIdentifier: "42" }],
      });
    } finally {
      process.env.AUDIT_TABLE_NAME = env;
    }
    expect(await invoke(streamEvent(head, "1.3", "42"))).toEqual({ batchItemFailures: [] });
    expect(await readAll(admin, paths.audit(submissionEntity(world.periodId, world.b.id)))).toEqual(records);
  });
});
