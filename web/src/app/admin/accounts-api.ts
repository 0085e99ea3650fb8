import { ApiError, get, getAll } from "../api.ts";
import { getFramework } from "../context.ts";
import type { FrameworkSummary, Period } from "../types.ts";
import { accountErrorText } from "./messages-accounts.ts";
import { ProblemsError } from "./outcome.tsx";

/** An account as GET /api/users answers it (shared/api/users.ts). */
export type { UserViewData as Account } from "../../../../shared/api/users.ts";

/**
 * Runs an API call and, when it fails with a code these screens know (user-exists, own-account …),
 * fails with the message in the user's language (and the API's details), never the server's English.
 */
export async function inUserLanguage<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const text = error instanceof ApiError ? accountErrorText(error.code) : undefined;
    if (text && error instanceof ApiError) throw new ProblemsError(text, error.details);
    throw error;
  }
}

/** A query string of the filters that have a value. */
export const queryOf = (filters: Record<string, string | undefined>): string => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : "";
};

export interface ScopeChoices {
  /** The period whose index set gives the choices (the newest), or the newest index set's name. */
  source: string;
  groups: { id: string; name: string }[];
  nodes: { code: string; name: string }[];
}

/** The groups and top-level indicators of the current index set: the newest period's, else the newest. */
export async function scopeChoices(): Promise<ScopeChoices | undefined> {
  const periods = await get<{ items: Period[] }>("/api/periods?limit=1");
  const period = periods.items[0];
  let frameworkId = period?.frameworkId;
  let source = period?.name ?? "";
  if (!frameworkId) {
    const frameworks = await getAll<FrameworkSummary>("/api/frameworks");
    const newest = frameworks.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    if (!newest) return undefined;
    frameworkId = newest.id;
    source = newest.name;
  }
  const framework = await getFramework(frameworkId);
  const nodes = new Map<string, string>();
  for (const group of framework.groups) for (const node of group.nodes) nodes.set(node.code, node.name);
  return {
    source,
    groups: framework.groups.map((g) => ({ id: g.id, name: g.name })),
    nodes: [...nodes].map(([code, name]) => ({ code, name })),
  };
}
