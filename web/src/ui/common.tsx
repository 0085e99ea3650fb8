import type { ComponentChildren, ComponentType, JSX } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n/index.ts";

/** Sets the document title for the page shown. */
export function useTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · ${t("app.name")}` : t("app.name");
  }, [title]);
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (data: T) => void;
}

/** Runs `load` when `deps` change; the latest call wins. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const call = ++latest.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => call === latest.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => call === latest.current && setState({ data: undefined, error, loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, set };
}

export function Loading({ label }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </p>
  );
}

/** A load's state while it has no answer: the spinner, or its error with a retry (nothing otherwise). */
export function LoadState({ of }: { of: Pick<Async<unknown>, "loading" | "error" | "reload"> }) {
  if (of.loading) return <Loading />;
  if (of.error !== undefined) return <ErrorNote error={of.error} retry={of.reload} />;
  return null;
}

/** A page with nothing to show: its heading, why, and what may follow (a link back). */
export function Nothing({
  title,
  text,
  children,
}: {
  title: string;
  text?: string;
  children?: ComponentChildren;
}) {
  return (
    <>
      <h1>{title}</h1>
      {text && <p>{text}</p>}
      {children}
    </>
  );
}

export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof Error && error.message ? error.message : String(error);
  return (
    <div class="notice notice-error" role="alert">
      <p>
        {t("common.loadFailed")} <span class="muted">({message})</span>
      </p>
      {retry && (
        <button type="button" class="btn" onClick={retry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** Rank change since the last period: ▲ up, ▼ down, = same, — not ranked before. */
export function RankChange({ change }: { change: number | null }) {
  const n = Math.abs(change ?? 0);
  const [kind, mark, label] =
    change === null
      ? ["none", "—", t("rank.changeNone")]
      : change === 0
        ? ["same", "=", t("rank.changeSame")]
        : change > 0
          ? ["up", `▲${n}`, t("rank.changeUp", { n })]
          : ["down", `▼${n}`, t("rank.changeDown", { n })];
  return (
    <span class={`change change-${kind}`} title={label}>
      <span aria-hidden="true">{mark}</span>
      <span class="sr-only">{label}</span>
    </span>
  );
}

export function Band({ label }: { label: string | null }) {
  if (!label) return <span class="muted">—</span>;
  return <span class="band">{label}</span>;
}

/** Loads a component on first render (a separate chunk), with a loading state and an error. */
export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>) {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;
  return function Lazy(props: P) {
    const [, setTick] = useState(0);
    const [error, setError] = useState<unknown>();
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((m) => {
        loaded = m.default;
      });
      pending.then(
        () => setTick((n) => n + 1),
        (e: unknown) => {
          pending = undefined;
          setError(e);
        },
      );
    }, []);
    if (error) return <ErrorNote error={error} retry={() => location.reload()} />;
    if (!loaded) return <Loading />;
    const Component = loaded;
    return <Component {...props} />;
  };
}

/** A labelled, keyboard-focusable scroll region for wide tables on a phone. */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="scroll" tabIndex={0} aria-label={t("common.tableOf", { name: label })}>
      {children}
    </section>
  );
}

export type Children = ComponentChildren;
export type Handler<E extends Event> = (event: E) => void;
export type InputEvent = JSX.TargetedEvent<HTMLInputElement, Event>;

/**
 * The one pager: previous / "page N of M" / next, shown only when there is more than one page. The
 * public ranking and the staff lists all use it; `label` names the list for screen readers.
 */
/** One page of a list: the page shown (the one wanted, kept in range), the count and its rows. */
export function pageOf<T>(
  rows: T[],
  page: number,
  size: number,
): { current: number; pages: number; shown: T[] } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(0, page), pages - 1);
  return { current, pages, shown: rows.slice(current * size, current * size + size) };
}

export function Pager({
  page,
  pages,
  onPage,
  label,
}: {
  page: number;
  pages: number;
  onPage: (page: number) => void;
  label: string;
}) {
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="btn" disabled={page === 0} onClick={() => onPage(page - 1)}>
        {t("common.previous")}
      </button>
      <span>{t("rankings.page", { page: page + 1, pages })}</span>
      <button type="button" class="btn" disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>
        {t("common.next")}
      </button>
    </nav>
  );
}
