import type { Actor } from "../../../shared/access/roles.ts";
import { Refusal } from "../../../shared/errors.ts";
import { SCHEDULER } from "../../../shared/services/close.ts";
import type { RequestContext } from "../../../shared/services/context.ts";

/** The services' clock in these tests: every request happens at NOW unless it says otherwise. */
export const NOW = new Date("2026-03-02T03:00:00Z");
export const DAY = 86_400_000;
export const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

let requests = 0;
/** A request's context: who asks, and when (NOW unless said). */
export const ctxOf = (actor: Actor, now: Date = NOW): RequestContext => ({
  actor,
  requestId: `req-${++requests}`,
  now,
});

/** Requests by the usual callers: `by.editor("so-1")`, `by.admin(at(DAY))`. */
export const by = {
  admin: (now?: Date) => ctxOf(ADMIN, now),
  reviewer: (now?: Date) => ctxOf(REVIEWER, now),
  editor: (unitId: string, now?: Date) => ctxOf(editorOf(unitId), now),
  approver: (unitId: string, now?: Date) => ctxOf(approverOf(unitId), now),
  scheduler: (now?: Date) => ctxOf(SCHEDULER, now),
};

export const ADMIN: Actor = { username: "admin", roles: ["admin"] };
export const REVIEWER: Actor = { username: "reviewer", roles: ["reviewer"] };
export const editorOf = (unitId: string): Actor => ({
  username: `editor.${unitId}`,
  roles: ["unit-editor"],
  unitId,
});
export const approverOf = (unitId: string): Actor => ({
  username: `approver.${unitId}`,
  roles: ["unit-approver"],
  unitId,
});

/** The refusal a call ends in, as "kind/code" (a call that does not refuse fails the test). */
export async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Refusal)) throw new Error(`expected a refusal, got ${String(error)}`);
  return `${error.kind}/${error.code}`;
}
