import { cappedPoints } from "../../../shared/model/limits.ts";
import { get, paths } from "./api.ts";
import type { Framework, FrameworkNode, Group, Leaf, Period, Submission, Unit } from "./types.ts";
import { isLeaf, leavesOf } from "./types.ts";

const frameworks = new Map<string, Promise<Framework>>();

export function getFramework(id: string): Promise<Framework> {
  let found = frameworks.get(id);
  if (!found) {
    found = get<Framework>(paths.framework(id));
    found.catch(() => frameworks.delete(id));
    frameworks.set(id, found);
  }
  return found;
}

let unitPages: Promise<Map<string, Unit>> | undefined;

/** Forgets the units read, after an import. */
export function forgetUnits(): void {
  unitPages = undefined;
}

/** Every unit by id (GET /api/units, all pages; read once per session). */
export function allUnits(): Promise<Map<string, Unit>> {
  unitPages ??= (async () => {
    const units = new Map<string, Unit>();
    let cursor: string | null = null;
    do {
      const page: { items: Unit[]; nextCursor: string | null } = await get(
        `${paths.units}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      for (const unit of page.items) units.set(unit.id, unit);
      cursor = page.nextCursor;
    } while (cursor);
    return units;
  })();
  unitPages.catch(() => {
    unitPages = undefined;
  });
  return unitPages;
}

export interface UnitContext {
  period: Period;
  submission: Submission;
  framework: Framework;
  group: Group;
  leaves: Leaf[];
  leafByCode: Map<string, Leaf>;
  unit: Unit | undefined;
}

/** A unit's submission in a period with the period, the index set's group and the unit. */
export async function loadUnitContext(periodId: string, unitId: string): Promise<UnitContext> {
  const [period, submission, units] = await Promise.all([
    get<Period>(paths.period(periodId)),
    get<Submission>(paths.submission(periodId, unitId)),
    allUnits().catch(() => new Map<string, Unit>()),
  ]);
  const framework = await getFramework(period.frameworkId);
  const group = framework.groups.find((g) => g.id === submission.groupId);
  if (!group) throw new Error(`group ${submission.groupId}?`);
  const leaves = leavesOf(group.nodes);
  return {
    period,
    submission,
    framework,
    group,
    leaves,
    leafByCode: new Map(leaves.map((l) => [l.code, l])),
    unit: units.get(unitId),
  };
}

/** A node's score from its leaves' scores: Σ children, capped at the node's maximum. */
export function nodeScore(node: FrameworkNode, leafScore: (code: string) => number): number {
  if (isLeaf(node)) return leafScore(node.code);
  const sum = node.children.reduce((total, child) => total + nodeScore(child, leafScore), 0);
  return cappedPoints(sum, node.maxPoints);
}
