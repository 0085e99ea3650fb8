import type { ScoringBundle } from "../engine/bundle.ts";
import { compileFramework } from "../engine/compile.ts";
import { type ComparedPrevious, comparePrevious } from "../engine/rank-change.ts";
import { roundIndex, roundPoints } from "../engine/rounding.ts";
import { type PeriodScore, scorePeriod } from "../engine/score-period.ts";
import type { SubmissionFacts } from "../engine/score-unit.ts";
import { conflict } from "../errors.ts";
import { headSubmitted } from "../lifecycle.ts";
import { appraisedValue } from "../model/appraisal.ts";
import { confirmedCodes } from "../model/evidence.ts";
import { type Framework, measuredSourceOf } from "../model/framework.ts";
import type { GroupBests, Period, Publication } from "../model/period.ts";
import type { RankingSnapshot } from "../model/snapshot.ts";
import type { Ports } from "./context.ts";
import { countedAnswers } from "./counted.ts";
import type { JobProgress } from "./jobs.ts";
import { comparedLeafPoints } from "./leaf-points.ts";
import type { ClosedSubmission, ScoredSubmission } from "./ports.ts";
import { comparedRef, comparedSnapshot } from "./previous.ts";

/** "provisional": the self-assessment as locked at close; "final": with appraised values. */
export type ScoringStage = "provisional" | "final";

/** Whether the unit counts as submitted (lifecycle.ts headSubmitted). */
export const wasSubmitted = (stored: Pick<ScoredSubmission, "head">): boolean => headSubmitted(stored.head);

export function submissionFacts(stored: ScoredSubmission): SubmissionFacts {
  return {
    submitted: wasSubmitted(stored),
    answers: countedAnswers(stored),
    evidence: confirmedCodes(stored.evidence),
  };
}

/**
 * Leaf code → the value an appraiser (or a contest decision) set. An acceptance of the unit's own,
 * unchanged value is left out: the answer then counts as it stands, under the evidence rule (DOMAIN.md
 * §6.5) — accepting never awards points the missing evidence withholds.
 */
export function appraisalValues(stored: ScoredSubmission): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const code of new Set([...stored.appraisals.keys(), ...stored.contests.keys()])) {
    const appraisal = stored.appraisals.get(code);
    const contest = stored.contests.get(code);
    if (
      appraisal?.accepted &&
      contest?.decision?.outcome !== "changed" &&
      isOwnAnswer(stored, code, appraisal.value)
    )
      continue;
    const value = appraisedValue(appraisal, contest);
    if (value !== null && value !== undefined) values[code] = value;
  }
  return values;
}

/** The value is the unit's current answer (values are JSON: a primitive or a {numerator, denominator}). */
function isOwnAnswer(stored: ScoredSubmission, code: string, value: unknown): boolean {
  return JSON.stringify(stored.answers.get(code)?.value ?? null) === JSON.stringify(value ?? null);
}

/**
 * A period's scoring bundle read from storage: exactly what the score CLI takes, so an export can
 * be recomputed by anyone and the published ranking equals the CLI's output for the same inputs.
 * With `read.closed` (final scoring), what the close kept stands in for the submissions not changed since.
 */
export async function periodBundle(
  ports: Ports,
  period: Period,
  stage: ScoringStage,
  meta: { previous?: RankingSnapshot; version?: number; publishedAt?: string | null } = {},
  read: { onRead?: (count: number) => Promise<void>; closed?: Record<string, ClosedSubmission> } = {},
): Promise<{ bundle: ScoringBundle; stored: ScoredSubmission[] }> {
  const framework = await ports.frameworks.get(period.frameworkId);
  if (!framework) throw new Error(`framework ${period.frameworkId} of period ${period.id} is missing`);
  const members = await ports.periods.members(period.id);
  const [units, stored] = await Promise.all([
    ports.units.getMany([...members.keys()]),
    read.closed
      ? ports.submissions.loadSinceClose(
          period.id,
          members,
          read.closed,
          measuredCodes(framework),
          read.onRead,
        )
      : ports.submissions.loadAll(period.id, members, read.onRead),
  ]);
  const submissions: Record<string, SubmissionFacts> = {};
  const appraisals: Record<string, Record<string, unknown>> = {};
  for (const s of stored) {
    submissions[s.head.unitId] = submissionFacts(s);
    if (stage === "final" && (s.appraisals.size > 0 || s.contests.size > 0))
      appraisals[s.head.unitId] = appraisalValues(s);
  }
  const bundle: ScoringBundle = {
    framework,
    period: { id: period.id, name: period.name },
    units: [...members.keys()].flatMap((id) => units.get(id) ?? []),
    submissions,
    ...(stage === "final" ? { appraisals } : {}),
    ...(meta.previous ? { previous: meta.previous } : {}),
    ...(meta.version ? { version: meta.version } : {}),
    ...(meta.publishedAt !== undefined ? { publishedAt: meta.publishedAt } : {}),
  };
  return { bundle, stored };
}

/**
 * Scores a period and keeps each unit's summary on its head; returns the score and the bests. With
 * `lockAt` (the close), the same write per unit also locks its head and records whether it was
 * submitted, from the state read here, and what scoring read is kept for final scoring, which then
 * reads again only what can have changed since (loadSinceClose). `progress` counts each unit read and
 * each unit written.
 */
