import { downloadName } from "../../../shared/model/downloads.ts";
import type { SnapshotComparability } from "../../../shared/model/snapshot.ts";
import type { MethodFile, PublicMethod } from "../../../shared/services/method-file.ts";

/** The published files (API.md "Published files"), read without signing in. */
export interface PublishedPeriod {
  periodId: string;
  name: string;
  version: number;
  publishedAt: string;
  url: string;
  /** The period's official documents (the decision's appendix, the scorecards) have been written. */
  documents?: boolean;
  /** The ranking published again on the units of a later day (API.md "Restated rankings"). */
  restatements?: Restatement[];
}

export interface Restatement {
  asOf: string;
  url: string;
  units: number;
  rule: "mean" | "weighted-mean";
}

/** A restated ranking: each unit with the published units it is the mean of. */
export interface RestatedSnapshot extends Omit<Snapshot, "groups"> {
  asOf: string;
  groups: (Omit<SnapshotGroup, "units"> & {
    units: (SnapshotUnit & { predecessors: { unitId: string; code: string; name: string }[] })[];
  })[];
}

export interface SnapshotNode {
  code: string;
  points: number;
  maxPoints: number;
  value: number | null;
  rank: number | null;
}

export interface SnapshotUnit {
  unitId: string;
  code: string;
  name: string;
  rank: number;
  points: number;
  maxPoints: number;
  index: number;
  band: string | null;
  rankChange: number | null;
  flags: string[];
  nodes: SnapshotNode[];
  /** This period minus the previous published one (API.md "Ranking snapshot"); absent in older snapshots. */
  change?: UnitChange | null;
}

export interface UnitChange {
  points: number;
  index: number;
  nodes: { code: string; points: number; value: number | null }[];
  /** The indicators that moved most: up to 3 rises, then up to 3 falls. */
  leaves: { code: string; points: number }[];
}

export interface SnapshotGroup {
  id: string;
  name: string;
  maxPoints: number;
  nodes: { code: string; name: string; maxPoints: number }[];
  /** What compares when the previous snapshot was ranked with another index set (API.md). */
  comparability?: SnapshotComparability;
  units: SnapshotUnit[];
}

export interface Snapshot {
  period: { id: string; name: string; framework: { id: string; name: string; decision: string | null } };
  version: number;
  publishedAt: string | null;
  /** The version its rank changes compare with; null: none; absent in snapshots published before it. */
  previous?: { periodId: string; version: number; restated?: true } | null;
  groups: SnapshotGroup[];
}

const cache = new Map<string, Promise<unknown>>();

export class NotPublished extends Error {}

function getJson<T>(url: string): Promise<T> {
  let promise = cache.get(url) as Promise<T> | undefined;
  if (!promise) {
    promise = fetch(url, { headers: { accept: "application/json" } }).then((r) => {
      if (r.status === 404) throw new NotPublished(url);
      if (!r.ok) throw new Error(`${url}: ${r.status}`);
      return r.json() as Promise<T>;
    });
    promise.catch(() => cache.delete(url));
    cache.set(url, promise);
  }
  return promise;
}

/** Published periods, the latest first. */
export async function loadIndex(): Promise<PublishedPeriod[]> {
  const index = await getJson<{ periods: PublishedPeriod[] }>("/public/rankings/index.json").catch(
    (error: unknown) => {
      if (error instanceof NotPublished) return { periods: [] };
      throw error;
    },
  );
  return [...index.periods].sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt));
}

export const loadSnapshot = (period: PublishedPeriod) => getJson<Snapshot>(period.url);
export const loadRestated = (restatement: Restatement) => getJson<RestatedSnapshot>(restatement.url);

/**
 * The index set a period was ranked with (API.md "Published files": {periodId}.method.json): the
 * types publication writes it with. Type-only, so nothing of the writer reaches the page.
 */
export type { MethodFile, MethodNode } from "../../../shared/services/method-file.ts";
export type MethodLeafMethod = PublicMethod;

