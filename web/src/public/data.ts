/** The published files (API.md "Published files"), read without signing in. */
export interface PublishedPeriod {
  periodId: string;
  name: string;
  version: number;
  publishedAt: string;
  url: string;
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
}

export interface SnapshotGroup {
  id: string;
  name: string;
  maxPoints: number;
  nodes: { code: string; name: string; maxPoints: number }[];
  units: SnapshotUnit[];
}

export interface Snapshot {
  period: { id: string; name: string; framework: { id: string; name: string; decision: string | null } };
  version: number;
  publishedAt: string | null;
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

/** The downloads of a period: the files next to its JSON. */
export function downloads(period: PublishedPeriod) {
  const base = `/public/rankings/${encodeURIComponent(period.periodId)}`;
  return { csv: `${base}.csv`, xlsx: `${base}.xlsx`, json: period.url };
}
