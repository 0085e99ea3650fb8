import { Fragment } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { fmt, fold, t } from "../i18n/index.ts";
import { type Location, navigate, setQuery } from "../router.ts";
import {
  Band,
  LoadState,
  Nothing,
  Pager,
  pageOf,
  RankChange,
  Scroll,
  useAsync,
  useTitle,
} from "../ui/common.tsx";
import {
  documentHref,
  downloads,
  loadIndex,
  loadRestated,
  loadSnapshot,
  notSubmitted,
  type PublishedPeriod,
  type SnapshotGroup,
  type SnapshotUnit,
} from "./data.ts";
import { GroupChart } from "./GroupChart.tsx";
import GroupYears from "./GroupYears.tsx";
import { NotSubmitted } from "./NotSubmitted.tsx";
import Restated, { ViewChoice } from "./Restated.tsx";

/** Rows per page: a 4,000-unit group renders 50 rows at a time, sorted and searched in memory. */
export const PAGE_SIZE = 50;

type SortKey = "rank" | "name" | "points" | "index" | "change" | `node:${string}`;

export function Rankings({ location }: { location: Location }) {
  const index = useAsync(loadIndex, []);
  const wanted = location.query.get("period");
  const periods = index.data ?? [];
  const period = periods.find((p) => p.periodId === wanted) ?? periods[0];
  useTitle(t("rankings.title"));

  if (index.loading || index.error !== undefined) return <LoadState of={index} />;
  if (!period) return <Nothing title={t("rankings.title")} text={t("rankings.none")} />;
  const years = location.query.get("view") === "years" && location.query.get("group");
  if (years) return <GroupYears periods={periods} period={period} groupId={years} />;
  return <PeriodRanking key={period.periodId} periods={periods} period={period} location={location} />;
}

