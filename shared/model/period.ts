import * as z from "zod";
import { capped, dateSchema, idSchema, lineSchema, nameSchema } from "./common.ts";
import type { PeriodJob, PeriodState } from "./period-states.ts";

export {
  isTransient,
  JOB_KINDS,
  JOB_STATES,
  type JobKind,
  type JobStatus,
  MOVES,
  PERIOD_STATES,
  type PeriodJob,
  type PeriodState,
} from "./period-states.ts";

/** Vietnam keeps +07:00 all year (no daylight saving), so Asia/Ho_Chi_Minh is a fixed offset. */
export const VIETNAM_OFFSET = "+07:00";

const DEADLINE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))?$/;

/**
 * A deadline: ISO 8601 with an offset, or without one and then read in Asia/Ho_Chi_Minh (API.md).
 * Normalised to Vietnam time with its offset, e.g. "2022-12-15T17:00:00+07:00". Every calendar field
 * must exist as written (no 30 February, no hour 24, no offset beyond ±14:00): `Date.parse` would roll
 * 2027-02-30 over to 2 March. A fraction of a second is kept as sent (in milliseconds), never
 * dropped: the deadline read back is the instant that was asked for.
 */
export const deadlineSchema = z
  .string()
  .max(40)
  .regex(
    DEADLINE,
    "expected a date and time such as 2022-12-15T17:00:00+07:00 (Vietnam time when no offset is given)",
  )
  .transform((text, ctx) => {
    const ms = deadlineMs(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "not a real date and time (check the day, month, hour and offset)",
      });
      return z.NEVER;
    }
    return toVietnamDeadline(ms);
  });

/** The instant a deadline text names, or undefined when one of its fields does not exist. */
export function deadlineMs(text: string): number | undefined {
  const m = DEADLINE.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = Number((m[7] ?? ".").slice(1).padEnd(3, "0"));
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(local);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second
  )
    return undefined;
  let offsetMinutes = 7 * 60; // no offset: Vietnam time
  if (m[8] === "Z") offsetMinutes = 0;
  else if (m[8] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  return local + fraction - offsetMinutes * 60_000;
}

/** A deadline in Vietnam time: to the second, with its milliseconds when it has any. */
export function toVietnamDeadline(ms: number): string {
  if (ms % 1000 === 0) return toVietnamTime(ms);
  const local = new Date(ms + 7 * 3600_000).toISOString().slice(0, 23);
  return `${local}${VIETNAM_OFFSET}`;
}

export function toVietnamTime(ms: number): string {
  const local = new Date(ms + 7 * 3600_000).toISOString().slice(0, 19);
  return `${local}${VIETNAM_OFFSET}`;
}

/**
 * The decision that announces a period's ranking, as the organiser fills it in before publishing: the
 * heading and signature of the appendix (Decree 30/2020 layout). Every field is optional; the
 * documents leave a dotted blank for what is missing, to be filled in by hand before signing.
 */
export const periodDecisionSchema = z.strictObject({
  /** The issuing body, e.g. "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG". */
  issuer: lineSchema(200).optional(),
  /** The decision's number and symbol, e.g. "1234/QĐ-UBND". */
  number: lineSchema(60).optional(),
  /** The decision's date. */
  date: dateSchema.optional(),
  /** The place named before the date, e.g. "Tuyên Quang". */
  place: lineSchema(100).optional(),
  /** The signer's title, e.g. "CHỦ TỊCH" or "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH". */
  signerTitle: lineSchema(200).optional(),
  /** The signer's name. */
  signerName: lineSchema(200).optional(),
});
export type PeriodDecision = z.infer<typeof periodDecisionSchema>;

