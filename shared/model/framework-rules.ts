import { type Framework, type FrameworkNode, frameworkSchema, isLeaf } from "./framework.ts";
import { type Checked, fromZodIssues, type Issue, joinPath, type PathSegment } from "./issues.ts";

/**
 * Validates a framework file: its shape (framework.ts) and the rules of DOMAIN.md §3–4 that span
 * fields. The rules walk the raw input and check whatever is well typed, so one run reports every
 * problem, not only those of the parts whose shape is right.
 */
export function parseFramework(input: unknown): Checked<Framework> {
  const shape = frameworkSchema.safeParse(input, { reportInput: true });
  const issues = [...(shape.success ? [] : fromZodIssues(shape.error.issues)), ...frameworkRuleIssues(input)];
  if (issues.length > 0 || !shape.success) return { ok: false, issues: dedupe(issues) };
  return { ok: true, value: shape.data };
}

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function frameworkRuleIssues(input: unknown): Issue[] {
  const issues: Issue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path: joinPath(path), message });
  if (!isRaw(input)) return issues;

  const groupIds = new Map<string, number>();
  const kindOwner = new Map<string, string>();
  list(input.groups).forEach((group, g) => {
    if (!isRaw(group)) return;
    const at: PathSegment[] = ["groups", g];
    if (typeof group.id === "string") {
      const first = groupIds.get(group.id);
      if (first !== undefined)
        add([...at, "id"], `group id "${group.id}" is already used by groups.${first}`);
      else groupIds.set(group.id, g);
    }
    list(group.unitKinds).forEach((kind, k) => {
      if (typeof kind !== "string") return;
      const owner = kindOwner.get(kind);
      if (owner !== undefined)
        add([...at, "unitKinds", k], `unit kind "${kind}" is already ranked in group "${owner}"`);
      else kindOwner.set(kind, String(group.id));
    });
    const minIndexes = new Set<number>();
    list(group.bands).forEach((band, b) => {
      const min = isRaw(band) ? num(band.minIndex) : undefined;
      if (min === undefined) return;
      if (minIndexes.has(min)) add([...at, "bands", b, "minIndex"], `two bands start at ${min}`);
      minIndexes.add(min);
    });
    const codes = new Map<string, string>();
    list(group.nodes).forEach((node, n) => {
      checkNode(node, [...at, "nodes", n], codes, add);
    });
  });
  if (isRaw(input.predecessor)) checkMap(input, input.predecessor, add);
  return issues;
}

/** Every code of a raw group's nodes. */
function rawCodes(nodes: unknown, into = new Set<string>()): Set<string> {
  for (const node of list(nodes)) {
    if (!isRaw(node)) continue;
    if (typeof node.code === "string") into.add(node.code);
    rawCodes(node.children, into);
  }
  return into;
}

const plain = (v: unknown): string | undefined =>
  typeof v === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(v) ? v : undefined;

/** How many old codes each relation takes: [least, most]. */
const ARITY: Record<string, [number, number]> = {
  same: [1, 1],
  renamed: [1, 1],
  split: [1, 1],
  merged: [2, Number.POSITIVE_INFINITY],
  new: [0, 0],
  dropped: [1, Number.POSITIVE_INFINITY],
};

/**
 * The map's rules that need no predecessor (DOMAIN.md §3 "Versions of an index set"): each line fits
 * its relation, names a group and a code of this version, maps a new code once, and takes an old code
 * once — or, split, into two or more new ones.
 */
