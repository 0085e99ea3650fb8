import { createHash } from "node:crypto";
import { compileFramework } from "../engine/compile.ts";
import { conflict, notFound } from "../errors.ts";
import { answerProblem } from "../model/answer.ts";
import { type Leaf, measuredSourceOf } from "../model/framework.ts";
import {
  type MeasurementOutcome,
  pushBodySchema,
  type RefusalReason,
  type StoredMeasurement,
} from "../model/measurement.ts";
import type { Period } from "../model/period.ts";
import type { Ports, RequestContext } from "./context.ts";
import type { MeasurementPut } from "./ports.ts";
import { authenticateSource, entityOfSource } from "./sources.ts";
import { parseBody } from "./validate.ts";

/** The period states a push is taken in: the self-assessment and the appraisal (reviewers still look). */
export const MEASURABLE_STATES = ["open", "appraisal"] as const;

export interface PushRequest {
  periodId: string;
  /** The Authorization header as received. */
  authorization: string | undefined;
  body: unknown;
  /** The request body's exact text, for its sha256. */
  rawBody: string;
}

/** A value's JSON with object keys sorted: {numerator, denominator} in either order is the same value. */
export function canonical(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

export const measurementKey = (unitId: string, code: string) => `${unitId}#${code}`;

/**
 * PUT /api/periods/{periodId}/measurements (DOMAIN.md, "Measured indicators"): the source is known by
 * its secret (401 otherwise), the period must be open or in appraisal (409), then each value is
 * stored, unchanged, stale or refused with its reason; a refused value writes nothing. One audit
 * record per call, with the counts.
 */
/**
 * The period if it takes measured values now (open or in appraisal), with its participants and each
 * group's leaves by code: what a push and an import both check their values against.
 */
export async function measurableScope(ports: Ports, periodId: string, period: Period | undefined) {
  if (!period) throw notFound(`period "${periodId}"`);
  if (!(MEASURABLE_STATES as readonly string[]).includes(period.state))
    throw conflict(
      "period-not-measurable",
      `measurements are taken while the period is open or in appraisal; it is ${period.state}`,
    );
  const [members, framework] = await Promise.all([
    ports.periods.members(period.id),
    ports.frameworks.get(period.frameworkId),
  ]);
  if (!framework) throw new Error(`framework ${period.frameworkId} of period ${period.id} is missing`);
  const leavesOf = new Map(compileFramework(framework).groups.map((g) => [g.group.id, g.leafByCode]));
  return { period, members, leavesOf };
}

export async function pushMeasurements(ports: Ports, ctx: RequestContext, request: PushRequest) {
  // The period's read overlaps the secret's check, whose refusal (401) still comes first.
  const periodRead = ports.periods.get(request.periodId);
  periodRead.catch(() => undefined);
  const source = await authenticateSource(ports, request.authorization);
  const { asOf, values } = parseBody(pushBodySchema, request.body, "measurements");
  const { period, members, leavesOf } = await measurableScope(ports, request.periodId, await periodRead);
  const outsiders = [...new Set(values.map((v) => v.unitId).filter((id) => !members.has(id)))];
  const known = outsiders.length > 0 ? await ports.units.getMany(outsiders) : new Map();

  const asOfIso = new Date(asOf).toISOString();
  const receivedAt = ctx.now.toISOString();
  const bodySha256 = createHash("sha256").update(request.rawBody, "utf8").digest("hex");
  const outcomes: (MeasurementOutcome & { unitId: string; code: string })[] = [];
  const candidates: { index: number; measurement: StoredMeasurement; unitId: string }[] = [];
  const seen = new Set<string>();
  /** Why one value is refused, or undefined when it may be stored. */
  const refusalOf = (
    v: (typeof values)[number],
    groupId: string | undefined,
    isUnit: boolean,
  ): { reason: RefusalReason; message: string } | undefined => {
    if (groupId === undefined)
      return isUnit
        ? {
            reason: "not-in-period",
            message: `unit "${v.unitId}" does not take part in period "${period.id}"`,
          }
        : { reason: "unknown-unit", message: `there is no unit "${v.unitId}"` };
    const leaf: Leaf | undefined = leavesOf.get(groupId)?.get(v.code);
    if (!leaf)
      return { reason: "unknown-leaf", message: `"${v.code}" is not an indicator of this unit's group` };
    const sourceId = measuredSourceOf(leaf);
    if (sourceId === undefined)
      return { reason: "not-measured", message: `${v.code} is answered by the unit, not measured` };
    if (sourceId !== source.id)
      return { reason: "other-source", message: `${v.code} is measured by the source "${sourceId}"` };
    const problem =
      v.value === null || v.value === undefined ? "expected a value" : answerProblem(leaf, v.value);
    return problem ? { reason: "invalid-value", message: `${v.code}: ${problem}` } : undefined;
  };
  for (const [index, v] of values.entries()) {
    const base = { index, unitId: v.unitId, code: v.code };
    const problem = refusalOf(v, members.get(v.unitId), known.has(v.unitId));
    if (problem) {
      outcomes.push({ ...base, status: "refused", ...problem });
      continue;
    }
    const key = measurementKey(v.unitId, v.code);
    if (seen.has(key)) {
      const message = `${v.code} of ${v.unitId} is given twice in this push`;
      outcomes.push({ ...base, status: "refused", reason: "duplicate", message });
      continue;
    }
    seen.add(key);
    candidates.push({
      index,
      unitId: v.unitId,
      measurement: {
        code: v.code,
        value: v.value,
        sourceId: source.id,
        sourceName: source.name,
        asOf: asOfIso,
        receivedAt,
        ...(v.reference ? { reference: v.reference } : {}),
        bodySha256,
      },
    });
  }

  const stored = await ports.measurements.getMany(
    period.id,
    candidates.map((c) => ({ unitId: c.unitId, code: c.measurement.code })),
  );
  const puts: (MeasurementPut & { index: number })[] = [];
  const asOfMs = Date.parse(asOfIso);
  for (const c of candidates) {
    const before = stored.get(measurementKey(c.unitId, c.measurement.code));
    const base = { index: c.index, unitId: c.unitId, code: c.measurement.code };
    if (before && Date.parse(before.asOf) > asOfMs) outcomes.push({ ...base, status: "stale" });
    else if (before && canonical(before.value) === canonical(c.measurement.value))
      outcomes.push({ ...base, status: "unchanged" });
    else puts.push({ index: c.index, periodId: period.id, unitId: c.unitId, measurement: c.measurement });
  }
  const written = await ports.measurements.putMany(puts);
  for (const [i, p] of puts.entries()) {
    const status = written[i] ? "stored" : "stale";
    outcomes.push({ index: p.index, unitId: p.unitId, code: p.measurement.code, status });
  }
  outcomes.sort((a, b) => a.index - b.index);

  const counts = { stored: 0, unchanged: 0, stale: 0, refused: 0 };
  for (const o of outcomes) counts[o.status] += 1;
  await ports.audit.append({
    entity: entityOfSource(source.id),
    action: "measurements.push",
    actor: `source:${source.id}`,
    requestId: ctx.requestId,
    time: receivedAt,
    after: { periodId: period.id, asOf: asOfIso, values: values.length, ...counts, bodySha256 },
  });
  return {
    periodId: period.id,
    sourceId: source.id,
    asOf: asOfIso,
    receivedAt,
    bodySha256,
    counts,
    results: outcomes,
  };
}
