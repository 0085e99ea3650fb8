import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { SignIn } from "../../web/src/app/SignIn.tsx";
import { getSession, setSession } from "../../web/src/auth/session.ts";

/** An IdToken whose claims the app reads (its signature is never checked in the browser). */
const idToken = (claims: Record<string, unknown>) => `h.${btoa(JSON.stringify(claims)).replace(/=+$/, "")}.s`;

/**
 * Cognito on `fetch`: the password answers with a TOTP challenge (or a set-up one); the code 123456
 * signs in, any other is a mismatch.
 */
function fakeCognito(challenge: "SOFTWARE_TOKEN_MFA" | "MFA_SETUP") {
  const operations: string[] = [];
  const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      if (url === "/config.json")
        return reply(200, {
          auth: { region: "local", userPoolId: "p", clientId: "c", endpoint: "http://cognito" },
        });
      const operation =
        String((init.headers as Record<string, string>)["x-amz-target"])
          .split(".")
          .pop() ?? "";
      const input = JSON.parse(String(init.body)) as Record<string, unknown>;
      operations.push(operation);
      if (operation === "InitiateAuth")
        return reply(200, {
          ChallengeName: challenge,
          Session: "s1",
          ChallengeParameters: { USER_ID_FOR_SRP: "admin" },
        });
      if (operation === "AssociateSoftwareToken")
        return reply(200, { SecretCode: "SECRET234", Session: "s2" });
      // Only a code is checked: VerifySoftwareToken's, or the answer to a TOTP challenge.
      const code =
        input.UserCode ??
        (input.ChallengeResponses as Record<string, string> | undefined)?.SOFTWARE_TOKEN_MFA_CODE;
      if (input.ChallengeName !== "MFA_SETUP" && code !== "123456")
        return reply(400, { __type: "CodeMismatchException", message: "wrong" });
      if (operation === "VerifySoftwareToken") return reply(200, { Status: "SUCCESS", Session: "s3" });
      return reply(200, {
        AuthenticationResult: {
          IdToken: idToken({ "cognito:username": "admin", "cognito:groups": ["admin"], exp: 4_000_000_000 }),
          RefreshToken: "r",
          AccessToken: "a",
        },
      });
    }),
  );
  return operations;
}

let root: HTMLElement;
const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
const field = (id: string) => root.querySelector(`#${id}`) as HTMLInputElement;
const type = (id: string, text: string) =>
  act(() => {
    field(id).value = text;
    field(id).dispatchEvent(new Event("input", { bubbles: true }));
  });
const submit = async () => {
  act(() => {
    root.querySelector("form")?.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  for (let i = 0; i < 5; i++) await settle();
};
const primary = () => root.querySelector("button[type=submit]") as HTMLButtonElement;

beforeEach(() => {
  history.replaceState(null, "", "/sign-in");
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  setSession(null);
});

describe("the sign-in screen", () => {
  test("the password form: labelled fields, sent only once both are filled", () => {
    act(() => render(<SignIn next={null} expired />, root));
    expect(root.querySelector("label[for=username]")?.textContent).toBe("Tên đăng nhập");
    expect(field("password").type).toBe("password");
    expect(field("username").getAttribute("autocomplete")).toBe("username");
    expect(root.querySelector(".notice-info")).not.toBeNull();
    expect(primary().disabled).toBe(true);
    type("username", "admin");
    type("password", "secret");
    expect(primary().disabled).toBe(false);
  });

  test("an authenticator code: digits only, a wrong one is told, the right one signs in and goes on", async () => {
    fakeCognito("SOFTWARE_TOKEN_MFA");
    act(() => render(<SignIn next="/app/admin" />, root));
    type("username", "admin");
    type("password", "secret");
    await submit();
    expect(field("totp-code")).not.toBeNull();
    expect(field("totp-code").getAttribute("autocomplete")).toBe("one-time-code");
    type("totp-code", "12a34");
    expect(field("totp-code").value).toBe("1234");
    expect(primary().disabled).toBe(true);
    type("totp-code", "654321");
    await submit();
    expect(root.querySelector("[role=alert]")?.textContent).toContain("Mã xác thực không đúng");
    type("totp-code", "123456");
    await submit();
    expect(getSession()?.roles).toEqual(["admin"]);
    expect(location.pathname).toBe("/app/admin");
  });

  test("enrolment shows the secret and its link, then takes the first code", async () => {
    const operations = fakeCognito("MFA_SETUP");
    act(() => render(<SignIn next={null} />, root));
    type("username", "admin");
    type("password", "secret");
    await submit();
    expect(root.querySelector("#totp-secret")?.textContent).toBe("SECRET234");
    expect(root.querySelector("a[href^='otpauth://totp/']")).not.toBeNull();
    type("totp-code", "123456");
    await submit();
    expect(operations).toEqual([
      "InitiateAuth",
      "AssociateSoftwareToken",
      "VerifySoftwareToken",
      "RespondToAuthChallenge",
    ]);
    expect(getSession()?.username).toBe("admin");
    expect(location.pathname).toBe("/app");
  });

  test("back returns to the password, clearing the code and the message", async () => {
    fakeCognito("SOFTWARE_TOKEN_MFA");
    act(() => render(<SignIn next={null} />, root));
    type("username", "admin");
    type("password", "secret");
    await submit();
    type("totp-code", "000000");
    await submit();
    expect(root.querySelector("[role=alert]")).not.toBeNull();
    act(() => (root.querySelector("button[type=button]") as HTMLButtonElement).click());
    expect(field("totp-code")).toBeNull();
    expect(field("username").value).toBe("admin");
    expect(root.querySelector("[role=alert]")).toBeNull();
  });
});
