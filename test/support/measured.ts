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
  const body = frameworkBody(id) as { groups: { id: string; nodes: Node[] }[] };
  const mark = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.children) mark(node.children);
      else if (MEASURED[node.code])
        node.source = { kind: "measured", sourceId: sources[MEASURED[node.code] as string] };
    }
  };
  for (const group of body.groups) if (group.id === "department") mark(group.nodes);
  return body as unknown as Record<string, unknown>;
}

interface Node {
  code: string;
  children?: Node[];
  source?: unknown;
}
