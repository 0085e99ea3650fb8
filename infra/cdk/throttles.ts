import type { Route } from "../../functions/routes.ts";

/** API Gateway throttle of one route: steady requests per second and the burst (token bucket). */
export interface Throttle {
  rate: number;
  burst: number;
}

/**
 * Per-route throttles of the HTTP API's $default stage, sized for the deadline rush at national
 * scale (docs/ARCHITECTURE.md, "Throttles"): 12,000 units (3,321 of them communes), ≈ 32,000
 * users; in the last hours before a deadline assume a third of the units (4,000) at work with one or
 * two editors each (≈ 6,000 people). A form saves 0.7 s after the last keystroke: one typing editor
 * saves about every 5–10 s, so ≈ 600–1,200 saves/s if all typed at once, ≈ 300/s on average.
 *
 * These are the whole API's ceilings per route (shared by every caller); the per-client limit is the
 * WAF rate rule (1,000 requests per 5 minutes per IP on /api/* by default). The sum stays well under
 * the account's API Gateway quota (10,000 req/s) and, at ≈ 150 ms a call, under Lambda's default
 * concurrency of 1,000 (500 saves/s ≈ 75 concurrent executions).
 */
export const THROTTLES = {
  /** PATCH …/answers: the autosave, the rush itself. */
  save: { rate: 500, burst: 1000 },
  /** Every other GET a signed-in screen makes (a page load is 2–4 of them). */
  read: { rate: 300, burst: 600 },
  /** Evidence add / confirm / relink / remove / download: 60 files a unit a period, 2 calls each. */
  evidence: { rate: 100, burst: 200 },
  /** Submit and withdraw: once per unit, 12,000 in a period. */
  submit: { rate: 20, burst: 50 },
  /** Reviewers' appraisals, contests and decisions: hundreds of reviewers, after the close. */
  review: { rate: 50, burst: 100 },
  /** Admin writes (imports, periods, transitions, deadlines, users): a handful of organisers. */
  admin: { rate: 10, burst: 20 },
  /**
   * Measurement pushes from registered data sources (a handful of systems, a push per day or hour,
   * up to 5,000 values each): the route's ceiling; per source, the WAF rule keyed on the path and
   * the Authorization header (docs/ARCHITECTURE.md) and the secret itself.
   */
  measurements: { rate: 2, burst: 5 },
  /** The export scores a whole period (29 s, 1 GB): one at a time is plenty. */
  export: { rate: 1, burst: 2 },
} as const satisfies Record<string, Throttle>;

/** The stage's default, for a route key the table does not list (API Gateway answers those 404). */
export const DEFAULT_THROTTLE: Throttle = { rate: 50, burst: 100 };

export type ThrottleClass = keyof typeof THROTTLES;

/** The class of a route, from its handler, method and access. */
export function throttleClassOf(route: Route): ThrottleClass {
  if (route.handler === "submissions/save-answers") return "save";
  if (route.handler === "results/export") return "export";
  if (route.handler === "measurements/push") return "measurements";
  if (route.handler.startsWith("evidence/")) return "evidence";
  if (route.handler === "submissions/submit" || route.handler === "submissions/withdraw") return "submit";
  if (route.handler.startsWith("appraisals/")) return "review";
  if (route.method === "GET") return "read";
  return "admin";
}

export const throttleOf = (route: Route): Throttle => THROTTLES[throttleClassOf(route)];
