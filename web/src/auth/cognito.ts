import { getSession, type Session, sessionFromTokens, setSession } from "./session.ts";

/**
 * Sign-in against Amazon Cognito (locally the emulator) with plain fetch: InitiateAuth with
 * USER_PASSWORD_AUTH, and REFRESH_TOKEN_AUTH before the IdToken expires. The endpoint and client come
 * from /config.json.
 */
interface AuthConfig {
  region: string;
  userPoolId: string;
  clientId: string;
  endpoint?: string;
}

let config: Promise<AuthConfig> | undefined;

function authConfig(): Promise<AuthConfig> {
  config ??= fetch("/config.json")
    .then((r) => {
      if (!r.ok) throw new AuthError("config", `config.json ${r.status}`);
      return r.json() as Promise<{ auth: AuthConfig }>;
    })
    .then((c) => c.auth);
  config.catch(() => {
    config = undefined;
  });
  return config;
}

/** Why a sign-in failed: "credentials", "challenge" (e.g. a new password is required), "network", … */
export class AuthError extends Error {
  constructor(
    readonly kind: "credentials" | "challenge" | "network" | "config" | "other",
    message: string,
  ) {
    super(message);
  }
}

interface AuthResult {
  AuthenticationResult?: { IdToken?: string; RefreshToken?: string; ExpiresIn?: number };
  ChallengeName?: string;
  __type?: string;
  message?: string;
}

async function initiateAuth(flow: string, parameters: Record<string, string>): Promise<AuthResult> {
  const auth = await authConfig();
  const endpoint = auth.endpoint ?? `https://cognito-idp.${auth.region}.amazonaws.com`;
  let response: Response;
  try {
    response = await fetch(`${endpoint.replace(/\/$/, "")}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({ AuthFlow: flow, ClientId: auth.clientId, AuthParameters: parameters }),
    });
  } catch (error) {
    throw new AuthError("network", (error as Error).message);
  }
  const body = (await response.json().catch(() => ({}))) as AuthResult;
  if (!response.ok) {
    const type = (body.__type ?? "").split("#").pop() ?? "";
    if (
      /NotAuthorized|UserNotFound|InvalidPassword|InvalidParameter|PasswordResetRequired|UserNotConfirmed/.test(
        type,
      )
    )
      throw new AuthError("credentials", body.message ?? type);
    throw new AuthError("other", body.message ?? `${response.status}`);
  }
  return body;
}

export async function signIn(username: string, password: string): Promise<Session> {
  const result = await initiateAuth("USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password });
  if (result.ChallengeName) throw new AuthError("challenge", result.ChallengeName);
  const tokens = result.AuthenticationResult;
  if (!tokens?.IdToken) throw new AuthError("other", "no token");
  const session = sessionFromTokens(tokens.IdToken, tokens.RefreshToken);
  setSession(session);
  return session;
}

let refreshing: Promise<Session | null> | undefined;

/** A fresh IdToken: refreshed when it expires within a minute (one refresh at a time). */
export async function idToken(force = false): Promise<string | null> {
  const session = getSession();
  if (!session) return null;
  if (!force && session.expiresAt - Date.now() > 60_000) return session.idToken;
  refreshing ??= refresh(session).finally(() => {
    refreshing = undefined;
  });
  return (await refreshing)?.idToken ?? null;
}

async function refresh(session: Session): Promise<Session | null> {
  if (!session.refreshToken) {
    setSession(null);
    return null;
  }
  try {
    const result = await initiateAuth("REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: session.refreshToken });
    const id = result.AuthenticationResult?.IdToken;
    if (!id) throw new AuthError("other", "no token");
    const next = sessionFromTokens(id, result.AuthenticationResult?.RefreshToken ?? session.refreshToken);
    setSession(next);
    return next;
  } catch (error) {
    if (error instanceof AuthError && error.kind === "network") return session; // try again later
    setSession(null);
    return null;
  }
}
