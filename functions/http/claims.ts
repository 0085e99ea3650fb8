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
  const scope = {
    ...listClaim(claims["custom:scopeGroups"], "groups"),
    ...listClaim(claims["custom:scopeNodes"], "nodes"),
  };
  return {
    username,
    roles: groupsOf(claims["cognito:groups"]).filter((g): g is Role =>
      (ROLES as readonly string[]).includes(g),
    ),
    ...(typeof unitId === "string" && unitId ? { unitId } : {}),
    ...(Object.keys(scope).length > 0 ? { scope } : {}),
  };
}

/** A comma-separated list attribute ("department,district") as a scope entry; absent or empty: none. */
function listClaim(value: Claims[string], key: "groups" | "nodes"): Record<string, string[]> {
  const items =
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  return items.length > 0 ? { [key]: items } : {};
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
