import { useEffect, useState } from "preact/hooks";

/**
 * A small history router: paths are real URLs (the gateway and CloudFront answer any unknown path
 * with index.html). Links are plain <a href>, intercepted for same-origin left clicks.
 */
const listeners = new Set<() => void>();

export interface Location {
  path: string;
  query: URLSearchParams;
}

const read = (): Location => ({
  path: window.location.pathname,
  query: new URLSearchParams(window.location.search),
});

/**
 * Guards asked before an in-app navigation (e.g. a form with an unsaved edit saves it first): each
 * returns true to go on, false to stay. `beforeNavigate` returns the function that removes it.
 */
type Guard = () => boolean | Promise<boolean>;
const guards = new Set<Guard>();

export function beforeNavigate(guard: Guard): () => void {
  guards.add(guard);
  return () => guards.delete(guard);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (guards.size > 0) {
    void Promise.all([...guards].map((guard) => guard())).then((answers) => {
      if (answers.every(Boolean)) go(to, options);
    });
    return;
  }
  go(to, options);
}

function go(to: string, options: { replace?: boolean }): void {
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const listener of listeners) listener();
}

/** Changes the query string without a new history entry (filters, sort, page). */
export function setQuery(changes: Record<string, string | number | null | undefined>): void {
  const query = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") query.delete(key);
    else query.set(key, String(value));
  }
  const search = query.toString();
  history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}`);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const update = () => setLocation(read());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return location;
}

/** Intercepts same-origin clicks on <a href> anywhere in the app (one listener on the document). */
export function interceptLinks(): void {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    const anchor = (event.target as Element | null)?.closest?.("a");
    if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname.startsWith("/public/") || url.pathname.startsWith("/api/")) return;
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash)
      return; // an in-page anchor
    event.preventDefault();
    navigate(`${url.pathname}${url.search}${url.hash}`);
  });
}

/** Matches "/a/:x/b" against a path; returns the parameters or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const have = path.replace(/\/+$/, "").split("/");
  if (path === "/" && pattern === "/") return {};
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const h = have[i] as string;
    if (w.startsWith(":")) {
      if (!h) return undefined;
      params[w.slice(1)] = decodeURIComponent(h);
    } else if (w !== h) return undefined;
  }
  return params;
}