function checkMap(input: Raw, predecessor: Raw, add: Add): void {
  const at: PathSegment[] = ["predecessor"];
  if (predecessor.frameworkId !== undefined && predecessor.frameworkId === input.id)
    add([...at, "frameworkId"], "a framework cannot be its own predecessor");
  const groups = new Map<string, Set<string>>();
  for (const group of list(input.groups))
    if (isRaw(group) && typeof group.id === "string") groups.set(group.id, rawCodes(group.nodes));
  const mapped = new Map<string, string>();
  const taken = new Map<string, { path: string; relation: unknown }[]>();
  list(predecessor.map).forEach((entry, e) => {
    if (!isRaw(entry)) return;
    const here: PathSegment[] = [...at, "map", e];
    // Only well-formed ids and codes are checked (and quoted): the shape reports the others.
    const group = plain(entry.group);
    const codes = group === undefined ? undefined : groups.get(group);
    if (group !== undefined && !codes) add([...here, "group"], `"${group}" is not a group of this framework`);
    const relation = typeof entry.relation === "string" ? entry.relation : undefined;
    const arity = relation === undefined ? undefined : ARITY[relation];
    const from = list(entry.from).flatMap((c) => plain(c) ?? []);
    const code = plain(entry.code);
    if (arity && relation) {
      const [least, most] = arity;
      if (from.length < least || from.length > most)
        add(
          [...here, "from"],
          relation === "new"
            ? "a new node comes from no old code: leave `from` out"
            : relation === "merged"
              ? "a merged node comes from two or more old codes"
              : relation === "dropped"
                ? "a dropped line names the old code(s) dropped"
                : `a ${relation} node comes from exactly one old code`,
        );
      if (relation === "dropped" && code !== undefined)
        add([...here, "code"], "a dropped line names no new code: the old code(s) go in `from`");
      if (relation !== "dropped" && entry.code === undefined)
        add([...here, "code"], `a ${relation} line names the new code`);
    }
    if (code !== undefined && codes) {
      if (!codes.has(code)) add([...here, "code"], `"${code}" is not a code of group "${group}"`);
      const key = `${group}\u0000${code}`;
      const first = mapped.get(key);
      if (first !== undefined) add([...here, "code"], `"${code}" is already mapped at ${first}`);
      else mapped.set(key, joinPath(here));
    }
    const seen = new Set<string>();
    from.forEach((old, f) => {
      if (seen.has(old)) add([...here, "from", f], `"${old}" is listed twice`);
      seen.add(old);
      const key = `${group}\u0000${old}`;
      taken.set(key, [...(taken.get(key) ?? []), { path: joinPath([...here, "from", f]), relation }]);
    });
  });
  for (const [key, uses] of taken) {
    const old = key.split("\u0000")[1];
    const splits = uses.filter((u) => u.relation === "split");
    if (splits.length > 0 && splits.length === 1 && uses.length === 1)
      add([uses[0]?.path ?? ""], `"${old}" is split into one node only: that is "renamed" (or "same")`);
    if (uses.length > 1 && splits.length !== uses.length)
      for (const use of uses.slice(1))
        add(
          [use.path],
          `old code "${old}" is already taken at ${uses[0]?.path} (only a split maps one old code to several new ones)`,
        );
  }
}

type Add = (path: PathSegment[], message: string) => void;

function checkNode(node: unknown, at: PathSegment[], codes: Map<string, string>, add: Add): void {
  if (!isRaw(node)) return;
  const code = typeof node.code === "string" ? node.code : undefined;
  if (code !== undefined) {
    const first = codes.get(code);
    if (first !== undefined)
      add([...at, "code"], `code "${code}" is used twice in this group (also at ${first})`);
    else codes.set(code, joinPath(at));
  }
  const label = code === undefined ? "" : `${code}: `;
  const max = num(node.maxPoints);
  const hasChildren = "children" in node;
  const hasMethod = "method" in node;
  if (hasChildren && hasMethod) add(at, `${label}a node has either children or a method, not both`);
  if (!hasChildren && !hasMethod) add(at, `${label}a node needs children (inner node) or a method (leaf)`);

  if (hasChildren) {
    const children = list(node.children);
    const maxima = children.map((c) => (isRaw(c) ? num(c.maxPoints) : undefined));
    if (max !== undefined && maxima.every((m) => m !== undefined)) {
      const sum = maxima.reduce<number>((a, m) => a + (m ?? 0), 0);
      if (sum + 1e-9 < max)
        add(
          [...at, "maxPoints"],
          `${label}children's maximum points add up to ${sum}, less than the node's ${max} (a parent may cap its children, never exceed them)`,
        );
    }
    children.forEach((child, c) => {
      checkNode(child, [...at, "children", c], codes, add);
    });
  }
  if (hasMethod && isRaw(node.method)) checkMethod(node.method, max, [...at, "method"], label, add);
  if (isRaw(node.evidence)) {
    const kinds = list(node.evidence.kinds);
    if (new Set(kinds).size !== kinds.length)
      add([...at, "evidence", "kinds"], `${label}evidence kinds repeat`);
  }
}