export const createPeriodSchema = z
  .strictObject({
    id: idSchema,
    name: nameSchema,
    /** Required unless `from` is given (then the previous period's by default). */
    frameworkId: idSchema.optional(),
    unitIds: capped(20_000, z.array(idSchema).min(1), "at most 20000 units").optional(),
    /** A previous period whose units, carried through the reforms since, take part (DOMAIN.md §2). */
    from: idSchema.optional(),
    opensAt: deadlineSchema,
    closesAt: deadlineSchema,
    explanationClosesAt: deadlineSchema.optional(),
    decision: periodDecisionSchema.optional(),
  })
  .superRefine((p, ctx) => {
    checkDeadlineOrder(p, ctx);
    if (p.frameworkId === undefined && p.from === undefined)
      ctx.addIssue({ code: "custom", path: ["frameworkId"], message: "required unless from is given" });
    if (p.from !== undefined && p.unitIds !== undefined)
      ctx.addIssue({ code: "custom", path: ["from"], message: "give either from or unitIds, not both" });
  });

export const patchPeriodSchema = z
  .strictObject({
    name: nameSchema.optional(),
    closesAt: deadlineSchema.optional(),
    explanationClosesAt: deadlineSchema.nullable().optional(),
    /** Replaces the decision as a whole; null clears it. */
    decision: periodDecisionSchema.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "nothing to change");

function checkDeadlineOrder(
  p: { opensAt: string; closesAt: string; explanationClosesAt?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (Date.parse(p.closesAt) <= Date.parse(p.opensAt))
    ctx.addIssue({ code: "custom", path: ["closesAt"], message: "closesAt must be after opensAt" });
  if (p.explanationClosesAt && Date.parse(p.explanationClosesAt) <= Date.parse(p.closesAt))
    ctx.addIssue({
      code: "custom",
      path: ["explanationClosesAt"],
      message: "explanationClosesAt must be after closesAt",
    });
}

export type CreatePeriod = z.infer<typeof createPeriodSchema>;
export type PatchPeriod = z.infer<typeof patchPeriodSchema>;

/** A published snapshot reference: a period's immutable v{version} files. */
export interface SnapshotRef {
  periodId: string;
  version: number;
}

/**
 * A publication's version and time, and the snapshot its rank change compares with — fixed when the
 * publication is asked for, so every attempt (and any later export) uses the same one; null when there
 * is none; absent for publications made before it was recorded.
 */
export interface Publication {
  version: number;
  publishedAt: string;
  previous?: SnapshotRef | null;
  /** The official documents (appendix, scorecards, ZIP) of this version are written. */
  documents?: boolean;
}

/**
 * A second publication of a published version on the units valid on a later day (DOMAIN.md §5
 * "Restating a ranking on new boundaries"): its immutable files, and what it holds.
 */
export interface PeriodRestatement {
  /** The day whose units it is restated on (YYYY-MM-DD). */
  asOf: string;
  /** The published version restated. */
  version: number;
  /** Its files under /public/rankings/{periodId}/. */
  url: string;
  csv: string;
  /** How many units it ranks. */
  units: number;
  rule: "mean" | "weighted-mean";
  at: string;
}

export interface Period {
  id: string;
  name: string;
  frameworkId: string;
  opensAt: string;
  closesAt: string;
  explanationClosesAt?: string;
  state: PeriodState;
  /** Grows by one with every change of the period (not with its counts): writes condition on it. */
  version: number;
  counts: { units: number; submitted: number; draft: number };
  createdAt: string;
  updatedAt: string;
  /** The latest job (close, final scoring, publication) and how far it is. */
  job?: PeriodJob;
  /** The latest deadline extended to a single unit, when later than closesAt: the close waits for it. */
  lastUnitDeadline?: string;
  /** When the self-assessment closed (the close job locks units as of then). */
  closedAt?: string;
  /** When final scores were computed. */
  finalizedAt?: string;
  /** The latest published snapshot. */
  publication?: Publication;
  /** A publication under way, recorded before any file is written so a rerun writes the same bytes. */
  nextPublication?: Publication;
  /** Relative leaves' best values per group, as scored at close and at final scoring. */
  bests?: { provisional?: GroupBests; final?: GroupBests };
  /** The announcing decision's heading and signature, for the appendix and the scorecards. */
  decision?: PeriodDecision;
  /** Its published version restated on later units, oldest first. */
  restatements?: PeriodRestatement[];
}

/** Group id → leaf code → the best value of that relative leaf in the group. */
export type GroupBests = Record<string, Record<string, number>>;