export async function scoreAndRecord(
  ports: Ports,
  period: Period,
  stage: ScoringStage,
  options: { lockAt?: string; keepBundleAt?: string; progress?: JobProgress } = {},
) {
  const { progress } = options;
  progress?.setTotal(2 * period.counts.units);
  const step = progress ? (count: number) => progress.add(count) : undefined;
  const closed =
    stage === "final" && period.closedAt
      ? await ports.periods.kept(period.id, "close", period.closedAt)
      : undefined;
  const { bundle, stored } = await periodBundle(ports, period, stage, {}, { onRead: step, closed });
  const score = scorePeriod(bundle);
  const kept = options.lockAt
    ? ports.periods.keep(period.id, "close", options.lockAt, closedSubmissions(stored))
    : options.keepBundleAt
      ? ports.periods.keep(period.id, "final", options.keepBundleAt, bundle)
      : undefined;
  // Awaited below, after the results are written; handled now so that a failure meanwhile is not an
  // unhandled rejection (which ends the process).
  kept?.catch(() => undefined);
  const results = score.groups.flatMap((group) =>
    group.units.map((u) => ({
      unitId: u.unit.id,
      groupId: group.compiled.group.id,
      result: {
        points: roundPoints(u.points),
        index: roundIndex(u.index),
        rank: u.rank,
        band: u.band,
        flags: u.flags,
      },
    })),
  );
  if (options.lockAt) {
    const read = new Map(stored.map((s) => [s.head.unitId, s]));
    await ports.submissions.lockWithResults(
      period.id,
      options.lockAt,
      results.map((r) => {
        const s = read.get(r.unitId);
        return { ...r, seenState: s?.head.state ?? "draft", submitted: s ? wasSubmitted(s) : false };
      }),
      step,
    );
  } else await ports.submissions.setResults(period.id, stage, results, step);
  await kept;
  return { score, bests: bestsOf(score) };
}

/**
 * What scoring reads of each unit's submission as read (answer values, the leaves confirmed evidence
 * backs), by unit id: what the close keeps. Small: ≈ 25 bytes an answer, before gzip.
 */
function closedSubmissions(stored: readonly ScoredSubmission[]): Record<string, ClosedSubmission> {
  const closed: Record<string, ClosedSubmission> = {};
  for (const { head, answers, evidence } of stored) {
    const values: ClosedSubmission["answers"] = {};
    for (const [code, { value, carried }] of answers) values[code] = carried ? { value, carried } : { value };
    closed[head.unitId] = {
      version: head.version,
      reviews: head.reviews ?? 0,
      answers: values,
      confirmed: confirmedCodes(evidence),
    };
  }
  return closed;
}

/** The leaves whose value a data source pushes: read again at final scoring (their own items). */
const measuredCodes = (framework: Framework) => [
  ...new Set(
    compileFramework(framework).groups.flatMap((group) =>
      group.leaves.flatMap(({ leaf }) => (measuredSourceOf(leaf) ? [leaf.code] : [])),
    ),
  ),
];

export function bestsOf(score: PeriodScore): GroupBests {
  return Object.fromEntries(score.groups.map((g) => [g.compiled.group.id, Object.fromEntries(g.bests)]));
}

/**
 * The scoring bundle of a closed period, for the organiser to recompute the ranking with the score
 * CLI (`npm run -s score -- bundle.json`). The final stage carries the published version's
 * metadata, so the CLI prints exactly the published snapshot.
 */
export async function periodExport(ports: Ports, periodId: string, stageParam: string | undefined) {
  const period = await ports.periods.require(periodId);
  if (period.state === "draft" || period.state === "open" || period.state === "closing")
    throw conflict("not-closed", "a period is exported once closed");
  const stage: ScoringStage = stageParam === "provisional" || !period.finalizedAt ? "provisional" : "final";
  const published = stage === "final" ? period.publication : undefined;
  const { bundle } = await periodBundle(ports, period, stage, {
    ...(published ? { version: published.version, publishedAt: published.publishedAt } : {}),
  });
  if (!published) return bundle;
  const { previous, previousLeaves } = await comparedPrevious(ports, period, published, bundle.units);
  // The keys in the order periodBundle gives them (the export is read by people too).
  const { version, publishedAt, ...rest } = bundle;
  return {
    ...rest,
    ...(previous ? { previous } : {}),
    version,
    publishedAt,
    ...(previousLeaves ? { previousLeaves } : {}),
  };
}

/**
 * What a publication of `period` compares with: the version it pins and that version's leaf points,
 * restated on `units` when they differ (rank-change.ts comparePrevious). Publication and export both
 * use it, so the export carries exactly what the publication compared. The version is resolved once
 * (for an unpinned publication that lists every period).
 */
export async function comparedPrevious(
  ports: Ports,
  period: Period,
  publication: Publication,
  units: ScoringBundle["units"],
): Promise<ComparedPrevious> {
  const pinned = { ...publication, previous: await comparedRef(ports, period, publication) };
  const [snapshot, leaves] = await Promise.all([
    comparedSnapshot(ports, period, pinned),
    comparedLeafPoints(ports, period, pinned),
  ]);
  return comparePrevious(units, snapshot, leaves);
}
