import { totp } from "../../infra/local/totp.ts";
import { callCognito } from "../support/sign-in.ts";
import { SmokeError } from "./http.ts";

/**
 * Signing in as the web app does (web/src/auth/cognito.ts): InitiateAuth USER_PASSWORD_AUTH at the
 * endpoint /config.json names; staff answer the SOFTWARE_TOKEN_MFA challenge with a TOTP code; a
 * staff user without TOTP (ID token claim chiso_mfa = "setup-required") enrols an authenticator first.
 */

/**
 * Waits until the next 30-second TOTP step: Cognito refuses a code used once already, so the code that
 * verified a new authenticator cannot also answer the sign-in challenge.
 */
async function nextTimeStep(): Promise<void> {
  const stepMs = 30_000;
  await new Promise((done) => setTimeout(done, stepMs - (Date.now() % stepMs) + 200));
}

export interface SignInSettings {
  region: string;
  userPoolId: string;
  clientId: string;
  /** Absent in AWS when the web app calls Cognito's regional endpoint. */
  endpoint?: string;
}

interface CognitoResult {
  AuthenticationResult?: { IdToken?: string; AccessToken?: string };
  ChallengeName?: string;
  Session?: string;
  SecretCode?: string;
  Status?: string;
  __type?: string;
  message?: string;
}

export interface Credentials {
  username: string;
  password: string;
  /** The base32 TOTP secret of a staff user who has an authenticator. */
  totpSecret?: string;
}

/** A signed-in user: the IdToken for the API, and the TOTP secret when the smoke enrolled one. */
export interface SignedIn {
  idToken: string;
  totpSecret?: string;
}

/** The sign-in settings of `<base>/config.json`. */
export async function signInSettings(baseUrl: string): Promise<SignInSettings> {
  const response = await fetch(`${baseUrl}/config.json`);
  const config = (await response.json().catch(() => ({}))) as { auth?: SignInSettings };
  if (!response.ok || !config.auth?.clientId)
    throw new SmokeError(`GET /config.json: no sign-in settings`, response.status);
  return config.auth;
}

async function cognito(settings: SignInSettings, action: string, body: unknown): Promise<CognitoResult> {
  const endpoint = (settings.endpoint ?? `https://cognito-idp.${settings.region}.amazonaws.com`).replace(
    /\/$/,
    "",
  );
  const response = await callCognito(endpoint, action, body);
  const result = (await response.json().catch(() => ({}))) as CognitoResult;
  if (!response.ok) {
    const code = (result.__type ?? "").split("#").pop() || undefined;
    throw new SmokeError(`Cognito ${action}: ${result.message ?? "refused"}`, response.status, code);
  }
  return result;
}

function claimsOf(idToken: string): Record<string, unknown> {
  const payload = idToken.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}

/** Answers the TOTP challenge with the secret's current code. */
async function answerChallenge(
  settings: SignInSettings,
  user: Credentials,
  session: string,
): Promise<CognitoResult> {
  if (!user.totpSecret)
    throw new SmokeError(
      `${user.username} signs in with TOTP: pass --totp-secret (or SMOKE_ADMIN_TOTP_SECRET)`,
    );
  return cognito(settings, "RespondToAuthChallenge", {
    ChallengeName: "SOFTWARE_TOKEN_MFA",
    ClientId: settings.clientId,
    Session: session,
    ChallengeResponses: { USERNAME: user.username, SOFTWARE_TOKEN_MFA_CODE: totp(user.totpSecret) },
  });
}

/** Signs `user` in; `enrol` lets a staff user without TOTP add one (a user the smoke created). */
export async function signIn(settings: SignInSettings, user: Credentials, enrol = false): Promise<SignedIn> {
  let result = await cognito(settings, "InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: settings.clientId,
    AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
  });
  if (result.ChallengeName === "SOFTWARE_TOKEN_MFA" && result.Session)
    result = await answerChallenge(settings, user, result.Session);
  let enrolled: string | undefined;
  if (result.ChallengeName === "MFA_SETUP" && result.Session && enrol)
    ({ result, secret: enrolled } = await answerSetup(settings, user.username, result.Session));
  if (result.ChallengeName)
    throw new SmokeError(`sign-in of ${user.username}: challenge ${result.ChallengeName}`);
  const tokens = result.AuthenticationResult;
  if (!tokens?.IdToken) throw new SmokeError(`sign-in of ${user.username}: no token`);
  if (claimsOf(tokens.IdToken).chiso_mfa !== "setup-required") {
    const totpSecret = enrolled ?? user.totpSecret;
    return { idToken: tokens.IdToken, ...(totpSecret ? { totpSecret } : {}) };
  }
  if (!enrol || !tokens.AccessToken)
    throw new SmokeError(`${user.username} has no TOTP yet: enrol an authenticator in the web app first`);
  const totpSecret = await enrolAuthenticator(settings, tokens.AccessToken);
  // The code that verified the authenticator cannot be used again: sign in on the next one.
  await nextTimeStep();
  return signIn(settings, { ...user, totpSecret });
}

/** The MFA_SETUP challenge (a pool that requires MFA): enrol with the challenge's Session, then answer it. */
async function answerSetup(settings: SignInSettings, username: string, session: string) {
  const associated = await cognito(settings, "AssociateSoftwareToken", { Session: session });
  const secret = associated.SecretCode;
  if (!secret) throw new SmokeError("Cognito AssociateSoftwareToken: no secret");
  const verified = await cognito(settings, "VerifySoftwareToken", {
    Session: associated.Session ?? session,
    UserCode: totp(secret),
    FriendlyDeviceName: "chiso-smoke",
  });
  if (verified.Status !== "SUCCESS") throw new SmokeError(`Cognito VerifySoftwareToken: ${verified.Status}`);
  const result = await cognito(settings, "RespondToAuthChallenge", {
    ChallengeName: "MFA_SETUP",
    ClientId: settings.clientId,
    Session: verified.Session ?? associated.Session ?? session,
    ChallengeResponses: { USERNAME: username },
  });
  return { result, secret };
}

/** AssociateSoftwareToken, VerifySoftwareToken, TOTP on and preferred; returns the new secret. */
async function enrolAuthenticator(settings: SignInSettings, accessToken: string): Promise<string> {
  const associated = await cognito(settings, "AssociateSoftwareToken", { AccessToken: accessToken });
  const secret = associated.SecretCode;
  if (!secret) throw new SmokeError("Cognito AssociateSoftwareToken: no secret");
  const verified = await cognito(settings, "VerifySoftwareToken", {
    AccessToken: accessToken,
    UserCode: totp(secret),
    FriendlyDeviceName: "chiso-smoke",
  });
  if (verified.Status !== "SUCCESS") throw new SmokeError(`Cognito VerifySoftwareToken: ${verified.Status}`);
  await cognito(settings, "SetUserMFAPreference", {
    AccessToken: accessToken,
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  return secret;
}
