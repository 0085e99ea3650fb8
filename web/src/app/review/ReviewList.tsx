import { useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, localName, t } from "../../i18n/index.ts";
import { type Location, setQuery } from "../../router.ts";
import { ErrorNote, Loading, Pager, pageOf, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { Field, TextField } from "../../ui/fields.tsx";
import { errorText } from "../api.ts";
import { hasContests, hasResults } from "../lifecycle.ts";
import type { SubmissionRow } from "../types.ts";
import { PeriodBadge } from "../ui.tsx";
import {
  appraisalState,
  type ListQuery,
  type ListRow,
  loadReviewList,
  periodProgress,
  queryChanges,
  queryString,
  readQuery,
  SORT_KEYS,
  type SortKey,
  visibleRows,
} from "./list-model.ts";
import { tr } from "./messages.ts";
import "./review.css";

const PAGE = 100;

/**
 * A period's units: whether each submitted, its self-assessed points and the caller's appraisal
 * progress; filtered and sorted as the URL query says (the appraisal screen follows the same order).
 */
export function ReviewList({ periodId, location }: { periodId: string; location: Location }) {
  const session = useSession();
  useTitle(t("review.title"));
  const data = useAsync(() => loadReviewList(periodId), [periodId]);
  const [query, setListQuery] = useState<ListQuery>(() => readQuery(location.query));
  const [page, setPage] = useState(0);

  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined)
    return <ErrorNote error={new Error(errorText(data.error))} retry={data.reload} />;
  if (!data.data) return null;
  const { period, framework, rows } = data.data;
  // Closed: every head is locked, and "did not submit" is final.
  const closed = hasResults(period.state);
  const filtered = visibleRows(data.data, query);
  const submitted = rows.filter((r) => r.submitted).length;
  const progress = periodProgress(rows);
  const hasProgress = rows.some((r) => r.appraisal !== null);
  const { current, pages, shown } = pageOf(filtered, page, PAGE);
  const update = (changes: Partial<ListQuery>) => {
    const next = { ...query, ...changes };
    setListQuery(next);
    setQuery(queryChanges(next));
    setPage(0);
  };
  const notLabel = closed ? tr("list.notSubmitted") : tr("list.notYetSubmitted");
  const unitHref = (unitId: string) =>
    `/app/review/${encodeURIComponent(periodId)}/units/${encodeURIComponent(unitId)}${queryString(query)}`;
  const sortLabel: Record<SortKey, string> = {
    group: tr("list.sortGroup"),
    name: tr("list.sortName"),
    code: tr("list.sortCode"),
    state: tr("list.sortState"),
    points: tr("list.sortPoints"),
    progress: tr("list.sortProgress"),
  };

  return (
    <>
      <h1>
        {t("review.title")} <span class="muted">· {period.name}</span>
      </h1>
      <p>
        <PeriodBadge state={period.state} />{" "}
        <span class="muted">
          {tr("list.counts", {
            units: rows.length,
            submitted,
            notSubmitted: rows.length - submitted,
            notLabel: notLabel.toLowerCase(),
          })}
          {closed && ` · ${tr("list.locked")}`}
        </span>
      </p>
      {hasProgress ? (
        <PeriodProgress {...progress} />
      ) : (
        closed && <p class="muted">{tr("list.noProgress")}</p>
      )}
      {hasRole(session, "reviewer") && hasContests(period.state) && (
        <p>
          <a href={`/app/review/${encodeURIComponent(periodId)}/contests`}>{t("home.contests")}</a>
        </p>
      )}
      <div class="filters">
        <FilterSelect
          id="filter-group"
          label={t("review.group")}
          value={query.group}
          options={framework.groups.map((g) => [g.id, localName(g)])}
          onChange={(group) => update({ group })}
        />
        <FilterSelect
          id="filter-submitted"
          label={tr("list.submission")}
          value={query.submitted}
          options={[
            ["yes", tr("list.submitted")],
            ["no", notLabel],
          ]}
          onChange={(value) => update({ submitted: value as ListQuery["submitted"] })}
        />
        {hasProgress && (
          <FilterSelect
            id="filter-appraisal"
            label={tr("list.appraisal")}
            value={query.appraisal}
            options={[
              ["todo", tr("list.apprTodo")],
              ["partial", tr("list.apprPartial")],
              ["done", tr("list.apprDone")],
            ]}
            onChange={(value) => update({ appraisal: value as ListQuery["appraisal"] })}
          />
        )}
        <TextField
          id="filter-search"
          type="search"
          label={t("review.search")}
          inline
          value={query.q}
          onValue={(q) => update({ q })}
        />
        <Field id="list-sort" label={tr("list.sort")} inline>
          <select
            id="list-sort"
            value={`${query.sort}:${query.dir}`}
            onChange={(e) => {
              const [sort, dir] = e.currentTarget.value.split(":") as [SortKey, ListQuery["dir"]];
              update({ sort, dir });
            }}
          >
            {SORT_KEYS.flatMap((key) =>
              (["asc", "desc"] as const).map((dir) => (
                <option key={`${key}:${dir}`} value={`${key}:${dir}`}>
                  {sortLabel[key]} ({dir === "asc" ? tr("list.asc") : tr("list.desc")})
                </option>
              )),
            )}
          </select>
        </Field>
      </div>
      <p class="muted" aria-live="polite">
        {t("review.shown", { n: filtered.length })}
      </p>
      <Scroll label={t("review.title")}>
        <table class="review-table">
          <thead>
            <tr>
              <SortHead column="name" label={t("review.unit")} query={query} onSort={update} />
              <SortHead column="code" label={tr("list.code")} query={query} onSort={update} />
              <SortHead column="group" label={t("review.group")} query={query} onSort={update} />
              <SortHead column="state" label={t("review.state")} query={query} onSort={update} />
              <SortHead column="points" label={t("rankings.points")} query={query} onSort={update} num />
              <th scope="col" class="num">
                {t("rankings.index")}
              </th>
              <SortHead column="progress" label={tr("list.progress")} query={query} onSort={update} />
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <UnitRow key={r.unitId} row={r} href={unitHref(r.unitId)} closed={closed} />
            ))}
          </tbody>
        </table>
      </Scroll>
      <Pager page={current} pages={pages} onPage={setPage} label={t("rankings.pages")} />
    </>
  );
}

