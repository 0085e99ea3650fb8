import type { z } from "zod";

/** One problem found in input: where it is (dot-joined path) and what is wrong. */
export interface Issue {
  path: string;
  message: string;
}

/** Thrown when input is refused; carries every problem found, never just the first. */
export class ValidationError extends Error {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super(
      issues.length > 0
        ? `${message}:\n${issues.map((i) => `  ${i.path || "(root)"}: ${i.message}`).join("\n")}`
        : message,
    );
    this.name = "ValidationError";
    this.issues = issues;
  }
}

export type PathSegment = string | number;

export function joinPath(segments: readonly PathSegment[]): string {
  return segments.map(String).join(".");
}

/** A successful value or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

type ZodIssueLike = z.core.$ZodIssue & { input?: unknown };

/**
 * Flattens zod issues into path + message pairs. A failed union of the framework's node shapes is
 * resolved to the branch the input meant (an object with `children` is an inner node, anything else a
 * leaf), so the user reads "maxPoints: expected number" rather than "invalid input".
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PathSegment[] = [],
): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues as readonly ZodIssueLike[]) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const input = issue.input;
      const meantInner = typeof input === "object" && input !== null && "children" in input;
      const branch = issue.errors.length === 2 ? issue.errors[meantInner ? 1 : 0] : issue.errors[0];
      if (branch && branch.length > 0) {
        out.push(...fromZodIssues(branch, path));
        continue;
      }
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ path: joinPath([...path, key]), message: "unknown field" });
      continue;
    }
    out.push({ path: joinPath(path), message: issue.message });
  }
  return out;
}
