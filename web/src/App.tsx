import { useEffect, useRef } from "preact/hooks";
import { signOut, useSession } from "./auth/session.ts";
import { lang, setLang, t, useLang } from "./i18n/index.ts";
import { Method } from "./public/Method.tsx";
import { Rankings } from "./public/Rankings.tsx";
import { UnitProfile } from "./public/UnitProfile.tsx";
import { match, navigate, useLocation } from "./router.ts";
import { lazy, Nothing, useTitle } from "./ui/common.tsx";

/** The signed-in screens: their own chunks, never loaded by the public page. */
const Workspace = lazy(() => import("./app/Workspace.tsx"));

export function App() {
  const language = useLang();
  const location = useLocation();
  const session = useSession();
  const first = useRef(true);

  // After a client-side navigation, move focus to the new page's heading (screen readers announce it).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    const timer = window.setTimeout(() => {
      const heading = document.querySelector<HTMLElement>("main h1");
      const target = heading ?? document.getElementById("main");
      if (heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      target?.focus();
    }, 60);
    return () => window.clearTimeout(timer);
  }, [location.path]);

  const path = location.path;
  const route = routeOf(path);
  const inWorkspace = route.page === "workspace";
  let page: preact.ComponentChildren;
  if (route.page === "rankings") page = <Rankings location={location} />;
  else if (route.page === "unit") page = <UnitProfile unitId={route.unitId} location={location} />;
  else if (route.page === "method") page = <Method location={location} />;
  else if (inWorkspace) page = <Workspace location={location} />;
  else page = <NotFound />;

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <header class="site-header">
        <a class="brand" href="/">
          <svg class="brand-mark" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <rect width="16" height="16" rx="3" fill="#fff" />
            <path d="M4 12h2V8H4zm3 0h2V4H7zm3 0h2V7h-2z" fill="#0b4f8a" />
          </svg>
          <span>{t("app.name")}</span>
        </a>
        <nav aria-label={t("nav.label")} class="site-nav">
          <ul>
            <li>
              <a href="/" aria-current={path === "/" ? "page" : undefined}>
                {t("nav.rankings")}
              </a>
            </li>
            <li>
              <a href="/method" aria-current={path === "/method" ? "page" : undefined}>
                {t("nav.method")}
              </a>
            </li>
            {session ? (
              <li>
                <a href="/app" aria-current={inWorkspace ? "page" : undefined}>
                  {t("nav.workspace")}
                </a>
              </li>
            ) : (
              <li>
                <a href="/sign-in" aria-current={path === "/sign-in" ? "page" : undefined}>
                  {t("nav.signIn")}
                </a>
              </li>
            )}
          </ul>
        </nav>
        <div class="header-tools">
          <button
            type="button"
            class="btn btn-quiet"
            lang={language === "vi" ? "en" : "vi"}
            onClick={() => void setLang(lang() === "vi" ? "en" : "vi")}
          >
            {language === "vi" ? "English" : "Tiếng Việt"}
          </button>
          {session && (
            <span class="user">
              <span class="user-name" title={roleNames(session.roles)}>
                {session.username}
              </span>
              <button
                type="button"
                class="btn btn-quiet"
                onClick={() => {
                  signOut();
                  navigate("/sign-in");
                }}
              >
                {t("nav.signOut")}
              </button>
            </span>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <footer class="site-footer">
        <p>{t("app.footer")}</p>
      </footer>
    </div>
  );
}

/** The page a path shows: a public page, the signed-in workspace (its own routes), or none. */
export function routeOf(
  path: string,
): { page: "rankings" | "method" | "workspace" | "not-found" } | { page: "unit"; unitId: string } {
  if (path === "/" || path === "/index.html") return { page: "rankings" };
  const unit = match("/units/:unitId", path);
  if (unit) return { page: "unit", unitId: unit.unitId as string };
  if (match("/method", path)) return { page: "method" };
  if (path === "/sign-in" || path === "/app" || path.startsWith("/app/")) return { page: "workspace" };
  return { page: "not-found" };
}

function roleNames(roles: string[]): string {
  return roles.map((r) => t(`role.${r}` as "role.admin")).join(", ");
}

function NotFound() {
  useTitle(t("notFound.title"));
  return (
    <Nothing title={t("notFound.title")}>
      <p>
        <a href="/">{t("notFound.home")}</a>
      </p>
    </Nothing>
  );
}