function UnitRow({ row: r, href, closed }: { row: ListRow; href: string; closed: boolean }) {
  return (
    <tr data-unit={r.unitId}>
      <th scope="row" data-label={t("review.unit")}>
        <a href={href}>{r.name}</a>
      </th>
      <td data-label={tr("list.code")}>{r.code}</td>
      <td data-label={t("review.group")}>{r.groupName}</td>
      <td data-label={t("review.state")}>
        <SubmittedBadge row={r} closed={closed} />
        {r.submittedAt && <span class="cell-sub muted">{fmt.dateTime(r.submittedAt)}</span>}
      </td>
      <td class="num" data-label={t("rankings.points")}>
        {fmt.points(r.points)}
      </td>
      <td class="num" data-label={t("rankings.index")}>
        {fmt.index(r.index)}
      </td>
      <td data-label={tr("list.progress")}>
        <Progress row={r} />
      </td>
    </tr>
  );
}

/** Submitted or not (after the close "did not submit", before it "not yet"), and the lock. */
function SubmittedBadge({ row, closed }: { row: SubmissionRow; closed: boolean }) {
  const label = row.submitted
    ? tr("list.submitted")
    : closed
      ? tr("list.notSubmitted")
      : tr("list.notYetSubmitted");
  return (
    <>
      <span class={`state ${row.submitted ? "sub-submitted" : "sub-draft"}`}>{label}</span>
      {row.state === "locked" && <span class="lock-mark muted"> · {tr("list.lockedMark")}</span>}
    </>
  );
}

function Progress({ row }: { row: SubmissionRow }) {
  const a = row.appraisal;
  const state = appraisalState(row);
  if (!a || !state) return <span class="muted">—</span>;
  return (
    <span class={`progress progress-${state}`}>
      <span class="bar" aria-hidden="true">
        <span style={{ width: `${Math.round((100 * a.done) / a.total)}%` }} />
      </span>
      {tr("list.progressOf", { done: a.done, total: a.total })}
    </span>
  );
}

function PeriodProgress({
  done,
  total,
  units,
  unitsDone,
}: {
  done: number;
  total: number;
  units: number;
  unitsDone: number;
}) {
  return (
    <div class="period-progress">
      <p id="period-progress">
        {tr("list.periodProgress", {
          done,
          total,
          percent: fmt.percent(total ? done / total : 0),
          units: unitsDone,
          unitsTotal: units,
        })}
      </p>
      <progress max={total || 1} value={done} aria-labelledby="period-progress" />
    </div>
  );
}

/** A column heading that sorts by its column (again: the other way round); aria-sort says how. */
function SortHead({
  column,
  label,
  query,
  onSort,
  num = false,
}: {
  column: SortKey;
  label: string;
  query: ListQuery;
  onSort: (changes: Partial<ListQuery>) => void;
  num?: boolean;
}) {
  const active = query.sort === column;
  const sort = active ? (query.dir === "asc" ? "ascending" : "descending") : undefined;
  return (
    <th scope="col" class={num ? "num" : undefined} aria-sort={sort}>
      <button
        type="button"
        class="sort"
        onClick={() => onSort({ sort: column, dir: active && query.dir === "asc" ? "desc" : "asc" })}
      >
        {label}
        <span aria-hidden="true">{active ? (query.dir === "asc" ? " ▲" : " ▼") : ""}</span>
      </button>
    </th>
  );
}

/** A filter of the list: "all", or one of its options (value and label). */
function FilterSelect({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  options: [value: string, label: string][];
  onChange: (value: string) => void;
}) {
  return (
    <Field id={id} label={label} inline>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("common.all")}</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </Field>
  );
}
