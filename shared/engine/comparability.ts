import {
  type Framework,
  type FrameworkNode,
  isLeaf,
  type MapEntry,
  type Relation,
} from "../model/framework.ts";
import type { LeafPoints, RankingSnapshot, SnapshotComparability } from "../model/snapshot.ts";

/**
 * Which nodes of an index set compare with which of the version before it (DOMAIN.md §3 "Versions of an
 * index set"), a pure function of the new framework (its `predecessor.map`) and what is known of the old
 * one: the whole framework when a framework is imported, or — at publication — the previous snapshot
 * (its pillars and their maxima) and leaf points (its leaf codes), which is all `change` compares.
 */

/** Where a node sits: a pillar (top level), a sub-pillar (inner, below), a leaf. */
export type Level = "pillar" | "inner" | "leaf";

export interface OldGroup {
  id: string;
  /** Old codes per level; a pillar's maximum when known (the snapshot has it). */
  codes: Record<Level, ReadonlyMap<string, number | undefined>>;
}
export interface OldSide {
  frameworkId: string;
  groups: readonly OldGroup[];
}

/** How one node of the new version relates to the old: its relation and the old codes it comes from. */
export interface Link {
  relation: Relation;
  from: readonly string[];
}

export interface GroupComparability {
  id: string;
  /** Every node of the new group, by level and new code. */
  links: Record<Level, Map<string, Link>>;
  /** Old codes no new node comes from. */
  dropped: Record<Level, string[]>;
}

export interface Comparability {
  /** The previous version is another framework than this one. */
  frameworkChanged: boolean;
  /** The old framework, when it changed. */
  previousFrameworkId: string;
  groups: Map<string, GroupComparability>;
}

/** same, renamed and merged compare (a merged node with the sum of its old ones); split and new do not. */
export const isComparable = (link: Link | undefined): link is Link =>
  link !== undefined &&
  (link.relation === "same" || link.relation === "renamed" || link.relation === "merged");

const LEVELS: readonly Level[] = ["pillar", "inner", "leaf"];
const emptyLevels = <T>(make: () => T): Record<Level, T> => ({ pillar: make(), inner: make(), leaf: make() });

/** Every node of a group by level, in framework order, with its maximum. */
export function nodesByLevel(nodes: readonly FrameworkNode[]): Record<Level, Map<string, number>> {
  const out = emptyLevels(() => new Map<string, number>());
  const walk = (node: FrameworkNode, top: boolean) => {
    if (isLeaf(node)) out.leaf.set(node.code, node.maxPoints);
    else {
      (top ? out.pillar : out.inner).set(node.code, node.maxPoints);
      for (const child of node.children) walk(child, false);
    }
  };
  for (const node of nodes) walk(node, true);
  return out;
}

/** The old side from a whole framework (import-time validation, tests). */
export function sideOfFramework(framework: Framework): OldSide {
  return {
    frameworkId: framework.id,
    groups: framework.groups.map((g) => ({ id: g.id, codes: nodesByLevel(g.nodes) })),
  };
}

/** The old side from a published snapshot and its leaf points (no sub-pillars: `change` needs none). */
export function sideOfSnapshot(snapshot: RankingSnapshot, leaves?: LeafPoints): OldSide {
  return {
    frameworkId: snapshot.period.framework.id,
    groups: snapshot.groups.map((g) => ({
      id: g.id,
      codes: {
        pillar: new Map(g.nodes.map((n) => [n.code, n.maxPoints])),
        inner: new Map(),
        leaf: new Map(leaves?.groups.find((l) => l.id === g.id)?.codes.map((c) => [c, undefined])),
      },
    })),
  };
}

/**
 * The comparability of `current` with `previous`. Same framework: every node is the same. The
 * predecessor the map names: the map's entries, then every unmapped new code that the old group has at
 * the same level and no entry took is "same", any other "new". No map at all (a lineage declared by
 * hand): codes match codes. A framework that has a map but is compared with another ancestor: nothing
 * but the index compares (the map does not say how).
 */
export function comparability(current: Framework, previous: OldSide): Comparability {
  const frameworkChanged = previous.frameworkId !== current.id;
  const map = current.predecessor;
  const mapped = map?.frameworkId === previous.frameworkId;
  const unrelated = frameworkChanged && map !== undefined && !mapped;
  const groups = new Map<string, GroupComparability>();
  for (const group of current.groups) {
    const old = previous.groups.find((g) => g.id === group.id);
    const entries = mapped ? (map?.map ?? []).filter((e) => e.group === group.id) : [];
    groups.set(group.id, groupComparability(group.id, nodesByLevel(group.nodes), old, entries, unrelated));
  }
  return { frameworkChanged, previousFrameworkId: previous.frameworkId, groups };
}

function groupComparability(
  id: string,
  current: Record<Level, Map<string, number>>,
  old: OldGroup | undefined,
  entries: readonly MapEntry[],
  unrelated: boolean,
): GroupComparability {
  const links = emptyLevels(() => new Map<string, Link>());
  const levelOf = (code: string) => LEVELS.find((l) => current[l].has(code));
  const taken = emptyLevels(() => new Set<string>());
  for (const entry of entries) {
    const level = entry.code === undefined ? undefined : levelOf(entry.code);
    if (entry.code !== undefined && level)
      links[level].set(entry.code, { relation: entry.relation, from: entry.from ?? [] });
    // A dropped entry names old codes only; they are taken wherever they sit.
    for (const code of entry.from ?? [])
      for (const l of level ? [level] : LEVELS) if (old?.codes[l].has(code)) taken[l].add(code);
  }
  const dropped = emptyLevels((): string[] => []);
  for (const level of LEVELS) {
    for (const code of current[level].keys()) {
      if (links[level].has(code)) continue;
      const same = !unrelated && old?.codes[level].has(code) === true && !taken[level].has(code);
      links[level].set(code, same ? { relation: "same", from: [code] } : { relation: "new", from: [] });
    }
    // Dropped: an old code no new node comes from (named "dropped" in the map or left out of it).
    const kept = new Set([...links[level].values()].flatMap((link) => link.from));
    for (const code of old?.codes[level].keys() ?? []) if (!kept.has(code)) dropped[level].push(code);
  }
  return { id, links, dropped };
}

/**
 * What the published snapshot says of one group when the index set changed (API.md "Ranking snapshot",
 * `comparability`): the pillars compared with other codes than their own, and the new codes that are
 * not compared; the old codes that are gone.
 */
export type ComparabilitySummary = SnapshotComparability;

export function summaryOf(c: Comparability, groupId: string): ComparabilitySummary | undefined {
  const group = c.groups.get(groupId);
  if (!c.frameworkChanged || !group) return undefined;
  const mapped: Record<string, string[]> = {};
  for (const [code, link] of group.links.pillar)
    if (isComparable(link) && (link.from.length !== 1 || link.from[0] !== code))
      mapped[code] = [...link.from];
  const not = (level: Level) =>
    [...group.links[level]].filter(([, link]) => !isComparable(link)).map(([code]) => code);
  return {
    frameworkChanged: true,
    previousFrameworkId: c.previousFrameworkId,
    mapped,
    notComparable: { pillars: not("pillar"), leaves: not("leaf") },
    dropped: { pillars: group.dropped.pillar, leaves: group.dropped.leaf },
  };
}
