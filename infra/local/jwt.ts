import { createRemoteJWKSet, type JWTPayload, jwtVerify } from "jose";

export interface IdTokenVerifierOptions {
  /** The user pool's issuer URL: `iss` must equal it. */
  issuer: string;
  /** The app client id: `aud` must contain it. */
  audience: string | string[];
  jwksUri: string;
  /** Seconds of clock skew allowed on exp / nbf / iat; API Gateway allows none documented. */
  clockToleranceSec?: number;
}

/** The claims the API reads from a Cognito IdToken (every other claim is kept as well). */
export interface IdTokenClaims extends JWTPayload {
  sub: string;
  token_use: "id";
  "cognito:username"?: string;
  "cognito:groups"?: string[];
  "custom:unitId"?: string;
}

export type VerifyIdToken = (token: string) => Promise<IdTokenClaims>;

/**
 * Verifies a Cognito IdToken the way API Gateway's JWT authorizer does: RS256 signature by a key
 * of the pool's JWKS (fetched once, refetched for an unknown `kid`), issuer, audience, expiry;
 * and, as the API takes only IdTokens, `token_use === "id"`. Throws on any failure.
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions): VerifyIdToken {
  const keys = createRemoteJWKSet(new URL(options.jwksUri));
  const tolerance = options.clockToleranceSec ?? 0;
  // A token that verified once verifies again until it expires (same bytes, same key, same claims):
  // each user sends one token with every request, and an RS256 check through WebCrypto costs ~0.2 ms.
  const verified = new Map<string, IdTokenClaims>();
  return async (token) => {
    const known = verified.get(token);
    if (known?.exp !== undefined && known.exp > Date.now() / 1000 - tolerance) return known;
    if (known) verified.delete(token);
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: tolerance,
      requiredClaims: ["exp", "iat", "sub", "token_use"],
    });
    if (payload.token_use !== "id") throw new Error(`token_use is "${String(payload.token_use)}", not "id"`);
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
    verified.set(token, payload as IdTokenClaims);
    return payload as IdTokenClaims;
  };
}

/** Verified tokens kept (the oldest dropped first): about 1 KB each. */
const MAX_VERIFIED_TOKENS = 10_000;
