import { useState } from "preact/hooks";
import { AuthError, answerCode, completeSetup, type SignInStep, signIn } from "../auth/cognito.ts";
import { t } from "../i18n/index.ts";
import { navigate } from "../router.ts";
import { useTitle } from "../ui/common.tsx";
import { TextField } from "../ui/fields.tsx";
import { useAction } from "./useAction.ts";

type Pending = Exclude<SignInStep, { kind: "done" }>;

/** A failed sign-in step as the user reads it. */
export function signInErrorText(error: unknown): string {
  const kind = error instanceof AuthError ? error.kind : "other";
  if (kind === "credentials") return t("signIn.wrong");
  if (kind === "challenge") return t("signIn.challenge");
  if (kind === "code") return t("signIn.wrongCode");
  if (kind === "expired") return t("signIn.codeExpired");
  if (kind === "network") return t("error.network");
  return t("signIn.failed", { message: (error as Error).message });
}

/** Where to go once signed in: the page asked for when it is one of ours, else the workspace. */
export function afterSignIn(next: string | null): string {
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/app";
  return target === "/sign-in" ? "/app" : target;
}

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

  const proceed = (result: SignInStep) => {
    setCode("");
    if (result.kind !== "done") setStep(result);
    else navigate(afterSignIn(next), { replace: true });
  };

  const submit = useAction(async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      // An expired challenge cannot take another code: back to the password.
      if (e instanceof AuthError && e.kind === "expired") {
        setStep(undefined);
        setCode("");
      }
      throw e;
    }
  }, signInErrorText);
  const onSubmit = (action: () => Promise<void>) => (event: Event) => {
    event.preventDefault();
    void submit.run(action);
  };

  const submitPassword = onSubmit(async () => {
    setNotice(undefined);
    proceed(await signIn(username.trim(), password));
  });

  const submitCode = onSubmit(async () => {
    if (!step) return;
    if (step.kind === "code") return proceed(await answerCode(step, code.trim()));
    const result = await completeSetup(step, code.trim());
    if (result !== "again") return proceed(result);
    setNotice(t("signIn.setupDone"));
    proceed(await signIn(username.trim(), password));
  });

  const errorBox = submit.error && (
    <p class="notice notice-error" role="alert">
      {submit.error}
    </p>
  );

  if (step)
    return (
      <div class="narrow">
        <h1>{t("signIn.title")}</h1>
        {notice && <p class="notice notice-info">{notice}</p>}
        <CodeForm
          step={step}
          code={code}
          onCode={setCode}
          busy={submit.busy}
          onSubmit={submitCode}
          onBack={() => {
            setStep(undefined);
            setCode("");
            submit.setError(null);
            setNotice(undefined);
          }}
        >
          {errorBox}
        </CodeForm>
      </div>
    );

  return (
    <div class="narrow">
      <h1>{t("signIn.title")}</h1>
      {expired && <p class="notice notice-info">{t("signIn.needed")}</p>}
      <form onSubmit={submitPassword} class="card" noValidate>
        <TextField
          id="username"
          name="username"
          label={t("signIn.username")}
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={username}
          onValue={setUsername}
        />
        <TextField
          id="password"
          name="password"
          type="password"
          label={t("signIn.password")}
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
        />
        {errorBox}
        <button type="submit" class="btn btn-primary" disabled={submit.busy || !username || !password}>
          {submit.busy ? t("signIn.busy") : t("signIn.submit")}
        </button>
      </form>
      <p class="muted">{t("signIn.help")}</p>
    </div>
  );
}

/**
 * The authenticator's six-digit code: for a sign-in ("code"), or to confirm a new authenticator
 * ("setup", shown with its secret and link first). `children` is the error, above the buttons.
 */
function CodeForm({
  step,
  code,
  onCode,
  busy,
  onSubmit,
  onBack,
  children,
}: {
  step: Pending;
  code: string;
  onCode: (code: string) => void;
  busy: boolean;
  onSubmit: (event: Event) => void;
  onBack: () => void;
  children: preact.ComponentChildren;
}) {
  return (
    <form onSubmit={onSubmit} class="card" noValidate>
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
      <TextField
        id="totp-code"
        name="totp-code"
        label={t("signIn.code")}
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        value={code}
        onValue={(text) => onCode(text.replace(/\D/g, ""))}
      />
      {children}
      <button type="submit" class="btn btn-primary" disabled={busy || code.length !== 6}>
        {busy ? t("signIn.busy") : t("signIn.verify")}
      </button>{" "}
      <button type="button" class="btn" onClick={onBack}>
        {t("signIn.back")}
      </button>
    </form>
  );
}
