import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useAsync } from "../../ui/common.tsx";
import { get } from "../api.ts";
import { queryOf } from "./accounts-api.ts";
import { ta } from "./messages-accounts.ts";

/** Rows asked for at a time; "show more" adds another page, up to the API's 1000. */
const PAGE = 50;

/** The top of an organiser's list screen: the way back to the admin page and the screen's title. */
export function ListHeading({ title }: { title: string }) {
  return (
    <>
      <p>
        <a href="/app/admin">{ta("backAdmin")}</a>
      </p>
      <h1>{title}</h1>
    </>
  );
}

/** The filters' card; a form applies them on submit, a bare card (no onApply) filters as one types. */
export function FilterCard({ onApply, children }: { onApply?: () => void; children: ComponentChildren }) {
  if (!onApply) return <div class="card filters accounts-filters">{children}</div>;
  return (
    <form
      class="card filters accounts-filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
    >
      {children}
      <div>
        <button type="submit" class="btn btn-primary">
          {ta("apply")}
        </button>
      </div>
    </form>
  );
}

/**
 * A server-filtered, paged list: the filters being edited, the ones applied (sent as the query string
 * with the limit), and "show more". `version` reloads it after a change.
 */
export function usePagedList<T, F extends Record<string, string>>(path: string, initial: F, version = 0) {
  const [filters, setFilters] = useState(initial);
  const [shown, setShown] = useState(initial);
  const [limit, setLimit] = useState(PAGE);
  const list = useAsync(
    () =>
      get<{ items: T[]; nextCursor: string | null }>(`${path}${queryOf({ ...shown, limit: String(limit) })}`),
    [shown, version, limit],
  );
  return {
    filters,
    /** A setter for one filter, for a field's onValue. */
    set: (key: keyof F) => (value: string) => setFilters({ ...filters, [key]: value }),
    apply: () => {
      setLimit(PAGE);
      setShown(filters);
    },
    list,
    rows: list.data?.items ?? [],
    more: () => setLimit(Math.min(1000, limit + PAGE)),
  };
}

/** A row's "edit" button, named for the row (screen readers hear which one). */
export function EditButton({ name, onEdit }: { name: string; onEdit: () => void }) {
  return (
    <button type="button" class="btn" aria-label={`${ta("edit")} ${name}`} onClick={onEdit}>
      {ta("edit")}
    </button>
  );
}

/** "Show more", while the API says there are more rows. */
export function MoreButton({ when, onMore }: { when: unknown; onMore: () => void }) {
  if (!when) return null;
  return (
    <button type="button" class="btn" onClick={onMore}>
      {ta("moreRecords")}
    </button>
  );
}
