import { useMemo } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import { navigate } from "../router.ts";
import { Scroll, useTitle } from "../ui/common.tsx";
import type { PublishedPeriod, SnapshotGroup, SnapshotNode, SnapshotUnit } from "./data.ts";

/** One unit's figure in a cell: points of the maximum, value, rank. */
function Cell({
  figure,
}: {
  figure: Pick<SnapshotNode, "points" | "maxPoints" | "value" | "rank"> | undefined;
}) {
  if (!figure) return <td class="num">—</td>;
  return (
    <td class="num">
      {fmt.points(figure.points)}
      <span class="muted">/{fmt.points(figure.maxPoints)}</span>
      <br />
      {figure.value === null ? "—" : fmt.percent(figure.value)}
      {figure.rank !== null && <span class="node-rank">#{figure.rank}</span>}
    </td>
  );
}

/**
 * Two units of the same group in the same period, pillar by pillar (points, value, rank): the unit
 * page's ?compare=<unitId> (a shareable address); without a valid other unit, only the picker.
 */
export default function Compare({
  here,
  unit,
  group,
  period,
  other,
}: {
  here: string;
  unit: SnapshotUnit;
  group: SnapshotGroup;
  period: PublishedPeriod;
  other: string;
}) {
  useTitle(t("compare.title"));
  const b = group.units.find((u) => u.unitId === other && u.unitId !== unit.unitId);
  const choices = useMemo(
    () =>
      group.units.filter((u) => u.unitId !== unit.unitId).sort((x, y) => x.name.localeCompare(y.name, "vi")),
    [group, unit],
  );
  const both = b ? [unit, b] : [];
  return (
    <>
      <p>
        <a href={here}>← {unit.name}</a>
      </p>
      <h1>{t("compare.title")}</h1>
      <p class="muted">{t("unit.meta", { code: unit.code, group: group.name, period: period.name })}</p>
      <div class="field">
        <label for="compare-with">{t("compare.pick")}</label>
        <select
          id="compare-with"
          value={b?.unitId ?? ""}
          onChange={(e) => navigate(`${here}&compare=${encodeURIComponent(e.currentTarget.value)}`)}
        >
          <option value="">—</option>
          {choices.map((u) => (
            <option key={u.unitId} value={u.unitId}>
              {u.name}
            </option>
          ))}
        </select>
      </div>
      {b && (
        <Scroll label={t("compare.title")}>
          <table class="compare">
            <caption>{t("compare.caption", { a: unit.name, b: b.name, period: period.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("unit.profile")}</th>
                {both.map((u) => (
                  <th scope="col" class="num" key={u.unitId}>
                    <a
                      href={`/units/${encodeURIComponent(u.unitId)}?period=${encodeURIComponent(period.periodId)}`}
                    >
                      {u.name}
                    </a>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t("compare.total")}</th>
                {both.map((u) => (
                  <Cell key={u.unitId} figure={{ ...u, value: u.index, rank: u.rank }} />
                ))}
              </tr>
              {group.nodes.map((node) => (
                <tr key={node.code}>
                  <th scope="row">
                    {node.code}. {node.name}
                  </th>
                  {both.map((u) => (
                    <Cell key={u.unitId} figure={u.nodes.find((n) => n.code === node.code)} />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </>
  );
}