/** The method file beside the period's ranking; undefined for a period published before there was one. */
export const loadMethod = (period: PublishedPeriod) =>
  getJson<MethodFile>(period.url.replace(/\.json$/, ".method.json")).catch((error: unknown) => {
    if (error instanceof NotPublished) return undefined;
    throw error;
  });

/** A download link: the file, and the name it is saved under (as publication names it). */
export interface Download {
  label: "CSV" | "XLSX" | "JSON";
  href: string;
  fileName: string;
}

/** The downloads of a period: the files next to its JSON, saved under the names publication gives them. */
export function downloads(period: PublishedPeriod): Download[] {
  const base = `/public/rankings/${encodeURIComponent(period.periodId)}`;
  const name = (ext: string) => downloadName(period.periodId, period.version, ext);
  return [
    { label: "CSV", href: `${base}.csv`, fileName: name("csv") },
    { label: "XLSX", href: `${base}.xlsx`, fileName: name("xlsx") },
    { label: "JSON", href: period.url, fileName: name("json") },
  ];
}

/** The official documents of a period (API.md "Published files"), once written. */
export const documentHref = (periodId: string, file: "pdf" | "docx" | { unitId: string }) => {
  const base = `/public/rankings/${encodeURIComponent(periodId)}`;
  return typeof file === "string"
    ? `${base}.${file}`
    : `${base}/units/${encodeURIComponent(file.unitId)}.pdf`;
};

/** The published period before `period` in the index (newest first): what an older snapshot's rank change compared with. */
export function previousOf(periods: PublishedPeriod[], period: PublishedPeriod): PublishedPeriod | undefined {
  const i = periods.findIndex((p) => p.periodId === period.periodId);
  return i < 0 ? undefined : periods[i + 1];
}

/**
 * The snapshot `snapshot` (of `period`) compares with: the version it names, else (published before it
 * named one) the period before it in the index, as it is now.
 */
export async function loadCompared(
  period: PublishedPeriod,
  snapshot: Snapshot,
): Promise<{ name: string; snapshot: Snapshot } | undefined> {
  const ref = snapshot.previous;
  if (ref === null) return undefined;
  if (ref) {
    const before = await getJson<Snapshot>(
      `/public/rankings/${encodeURIComponent(ref.periodId)}/v${ref.version}.json`,
    );
    return { name: before.period.name, snapshot: before };
  }
  const guess = previousOf(await loadIndex(), period);
  return guess && { name: guess.name, snapshot: await loadSnapshot(guess) };
}

/** A unit ranked with 0 points because it did not submit (the snapshot's flag). */
export const notSubmitted = (unit: SnapshotUnit) => unit.flags.includes("not-submitted");

/** A chart's points: one label and one value each. */
export interface Series {
  labels: string[];
  values: (number | null)[];
}

/** A group's units in rank order, their index as the values. */
export function rankSeries(group: SnapshotGroup): Series {
  const units = [...group.units].sort((a, b) => a.rank - b.rank);
  return { labels: units.map((u) => u.name), values: units.map((u) => u.index) };
}

/** Where a unit was ranked in one published period. */
export interface Appearance {
  period: PublishedPeriod;
  group: SnapshotGroup;
  unit: SnapshotUnit;
}

/** Every published period in which the unit was ranked, oldest first. */
export async function unitHistory(unitId: string): Promise<Appearance[]> {
  const periods = await loadIndex();
  const found = await Promise.all(
    periods.map(async (period) => {
      const snapshot = await loadSnapshot(period);
      for (const group of snapshot.groups) {
        const unit = group.units.find((u) => u.unitId === unitId);
        if (unit) return { period, group, unit };
      }
      return undefined;
    }),
  );
  return found.filter((a): a is Appearance => a !== undefined).reverse();
}

/** A unit's index across the periods it was ranked in. */
export const historySeries = (appearances: Appearance[]): Series => ({
  labels: appearances.map((a) => a.period.name),
  values: appearances.map((a) => a.unit.index),
});
