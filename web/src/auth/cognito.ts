import { getSession, type Session, sessionFromTokens, setSession } from "./session.ts";

/**
 * Sign-in against Amazon Cognito (locally the emulator) with plain fetch: InitiateAuth with
 * USER_PASSWORD_AUTH, the TOTP challenges and enrolment of staff, and REFRESH_TOKEN_AUTH before the
 * IdToken expires. The endpoint and client come from /config.json.
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

/**
 * Why a sign-in failed: "credentials", "challenge" (e.g. a new password is required), "code" (a wrong
 * TOTP code), "expired" (the challenge's session ended), "network", …
 */
export class AuthError extends Error {
  constructor(
    readonly kind: "credentials" | "challenge" | "code" | "expired" | "network" | "config" | "other",
    message: string,
  ) {
    super(message);
  }
}

interface Tokens {
  IdToken?: string;
  AccessToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

interface AuthResult {
  AuthenticationResult?: Tokens;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  SecretCode?: string;
  Status?: string;
  __type?: string;
  message?: string;
}

/** One Cognito operation (JSON 1.1) against the configured endpoint. */
async function call(operation: string, input: Record<string, unknown>): Promise<AuthResult> {
  const auth = await authConfig();
  const endpoint = auth.endpoint ?? `https://cognito-idp.${auth.region}.amazonaws.com`;
  let response: Response;
  try {
    response = await fetch(`${endpoint.replace(/\/$/, "")}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(input),
    });
  } catch (error) {
    throw new AuthError("network", (error as Error).message);
  }
  const body = (await response.json().catch(() => ({}))) as AuthResult;
  if (!response.ok) {
    const type = (body.__type ?? "").split("#").pop() ?? "";
    // A wrong or reused TOTP code.
    if (/CodeMismatch|EnableSoftwareTokenMFA|ExpiredCode/.test(type))
      throw new AuthError("code", body.message ?? type);
    // The challenge's Session is single-use and lasts 3 minutes.
    if (/NotAuthorized/.test(type) && "Session" in input)
      throw new AuthError("expired", body.message ?? type);
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

async function initiateAuth(flow: string, parameters: Record<string, string>): Promise<AuthResult> {
  const auth = await authConfig();
  return call("InitiateAuth", { AuthFlow: flow, ClientId: auth.clientId, AuthParameters: parameters });
}

/**
 * Where a sign-in stands. Staff (admin, reviewer) sign in with TOTP in the cloud
 * (infra/cdk/triggers/staff-mfa.ts): "code" asks for the authenticator's code; "setup" shows a new
 * secret to add to an authenticator app, then asks for its first code.
 */
export type SignInStep =
  | { kind: "done"; session: Session }
  | { kind: "code"; username: string; challengeSession: string }
  | {
      kind: "setup";
      username: string;
      secret: string;
      /** otpauth://totp/chiso:<user>?secret=…&issuer=chiso, for an authenticator app. */
      uri: string;
      /** MFA_SETUP challenge (its Session), or a token without the staff roles (its AccessToken). */
      via: { challengeSession: string } | { accessToken: string };
    };

export const otpauthUri = (username: string, secret: string) =>
  `otpauth://totp/chiso:${encodeURIComponent(username)}?secret=${encodeURIComponent(secret)}&issuer=chiso`;

function decodeClaims(token: string): Record<string, unknown> {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "="));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return {};
  }
}

type SetupStep = Extract<SignInStep, { kind: "setup" }>;

/** Enrolment of an authenticator: a new secret for `username`, by the challenge's session or a token. */
async function setupStep(
  username: string,
  by: { Session: string } | { AccessToken: string },
): Promise<SetupStep> {
  const associated = await call("AssociateSoftwareToken", by);
  const secret = associated.SecretCode;
  // The challenge goes on with the session AssociateSoftwareToken answers; a token stays the same.
  const via =
    "AccessToken" in by
      ? { accessToken: by.AccessToken }
      : associated.Session
        ? { challengeSession: associated.Session }
        : undefined;
  if (!secret || !via) throw new AuthError("other", "no secret");
  return { kind: "setup", username, secret, uri: otpauthUri(username, secret), via };
}

/** What InitiateAuth or RespondToAuthChallenge answered, as the next step. */
async function next(result: AuthResult, username: string): Promise<SignInStep> {
  const user = result.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
  if (result.ChallengeName === "SOFTWARE_TOKEN_MFA" && result.Session)
    return { kind: "code", username: user, challengeSession: result.Session };
  if (result.ChallengeName === "MFA_SETUP" && result.Session)
    return setupStep(user, { Session: result.Session });
  if (result.ChallengeName) throw new AuthError("challenge", result.ChallengeName);
  const tokens = result.AuthenticationResult;
  if (!tokens?.IdToken) throw new AuthError("other", "no token");
  const claims = decodeClaims(tokens.IdToken);
  // A staff member without TOTP: the token has none of the staff roles; enrol with it, then sign in again.
  if (claims.chiso_mfa === "setup-required" && tokens.AccessToken)
    return setupStep(String(claims["cognito:username"] ?? user), { AccessToken: tokens.AccessToken });
  const session = sessionFromTokens(tokens.IdToken, tokens.RefreshToken, tokens.AccessToken);
  setSession(session);
  return { kind: "done", session };
}

export async function signIn(username: string, password: string): Promise<SignInStep> {
  const result = await initiateAuth("USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password });
  return next(result, username);
}

/** Answers the SOFTWARE_TOKEN_MFA challenge with the authenticator's code. */
export async function answerCode(step: SignInStep & { kind: "code" }, code: string): Promise<SignInStep> {
  const auth = await authConfig();
  const result = await call("RespondToAuthChallenge", {
    ChallengeName: "SOFTWARE_TOKEN_MFA",
    ClientId: auth.clientId,
    Session: step.challengeSession,
    ChallengeResponses: { USERNAME: step.username, SOFTWARE_TOKEN_MFA_CODE: code },
  });
  return next(result, step.username);
}

/**
 * Finishes enrolment with the first code: with a challenge Session, verifies and answers MFA_SETUP
 * (signed in); with an access token, verifies, turns TOTP on and preferred, and answers "again": the
 * caller signs in again (and is then asked for a code).
 */
export async function completeSetup(
  step: SignInStep & { kind: "setup" },
  code: string,
): Promise<SignInStep | "again"> {
  if ("accessToken" in step.via) {
    const { accessToken } = step.via;
    await call("VerifySoftwareToken", {
      AccessToken: accessToken,
      UserCode: code,
      FriendlyDeviceName: "chiso",
    });
    await call("SetUserMFAPreference", {
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    return "again";
  }
  const verified = await call("VerifySoftwareToken", {
    Session: step.via.challengeSession,
    UserCode: code,
    FriendlyDeviceName: "chiso",
  });
  if (verified.Status !== "SUCCESS") throw new AuthError("code", verified.Status ?? "ERROR");
  const auth = await authConfig();
  const result = await call("RespondToAuthChallenge", {
    ChallengeName: "MFA_SETUP",
    ClientId: auth.clientId,
    Session: verified.Session ?? step.via.challengeSession,
    ChallengeResponses: { USERNAME: step.username },
  });
  return next(result, step.username);
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
    const fresh = sessionFromTokens(
      id,
      result.AuthenticationResult?.RefreshToken ?? session.refreshToken,
      result.AuthenticationResult?.AccessToken,
    );
    setSession(fresh);
    return fresh;
  } catch (error) {
    if (error instanceof AuthError && error.kind === "network") return session; // try again later
    setSession(null);
    return null;
  }
}
