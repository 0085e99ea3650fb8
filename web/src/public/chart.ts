import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/**
 * The charts of the public page, drawn with uPlot. This module (and uPlot with it) is a separate
 * chunk, loaded only when a chart scrolls into view.
 */
export interface ChartHandle {
  resize(width: number): void;
  destroy(): void;
}

interface ChartInput {
  /** One label per point (a unit's name, a period's name). */
  labels: string[];
  values: (number | null)[];
  yLabel: string;
  xLabel: string;
  width: number;
  height: number;
  /** Called with the hovered point's index, or null. */
  onHover?: (i: number | null) => void;
  formatY: (v: number) => string;
}

const COLOR = "#0b4f8a";

function base(
  input: ChartInput,
  xValues: (u: uPlot, splits: number[]) => string[],
  pad: number,
): uPlot.Options {
  return {
    width: input.width,
    height: input.height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 8 } },
    // Half a step of room at each end, so the first and last bars (points) are whole.
    scales: { x: { time: false, range: (_u, min, max) => [min - pad, max + pad] }, y: { range: [0, 1] } },
    axes: [
      { label: input.xLabel, values: xValues, stroke: "#333", grid: { show: false } },
      {
        label: input.yLabel,
        values: (_u, splits) => splits.map((v) => input.formatY(v)),
        stroke: "#333",
        size: 56,
        grid: { stroke: "#ddd" },
      },
    ],
    series: [{}, { label: input.yLabel, stroke: COLOR, fill: "rgba(11,79,138,0.55)", width: 1 }],
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          input.onHover?.(i === undefined || i === null ? null : i);
        },
      ],
    },
  };
}

/** Bars of the index by rank position (x = 1 … n). */
export function barChart(el: HTMLElement, input: ChartInput): ChartHandle {
  const xs = input.labels.map((_, i) => i + 1);
  const options = base(input, (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")), 0.5);
  const bars = uPlot.paths.bars?.({ size: [0.8, 40], gap: 1 });
  const series = options.series[1] as uPlot.Series;
  if (bars) series.paths = bars;
  series.points = { show: false };
  const plot = new uPlot(options, [xs, input.values], el);
  return { resize: (width) => plot.setSize({ width, height: input.height }), destroy: () => plot.destroy() };
}

/** A line of values over periods (x = the periods in order). */
export function lineChart(el: HTMLElement, input: ChartInput): ChartHandle {
  const xs = input.labels.map((_, i) => i);
  const options = base(
    input,
    (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (input.labels[v] ?? "") : "")),
    0.25,
  );
  (options.series[1] as uPlot.Series).points = { show: true, size: 7 };
  (options.series[1] as uPlot.Series).fill = undefined;
  (options.series[1] as uPlot.Series).width = 2;
  const plot = new uPlot(options, [xs, input.values], el);
  return { resize: (width) => plot.setSize({ width, height: input.height }), destroy: () => plot.destroy() };
}

/** Distinct strokes for several lines; the first (the index) drawn thicker. */
const PALETTE = [COLOR, "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d"];

/** Several lines over periods (the index and each pillar), with uPlot's legend naming them. */
export function linesChart(
  el: HTMLElement,
  input: ChartInput & { lines: { label: string; values: (number | null)[] }[] },
): ChartHandle {
  const xs = input.labels.map((_, i) => i);
  const options = base(
    input,
    (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (input.labels[v] ?? "") : "")),
    0.25,
  );
  options.legend = { show: true, live: false };
  options.series = [
    {},
    ...input.lines.map((line, i) => ({
      label: line.label,
      stroke: PALETTE[i % PALETTE.length],
      width: i === 0 ? 3 : 1.5,
      points: { show: true, size: i === 0 ? 7 : 5 },
    })),
  ];
  const plot = new uPlot(options, [xs, ...input.lines.map((line) => line.values)], el);
  return { resize: (width) => plot.setSize({ width, height: input.height }), destroy: () => plot.destroy() };
}
