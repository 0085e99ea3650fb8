import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useAsync } from "../../ui/common.tsx";
import { get, queryOf } from "../api.ts";
import { ta } from "./messages-accounts.ts";

/** Rows asked for at a time; "show more" fetches the next page (by the API's cursor) and appends it. */
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
 * with the limit), and "show more", which asks for the page after the last one shown (its `cursor`)
 * and appends it. Applying filters or a new `version` (a reload after a change) starts from page one.
 */
export function usePagedList<T, F extends Record<string, string>>(path: string, initial: F, version = 0) {
  const [filters, setFilters] = useState(initial);
  const [shown, setShown] = useState(initial);
  // The page to fetch next and the rows already shown before it; it holds for one version only.
  const [paging, setPaging] = useState<Paging<T>>({ version, earlier: [] });
  const current: Paging<T> = paging.version === version ? paging : { version, earlier: [] };
  const list = useAsync(async () => {
    const query = queryOf({ ...shown, limit: String(PAGE), cursor: current.cursor });
    const page = await get<{ items: T[]; nextCursor: string | null }>(`${path}${query}`);
    return { items: [...current.earlier, ...page.items], nextCursor: page.nextCursor };
  }, [shown, version, current.cursor]);
  return {
    filters,
    /** A setter for one filter, for a field's onValue. */
    set: (key: keyof F) => (value: string) => setFilters({ ...filters, [key]: value }),
    apply: () => {
      setPaging({ version, earlier: [] });
      setShown(filters);
    },
    list,
    rows: list.data?.items ?? [],
    more: () => {
      const data = list.data;
      if (data?.nextCursor) setPaging({ version, cursor: data.nextCursor, earlier: data.items });
    },
  };
}

interface Paging<T> {
  version: number;
  cursor?: string;
  earlier: T[];
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
