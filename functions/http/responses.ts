import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { excerpt, type Refusal, type RefusalKind } from "../../shared/errors.ts";

const STATUS: Record<RefusalKind, number> = {
  "bad-request": 400,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "precondition-failed": 412,
  "too-large": 413,
  "unsupported-type": 415,
  unprocessable: 422,
};

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** At most this many problems are listed in `details`; `more` counts the rest (docs/API.md, "Errors"). */
export const MAX_DETAILS = 100;
const MAX_MESSAGE = 500;
const MAX_DETAIL_TEXT = 200;

/**
 * The error shape of API.md: {"error": {"code", "message", "details": [{"path", "message"}]}}, with
 * `"more": n` when more than MAX_DETAILS problems were found. Messages and paths are cut short and
 * sanitised, whatever input they quote.
 */
export function errorResponse(
  refusal: Refusal,
  status = STATUS[refusal.kind],
): APIGatewayProxyStructuredResultV2 {
  const all = refusal.details;
  const details = all.slice(0, MAX_DETAILS).map((d) => ({
    path: excerpt(d.path, MAX_DETAIL_TEXT),
    message: excerpt(d.message, MAX_DETAIL_TEXT),
  }));
  const more = all.length - details.length;
  return jsonResponse(status, {
    error: {
      code: refusal.code,
      message: excerpt(refusal.message, MAX_MESSAGE),
      details,
      ...(more > 0 ? { more } : {}),
    },
  });
}
