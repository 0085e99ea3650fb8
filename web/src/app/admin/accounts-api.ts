import { getAll, paths } from "../api.ts";
import { getFramework } from "../context.ts";
import type { Period } from "../types.ts";
import { newestFramework } from "./importing.ts";

/** An account as GET /api/users answers it (shared/api/users.ts). */
export type { UserViewData as Account } from "../../../../shared/api/users.ts";

export interface ScopeChoices {
  /** The period whose index set gives the choices (the newest), or the newest index set's name. */
  source: string;
  groups: { id: string; name: string }[];
  nodes: { code: string; name: string }[];
}

/** The groups and top-level indicators of the current index set: the newest period's, else the newest. */
export async function scopeChoices(): Promise<ScopeChoices | undefined> {
  // The list is ordered by state, not time: the newest period is the one that closes last.
  const periods = await getAll<Period>(paths.periods);
  const period = periods.sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt))[0];
  const framework = period ? await getFramework(period.frameworkId) : await newestFramework();
  if (!framework) return undefined;
  const source = period?.name ?? framework.name;
  const nodes = new Map<string, string>();
  for (const group of framework.groups) for (const node of group.nodes) nodes.set(node.code, node.name);
  return {
    source,
    groups: framework.groups.map((g) => ({ id: g.id, name: g.name })),
    nodes: [...nodes].map(([code, name]) => ({ code, name })),
  };
}
