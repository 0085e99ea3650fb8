import type { Issue } from "./model/issues.ts";

/**
 * Refusals the domain can raise. Each kind maps to one HTTP status at the edge (functions/http); the
 * domain itself knows only the kind, a kebab-case code and a human message.
 */
export type RefusalKind =
  | "bad-request"
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "conflict"
  | "precondition-failed"
  | "unprocessable"
  | "too-large"
  | "unsupported-type";

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    readonly code: string,
    message: string,
    readonly details: Issue[] = [],
  ) {
    super(message);
    this.name = "Refusal";
  }
}

export const notFound = (what: string) => new Refusal("not-found", "not-found", `${what} not found`);
export const forbidden = (message: string) => new Refusal("forbidden", "forbidden", message);
export const conflict = (code: string, message: string) => new Refusal("conflict", code, message);
export const unprocessable = (code: string, message: string, details: Issue[] = []) =>
  new Refusal("unprocessable", code, message, details);

/** Control characters, bidi overrides/isolates and zero-width characters: never echoed back. */
const UNSAFE_ECHO = /[\p{Cc}\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

/**
 * A short, sanitised excerpt of user input for a message: invisible and control characters shown as
 * "?", cut to `max` characters with "…". Messages quote input only through this.
 */
export function excerpt(input: unknown, max = 40): string {
  const text = String(input).replace(UNSAFE_ECHO, "?");
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
