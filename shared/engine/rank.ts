import type { Band } from "../model/framework.ts";

/** Vietnamese name order for ties (DOMAIN.md §5); created once, it is costly to build. */
const vietnamese = new Intl.Collator("vi");

export interface Rankable {
  /** The compared value, already at the comparison precision; higher ranks first. */
  key: number;
  name: string;
  code: string;
  id: string;
}

/**
 * Orders by key (descending), then Vietnamese name, code and id, so the order is total and
 * independent of the input order.
 */
export function compareRankables(a: Rankable, b: Rankable): number {
  if (a.key !== b.key) return b.key - a.key;
  return (
    vietnamese.compare(a.name, b.name) ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Competition ranks ("1, 2, 2, 4") for items already sorted by key descending: equal keys share a
 * rank and the next rank skips.
 */
export function competitionRanks(sortedKeys: readonly number[]): number[] {
  const ranks: number[] = [];
  for (let i = 0; i < sortedKeys.length; i++) {
    ranks.push(i > 0 && sortedKeys[i] === sortedKeys[i - 1] ? (ranks[i - 1] as number) : i + 1);
  }
  return ranks;
}

/** Ranks of a column of values (null = not ranked) without reordering it: rank = 1 + how many are higher. */
export function ranksOf(values: readonly (number | null)[]): (number | null)[] {
  // A typed array sorts numbers natively (ascending), far faster than sort() with a comparator.
  const present = new Float64Array(values.length);
  let count = 0;
  for (const v of values) if (v !== null) present[count++] = v;
  const ascending = present.subarray(0, count).sort();
  const rankOf = new Map<number, number>();
  // From the top down, a value is first met at its last position i: count - 1 - i values are higher.
  for (let i = count - 1; i >= 0; i--) {
    const value = ascending[i] as number;
    if (!rankOf.has(value)) rankOf.set(value, count - i);
  }
  return values.map((v) => (v === null ? null : (rankOf.get(v) as number)));
}

/** The label of the highest band whose minIndex the index reaches; bands sorted from the highest down. */
export function bandOf(index: number, bandsHighFirst: readonly Band[]): string | null {
  for (const band of bandsHighFirst) if (index >= band.minIndex) return band.label;
  return null;
}
