import { useState } from "preact/hooks";
import { AuthError, signIn } from "../auth/cognito.ts";
import { t } from "../i18n/index.ts";
import { navigate } from "../router.ts";
import { useTitle } from "../ui/common.tsx";

/** Sign-in with user name and password (Cognito USER_PASSWORD_AUTH). */
export function SignIn({ next, expired }: { next: string | null; expired?: boolean }) {
  useTitle(t("signIn.title"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
      const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/app";
      navigate(target === "/sign-in" ? "/app" : target, { replace: true });
    } catch (e) {
      const kind = e instanceof AuthError ? e.kind : "other";
      setError(
        kind === "credentials"
          ? t("signIn.wrong")
          : kind === "challenge"
            ? t("signIn.challenge")
            : kind === "network"
              ? t("error.network")
              : t("signIn.failed", { message: (e as Error).message }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="narrow">
      <h1>{t("signIn.title")}</h1>
      {expired && <p class="notice notice-info">{t("signIn.needed")}</p>}
      <form onSubmit={submit} class="card" noValidate>
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
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary" disabled={busy || !username || !password}>
          {busy ? t("signIn.busy") : t("signIn.submit")}
        </button>
      </form>
      <p class="muted">{t("signIn.help")}</p>
    </div>
  );
}
