import type { Band, Framework, FrameworkNode, Group, Leaf } from "../model/framework.ts";
import { isLeaf } from "../model/framework.ts";

/**
 * A group's node tree laid flat for scoring: every node gets a slot in pre-order, so walking the
 * slots backwards meets every child before its parent. Scoring a unit is then two passes over typed
 * arrays, with no recursion and no allocation per node.
 */
export interface CompiledGroup {
  group: Group;
  /** Σ of the top-level nodes' maxPoints. */
  maxPoints: number;
  slotCount: number;
  /** Parent slot of each slot; -1 for top-level nodes. */
  parent: Int32Array;
  /** Framework maxPoints of each slot. */
  maxPointsOf: Float64Array;
  /** Leaves in framework order with their slots. */
  leaves: { leaf: Leaf; slot: number }[];
  leafByCode: Map<string, Leaf>;
  /** Leaf code → its position in `leaves`. */
  leafIndex: Map<string, number>;
  /** Slots of the top-level nodes, in framework order. */
  topSlots: number[];
  topNodes: FrameworkNode[];
  /** Bands from the highest minIndex down. */
  bands: Band[];
}

export interface CompiledFramework {
  framework: Framework;
  groups: CompiledGroup[];
  groupOfKind: Map<string, CompiledGroup>;
}

const cache = new WeakMap<Framework, CompiledFramework>();

export function compileFramework(framework: Framework): CompiledFramework {
  const cached = cache.get(framework);
  if (cached) return cached;
  const groups = framework.groups.map(compileGroup);
  const groupOfKind = new Map<string, CompiledGroup>();
  for (const compiled of groups) for (const kind of compiled.group.unitKinds) groupOfKind.set(kind, compiled);
  const result = { framework, groups, groupOfKind };
  cache.set(framework, result);
  return result;
}

/** The code of the top-level node (pillar) above a slot: reviewer scopes are given by pillar. */
export function topNodeCode(group: CompiledGroup, slot: number): string {
  let top = slot;
  while ((group.parent[top] as number) !== -1) top = group.parent[top] as number;
  return group.topNodes[group.topSlots.indexOf(top)]?.code ?? "";
}

function compileGroup(group: Group): CompiledGroup {
  const parents: number[] = [];
  const maxima: number[] = [];
  const leaves: { leaf: Leaf; slot: number }[] = [];
  const topSlots: number[] = [];
  const visit = (node: FrameworkNode, parent: number) => {
    const slot = parents.length;
    parents.push(parent);
    maxima.push(node.maxPoints);
    if (parent === -1) topSlots.push(slot);
    if (isLeaf(node)) leaves.push({ leaf: node, slot });
    else for (const child of node.children) visit(child, slot);
  };
  for (const node of group.nodes) visit(node, -1);
  return {
    group,
    maxPoints: group.nodes.reduce((sum, node) => sum + node.maxPoints, 0),
    slotCount: parents.length,
    parent: Int32Array.from(parents),
    maxPointsOf: Float64Array.from(maxima),
    leaves,
    leafByCode: new Map(leaves.map(({ leaf }) => [leaf.code, leaf])),
    leafIndex: new Map(leaves.map(({ leaf }, i) => [leaf.code, i])),
    topSlots,
    topNodes: group.nodes,
    bands: [...(group.bands ?? [])].sort((a, b) => b.minIndex - a.minIndex),
  };
}
