import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { importFramework } from "../../../shared/services/frameworks.ts";
import { createPeriod } from "../../../shared/services/periods.ts";
import { saveAnswers, submit } from "../../../shared/services/submissions.ts";
import { runPeriodJob, transitionPeriod } from "../../../shared/services/transitions.ts";
import { upsertUnits } from "../../../shared/services/units.ts";
import type { MemoryPorts } from "./index.ts";
import { at, by, DAY, NOW } from "./world.ts";

// Periods set up through the services on the fakes, at the stages the tests start from.

/** The integration suite's framework: two groups, eight methods, three kinds of evidence. */
export function frameworkBody(id: string): Record<string, unknown> {
  const path = resolve(import.meta.dirname, "../../fixtures/integration-framework.json");
  return { ...JSON.parse(readFileSync(path, "utf8")), id };
}

/** A value in the domain of every department leaf (1.2 with a note), as a save's body takes them. */
export const DEPARTMENT_ANSWERS: Record<string, { value: unknown; note?: string }> = Object.fromEntries(
  Object.entries({
    "1.1": true,
    "1.2": "deputy",
    "1.3": { numerator: 3, denominator: 4 },
    "1.4": 2,
    "1.5": 3,
    "2.1": 12.5,
    "2.2": 1500,
    "2.3": false,
    "2.4": "Đang xây dựng đề án",
  }).map(([code, value]) => [code, code === "1.2" ? { value, note: "Quyết định 12/QĐ" } : { value }]),
);

export interface World {
  periodId: string;
  frameworkId: string;
  unitIds: string[];
}

/**
 * A framework, `units` departments and a period over them with its deadline `closesIn` after NOW,
 * moved to `open` unless `draft`.
 */
export async function departmentsPeriod(
  ports: MemoryPorts,
  options: { units?: number; closesIn?: number; draft?: boolean; periodId?: string } = {},
): Promise<World> {
  const frameworkId = "fw";
  if (!(await ports.frameworks.get(frameworkId)))
    await importFramework(ports, by.admin(), frameworkBody(frameworkId));
  const unitIds = Array.from({ length: options.units ?? 2 }, (_, i) => `so-${i + 1}`);
  await upsertUnits(ports, by.admin(), {
    units: unitIds.map((id, i) => ({
      id,
      code: `S${i + 1}`,
      name: `Sở ${i + 1}`,
      kind: "department",
      email: `${id}@example.vn`,
    })),
  });
  const periodId = options.periodId ?? "ky-2025";
  await createPeriod(ports, by.admin(), {
    id: periodId,
    name: `Kỳ ${periodId}`,
    frameworkId,
    unitIds,
    opensAt: at(-10 * DAY).toISOString(),
    closesAt: at(options.closesIn ?? 2 * DAY).toISOString(),
  });
  if (!options.draft) await transitionPeriod(ports, by.admin(at(-DAY)), periodId, { to: "open" });
  return { periodId, frameworkId, unitIds };
}

/** A later period of the framework "fw" over `unitIds`, opened a day ago, closing `closesIn` after NOW. */
export async function openLaterPeriod(
  ports: MemoryPorts,
  periodId: string,
  unitIds: string[],
  closesIn = 20 * DAY,
): Promise<void> {
  await createPeriod(ports, by.admin(), {
    id: periodId,
    name: `Kỳ ${periodId}`,
    frameworkId: "fw",
    unitIds,
    opensAt: at(-DAY).toISOString(),
    closesAt: at(closesIn).toISOString(),
  });
  await transitionPeriod(ports, by.admin(), periodId, { to: "open" });
}

/** Runs the jobs the services queued, in order, as the job function would (one attempt each). */
export async function runQueuedJobs(ports: MemoryPorts, now: Date = NOW): Promise<void> {
  for (const job of ports.jobs.queued.splice(0))
    await runPeriodJob(ports, by.scheduler(now), job.periodId, job.kind);
}

/**
 * A period closed early at NOW, in appraisal: so-1 answered everything and submitted, so-2 answered
 * two leaves and stayed a draft (three units and more are left untouched).
 */
export async function appraisalPeriod(ports: MemoryPorts, units = 2): Promise<World> {
  const world = await departmentsPeriod(ports, { units });
  const [first, second] = world.unitIds as [string, string];
  await saveAnswers(
    ports,
    by.approver(first),
    world.periodId,
    first,
    { answers: DEPARTMENT_ANSWERS },
    undefined,
  );
  await submit(ports, by.approver(first), world.periodId, first);
  const some = { "1.4": { value: 1 }, "2.1": { value: 3.5 } };
  await saveAnswers(ports, by.editor(second), world.periodId, second, { answers: some }, undefined);
  await transitionPeriod(ports, by.admin(), world.periodId, { to: "appraisal" });
  await runQueuedJobs(ports);
  return world;
}
