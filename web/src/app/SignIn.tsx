import { useState } from "preact/hooks";
import { AuthError, answerCode, completeSetup, type SignInStep, signIn } from "../auth/cognito.ts";
import { t } from "../i18n/index.ts";
import { navigate } from "../router.ts";
import { useTitle } from "../ui/common.tsx";

type Pending = Exclude<SignInStep, { kind: "done" }>;

/**
 * Sign-in with user name and password (Cognito USER_PASSWORD_AUTH); staff then give the code of their
 * authenticator app (SOFTWARE_TOKEN_MFA), or enrol one first (MFA_SETUP or the chiso_mfa claim).
 */
export function SignIn({ next, expired }: { next: string | null; expired?: boolean }) {
  useTitle(t("signIn.title"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [step, setStep] = useState<Pending>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const proceed = (result: SignInStep) => {
    setCode("");
    if (result.kind !== "done") {
      setStep(result);
      return;
    }
    const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/app";
    navigate(target === "/sign-in" ? "/app" : target, { replace: true });
  };

  const fail = (e: unknown) => {
    const kind = e instanceof AuthError ? e.kind : "other";
    if (kind === "expired") {
      setStep(undefined);
      setCode("");
    }
    setError(
      kind === "credentials"
        ? t("signIn.wrong")
        : kind === "challenge"
          ? t("signIn.challenge")
          : kind === "code"
            ? t("signIn.wrongCode")
            : kind === "expired"
              ? t("signIn.codeExpired")
              : kind === "network"
                ? t("error.network")
                : t("signIn.failed", { message: (e as Error).message }),
    );
  };

  const run = async (event: Event, action: () => Promise<void>) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = (event: Event) =>
    run(event, async () => {
      setNotice(undefined);
      proceed(await signIn(username.trim(), password));
    });

  const submitCode = (event: Event) =>
    run(event, async () => {
      if (!step) return;
      if (step.kind === "code") return proceed(await answerCode(step, code.trim()));
      const result = await completeSetup(step, code.trim());
      if (result !== "again") return proceed(result);
      setNotice(t("signIn.setupDone"));
      proceed(await signIn(username.trim(), password));
    });

  const errorBox = error && (
    <p class="notice notice-error" role="alert">
      {error}
    </p>
  );

  if (step)
    return (
      <div class="narrow">
        <h1>{t("signIn.title")}</h1>
        {notice && <p class="notice notice-info">{notice}</p>}
        <form onSubmit={submitCode} class="card" noValidate>
          {step.kind === "setup" ? (
            <>
              <h2>{t("signIn.setupTitle")}</h2>
              <p>{t("signIn.setupIntro")}</p>
              <p>
                {t("signIn.setupSecret")} <code id="totp-secret">{step.secret}</code>
              </p>
              <p>
                <a href={step.uri}>{t("signIn.setupLink")}</a>
              </p>
            </>
          ) : (
            <p>{t("signIn.codeIntro")}</p>
          )}
          <div class="field">
            <label for="totp-code">{t("signIn.code")}</label>
            <input
              id="totp-code"
              name="totp-code"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ""))}
            />
          </div>
          {errorBox}
          <button type="submit" class="btn btn-primary" disabled={busy || code.length !== 6}>
            {busy ? t("signIn.busy") : t("signIn.verify")}
          </button>{" "}
          <button
            type="button"
            class="btn"
            onClick={() => {
              setStep(undefined);
              setCode("");
              setError(undefined);
              setNotice(undefined);
            }}
          >
            {t("signIn.back")}
          </button>
        </form>
      </div>
    );

  return (
    <div class="narrow">
      <h1>{t("signIn.title")}</h1>
      {expired && <p class="notice notice-info">{t("signIn.needed")}</p>}
      <form onSubmit={submitPassword} class="card" noValidate>
        <div class="field">
          <label for="username">{t("signIn.username")}</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">{t("signIn.password")}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        {errorBox}
        <button type="submit" class="btn btn-primary" disabled={busy || !username || !password}>
          {busy ? t("signIn.busy") : t("signIn.submit")}
        </button>
      </form>
      <p class="muted">{t("signIn.help")}</p>
    </div>
  );
}
