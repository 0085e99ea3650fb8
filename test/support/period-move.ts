import { expect } from "vitest";
import { routePaths as paths } from "../../shared/api/paths.ts";
import type { Api } from "./client.ts";

/**
 * A period's move and the polling it needs, for the integration and the e2e harness alike (no
 * vitest `inject`: the e2e files run their own stack).
 */

/** A JSON record of the API, checked by the tests' assertions (as the harness's Reply.body). */
// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, checked by the tests' assertions
export type Row = Record<string, any>;

/** The moves that run as a job: the request answers 202 in the transient state. */
const DURING: Record<string, string> = { appraisal: "closing", final: "finalizing", published: "publishing" };

/**
 * POST transitions, expecting the new state: at once (200), or — for a move that runs as a job (202,
 * the period in its transient state, its job queued) — once the job has succeeded, read back by
 * polling the period for up to `within` ms.
 */
export async function moveTo(admin: Api, periodId: string, to: string, within = 60_000): Promise<Row> {
  const reply = await admin.post(paths.transitions(periodId), { to });
  const during = DURING[to];
  if (reply.status === 202 && during) {
    expect(reply.body.state, `${periodId} → ${to}`).toBe(during);
    expect(reply.body.job).toMatchObject({ status: "queued" });
    const period = await waitFor(
      `${periodId} → ${to}`,
      async () => (await admin.get(paths.period(periodId))).body as Row,
      (p) => p.state !== during || p.job?.status === "failed",
      within,
      100,
    );
    expect(period.state, JSON.stringify(period.job)).toBe(to);
    expect(period.job).toMatchObject({ status: "succeeded" });
    return period;
  }
  expect(reply.status, `${periodId} → ${to}: ${JSON.stringify(reply.body)}`).toBe(200);
  expect(reply.body.state).toBe(to);
  return reply.body as Row;
}

/** Reads `read` every `intervalMs` until `done` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