function checkMethod(method: Raw, max: number | undefined, at: PathSegment[], label: string, add: Add): void {
  switch (method.type) {
    case "info":
      if (max !== undefined && max !== 0)
        add([...at.slice(0, -1), "maxPoints"], `${label}an info leaf is never scored: maxPoints must be 0`);
      return;
    case "level": {
      const ids = new Set<unknown>();
      list(method.options).forEach((option, o) => {
        if (!isRaw(option)) return;
        if (ids.has(option.id)) add([...at, "options", o, "id"], `${label}option id "${option.id}" repeats`);
        ids.add(option.id);
      });
      return;
    }
    case "steps": {
      const steps = list(method.steps)
        .map((step, s) => ({
          s,
          min: isRaw(step) ? num(step.min) : undefined,
          points: isRaw(step) ? num(step.points) : undefined,
        }))
        .filter(
          (x): x is { s: number; min: number; points: number } =>
            x.min !== undefined && x.points !== undefined,
        );
      for (const step of steps) {
        if (max !== undefined && step.points > max)
          add(
            [...at, "steps", step.s, "points"],
            `${label}a step gives ${step.points} points, more than the leaf's ${max}`,
          );
      }
      const byMin = [...steps].sort((a, b) => a.min - b.min);
      for (let i = 1; i < byMin.length; i++) {
        const lower = byMin[i - 1];
        const step = byMin[i];
        if (!lower || !step) continue;
        if (step.min === lower.min)
          add([...at, "steps", step.s, "min"], `${label}two steps start at ${step.min}`);
        else if (step.points < lower.points)
          add(
            [...at, "steps", step.s, "points"],
            `${label}a higher step (from ${step.min}) gives fewer points than a lower one (from ${lower.min}): steps must not decrease`,
          );
      }
      return;
    }
    default:
      return;
  }
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Level = "pillar" | "sub-pillar" | "leaf";
interface Placed {
  level: Level;
  maxPoints: number;
  path: PathSegment[];
}

/** Every node of a group by code: its level, maximum and path. */
function placed(nodes: readonly FrameworkNode[], at: PathSegment[]): Map<string, Placed> {
  const out = new Map<string, Placed>();
  const walk = (node: FrameworkNode, path: PathSegment[], top: boolean) => {
    out.set(node.code, {
      level: isLeaf(node) ? "leaf" : top ? "pillar" : "sub-pillar",
      maxPoints: node.maxPoints,
      path,
    });
    if (!isLeaf(node)) node.children.forEach((c, i) => void walk(c, [...path, "children", i], false));
  };
  nodes.forEach((n, i) => void walk(n, [...at, "nodes", i], true));
  return out;
}

const COMPARABLE = new Set(["same", "renamed", "merged"]);
const sameMax = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/**
 * The map's rules against the predecessor itself (the service checks them at import, when both exist):
 * every old code exists in the group with the same id; a node maps to nodes of its level (a leaf to
 * leaves, a pillar to pillars); an indicator compared by its points keeps its maximum (a merged one the
 * sum of its old ones') — also one that keeps its code without a line in the map.
 */
export function predecessorIssues(current: Framework, previous: Framework): Issue[] {
  const issues: Issue[] = [];
  const add = (path: PathSegment[], message: string) => issues.push({ path: joinPath(path), message });
  const map = current.predecessor?.map ?? [];
  const oldGroups = new Map(previous.groups.map((g) => [g.id, placed(g.nodes, [])]));
  const newGroups = new Map(current.groups.map((g, i) => [g.id, placed(g.nodes, ["groups", i])]));
  const taken = new Set<string>();
  const mapped = new Set<string>();
  map.forEach((entry, e) => {
    const here: PathSegment[] = ["predecessor", "map", e];
    const old = oldGroups.get(entry.group);
    const from = entry.from ?? [];
    if (!old) {
      if (from.length > 0)
        add([...here, "group"], `the predecessor "${previous.id}" has no group "${entry.group}"`);
      return;
    }
    const node = entry.code === undefined ? undefined : newGroups.get(entry.group)?.get(entry.code);
    if (entry.code !== undefined) mapped.add(`${entry.group}\u0000${entry.code}`);
    let oldMax = 0;
    let known = true;
    from.forEach((code, f) => {
      taken.add(`${entry.group}\u0000${code}`);
      const before = old.get(code);
      if (!before) {
        known = false;
        add(
          [...here, "from", f],
          `"${code}" is not a code of group "${entry.group}" in the predecessor "${previous.id}"`,
        );
        return;
      }
      oldMax += before.maxPoints;
      if (node && before.level !== node.level) {
        known = false;
        add(
          [...here, "from", f],
          `${node.level} "${entry.code}" cannot come from ${before.level} "${code}": a node maps to nodes of its level (a leaf to leaves, a pillar to pillars)`,
        );
      }
    });
    if (node?.level === "leaf" && known && COMPARABLE.has(entry.relation) && !sameMax(node.maxPoints, oldMax))
      add(
        [...here, "relation"],
        `leaf "${entry.code}" has a maximum of ${node.maxPoints} points, its old one(s) ${oldMax}: indicators compare by points, so only at equal maxima; map it "new" (and the old "dropped"), or keep the maximum`,
      );
  });
  // A leaf that keeps its code without a line compares as "same": the same rule on its maximum.
  for (const [groupId, nodes] of newGroups) {
    const old = oldGroups.get(groupId);
    for (const [code, node] of nodes) {
      const key = `${groupId}\u0000${code}`;
      const before = old?.get(code);
      if (node.level !== "leaf" || mapped.has(key) || taken.has(key) || before?.level !== "leaf") continue;
      if (!sameMax(node.maxPoints, before.maxPoints))
        add(
          [...node.path, "maxPoints"],
          `leaf "${code}" keeps the code of the predecessor's leaf but not its maximum (${before.maxPoints}): add a line to predecessor.map saying how it relates ("new" when its points are not comparable)`,
        );
    }
  }
  return issues;
}
