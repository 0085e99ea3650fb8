import { type Actor, ROLES, type Role } from "../../shared/access/roles.ts";

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * The caller from the JWT authorizer's claims. API Gateway passes a list claim such as
 * cognito:groups as a string ("[admin reviewer]"); a list is accepted too.
 */
export function actorFromClaims(claims: Claims | undefined): Actor | undefined {
  if (!claims) return undefined;
  const username = String(claims["cognito:username"] ?? claims.username ?? claims.sub ?? "");
  if (!username) return undefined;
  const unitId = claims["custom:unitId"];
  return {
    username,
    roles: groupsOf(claims["cognito:groups"]).filter((g): g is Role =>
      (ROLES as readonly string[]).includes(g),
    ),
    ...(typeof unitId === "string" && unitId ? { unitId } : {}),
  };
}

function groupsOf(value: Claims[string]): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith('["')) {
    try {
      return JSON.parse(text) as string[];
    } catch {
      // not JSON: fall through to the bracketed list
    }
  }
  return text
    .replace(/^\[|\]$/g, "")
    .split(/[\s,]+/)
    .filter(Boolean);
}
