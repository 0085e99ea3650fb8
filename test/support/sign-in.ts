/**
 * Signing in as the web app does: Cognito's InitiateAuth (USER_PASSWORD_AUTH) at the endpoint and app
 * client that GET /config.json names. One helper for the integration harness, the e2e set-up and the
 * benchmarks, so the wire format of a sign-in is written once.
 */

/** The sign-in settings of /config.json's `auth`: where InitiateAuth is called, and for which client. */
export interface AuthEndpoint {
  endpoint: string;
  clientId: string;
}

/** What InitiateAuth answers, as far as the tests read it. */
export interface InitiateAuthBody {
  AuthenticationResult?: { IdToken?: string; AccessToken?: string };
  __type?: string;
  message?: string;
}

/** One call of Cognito's JSON protocol (`x-amz-target` names the action) at `endpoint`. */
export function callCognito(endpoint: string, action: string, body: unknown): Promise<Response> {
  return fetch(`${endpoint}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
}

/** InitiateAuth as the browser calls it; returns the status and the JSON answer, a refusal included. */
export async function initiateAuth(auth: AuthEndpoint, username: string, password: string) {
  const response = await callCognito(auth.endpoint, "InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: auth.clientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  const body = (await response.json().catch(() => ({}))) as InitiateAuthBody;
  return { ok: response.ok, status: response.status, body };
}

/** Signs a user in and returns the IdToken; throws, naming the user, when the pool refuses. */
export async function signInAt(auth: AuthEndpoint, username: string, password: string): Promise<string> {
  const { ok, status, body } = await initiateAuth(auth, username, password);
  const token = body.AuthenticationResult?.IdToken;
  if (!ok || !token) throw new Error(`sign-in of ${username} failed: ${status} ${JSON.stringify(body)}`);
  return token;
}

/** The sign-in settings a gateway publishes at /config.json, read like the web app does. */
export async function authAt(baseUrl: string): Promise<AuthEndpoint> {
  const response = await fetch(`${baseUrl}/config.json`);
  const config = (await response.json()) as { auth: AuthEndpoint };
  return config.auth;
}
