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
