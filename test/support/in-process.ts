import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { inject } from "vitest";
import { adapters, useLocalParts } from "../../functions/http/adapters.ts";
import type { Actor } from "../../shared/access/roles.ts";
import type { JobKind } from "../../shared/model/period.ts";
import type { Ports, RequestContext } from "../../shared/services/context.ts";
import { importFramework } from "../../shared/services/frameworks.ts";
import { createPeriod } from "../../shared/services/periods.ts";
import { saveAnswers, submit } from "../../shared/services/submissions.ts";
import { transitionPeriod } from "../../shared/services/transitions.ts";
import { upsertUnits } from "../../shared/services/units.ts";
import { bundledScript, COMPILE_CACHE_ENV } from "./bundled-script.ts";
import { DEPARTMENT_ANSWERS, frameworkFixture, uniqueId } from "./local-stack.ts";

/**
 * The ports of the run's shared local stack, called in the test's own process: the real
 * repositories on the real emulators, with the close schedule and the job queue replaced by
 * recorders (ports), so a test decides when and where a job runs — in a child process it can kill.
 */

const ROOT = resolve(import.meta.dirname, "../..");

export interface Recorders {
  armed: { periodId: string; closesAt: string | null }[];
  queued: { periodId: string; kind: JobKind }[];
}

export function stackServices(recorders: Recorders = { armed: [], queued: [] }): Ports {
  Object.assign(process.env, inject("chisoStack").env);
  useLocalParts({
    scheduler: {
      arm: async (periodId, closesAt) => void recorders.armed.push({ periodId, closesAt }),
      disarm: async (periodId) => void recorders.armed.push({ periodId, closesAt: null }),
    },
    jobs: { enqueue: async (job) => void recorders.queued.push(job) },
    mailer: { send: async () => undefined },
  });
  return adapters();
}

export const actorCtx = (actor: Actor, requestId = uniqueId("req")): RequestContext => ({
  actor,
  requestId,
  now: new Date(),
});
export const ADMIN: Actor = { username: "admin", roles: ["admin"] };
export const REVIEWER: Actor = { username: "in-process.reviewer", roles: ["reviewer"] };

/** A framework (the fixture's by default) and `count` departments, imported through the services. */
export async function departmentsWorld(
  svc: Ports,
  name: string,
  count: number,
  frameworkOf: (id: string) => Record<string, unknown> = frameworkFixture,
) {
  const prefix = uniqueId(name);
  const frameworkId = `${prefix}-fw`;
  await importFramework(svc, actorCtx(ADMIN), frameworkOf(frameworkId));
  const unitIds = Array.from({ length: count }, (_, i) => `${prefix}-u${i}`);
  await upsertUnits(svc, actorCtx(ADMIN), {
    units: unitIds.map((id, i) => ({
      id,
      code: `${prefix.replace(/-/g, "").toUpperCase()}U${i}`.slice(-32),
      name: `Sở thử ${i} (${prefix})`,
      kind: "department",
    })),
  });
  return { prefix, frameworkId, unitIds };
}

/**
 * An open period of the world's units in which every unit answered (two answer sets, so scores
 * differ) and two in three submitted; returns which submitted.
 */
export async function answeredPeriod(
  svc: Ports,
  world: { prefix: string; frameworkId: string; unitIds: string[] },
  periodId: string,
) {
  const now = Date.now();
  await createPeriod(svc, actorCtx(ADMIN), {
    id: periodId,
    name: `Kỳ ${periodId}`,
    frameworkId: world.frameworkId,
    unitIds: world.unitIds,
    opensAt: new Date(now - 86_400_000).toISOString(),
    closesAt: new Date(now + 86_400_000).toISOString(),
  });
  await transitionPeriod(svc, actorCtx(ADMIN), periodId, { to: "open" });
  const submitted = new Set<string>();
  await Promise.all(
    world.unitIds.map(async (unitId, i) => {
      const editor: Actor = { username: `editor.${unitId}`, roles: ["unit-editor"], unitId };
      const answers = i % 2 ? { "1.4": { value: 1 }, "2.1": { value: 3.5 } } : DEPARTMENT_ANSWERS;
      await saveAnswers(svc, actorCtx(editor), periodId, unitId, { answers }, undefined);
      if (i % 3 === 2) return;
      const approver: Actor = { username: `approver.${unitId}`, roles: ["unit-approver"], unitId };
      await submit(svc, actorCtx(approver), periodId, unitId);
      submitted.add(unitId);
    }),
  );
  return submitted;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The child's last line: `{"writes", "result"}` or `{"writes", "error"}` when it ended by itself. */
  outcome?: { writes: number; result?: unknown; error?: string };
}

/**
 * One attempt of a period's job in a child process (test/support/job-child.ts) on the shared stack:
 * killed by itself after its `killAfterWrites`-th write, or by this process `killAfterMs` after it
 * began the job; otherwise it runs to its end.
 */
export async function runJobInChild(
  periodId: string,
  kind: JobKind,
  kill: { killAfterWrites?: number; killAfterMs?: number } = {},
): Promise<ChildRun> {
  const script = await bundledScript("test/support/job-child.ts");
  return new Promise((done, fail) => {
    // node itself on one bundled file (not the tsx CLI, which runs node as a child of its own): a kill
    // reaches the very process that runs the job, and a child starts in a fraction of a second
    // instead of compiling TypeScript again — the harness starts one per write boundary.
    const child = spawn(process.execPath, [script, periodId, kind], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...inject("chisoStack").env,
        ...COMPILE_CACHE_ENV,
        CHISO_KILL_AFTER_WRITES: String(kill.killAfterWrites ?? 0),
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (
        !stdout.includes("start\n") &&
        (stdout + chunk).includes("start\n") &&
        kill.killAfterMs !== undefined
      )
        setTimeout(() => child.kill("SIGKILL"), kill.killAfterMs);
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code, signal) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      let outcome: ChildRun["outcome"];
      try {
        outcome = last.startsWith("{") ? JSON.parse(last) : undefined;
      } catch {
        outcome = undefined;
      }
      if (!signal && !outcome) fail(new Error(`the job child failed: ${stderr || stdout}`));
      else done({ code, signal, ...(outcome ? { outcome } : {}) });
    });
  });
}
