import { fold, localName } from "../../i18n/index.ts";
import { get, getAll, paths } from "../api.ts";
import { allUnits, getFramework } from "../context.ts";
import type { Framework, Period, SubmissionRow, Unit } from "../types.ts";

/**
 * The reviewer's list of units as the URL query describes it (filters and sort), shared by the list
 * and the appraisal screen: "next unit" follows the same order, "back" keeps the same query.
 */
export const SORT_KEYS = ["group", "name", "code", "state", "points", "progress"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type Submitted = "" | "yes" | "no";
export type Appraisal = "" | "todo" | "partial" | "done";

export interface ListQuery {
  group: string;
  submitted: Submitted;
  appraisal: Appraisal;
  q: string;
  sort: SortKey;
  dir: "asc" | "desc";
}

/** The query's names in the URL. */
const NAMES: Record<keyof ListQuery, string> = {
  group: "group",
  submitted: "sub",
  appraisal: "appr",
  q: "q",
  sort: "sort",
  dir: "dir",
};

const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

export function readQuery(query: URLSearchParams): ListQuery {
  return {
    group: query.get(NAMES.group) ?? "",
    submitted: oneOf<Submitted>(query.get(NAMES.submitted), ["yes", "no"], ""),
    appraisal: oneOf<Appraisal>(query.get(NAMES.appraisal), ["todo", "partial", "done"], ""),
    q: query.get(NAMES.q) ?? "",
    sort: oneOf(query.get(NAMES.sort), SORT_KEYS, "group"),
    dir: oneOf(query.get(NAMES.dir), ["asc", "desc"] as const, "asc"),
  };
}

/** The changes to the URL's query for a new list query (defaults left out). */
export function queryChanges(query: ListQuery): Record<string, string> {
  return {
    [NAMES.group]: query.group,
    [NAMES.submitted]: query.submitted,
    [NAMES.appraisal]: query.appraisal,
    [NAMES.q]: query.q,
    [NAMES.sort]: query.sort === "group" ? "" : query.sort,
    [NAMES.dir]: query.dir === "asc" ? "" : query.dir,
  };
}

/** "?sub=yes&sort=name", or "" for the default list: carried by links between list and unit. */
export function queryString(query: ListQuery): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(queryChanges(query))) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

export interface ReviewData {
  period: Period;
  rows: SubmissionRow[];
  units: Map<string, Unit>;
  framework: Framework;
}

export async function loadReviewList(periodId: string): Promise<ReviewData> {
  const period = await get<Period>(paths.period(periodId));
  const [rows, units, framework] = await Promise.all([
    getAll<SubmissionRow>(paths.submissions(periodId)),
    allUnits(),
    getFramework(period.frameworkId),
  ]);
  return { period, rows, units, framework };
}

export interface ListRow extends SubmissionRow {
  name: string;
  code: string;
  groupName: string;
}

/** Where a unit is in its appraisal: null when it has nothing for the caller to appraise. */
export function appraisalState(row: SubmissionRow): Exclude<Appraisal, ""> | null {
  if (!row.appraisal || row.appraisal.total === 0) return null;
  if (row.appraisal.done === 0) return "todo";
  return row.appraisal.done >= row.appraisal.total ? "done" : "partial";
}

const collator = new Intl.Collator("vi");
const progressOf = (r: SubmissionRow) => (r.appraisal ? r.appraisal.done / r.appraisal.total : -1);

/** The rows the query shows, in its order (ties by group, then name, then code: a total order). */
export function visibleRows(data: ReviewData, query: ListQuery): ListRow[] {
  const needle = fold(query.q.trim());
  const groupNames = new Map(data.framework.groups.map((g) => [g.id, localName(g)]));
  const rows: ListRow[] = data.rows
    .filter(
      (r) =>
        (!query.group || r.groupId === query.group) &&
        (!query.submitted || r.submitted === (query.submitted === "yes")) &&
        (!query.appraisal || appraisalState(r) === query.appraisal),
    )
    .map((r) => {
      const unit = data.units.get(r.unitId);
      return {
        ...r,
        name: unit ? localName(unit) : r.unitId,
        code: unit?.code ?? "",
        groupName: groupNames.get(r.groupId) ?? r.groupId,
      };
    })
    .filter((r) => !needle || fold(`${r.name} ${r.code}`).includes(needle));
  const byGroupThenName = (a: ListRow, b: ListRow) =>
    collator.compare(a.groupName, b.groupName) ||
    collator.compare(a.name, b.name) ||
    collator.compare(a.code, b.code);
  const key: Record<SortKey, (a: ListRow, b: ListRow) => number> = {
    group: (a, b) => collator.compare(a.groupName, b.groupName) || b.points - a.points,
    name: (a, b) => collator.compare(a.name, b.name),
    code: (a, b) => collator.compare(a.code, b.code),
    state: (a, b) => Number(b.submitted) - Number(a.submitted) || a.state.localeCompare(b.state),
    points: (a, b) => a.points - b.points,
    progress: (a, b) => progressOf(a) - progressOf(b),
  };
  const sign = query.dir === "desc" ? -1 : 1;
  return rows.sort((a, b) => sign * key[query.sort](a, b) || byGroupThenName(a, b));
}

/** The next unit after `unitId` in the list's order that still has leaves to appraise (wrapping round). */
export function nextUnit(rows: readonly ListRow[], unitId: string): ListRow | undefined {
  const at = rows.findIndex((r) => r.unitId === unitId);
  const ordered = at < 0 ? rows : [...rows.slice(at + 1), ...rows.slice(0, at)];
  return ordered.find((r) => r.appraisal && r.appraisal.done < r.appraisal.total);
}

/** The period's appraisal progress over the units the caller appraises. */
export function periodProgress(rows: readonly SubmissionRow[]) {
  let done = 0;
  let total = 0;
  let units = 0;
  let unitsDone = 0;
  for (const r of rows) {
    if (!r.appraisal || r.appraisal.total === 0) continue;
    done += r.appraisal.done;
    total += r.appraisal.total;
    units++;
    if (r.appraisal.done >= r.appraisal.total) unitsDone++;
  }
  return { done, total, units, unitsDone };
}
