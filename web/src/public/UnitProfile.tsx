import { useMemo } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import type { Location } from "../router.ts";
import { Band, LoadState, Nothing, RankChange, Scroll, useAsync, useTitle } from "../ui/common.tsx";
import { ChangeNote, PillarHistory } from "./Change.tsx";
// Eager, not lazy: a lazy view made the bundler split the shared modules into more chunks, costing
// the page more in all (measured: 60.1 KB against 58.2 KB).
import Compare from "./Compare.tsx";
import { documentHref, historySeries, notSubmitted, unitHistory } from "./data.ts";
import { NotSubmitted } from "./NotSubmitted.tsx";

/** A unit's public page: its pillar profile in a period and its history across published periods. */
export function UnitProfile({ unitId, location }: { unitId: string; location: Location }) {
  const data = useAsync(() => unitHistory(unitId), [unitId]);
  const appearances = data.data ?? [];
  const wanted = location.query.get("period");
  const current = appearances.find((a) => a.period.periodId === wanted) ?? appearances.at(-1);
  useTitle(current?.unit.name ?? t("unit.title"));
  const chart = useMemo(() => historySeries(appearances), [appearances]);

  if (data.loading || data.error !== undefined) return <LoadState of={data} />;
  if (!current)
    return (
      <Nothing title={t("unit.title")} text={t("unit.notFound")}>
        <p>
          <a href="/">{t("unit.back")}</a>
        </p>
      </Nothing>
    );
  const { unit, group, period } = current;
  const here = `/units/${encodeURIComponent(unitId)}?period=${encodeURIComponent(period.periodId)}`;
  const other = location.query.get("compare");
  if (other !== null) return <Compare here={here} unit={unit} group={group} period={period} other={other} />;
  return (
    <>
      <p>
        <a href={`/?period=${encodeURIComponent(period.periodId)}&group=${encodeURIComponent(group.id)}`}>
          ← {t("unit.back")}
        </a>
      </p>
      <h1>{unit.name}</h1>
      {notSubmitted(unit) && (
        <p>
          <NotSubmitted />
        </p>
      )}
      <p class="muted">{t("unit.meta", { code: unit.code, group: group.name, period: period.name })}</p>
      <dl class="stats">
        <div>
          <dt>{t("rankings.rank")}</dt>
          <dd>
            {t("unit.rankOf", { rank: unit.rank, n: group.units.length })}{" "}
            <RankChange change={unit.rankChange} />
          </dd>
        </div>
        <div>
          <dt>{t("rankings.points")}</dt>
          <dd>
            {fmt.points(unit.points)} <span class="muted">/ {fmt.points(unit.maxPoints)}</span>
          </dd>
        </div>
        <div>
          <dt>{t("rankings.index")}</dt>
          <dd>{fmt.index(unit.index)}</dd>
        </div>
        <div>
          <dt>{t("rankings.band")}</dt>
          <dd>
            <Band label={unit.band} />
          </dd>
        </div>
      </dl>

      <p class="downloads">
        {period.documents && (
          <>
            <a href={documentHref(period.periodId, { unitId })}>{t("unit.scorecard")}</a> ·{" "}
          </>
        )}
        <a href={`${here}&compare=`}>{t("unit.compare")}</a>
      </p>
      <ChangeNote appearance={current} />

      <section aria-labelledby="profile-title">
        <h2 id="profile-title">{t("unit.profile")}</h2>
        <ul class="profile">
          {group.nodes.map((node) => {
            const r = unit.nodes.find((n) => n.code === node.code);
            const value = r?.value ?? 0;
            return (
              <li key={node.code}>
                <div class="profile-label">
                  <span>
                    {node.code}. {node.name}
                  </span>
                  <span class="muted">
                    {r ? `${fmt.points(r.points)} / ${fmt.points(r.maxPoints)}` : "—"}
                    {r && ` · ${fmt.percent(value)}`}
                    {r?.rank != null && ` · ${t("unit.pillarRank", { rank: r.rank })}`}
                  </span>
                </div>
                <div class="bar" aria-hidden="true">
                  <span style={{ width: `${Math.round(value * 1000) / 10}%` }} />
                </div>
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("unit.history")}</h2>
        <Scroll label={t("unit.history")}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("rankings.period")}</th>
                {(["rank", "points", "index"] as const).map((key) => (
                  <th scope="col" class="num" key={key}>
                    {t(`rankings.${key}`)}
                  </th>
                ))}
                <th scope="col">{t("rankings.band")}</th>
              </tr>
            </thead>
            <tbody>
              {appearances.map((a) => (
                <tr key={a.period.periodId}>
                  <th scope="row">
                    <a
                      href={`/units/${encodeURIComponent(unitId)}?period=${encodeURIComponent(a.period.periodId)}`}
                      aria-current={a === current ? "page" : undefined}
                    >
                      {a.period.name}
                    </a>
                  </th>
                  <td class="num">
                    {a.unit.rank}/{a.group.units.length}
                  </td>
                  <td class="num">{fmt.points(a.unit.points)}</td>
                  <td class="num">{fmt.index(a.unit.index)}</td>
                  <td>
                    <Band label={a.unit.band} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      </section>
      {appearances.length > 1 && (
        <PillarHistory appearances={appearances} series={chart} unit={unit} group={group} />
      )}
    </>
  );
}
