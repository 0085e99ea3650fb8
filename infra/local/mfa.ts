import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { newTotpSecret, verifyTotp } from "./totp.ts";

/**
 * A stand-in for Cognito's TOTP MFA at the gateway's /auth/, used only when the stack is started with
 * `mfaFor` (cognito-local has no MFA): a password sign-in of a member of those groups is answered with
 * the challenge Cognito would send, MFA_SETUP the first time (AssociateSoftwareToken and
 * VerifySoftwareToken with the challenge's Session), SOFTWARE_TOKEN_MFA after; the tokens
 * cognito-local issued are handed over only after a valid RFC 6238 code. Secrets are kept per user in
 * `<dataDir>/mfa/totp.json`. The other users, refreshes and any other challenge pass through.
 */
export interface AuthReply {
  status: number;
  body: unknown;
}

interface Pending {
  username: string;
  challenge: "MFA_SETUP" | "SOFTWARE_TOKEN_MFA";
  tokens: unknown;
  expiresAt: number;
  attempts: number;
  /** MFA_SETUP: the secret handed out by AssociateSoftwareToken, and whether a code verified it. */
  secret?: string;
  verified?: boolean;
}

const SESSION_PREFIX = "chiso-local-mfa.";
/** Cognito's sessions last 3 minutes. */
const SESSION_MS = 3 * 60_000;
const MAX_ATTEMPTS = 5;
const PREFIX = "AWSCognitoIdentityProviderService.";
export const MFA_TARGETS = ["AssociateSoftwareToken", "VerifySoftwareToken"].map((name) => PREFIX + name);

const error = (type: string, message: string, status = 400): AuthReply => ({
  status,
  body: { __type: type, message },
});
const expired = () => error("NotAuthorizedException", "Invalid session for the user, session is expired.");
const mismatch = () => error("CodeMismatchException", "Invalid code received for user");

export class LocalTotp {
  private readonly sessions = new Map<string, Pending>();
  private readonly file: string;
  private secrets: Promise<Record<string, string>> | undefined;

  constructor(
    dataDir: string,
    private readonly groups: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dataDir, "mfa", "totp.json");
  }

  /**
   * The reply to a sign-in request when it is this stand-in's to answer, else undefined (the gateway
   * passes it on). `upstream` is cognito-local.
   */
  async handle(
    target: string,
    input: Record<string, unknown>,
    upstream: () => Promise<AuthReply>,
  ): Promise<AuthReply | undefined> {
    const operation = target.slice(PREFIX.length);
    const session = typeof input.Session === "string" ? input.Session : undefined;
    if (operation === "InitiateAuth" && input.AuthFlow === "USER_PASSWORD_AUTH")
      return this.initiate(upstream);
    if (operation === "RespondToAuthChallenge" && !session?.startsWith(SESSION_PREFIX)) return undefined;
    if (operation === "AssociateSoftwareToken" || operation === "VerifySoftwareToken") {
      if (!session)
        return error("NotAuthorizedException", "only the MFA_SETUP challenge's Session is served here");
    }
    if (!session) return undefined;
    const pending = this.pending(session);
    if (!pending) return expired();
    if (operation === "AssociateSoftwareToken") {
      if (pending.challenge !== "MFA_SETUP") return expired();
      pending.secret = newTotpSecret();
      pending.verified = false;
      return { status: 200, body: { SecretCode: pending.secret, Session: session } };
    }
    if (operation === "VerifySoftwareToken") {
      if (pending.challenge !== "MFA_SETUP" || !pending.secret)
        return error("InvalidParameterException", "call AssociateSoftwareToken first");
      if (!this.check(pending, pending.secret, String(input.UserCode ?? ""), session))
        return error("EnableSoftwareTokenMFAException", "Code mismatch");
      pending.verified = true;
      await this.saveSecret(pending.username, pending.secret);
      return { status: 200, body: { Status: "SUCCESS", Session: session } };
    }
    if (operation === "RespondToAuthChallenge") {
      const responses = (input.ChallengeResponses ?? {}) as Record<string, unknown>;
      if (input.ChallengeName !== pending.challenge)
        return error("InvalidParameterException", `expected the ${pending.challenge} challenge`);
      if (responses.USERNAME !== pending.username)
        return error("NotAuthorizedException", "the challenge's USERNAME does not match");
      if (pending.challenge === "MFA_SETUP") {
        if (!pending.verified)
          return error("InvalidParameterException", "the software token is not verified");
      } else {
        const secret = (await this.loadSecrets())[pending.username];
        if (!secret || !this.check(pending, secret, String(responses.SOFTWARE_TOKEN_MFA_CODE ?? ""), session))
          return mismatch();
      }
      this.sessions.delete(session);
      return { status: 200, body: pending.tokens };
    }
    return undefined;
  }

  private async initiate(upstream: () => Promise<AuthReply>): Promise<AuthReply> {
    const reply = await upstream();
    const result = (reply.body as { AuthenticationResult?: { IdToken?: string } } | undefined)
      ?.AuthenticationResult;
    if (reply.status !== 200 || !result?.IdToken) return reply;
    const claims = decodeJwt(result.IdToken);
    const groups = Array.isArray(claims["cognito:groups"]) ? (claims["cognito:groups"] as string[]) : [];
    if (!groups.some((g) => this.groups.includes(g))) return reply;
    const username = String(claims["cognito:username"] ?? "");
    const enrolled = !!(await this.loadSecrets())[username];
    const challenge = enrolled ? "SOFTWARE_TOKEN_MFA" : "MFA_SETUP";
    const session = SESSION_PREFIX + randomBytes(24).toString("base64url");
    this.sweep();
    this.sessions.set(session, {
      username,
      challenge,
      tokens: reply.body,
      expiresAt: this.now() + SESSION_MS,
      attempts: 0,
    });
    return {
      status: 200,
      body: {
        ChallengeName: challenge,
        Session: session,
        ChallengeParameters: {
          USER_ID_FOR_SRP: username,
          ...(enrolled ? {} : { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' }),
        },
      },
    };
  }

  /** A code against a secret; too many wrong codes end the session. */
  private check(pending: Pending, secret: string, code: string, session: string): boolean {
    if (verifyTotp(secret, code, this.now())) return true;
    pending.attempts += 1;
    if (pending.attempts >= MAX_ATTEMPTS) this.sessions.delete(session);
    return false;
  }

  private pending(session: string): Pending | undefined {
    const pending = this.sessions.get(session);
    if (pending && pending.expiresAt > this.now()) return pending;
    this.sessions.delete(session);
    return undefined;
  }

  private sweep(): void {
    for (const [key, pending] of this.sessions)
      if (pending.expiresAt <= this.now()) this.sessions.delete(key);
  }

  private loadSecrets(): Promise<Record<string, string>> {
    this.secrets ??= readFile(this.file, "utf8")
      .then((text) => JSON.parse(text) as Record<string, string>)
      .catch(() => ({}));
    return this.secrets;
  }

  private async saveSecret(username: string, secret: string): Promise<void> {
    const secrets = { ...(await this.loadSecrets()), [username]: secret };
    this.secrets = Promise.resolve(secrets);
    await mkdir(join(this.file, ".."), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

function decodeJwt(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return {};
  }
}
