import { useMemo } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import { LoadState, Scroll, useAsync } from "../ui/common.tsx";
import { explainChange, pillarLine } from "./change.ts";
import {
  type Appearance,
  loadCompared,
  loadMethod,
  loadSnapshot,
  type Series,
  type SnapshotGroup,
  type SnapshotUnit,
} from "./data.ts";
import { LazyChart } from "./GroupChart.tsx";

/**
 * Why the unit's rank changed since the previous published period, in one sentence (change.ts). Not
 * shown for a snapshot published before `change` existed; the method file (indicator names) and the
 * compared snapshot (the version it names: its name, its index set, whether the unit was there) are
 * read only when needed.
 */
export function ChangeNote({ appearance }: { appearance: Appearance }) {
  const { unit, group, period } = appearance;
  const words = useAsync(async () => {
    const [snapshot, method] = await Promise.all([
      loadSnapshot(period),
      unit.change?.leaves.length ? loadMethod(period) : undefined,
    ]);
    // The version the snapshot names (older ones: the period before it in the index).
    const previous = unit.change ? await loadCompared(period, snapshot) : undefined;
    return explainChange({ unit, group, snapshot, method, previous });
  }, [period.periodId, unit.unitId]);
  if (unit.change === undefined) return null;
  return (
    <section aria-labelledby="change-title">
      <h2 id="change-title">{t("unit.changeTitle")}</h2>
      {words.data ? <p class="change-text">{words.data.text}</p> : <LoadState of={words} />}
      {words.data?.note && <p class="muted">{words.data.note}</p>}
    </section>
  );
}

/** Each pillar's value over the periods the unit was ranked in: a chart with the index, and its table. */
export function PillarHistory({
  appearances,
  series,
  unit,
  group,
}: {
  appearances: Appearance[];
  series: Series;
  unit: SnapshotUnit;
  group: SnapshotGroup;
}) {
  // Across versions of the index set a pillar's line follows the map (change.ts).
  const lines = useMemo(
    () =>
      group.nodes.map((node) => ({
        label: `${node.code}. ${node.name}`,
        values: pillarLine(appearances, node.code),
      })),
    [appearances, group],
  );
  return (
    <section aria-labelledby="pillars-title">
      <h2 id="pillars-title">{t("unit.pillars")}</h2>
      <LazyChart
        kind="line"
        series={series}
        lines={lines}
        xLabel={t("rankings.period")}
        description={t("chart.historyDescription", { unit: unit.name })}
        height={240}
      />
      <Scroll label={t("unit.pillars")}>
        <table>
          <caption>{t("unit.pillarsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("unit.profile")}</th>
              {appearances.map((a) => (
                <th scope="col" class="num" key={a.period.periodId}>
                  {a.period.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.label}>
                <th scope="row">{line.label}</th>
                {line.values.map((value, j) => (
                  <td class="num" key={appearances[j]?.period.periodId ?? j}>
                    {value === null ? "—" : fmt.percent(value)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );
}
