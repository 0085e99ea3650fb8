import { routePaths } from "../../../shared/api/paths.ts";
import { idToken } from "../auth/cognito.ts";
import { setSession } from "../auth/session.ts";
import { t } from "../i18n/index.ts";
import { apiErrorText } from "./errorMessages.ts";

/**
 * The API client: JSON with `Authorization: Bearer <IdToken>`, the token refreshed before it expires
 * and once more on a 401. Errors carry API.md's {code, message, details}.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** The server's own text (English): shown only for a code the web does not know. */
    readonly serverMessage: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(serverMessage);
    // `message` is read in the language chosen when it is shown (errorMessages.ts).
    Object.defineProperty(this, "message", { get: () => apiErrorText(status, code, serverMessage) });
  }
}

export interface Reply<T> {
  data: T;
  headers: Headers;
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply<T>> {
  for (let attempt = 0; ; attempt++) {
    const token = await idToken(attempt > 0);
    if (!token) {
      setSession(null);
      throw new ApiError(401, "unauthenticated", t("error.signedOut"));
    }
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, "network", t("error.network"));
    }
    if (response.status === 401 && attempt === 0) continue;
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok) {
      const error = (
        data as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | undefined
      )?.error;
      if (response.status === 401) setSession(null);
      throw new ApiError(
        response.status,
        error?.code ?? `http-${response.status}`,
        error?.message ?? response.statusText,
        error?.details ?? [],
      );
    }
    return { data: data as T, headers: response.headers };
  }
}

export const get = async <T>(path: string) => (await call<T>("GET", path)).data;
export const post = async <T>(path: string, body?: unknown) => (await call<T>("POST", path, body ?? {})).data;
export const put = async <T>(path: string, body: unknown) => (await call<T>("PUT", path, body)).data;
export const patch = async <T>(path: string, body: unknown, headers?: Record<string, string>) =>
  (await call<T>("PATCH", path, body, headers)).data;
export const del = async <T>(path: string) => (await call<T>("DELETE", path)).data;

/** Every page of a list route. */
export async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const join = path.includes("?") ? "&" : "?";
  do {
    const page: { items: T[]; nextCursor: string | null } = await get(
      `${path}${join}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A query string of the filters that have a value ("" when none has). */
export const queryOf = (filters: Record<string, string | undefined>): string => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `?${text}` : "";
};

/** A readable message for an error, in the current language: an API error by its code (errorMessages.ts). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The routes the screens call, each built by `pathFor` from the route table (shared/api/paths.ts). */
export const paths = {
  ...routePaths,
  /** One evidence item (relink, remove). */
  evidenceItem: (periodId: string, unitId: string, evidenceId: string) =>
    routePaths.evidence(periodId, unitId, evidenceId),
};
