import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import type { Unit } from "../../../shared/model/unit.ts";
import { UnitRepository } from "../../../shared/store/units.ts";

/**
 * The unit store's conditional writes against a small stand-in for DynamoDB that evaluates the store's
 * three conditions, with a hook that lets "another request" write between the store's read and its
 * transaction (the race the integration test provokes for real).
 */
function fakeDynamo() {
  const tables = new Map<string, Map<string, Record<string, unknown>>>();
  const table = (name: string) => {
    const found = tables.get(name) ?? new Map<string, Record<string, unknown>>();
    tables.set(name, found);
    return found;
  };
  const keyOf = (item: Record<string, unknown>) => `${item.pk}|${item.sk}`;
  let beforeTransact: (() => void) | undefined;
  const holds = (put: PutInput, current: Record<string, unknown> | undefined) => {
    switch (put.ConditionExpression) {
      case undefined:
        return true;
      case "attribute_not_exists(pk)":
        return current === undefined;
      case "attribute_exists(pk) AND attribute_not_exists(#rev)":
        return current !== undefined && current.rev === undefined;
      case "#rev = :rev":
        return current?.rev === put.ExpressionAttributeValues?.[":rev"];
      default:
        throw new Error(`unexpected condition ${put.ConditionExpression}`);
    }
  };
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      if (command.constructor.name === "BatchGetCommand") {
        const request = command.input.RequestItems as Record<string, { Keys: Record<string, unknown>[] }>;
        const Responses = Object.fromEntries(
          Object.entries(request).map(([name, { Keys }]) => [
            name,
            Keys.flatMap((k) => table(name).get(keyOf(k)) ?? []).map((i) => structuredClone(i)),
          ]),
        );
        return { Responses, UnprocessedKeys: {} };
      }
      if (command.constructor.name === "TransactWriteCommand") {
        const hook = beforeTransact;
        beforeTransact = undefined;
        hook?.();
        const puts = (command.input.TransactItems as { Put: PutInput }[]).map((i) => i.Put);
        const reasons = puts.map((put) => ({
          Code: holds(put, table(put.TableName).get(keyOf(put.Item))) ? "None" : "ConditionalCheckFailed",
        }));
        if (reasons.some((r) => r.Code !== "None"))
          throw new TransactionCanceledException({
            message: "cancelled",
            $metadata: {},
            CancellationReasons: reasons,
          });
        for (const put of puts) table(put.TableName).set(keyOf(put.Item), structuredClone(put.Item));
        return {};
      }
      throw new Error(`unexpected command ${command.constructor.name}`);
    },
  };
  return {
    client: client as unknown as DynamoDBDocumentClient,
    audits: () => [...table("audit").values()].map((r) => `${r.entity} ${r.action}`).sort(),
    raw: (id: string) => table("data").get(`UNITS|U#${id}`),
    /** Runs `write` once, just before the next transaction (after the store's read). */
    meanwhile(write: () => void) {
      beforeTransact = write;
    },
    put(item: Record<string, unknown>) {
      table("data").set(keyOf(item), structuredClone(item));
    },
  };
}

interface PutInput {
  TableName: string;
  Item: Record<string, unknown>;
  ConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, unknown>;
}

const audit = { actor: "admin", requestId: "r1", time: "2030-07-01T00:00:00.000Z" };
const unit = (id: string, more: Partial<Unit> = {}): Unit => ({
  id,
  code: id.toUpperCase(),
  name: `Xã ${id}`,
  kind: "commune",
  ...more,
});

function setUp() {
  const dynamo = fakeDynamo();
  const store = new UnitRepository({ client: dynamo.client, dataTable: "data", auditTable: "audit" });
  /** What another request writing `u` first would have stored (the same store, another "process"). */
  const other = (u: Unit) => {
    const stored = dynamo.raw(u.id);
    dynamo.put({ pk: "UNITS", sk: `U#${u.id}`, ...u, rev: ((stored?.rev as number) ?? 0) + 1 });
  };
  return { dynamo, store, other };
}

describe("the unit store's conditional writes", () => {
  it("a create that lost the race to the same content is already applied: not written or audited again", async () => {
    const { dynamo, store, other } = setUp();
    dynamo.meanwhile(() => other(unit("a")));
    const counts = await store.upsert([unit("a"), unit("b")], audit);
    expect(counts).toEqual({ created: 1, updated: 0, unchanged: 1 });
    expect(dynamo.audits()).toEqual(["unit#b unit.create"]);
    expect((await store.getMany(["a"])).get("a")).toEqual(unit("a"));
  });

  it("an end that lost the race to the same end is already applied", async () => {
    const { dynamo, store, other } = setUp();
    await store.upsert([unit("a")], audit);
    const ended = unit("a", { validTo: "2030-06-30" });
    dynamo.meanwhile(() => other(ended));
    expect(await store.upsert([ended], audit)).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(dynamo.audits()).toEqual(["unit#a unit.create"]);
    expect(dynamo.raw("a")?.rev).toBe(2);
  });

  it("other content written meanwhile is a conflict, and nothing of the transaction is written", async () => {
    const { dynamo, store, other } = setUp();
    dynamo.meanwhile(() => other(unit("a", { name: "Phường A" })));
    const failure = await store.upsert([unit("a"), unit("b")], audit).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: "conflict", code: "unit-conflict" });
    expect(String((failure as Error).message)).toContain('"a"');
    expect(dynamo.raw("b")).toBeUndefined();
    expect(dynamo.audits()).toEqual([]);
  });

  it("keeps a revision the units read never show; a unit stored before revisions is guarded too", async () => {
    const { dynamo, store, other } = setUp();
    dynamo.put({ pk: "UNITS", sk: "U#old", ...unit("old") });
    dynamo.meanwhile(() => other(unit("old", { name: "Xã cũ, đổi tên" })));
    const failure = await store.upsert([unit("old", { validTo: "2030-06-30" })], audit).catch((e) => e);
    expect(failure).toMatchObject({ code: "unit-conflict" });
    await store.upsert([unit("c")], audit);
    expect(dynamo.raw("c")?.rev).toBe(1);
    expect((await store.getMany(["c"])).get("c")).not.toHaveProperty("rev");
  });
});
