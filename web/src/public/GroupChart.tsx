import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { fmt, t } from "../i18n/index.ts";
import type { ChartHandle } from "./chart.ts";
import { rankSeries, type Series, type SnapshotGroup } from "./data.ts";

type Kind = "bars" | "line";
export interface Line {
  label: string;
  values: (number | null)[];
}

/**
 * A chart that loads uPlot (its own chunk) only when it scrolls into view. The chart is an image for
 * assistive technology; the table next to it holds the same numbers.
 */
export function LazyChart({
  kind,
  series,
  xLabel,
  yLabel = t("rankings.index"),
  description,
  height = 240,
  lines,
}: {
  kind: Kind;
  series: Series;
  xLabel: string;
  /** The index, unless said otherwise. */
  yLabel?: string;
  description: string;
  height?: number;
  /** More lines beside `series` (a unit's pillars): drawn with a legend. */
  lines?: Line[];
}) {
  const { labels, values } = series;
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let handle: ChartHandle | undefined;
    let cancelled = false;
    let resize: ResizeObserver | undefined;
    const draw = () =>
      import("./chart.ts").then(
        (chart) => {
          if (cancelled) return;
          const width = Math.max(240, el.clientWidth);
          const input = {
            labels,
            values,
            xLabel,
            yLabel,
            width,
            height,
            onHover: setHover,
            formatY: (v: number) => fmt.number(v, 2),
          };
          handle = lines
            ? chart.linesChart(el, { ...input, lines: [{ label: yLabel, values }, ...lines] })
            : kind === "bars"
              ? chart.barChart(el, input)
              : chart.lineChart(el, input);
          resize = new ResizeObserver(() => handle?.resize(Math.max(240, el.clientWidth)));
          resize.observe(el);
        },
        () => setFailed(true),
      );
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          seen.disconnect();
          void draw();
        }
      },
      { rootMargin: "200px" },
    );
    seen.observe(el);
    return () => {
      cancelled = true;
      seen.disconnect();
      resize?.disconnect();
      handle?.destroy();
    };
  }, [kind, labels, values, xLabel, yLabel, height, lines]);
  const point = hover === null ? undefined : labels[hover];
  const value = hover === null ? undefined : values[hover];
  return (
    <figure class="chart">
      <div
        ref={box}
        class="chart-box"
        role="img"
        aria-label={description}
        style={{ minHeight: `${height}px` }}
      />
      <figcaption>
        <span aria-hidden="true" class="chart-hover">
          {point !== undefined && value !== undefined && value !== null
            ? `${kind === "bars" ? `#${(hover ?? 0) + 1} ` : ""}${point}: ${fmt.index(value)}`
            : "\u00a0"}
        </span>
        {failed && <span role="alert">{t("chart.failed")}</span>}
      </figcaption>
    </figure>
  );
}

/** The group's units by rank, their index as bars. */
export function GroupChart({ group }: { group: SnapshotGroup }) {
  const series = useMemo(() => rankSeries(group), [group]);
  return (
    <section aria-labelledby="chart-title" class="chart-section">
      <h2 id="chart-title">{t("chart.groupTitle", { group: group.name })}</h2>
      <LazyChart
        kind="bars"
        series={series}
        xLabel={t("rankings.rank")}
        description={t("chart.groupDescription", { group: group.name, n: group.units.length })}
      />
    </section>
  );
}
