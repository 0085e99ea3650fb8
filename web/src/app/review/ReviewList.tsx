import { useMemo, useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, fold, localName, t } from "../../i18n/index.ts";
import { type Location, setQuery } from "../../router.ts";
import { ErrorNote, Loading, Pager, pageOf, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { Field, TextField } from "../../ui/fields.tsx";
import { errorText, get, getAll, paths } from "../api.ts";
import { allUnits, getFramework } from "../context.ts";
import { hasContests } from "../lifecycle.ts";
import type { Period, SubmissionRow } from "../types.ts";
import { ColumnHeads, PeriodBadge, SubmissionBadge } from "../ui.tsx";

const PAGE = 100;

/** A period's units with their state and self-assessed points, filtered by group and state. */
export function ReviewList({ periodId, location }: { periodId: string; location: Location }) {
  const session = useSession();
  useTitle(t("review.title"));
  const data = useAsync(async () => {
    const period = await get<Period>(paths.period(periodId));
    const [rows, units, framework] = await Promise.all([
      getAll<SubmissionRow>(paths.submissions(periodId)),
      allUnits(),
      getFramework(period.frameworkId),
    ]);
    return { period, rows, units, framework };
  }, [periodId]);
  const [group, setGroup] = useState(location.query.get("group") ?? "");
  const [state, setState] = useState(location.query.get("state") ?? "");
  const [search, setSearch] = useState(location.query.get("q") ?? "");
  const [page, setPage] = useState(0);

  const filtered = useMemo(() => {
    if (!data.data) return [];
    const needle = fold(search.trim());
    return data.data.rows
      .filter((r) => (!group || r.groupId === group) && (!state || r.state === state))
      .map((r) => ({ ...r, unit: data.data?.units.get(r.unitId) }))
      .filter((r) => !needle || fold(`${r.unit?.name ?? r.unitId} ${r.unit?.code ?? ""}`).includes(needle))
      .sort((a, b) => a.groupId.localeCompare(b.groupId) || b.points - a.points);
  }, [data.data, group, state, search]);

  if (data.loading && !data.data) return <Loading />;
  if (data.error !== undefined)
    return <ErrorNote error={new Error(errorText(data.error))} retry={data.reload} />;
  if (!data.data) return null;
  const { period, framework, rows } = data.data;
  const groupName = (id: string) => {
    const g = framework.groups.find((x) => x.id === id);
    return g ? localName(g) : id;
  };
  const counts = { draft: 0, submitted: 0, locked: 0 };
  for (const r of rows) counts[r.state]++;
  const { current, pages, shown } = pageOf(filtered, page, PAGE);
  const update = (changes: Record<string, string>) => {
    setQuery(changes);
    setPage(0);
  };

  return (
    <>
      <h1>
        {t("review.title")} <span class="muted">· {period.name}</span>
      </h1>
      <p>
        <PeriodBadge state={period.state} />{" "}
        <span class="muted">
          {t("review.counts", {
            units: rows.length,
            submitted: counts.submitted,
            draft: counts.draft,
            locked: counts.locked,
          })}
        </span>
      </p>
      {hasRole(session, "reviewer") && hasContests(period.state) && (
        <p>
          <a href={`/app/review/${encodeURIComponent(periodId)}/contests`}>{t("home.contests")}</a>
        </p>
      )}
      <div class="filters">
        <FilterSelect
          id="filter-group"
          label={t("review.group")}
          value={group}
          options={framework.groups.map((g) => [g.id, localName(g)])}
          onChange={(value) => {
            setGroup(value);
            update({ group: value });
          }}
        />
        <FilterSelect
          id="filter-state"
          label={t("review.state")}
          value={state}
          options={(["draft", "submitted", "locked"] as const).map((s) => [s, t(`submissionState.${s}`)])}
          onChange={(value) => {
            setState(value);
            update({ state: value });
          }}
        />
        <TextField
          id="filter-search"
          type="search"
          label={t("review.search")}
          inline
          value={search}
          onValue={(value) => {
            setSearch(value);
            update({ q: value });
          }}
        />
      </div>
      <p class="muted" aria-live="polite">
        {t("review.shown", { n: filtered.length })}
      </p>
      <Scroll label={t("review.title")}>
        <table>
          <ColumnHeads
            columns={[
              t("review.unit"),
              t("review.group"),
              t("review.state"),
              [t("rankings.points"), "num"],
              [t("rankings.index"), "num"],
              t("review.updated"),
            ]}
          />
          <tbody>
            {shown.map((r) => (
              <tr key={r.unitId}>
                <th scope="row">
                  <a
                    href={`/app/review/${encodeURIComponent(periodId)}/units/${encodeURIComponent(r.unitId)}`}
                  >
                    {r.unit ? localName(r.unit) : r.unitId}
                  </a>{" "}
                  <span class="muted">{r.unit?.code}</span>
                </th>
                <td>{groupName(r.groupId)}</td>
                <td>
                  <SubmissionBadge state={r.state} />
                </td>
                <td class="num">{fmt.points(r.points)}</td>
                <td class="num">{fmt.index(r.index)}</td>
                <td>
                  {r.submittedAt
                    ? fmt.dateTime(r.submittedAt)
                    : r.updatedAt
                      ? fmt.dateTime(r.updatedAt)
                      : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      <Pager page={current} pages={pages} onPage={setPage} label={t("rankings.pages")} />
    </>
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
