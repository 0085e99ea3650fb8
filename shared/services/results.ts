import { hasRole, UNIT_ROLES } from "../access/roles.ts";
import { type CompiledFramework, compileFramework } from "../engine/compile.ts";
import { roundPoints } from "../engine/rounding.ts";
import { LEAF_FLAG_NAMES, tallyUnit } from "../engine/score-unit.ts";
import { conflict, forbidden } from "../errors.ts";
import type { Framework } from "../model/framework.ts";
import { measurementView } from "../model/measurement.ts";
import type { Period } from "../model/period.ts";
import type { Unit } from "../model/unit.ts";
import { pageByKey } from "../store/page.ts";
import type { Ports, RequestContext } from "./context.ts";
import { countedValue } from "./counted.ts";
import { appraisalValues, submissionFacts } from "./period-scoring.ts";
import type { PageRequest, StoredSubmission } from "./ports.ts";

/** The ledger's self flag of a leaf whose carried answer the unit never confirmed (it has no value). */
export const CARRIED_UNCONFIRMED = "carried-unconfirmed";

/**
 * The results route (API.md): each unit's provisional and final result with the per-leaf ledger —
 * self → appraised → final, who, when, why. Reviewers and admins see every unit; a unit user sees
 * only its own. Leaf scores are the engine's, with the group's relative bests kept at scoring time,
 * so they add up to the ranking's points.
 */
export async function periodResults(
  ports: Ports,
  ctx: RequestContext,
  periodId: string,
  page: PageRequest,
  query: Record<string, string | undefined>,
) {
  const period = await ports.periods.require(periodId);
  if (period.state === "draft" || period.state === "open" || period.state === "closing")
    throw conflict("not-closed", "results exist once the period has closed");
  const staff = hasRole(ctx.actor, "admin", "reviewer");
  if (!staff && !(hasRole(ctx.actor, ...UNIT_ROLES) && ctx.actor.unitId))
    throw forbidden("results are for reviewers, admins and units");
  const framework = await ports.frameworks.get(period.frameworkId);
  if (!framework) throw new Error(`framework ${period.frameworkId} is missing`);
  const compiled = compileFramework(framework);
  const members = await ports.periods.members(periodId);
  const wanted = staff ? query.unitId : ctx.actor.unitId;
  const rows = [...members].filter(
    ([unitId, groupId]) => (!wanted || unitId === wanted) && (!query.groupId || groupId === query.groupId),
  );
  const { items: slice, nextCursor } = pageByKey(rows, ([unitId, groupId]) => `${groupId}#${unitId}`, page);
  const units = await ports.units.getMany(slice.map(([id]) => id));
  const items = await Promise.all(
    slice.map(async ([unitId, groupId]) =>
      unitResult(
        period,
        framework,
        compiled,
        unitId,
        groupId,
        units.get(unitId),
        await ports.submissions.load(periodId, unitId, groupId),
      ),
    ),
  );
  return { period: { id: period.id, name: period.name, state: period.state }, items, nextCursor };
}

/**
 * One unit's result with its ledger, from its stored submission (read once): the results route's
 * item, and the data of the unit's scorecard at publication.
 */
export function unitResult(
  period: Pick<Period, "bests">,
  framework: Framework,
  compiled: CompiledFramework,
  unitId: string,
  groupId: string,
  unit: Unit | undefined,
  stored: StoredSubmission,
) {
  const group = compiled.groups.find((g) => g.group.id === groupId);
  if (!group) throw new Error(`group ${groupId} missing`);
  return {
    unitId,
    groupId,
    code: unit?.code,
    name: unit?.name,
    submitted: stored.head.submitted ?? false,
    provisional: stored.head.provisional ?? null,
    final: stored.head.final ?? null,
    ...ledger(
      framework,
      group,
      stored,
      period.bests?.provisional?.[groupId] ?? {},
      period.bests?.final?.[groupId],
    ),
  };
}

function ledger(
  framework: Parameters<typeof tallyUnit>[1],
  group: Parameters<typeof tallyUnit>[0],
  stored: StoredSubmission,
  provisionalBests: Record<string, number>,
  finalBests: Record<string, number> | undefined,
) {
  const facts = submissionFacts(stored);
  const self = tallyUnit(group, framework, facts, undefined, new Map(Object.entries(provisionalBests)));
  const appraised = appraisalValues(stored);
  const final = tallyUnit(
    group,
    framework,
    facts,
    appraised,
    new Map(Object.entries(finalBests ?? provisionalBests)),
  );
  const flagsOf = (bits: number) =>
    LEAF_FLAG_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
  // The unit's totals are the tallies' own (capped node by node, excluded leaves out of the maximum),
  // so no screen adds leaf scores up again; a unit that did not submit scores 0, as its leaves do.
  const total = (tally: { points: number; maxPoints: number }) => ({
    points: facts.submitted ? roundPoints(tally.points) : 0,
    max: roundPoints(tally.maxPoints),
  });
  const totals = { self: total(self), appraised: total(final) };
  const leaves = group.leaves.map(({ leaf }, i) => {
    // A carried answer the unit never confirmed was not its answer: no value, said by a flag.
    const carried = stored.answers.get(leaf.code)?.carried === true;
    const answer = carried ? undefined : stored.answers.get(leaf.code);
    const measured = stored.measured?.get(leaf.code);
    const appraisal = stored.appraisals.get(leaf.code);
    const contest = stored.contests.get(leaf.code);
    const own = countedValue(stored, leaf.code);
    return {
      code: leaf.code,
      // A measured leaf: its source's value and provenance, then the appraisal, then the final value.
      ...(measured ? { measured: measurementView(measured) } : {}),
      self: {
        value: own,
        note: answer?.note ?? null,
        by: answer?.updatedBy ?? null,
        at: answer?.updatedAt ?? null,
        score: facts.submitted ? roundPoints(self.leafScores[i] as number) : 0,
        flags: [
          ...(facts.submitted ? flagsOf(self.leafFlags[i] as number) : ["not-submitted"]),
          ...(carried && !measured ? [CARRIED_UNCONFIRMED] : []),
        ],
      },
      appraisal: appraisal ?? null,
      contest: contest ?? null,
      final: {
        value: leaf.code in appraised ? appraised[leaf.code] : own,
        score: facts.submitted ? roundPoints(final.leafScores[i] as number) : 0,
        flags: facts.submitted ? flagsOf(final.leafFlags[i] as number) : ["not-submitted"],
      },
    };
  });
  return { totals, leaves };
}
