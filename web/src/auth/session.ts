import { useEffect, useState } from "preact/hooks";

/**
 * The signed-in user, kept in localStorage so that every tab (an evidence file opened in a new tab)
 * shares it. Roles are the IdToken's cognito:groups; a unit user's unit is custom:unitId.
 */
export type Role = "admin" | "reviewer" | "unit-editor" | "unit-approver";

export interface Session {
  username: string;
  roles: Role[];
  unitId?: string;
  idToken: string;
  refreshToken?: string;
  /** Cognito's access token (the user's own operations, e.g. TOTP settings). */
  accessToken?: string;
  /** When the IdToken expires (ms since epoch). */
  expiresAt: number;
}

const KEY = "chiso.session";
const listeners = new Set<() => void>();
let cached: Session | null | undefined;

function decodePart(part: string): Record<string, unknown> {
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** Builds the session from Cognito's AuthenticationResult (refresh keeps the old refresh token). */
export function sessionFromTokens(
  idToken: string,
  refreshToken: string | undefined,
  accessToken?: string,
): Session {
  const claims = decodePart(idToken.split(".")[1] ?? "");
  const groups = Array.isArray(claims["cognito:groups"]) ? (claims["cognito:groups"] as Role[]) : [];
  const unitId =
    typeof claims["custom:unitId"] === "string" ? (claims["custom:unitId"] as string) : undefined;
  return {
    username: String(claims["cognito:username"] ?? claims.username ?? claims.sub ?? ""),
    roles: groups,
    ...(unitId ? { unitId } : {}),
    idToken,
    ...(refreshToken ? { refreshToken } : {}),
    ...(accessToken ? { accessToken } : {}),
    expiresAt: typeof claims.exp === "number" ? claims.exp * 1000 : Date.now() + 3600_000,
  };
}

export function getSession(): Session | null {
  if (cached === undefined) {
    try {
      const text = localStorage.getItem(KEY);
      cached = text ? (JSON.parse(text) as Session) : null;
    } catch {
      cached = null;
    }
  }
  return cached;
}

export function setSession(session: Session | null): void {
  cached = session;
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // storage unavailable: the session lives in memory only
  }
  for (const listener of listeners) listener();
}

export const signOut = () => setSession(null);

export const hasRole = (session: Session | null, ...roles: Role[]) =>
  !!session && roles.some((r) => session.roles.includes(r));

export function useSession(): Session | null {
  const [session, setState] = useState(getSession);
  useEffect(() => {
    const update = () => setState(getSession());
    const storage = (event: StorageEvent) => {
      if (event.key !== KEY) return;
      cached = undefined;
      update();
    };
    listeners.add(update);
    window.addEventListener("storage", storage);
    return () => {
      listeners.delete(update);
      window.removeEventListener("storage", storage);
    };
  }, []);
  return session;
}
