import type * as z from "zod";
import { pathFor } from "../../shared/api/paths.ts";
import type { pushAnswerSchema } from "../../shared/api/sources.ts";
import { MAX_MEASUREMENTS_PER_PUSH } from "../../shared/model/measurement.ts";

/**
 * A simulated data source for the local demo: pushes values of measured leaves through the real route
 * (PUT /api/periods/{periodId}/measurements, Bearer secret), as the document system or the public
 * services portal would. The demo registers the source (POST /api/sources) and hands its secret here.
 */

export interface MeasuredTarget {
  unitId: string;
  code: string;
  /** The leaf's method decides the shape of a plausible value. */
  method: { type: string; options?: { id: string }[]; pointsEach?: number };
  maxPoints: number;
}

export type PushAnswer = z.infer<typeof pushAnswerSchema>;

/** The largest push the route takes; more values go in several calls. */
export const PUSH_BATCH = MAX_MEASUREMENTS_PER_PUSH;

/** A deterministic pseudo-random number in [0, 1) per unit and leaf (the same values each start). */
function unitRandom(unitId: string, code: string, seed: number): number {
  let h = seed >>> 0;
  for (const ch of `${unitId}#${code}`) h = Math.imul(h ^ ch.charCodeAt(0), 2654435761) >>> 0;
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 32;
}

/** A value in the leaf method's domain, skewed to the upper half (most units do reasonably well). */
export function plausibleValue(target: MeasuredTarget, seed = 2022): unknown {
  const r = 0.4 + 0.6 * unitRandom(target.unitId, target.code, seed);
  const { method, maxPoints } = target;
  switch (method.type) {
    case "yesno":
      return r > 0.55;
    case "level":
      return method.options?.[Math.min(method.options.length - 1, Math.floor(r * method.options.length))]?.id;
    case "ratio": {
      const denominator = 50 + Math.floor(unitRandom(target.unitId, target.code, seed + 1) * 950);
      return { numerator: Math.floor(denominator * r), denominator };
    }
    case "count":
      return Math.round((r * maxPoints) / (method.pointsEach ?? 1));
    case "points":
      return Math.round(r * maxPoints * 100) / 100;
    case "steps":
    case "relative":
      return Math.round(r * 1000) / 10;
    default:
      return Math.round(r * 100);
  }
}

/** Pushes one batch (≤ 5,000 values) of `asOf`; throws on any answer but 200. */
export async function pushValues(
  baseUrl: string,
  secret: string,
  periodId: string,
  asOf: string,
  values: readonly { unitId: string; code: string; value: unknown; reference?: string }[],
): Promise<PushAnswer> {
  const response = await fetch(
    `${baseUrl}${pathFor("PUT /api/periods/{periodId}/measurements", { periodId })}`,
    {
      method: "PUT",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ asOf, values }),
    },
  );
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`measurement push answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as PushAnswer;
}

/** A plausible value for every target, as a source reports them on `asOf` (the same ones each time). */
export function plausibleValues(targets: readonly MeasuredTarget[], asOf: string, seed?: number) {
  return targets.map((target) => ({
    unitId: target.unitId,
    code: target.code,
    value: plausibleValue(target, seed),
    reference: `Báo cáo tự động ngày ${asOf.slice(0, 10)}`,
  }));
}

/**
 * Measures every target and pushes the values in batches of PUSH_BATCH, with a reference that names the
 * simulated report; returns the summed counts.
 */
export async function pushPlausibleValues(options: {
  baseUrl: string;
  secret: string;
  periodId: string;
  targets: readonly MeasuredTarget[];
  asOf?: string;
  seed?: number;
}): Promise<PushAnswer["counts"]> {
  const asOf = options.asOf ?? new Date().toISOString();
  const values = plausibleValues(options.targets, asOf, options.seed);
  const counts = { stored: 0, unchanged: 0, stale: 0, refused: 0 };
  for (let i = 0; i < values.length; i += PUSH_BATCH) {
    const answer = await pushValues(
      options.baseUrl,
      options.secret,
      options.periodId,
      asOf,
      values.slice(i, i + PUSH_BATCH),
    );
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += answer.counts[key];
  }
  return counts;
}
