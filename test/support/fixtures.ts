import type { SubmissionFacts } from "../../shared/engine/score-unit.ts";
import type { Framework } from "../../shared/model/framework.ts";
import { parseFramework } from "../../shared/model/framework-rules.ts";
import type { Unit } from "../../shared/model/unit.ts";

/**
 * Small frameworks, units and submissions for the engine's tests, written as a framework file is
 * (plain JSON) and parsed as an import would be, so a test's framework is a valid one.
 */

/** A framework of the tests (id "test" unless given); one the rules refuse fails the test at once. */
export function testFramework(input: Record<string, unknown>): Framework {
  const parsed = parseFramework({ id: "test", name: "Bộ chỉ số thử", ...input });
  if (!parsed.ok) throw new Error(`test framework refused: ${JSON.stringify(parsed.issues)}`);
  return parsed.value;
}

/** A group of communes with these top-level nodes (and any other group fields, e.g. bands). */
export const communeGroup = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({
  id: "commune",
  name: "Xã",
  unitKinds: ["commune"],
  ...extra,
  nodes,
});

/** A leaf: a points leaf unless another method is given. */
export const leaf = (
  code: string,
  name: string,
  maxPoints: number,
  method: Record<string, unknown> = { type: "points" },
  extra: Record<string, unknown> = {},
) => ({ code, name, maxPoints, method, ...extra });

/** An inner node (a pillar at the top) over its children. */
export const pillar = (code: string, name: string, maxPoints: number, children: unknown[]) => ({
  code,
  name,
  maxPoints,
  children,
});

/** A pillar of one leaf `<code>.1` worth the whole pillar. */
export const pillarOfOne = (
  code: string,
  name: string,
  maxPoints: number,
  leafName: string,
  method: Record<string, unknown> = { type: "points" },
) => pillar(code, name, maxPoints, [leaf(`${code}.1`, leafName, maxPoints, method)]);

/** A level method over `[id, label, fraction]` options. */
export const levels = (...options: [id: string, label: string, fraction: number][]) => ({
  type: "level",
  options: options.map(([id, label, fraction]) => ({ id, label, fraction })),
});

export const commune = (id: string, name = `Xã ${id}`): Unit => ({
  id,
  code: id.toUpperCase(),
  name,
  kind: "commune",
});

/** A submitted unit's answers (by leaf code) and the leaves its evidence backs. */
export const submitted = (answers: Record<string, unknown>, evidence: string[] = []): SubmissionFacts => ({
  submitted: true,
  answers,
  evidence,
});

/** A steps method over `[min, points]` steps, in the order given. */
export const stepsMethod = (...list: [min: number, points: number][]) => ({
  type: "steps",
  steps: list.map(([min, points]) => ({ min, points })),
});
