import type { Actor } from "../../../shared/access/roles.ts";
import type { CompiledFramework } from "../../../shared/engine/compile.ts";
import { measuredSourceOf } from "../../../shared/model/framework.ts";
import type { Unit } from "../../../shared/model/unit.ts";
import type { Ports } from "../../../shared/services/context.ts";
import { pushMeasurements } from "../../../shared/services/measurements.ts";
import { type MeasuredTarget, plausibleValues } from "../measurement-source.ts";

/** The demo's data sources: the provincial document system and the public-service portal. */
export const DEMO_SOURCES = [
  { id: "qlvb", name: "Hệ thống quản lý văn bản và điều hành tỉnh" },
  { id: "dvc", name: "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh" },
] as const;

/** Every unit × every leaf of its group that the source measures. */
export function measuredTargets(
  compiled: CompiledFramework,
  units: readonly Unit[],
  sourceId: string,
): MeasuredTarget[] {
  return units.flatMap((unit) =>
    (compiled.groupOfKind.get(unit.kind)?.leaves ?? [])
      .filter(({ leaf }) => measuredSourceOf(leaf) === sourceId)
      .map(({ leaf }) => ({
        unitId: unit.id,
        code: leaf.code,
        method: leaf.method,
        maxPoints: leaf.maxPoints,
      })),
  );
}

/** The route's push through the service: for the demo's history, at its own time. */
export async function pushThroughService(
  ports: Ports,
  push: { periodId: string; secret: string; targets: MeasuredTarget[]; asOf: string },
): Promise<void> {
  const body = { asOf: push.asOf, values: plausibleValues(push.targets, push.asOf, 2025) };
  const source: Actor = { username: "source", roles: [] };
  await pushMeasurements(
    ports,
    { actor: source, now: new Date(push.asOf), requestId: `demo-measure-${push.periodId}` },
    {
      periodId: push.periodId,
      authorization: `Bearer ${push.secret}`,
      body,
      rawBody: JSON.stringify(body),
    },
  );
}
