import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { Refusal, RefusalKind } from "../../shared/errors.ts";

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

/** The error shape of API.md: {"error": {"code", "message", "details": [{"path", "message"}]}}. */
export function errorResponse(
  refusal: Refusal,
  status = STATUS[refusal.kind],
): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(status, {
    error: { code: refusal.code, message: refusal.message, details: refusal.details },
  });
}
