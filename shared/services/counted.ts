import type { ScoredSubmission } from "./ports.ts";

/**
 * The value that counts as the unit's for a leaf (DOMAIN.md §6): a measured leaf's is its source's
 * (the unit cannot answer it); otherwise its own answer, unless that answer was carried over and never
 * confirmed. Null when nothing counts.
 */
export function countedValue(stored: ScoredSubmission, code: string): unknown {
  const measured = stored.measured?.get(code);
  if (measured) return measured.value;
  const answer = stored.answers.get(code);
  return answer && !answer.carried ? (answer.value ?? null) : null;
}

/** Every leaf's counted value (countedValue), the leaves with none left out: what scoring reads. */
export function countedAnswers(stored: ScoredSubmission): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  for (const code of new Set([...stored.answers.keys(), ...(stored.measured?.keys() ?? [])])) {
    const value = countedValue(stored, code);
    if (value !== null && value !== undefined) answers[code] = value;
  }
  return answers;
}
