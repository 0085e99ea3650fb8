import type { Leaf } from "./framework.ts";
import { MAX_TEXT_LENGTH } from "./limits.ts";

/**
 * Answer values by method (DOMAIN.md §4, API.md "Answer values by method"). Checked by hand rather
 * than with zod: a national period has over a million answers and this runs for each one.
 * `null` clears an answer (the leaf becomes unanswered) and is accepted for every method.
 */
export type RatioValue = { numerator: number; denominator: number };
export type AnswerValue = boolean | string | number | RatioValue | null;

export const MAX_INFO_TEXT = MAX_TEXT_LENGTH;

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Returns why `value` is outside the leaf's domain, or undefined when it is a valid answer. */
export function answerProblem(leaf: Leaf, value: unknown): string | undefined {
  if (value === null) return undefined;
  const method = leaf.method;
  switch (method.type) {
    case "yesno":
      return typeof value === "boolean" ? undefined : "expected true or false";
    case "level":
      return typeof value === "string" && method.options.some((o) => o.id === value)
        ? undefined
        : `expected one of ${method.options.map((o) => JSON.stringify(o.id)).join(", ")}`;
    case "ratio":
      return ratioProblem(value);
    case "steps":
    case "relative":
      return isAmount(value) ? undefined : "expected a number ≥ 0";
    case "count":
      return isCount(value) ? undefined : "expected a whole number ≥ 0";
    case "points":
      return isAmount(value) && value <= leaf.maxPoints
        ? undefined
        : `expected a number from 0 to ${leaf.maxPoints}`;
    case "info":
      if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))
        return undefined;
      if (typeof value === "string")
        return value.length <= MAX_INFO_TEXT ? undefined : `text longer than ${MAX_INFO_TEXT} characters`;
      return "expected a number, a text or true/false";
  }
}

function ratioProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return 'expected {"numerator": n, "denominator": d}';
  const keys = Object.keys(value);
  const extra = keys.find((k) => k !== "numerator" && k !== "denominator");
  if (extra !== undefined) return `unknown field "${extra}" (expected numerator and denominator)`;
  const { numerator, denominator } = value as Record<string, unknown>;
  if (!isCount(numerator)) return "numerator: expected a whole number ≥ 0";
  if (!isCount(denominator)) return "denominator: expected a whole number ≥ 0";
  if (numerator > denominator) return `numerator (${numerator}) must not exceed denominator (${denominator})`;
  return undefined;
}
