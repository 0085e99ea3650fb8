import { frameworkBody } from "./fakes/scenarios.ts";

/**
 * The integration framework with three measured department leaves: 1.3 (ratio, evidence required) and
 * 1.5 (count) from the source "vbdh", 2.2 (relative) from "dvc". Everything else as in the fixture.
 */
export const MEASURED: Readonly<Record<string, string>> = { "1.3": "vbdh", "1.5": "vbdh", "2.2": "dvc" };

/** `sources` renames the sources (a shared stack keeps ids once used: each run brings its own). */
export function measuredFrameworkBody(
  id: string,
  sources: Readonly<Record<string, string>> = { vbdh: "vbdh", dvc: "dvc" },
): Record<string, unknown> {
  const body = frameworkBody(id) as { groups: { id: string; nodes: MeasurableNode[] }[] };
  for (const group of body.groups)
    if (group.id === "department") markMeasured(group.nodes, (code) => sources[MEASURED[code] ?? ""]);
  return body as unknown as Record<string, unknown>;
}

export interface MeasurableNode {
  code: string;
  children?: MeasurableNode[];
  source?: unknown;
}

/** Marks each leaf whose code `sourceOf` gives a source as measured by it; answers the leaves marked. */
export function markMeasured<N extends MeasurableNode>(
  nodes: readonly N[],
  sourceOf: (code: string) => string | undefined,
): N[] {
  const marked: N[] = [];
  const walk = (list: readonly N[]) => {
    for (const node of list) {
      if (node.children) walk(node.children as N[]);
      else {
        const sourceId = sourceOf(node.code);
        if (sourceId === undefined) continue;
        node.source = { kind: "measured", sourceId };
        marked.push(node);
      }
    }
  };
  walk(nodes);
  return marked;
}
