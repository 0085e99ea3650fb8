import { useMemo, useState } from "preact/hooks";
import { hasRole, useSession } from "../../auth/session.ts";
import { fmt, fold, localName, t } from "../../i18n/index.ts";
import { type Location, setQuery } from "../../router.ts";
import { ErrorNote, Loading, Scroll, useAsync, useTitle } from "../../ui/common.tsx";
import { errorText, get, getAll, paths } from "../api.ts";
import { allUnits, getFramework } from "../context.ts";
import { hasContests } from "../lifecycle.ts";
import type { Period, SubmissionRow } from "../types.ts";
import { PeriodBadge, SubmissionBadge } from "../ui.tsx";

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
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
  const current = Math.min(page, pages - 1);
  const shown = filtered.slice(current * PAGE, current * PAGE + PAGE);
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
        <div class="field inline">
          <label for="filter-group">{t("review.group")}</label>
          <select
            id="filter-group"
            value={group}
            onChange={(e) => {
              setGroup(e.currentTarget.value);
              update({ group: e.currentTarget.value });
            }}
          >
            <option value="">{t("common.all")}</option>
            {framework.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {localName(g)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="filter-state">{t("review.state")}</label>
          <select
            id="filter-state"
            value={state}
            onChange={(e) => {
              setState(e.currentTarget.value);
              update({ state: e.currentTarget.value });
            }}
          >
            <option value="">{t("common.all")}</option>
            {(["draft", "submitted", "locked"] as const).map((s) => (
              <option key={s} value={s}>
                {t(`submissionState.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="filter-search">{t("review.search")}</label>
          <input
            id="filter-search"
            type="search"
            value={search}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              update({ q: e.currentTarget.value });
            }}
          />
        </div>
      </div>
      <p class="muted" aria-live="polite">
        {t("review.shown", { n: filtered.length })}
      </p>
      <Scroll label={t("review.title")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("review.unit")}</th>
              <th scope="col">{t("review.group")}</th>
              <th scope="col">{t("review.state")}</th>
              <th scope="col" class="num">
                {t("rankings.points")}
              </th>
              <th scope="col" class="num">
                {t("rankings.index")}
              </th>
              <th scope="col">{t("review.updated")}</th>
            </tr>
          </thead>
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
      {pages > 1 && (
        <nav class="pager" aria-label={t("rankings.pages")}>
          <button type="button" class="btn" disabled={current === 0} onClick={() => setPage(current - 1)}>
            {t("common.previous")}
          </button>
          <span>{t("rankings.page", { page: current + 1, pages })}</span>
          <button
            type="button"
            class="btn"
            disabled={current >= pages - 1}
            onClick={() => setPage(current + 1)}
          >
            {t("common.next")}
          </button>
        </nav>
      )}
    </>
  );
}
