import { type Framework, frameworkSchema } from "./framework.ts";
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
  return issues;
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
