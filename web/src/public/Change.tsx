import { useMemo } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import { LoadState, Scroll, useAsync } from "../ui/common.tsx";
import { explainChange } from "./change.ts";
import {
  type Appearance,
  loadIndex,
  loadMethod,
  loadSnapshot,
  previousOf,
  type Series,
  type SnapshotGroup,
  type SnapshotUnit,
} from "./data.ts";
import { LazyChart } from "./GroupChart.tsx";

/**
 * Why the unit's rank changed since the previous published period, in one sentence (change.ts). Not
 * shown for a snapshot published before `change` existed; the method file (indicator names) and the
 * previous snapshot (its name, its index set, whether the unit was there) are read only when needed.
 */
export function ChangeNote({ appearance }: { appearance: Appearance }) {
  const { unit, group, period } = appearance;
  const words = useAsync(async () => {
    const previous = unit.change ? previousOf(await loadIndex(), period) : undefined;
    const [snapshot, method, before] = await Promise.all([
      loadSnapshot(period),
      unit.change?.leaves.length ? loadMethod(period) : undefined,
      previous && loadSnapshot(previous),
    ]);
    return explainChange({
      unit,
      group,
      snapshot,
      method,
      previous: previous && before ? { name: previous.name, snapshot: before } : undefined,
    });
  }, [period.periodId, unit.unitId]);
  if (unit.change === undefined) return null;
  return (
    <section aria-labelledby="change-title">
      <h2 id="change-title">{t("unit.changeTitle")}</h2>
      {words.data ? <p class="change-text">{words.data.text}</p> : <LoadState of={words} />}
      {words.data?.setChanged && <p class="muted">{t("change.setChanged")}</p>}
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
  const pillarValue = (u: SnapshotUnit, code: string) => u.nodes.find((n) => n.code === code)?.value ?? null;
  const lines = useMemo(
    () =>
      group.nodes.map((node) => ({
        label: `${node.code}. ${node.name}`,
        values: appearances.map((a) => pillarValue(a.unit, node.code)),
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