function PeriodRanking({
  periods,
  period,
  location,
}: {
  periods: PublishedPeriod[];
  period: PublishedPeriod;
  location: Location;
}) {
  const snapshot = useAsync(() => loadSnapshot(period), [period.url]);
  const groups = snapshot.data?.groups ?? [];
  const [groupId, setGroupId] = useState(location.query.get("group") ?? "");
  const group = groups.find((g) => g.id === groupId) ?? groups[0];
  const files = downloads(period);
  const [asOf, setAsOf] = useState(location.query.get("restated") ?? "");
  const restatement = period.restatements?.find((r) => r.asOf === asOf);
  // The tabs count the chosen ranking's units (a merger leaves fewer); Restated shows the same load.
  const restated = useAsync(
    () => (restatement ? loadRestated(restatement) : Promise.resolve(undefined)),
    [restatement?.url],
  );
  const counted = restatement ? (restated.data?.groups ?? groups) : groups;
  const chooseView = (day: string) => {
    setAsOf(day);
    setQuery({ restated: day || null, page: null });
  };

  const choosePeriod = (id: string) => navigate(`/?period=${encodeURIComponent(id)}`);

  return (
    <>
      <div class="page-head">
        <h1>{t("rankings.title")}</h1>
        <div class="field inline">
          <label for="period-picker">{t("rankings.period")}</label>
          <select
            id="period-picker"
            value={period.periodId}
            onChange={(e) => choosePeriod(e.currentTarget.value)}
          >
            {periods.map((p) => (
              <option key={p.periodId} value={p.periodId}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {snapshot.data && (
        <p class="muted">
          {t("rankings.publishedAt", {
            date: snapshot.data.publishedAt ? fmt.date(snapshot.data.publishedAt) : "—",
            version: snapshot.data.version,
          })}{" "}
          · {snapshot.data.period.framework.decision ?? snapshot.data.period.framework.name} ·{" "}
          <a href="/method">{t("nav.method")}</a>
        </p>
      )}
      <p class="downloads">
        <span>{t("rankings.download")}</span>
        {files.map((f) => (
          <Fragment key={f.label}>
            {" "}
            <a href={f.href} download={f.fileName}>
              {f.label}
            </a>
          </Fragment>
        ))}
        {period.documents &&
          (["pdf", "docx"] as const).map((kind) => (
            <Fragment key={kind}>
              {" · "}
              <a href={documentHref(period.periodId, kind)}>
                {t("rankings.appendix", { kind: kind.toUpperCase() })}
              </a>
            </Fragment>
          ))}
      </p>
      <LoadState of={snapshot} />
      {period.restatements?.length && snapshot.data ? (
        <ViewChoice
          restatements={period.restatements}
          chosen={restatement?.asOf ?? ""}
          published={groups.reduce((n, g) => n + g.units.length, 0)}
          choose={chooseView}
        />
      ) : null}
      {group && (
        <>
          <GroupTabs
            groups={groups}
            counts={new Map(counted.map((g) => [g.id, g.units.length]))}
            selected={group.id}
            onSelect={(id) => {
              setGroupId(id);
              setQuery({ group: id, page: null });
            }}
          />
          <div id="group-panel" role="tabpanel" aria-labelledby={`tab-${group.id}`}>
            <p>
              <a
                href={`/?period=${encodeURIComponent(period.periodId)}&group=${encodeURIComponent(group.id)}&view=years`}
              >
                {t("years.link")}
              </a>
            </p>
            {restatement ? (
              <Restated file={restated} groupId={group.id} />
            ) : (
              <>
                <GroupTable key={group.id} group={group} period={period} location={location} />
                <GroupChart group={group} />
              </>
            )}
          </div>
        </>
      )}
    </>
  );
}

function GroupTabs({
  groups,
  counts,
  selected,
  onSelect,
}: {
  groups: SnapshotGroup[];
  counts: ReadonlyMap<string, number>;
  selected: string;
  onSelect: (id: string) => void;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const move = (from: number, by: number) => {
    const next = (from + by + groups.length) % groups.length;
    const target = groups[next];
    if (!target) return;
    onSelect(target.id);
    refs.current[next]?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={t("rankings.groups")}>
      {groups.map((g, i) => (
        <button
          key={g.id}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`tab-${g.id}`}
          aria-selected={g.id === selected}
          aria-controls="group-panel"
          tabIndex={g.id === selected ? 0 : -1}
          onClick={() => onSelect(g.id)}
          onKeyDown={(e) => {
            if (e.key === "ArrowRight") move(i, 1);
            else if (e.key === "ArrowLeft") move(i, -1);
            else if (e.key === "Home") move(0, 0);
            else if (e.key === "End") move(groups.length - 1, 0);
            else return;
            e.preventDefault();
          }}
        >
          {g.name} <span class="count">{counts.get(g.id) ?? g.units.length}</span>
        </button>
      ))}
    </div>
  );
}

function compare(key: SortKey) {
  if (key === "name") return (a: SnapshotUnit, b: SnapshotUnit) => a.name.localeCompare(b.name, "vi");
  if (key === "points") return (a: SnapshotUnit, b: SnapshotUnit) => b.points - a.points || a.rank - b.rank;
  if (key === "index") return (a: SnapshotUnit, b: SnapshotUnit) => b.index - a.index || a.rank - b.rank;
  if (key === "change")
    return (a: SnapshotUnit, b: SnapshotUnit) =>
      (b.rankChange ?? Number.NEGATIVE_INFINITY) - (a.rankChange ?? Number.NEGATIVE_INFINITY) ||
      a.rank - b.rank;
  if (key.startsWith("node:")) {
    const code = key.slice(5);
    const value = (u: SnapshotUnit) => u.nodes.find((n) => n.code === code)?.value ?? -1;
    return (a: SnapshotUnit, b: SnapshotUnit) => value(b) - value(a) || a.rank - b.rank;
  }
  return (a: SnapshotUnit, b: SnapshotUnit) => a.rank - b.rank || a.name.localeCompare(b.name, "vi");
}

function GroupTable({
  group,
  period,
  location,
}: {
  group: SnapshotGroup;
  period: PublishedPeriod;
  location: Location;
}) {
  const [search, setSearch] = useState(location.query.get("q") ?? "");
  const [sort, setSort] = useState<SortKey>((location.query.get("sort") as SortKey | null) ?? "rank");
  const [descending, setDescending] = useState(location.query.get("dir") === "desc");
  const [page, setPage] = useState(Math.max(0, Number(location.query.get("page") ?? 1) - 1) || 0);

  const folded = useMemo(() => group.units.map((u) => `${fold(u.name)} ${fold(u.code)}`), [group]);
  const rows = useMemo(() => {
    const needle = fold(search.trim());
    const found = needle ? group.units.filter((_, i) => folded[i]?.includes(needle)) : [...group.units];
    found.sort(compare(sort));
    if (descending) found.reverse();
    return found;
  }, [group, folded, search, sort, descending]);
  const { current, pages, shown } = pageOf(rows, page, PAGE_SIZE);

  useEffect(() => {
    setQuery({
      q: search || null,
      sort: sort === "rank" ? null : sort,
      dir: descending ? "desc" : null,
      page: current > 0 ? current + 1 : null,
    });
  }, [search, sort, descending, current]);

  const sortBy = (key: SortKey) => {
    if (key === sort) setDescending(!descending);
    else {
      setSort(key);
      setDescending(false);
    }
    setPage(0);
  };
  const header = (key: SortKey, label: string, title?: string) => {
    const active = sort === key;
    return (
      <th
        scope="col"
        aria-sort={active ? (descending ? "descending" : "ascending") : undefined}
        class={key.startsWith("node:") ? "num node-col wide-only" : key === "name" ? "" : `num col-${key}`}
      >
        <button type="button" class="sort" onClick={() => sortBy(key)} title={title}>
          {label}
          <span aria-hidden="true" class="sort-mark">
            {active ? (descending ? " ↑" : " ↓") : ""}
          </span>
        </button>
      </th>
    );
  };

  return (
    <section aria-labelledby="table-title">
      <h2 id="table-title">
        {group.name} <span class="muted">· {t("rankings.unitsCount", { n: group.units.length })}</span>
      </h2>
      <div class="toolbar">
        <div class="field inline">
          <label for="unit-search">{t("rankings.search")}</label>
          <input
            id="unit-search"
            type="search"
            value={search}
            placeholder={t("rankings.searchPlaceholder")}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              setPage(0);
            }}
          />
        </div>
        <p class="muted" aria-live="polite">
          {t("rankings.showing", {
            from: rows.length === 0 ? 0 : current * PAGE_SIZE + 1,
            to: current * PAGE_SIZE + shown.length,
            n: rows.length,
          })}
        </p>
      </div>
      <Scroll label={t("rankings.tableLabel", { group: group.name })}>
        <table class="ranking">
          <caption class="sr-only">
            {t("rankings.caption", { group: group.name, period: period.name })}
          </caption>
          <thead>
            <tr>
              {header("rank", t("rankings.rank"))}
              {header("change", t("rankings.change"), t("rankings.changeHelp"))}
              {header("name", t("rankings.unit"))}
              {header("points", t("rankings.points"), t("rankings.of", { max: fmt.points(group.maxPoints) }))}
              {header("index", t("rankings.index"))}
              <th scope="col" class="wide-only">
                {t("rankings.band")}
              </th>
              {group.nodes.map((n) =>
                header(
                  `node:${n.code}`,
                  `${n.code}. ${n.name}`,
                  t("rankings.of", { max: fmt.points(n.maxPoints) }),
                ),
              )}
            </tr>
          </thead>
          <tbody>
            {shown.map((u) => (
              <tr key={u.unitId}>
                <td class="num rank">{u.rank}</td>
                <td class="num wide-only">
                  <RankChange change={u.rankChange} />
                </td>
                <th scope="row" class="unit-name">
                  <a
                    href={`/units/${encodeURIComponent(u.unitId)}?period=${encodeURIComponent(period.periodId)}`}
                  >
                    {u.name}
                  </a>
                  {notSubmitted(u) && (
                    <>
                      {" "}
                      <NotSubmitted />
                    </>
                  )}
                  {/* On a phone the band and the change columns are hidden: shown after the name. */}{" "}
                  <span class="narrow-only unit-extra">
                    <Band label={u.band} /> <RankChange change={u.rankChange} />
                  </span>
                </th>
                <td class="num">{fmt.points(u.points)}</td>
                <td class="num">{fmt.index(u.index)}</td>
                <td class="wide-only">
                  <Band label={u.band} />
                </td>
                {group.nodes.map((n) => {
                  const r = u.nodes.find((x) => x.code === n.code);
                  return (
                    <td class="num wide-only" key={n.code}>
                      {r ? fmt.points(r.points) : "—"}
                      {r?.rank != null && <span class="node-rank">#{r.rank}</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      {rows.length === 0 && <p>{t("rankings.noMatch")}</p>}
      <Pager page={current} pages={pages} onPage={setPage} label={t("rankings.pages")} />
    </section>
  );
}
