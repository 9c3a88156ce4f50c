/**
 * Charts drawn by uPlot. Only the lazily loaded views import this module, so uPlot (about
 * 20 KB gzipped) never weighs on the first render. Every chart carries a text summary for
 * screen readers and a data table behind a disclosure. A withheld point (null: fewer than k
 * devices) is a gap in the line and "fewer than k" in the table, never a zero.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./charts.css";
import { count, day as formatDay, num, shortDay } from "../format";
import { Figure } from "./figures";

export interface SeriesSpec {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Series on the right-hand axis (e.g. devices beside visits). */
  right?: boolean;
}

/** Colors with at least 3:1 contrast on white, distinguishable with common color blindness. */
export const COLORS = { blue: "#3b4cca", orange: "#c25400", green: "#1f7a44", purple: "#7b3fa0", grey: "#5b6675" };

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const AXIS = {
  stroke: "#5b6675",
  font: FONT,
  gap: 6,
  grid: { stroke: "#e6eaef", width: 1 },
  ticks: { stroke: "#dde3ea", width: 1, size: 8 },
} satisfies uPlot.Axis;

/**
 * An axis as wide (or tall) as its longest label at the axis font, so no label is clipped
 * whatever the numbers or the category names are.
 */
function fitAxis(self: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = self.axes[axisIdx] as uPlot.Axis & { _size?: number; font?: string | [string, number] };
  // uPlot sizes axes in cycles until they settle; the third pass keeps what it has.
  if (cycleNum > 1 && axis._size !== undefined) return axis._size;
  const longest = (values ?? []).reduce<string>((a, b) => (String(b ?? "").length > a.length ? String(b) : a), "");
  const font = Array.isArray(axis.font) ? axis.font[0] : (axis.font ?? FONT);
  self.ctx.font = font;
  const text = longest ? self.ctx.measureText(longest).width / (window.devicePixelRatio || 1) : 0;
  return Math.ceil(AXIS.ticks.size + AXIS.gap + text + 4);
}

/** Seconds since the epoch of a UTC day: uPlot's time scale unit. */
function daySeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

const DAY_S = 86_400;
const dayOfSeconds = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

/** The day axis: ticks on whole days (never hours), labelled as every other date on screen. */
const DAY_AXIS = {
  ...AXIS,
  incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S],
  values: (_u: uPlot, splits: number[]) => splits.map((ts) => shortDay(dayOfSeconds(ts))),
} satisfies uPlot.Axis;

/**
 * Creates a uPlot in a container; a responsive plot follows the container's width, a fixed
 * one (the sparkline) keeps the width its options give.
 */
function usePlot(
  makeOptions: (width: number) => uPlot.Options,
  data: uPlot.AlignedData,
  deps: unknown[],
  responsive = true,
) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    const width = Math.max(200, host.clientWidth);
    const plot = new uPlot(makeOptions(width), data, host);
    if (!responsive) return () => plot.destroy();
    const observer = new ResizeObserver(() => {
      const next = Math.max(200, host.clientWidth);
      if (next !== plot.width) plot.setSize({ width: next, height: plot.height });
    });
    observer.observe(host);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, deps);
  return ref;
}

/** Tick labels of a count axis: whole numbers only. */
const countTicks = (format: (value: number) => string) => (_u: uPlot, splits: number[]) =>
  splits.map((v) => (Number.isInteger(v) ? format(v) : ""));

/** A series in words for screen readers: its total and peak, and how many days are withheld. */
function describe(series: SeriesSpec, format: (value: number) => string, total: boolean): string {
  const values = series.values.filter((v): v is number => v !== null);
  const withheld = series.values.length - values.length;
  const parts = [
    total ? `${format(values.reduce((a, b) => a + b, 0))} in total` : `latest ${format(values.at(-1) ?? 0)}`,
    `peak ${format(Math.max(0, ...values))}`,
  ];
  if (withheld > 0) parts.push(`${count(withheld, "day")} withheld (fewer than k devices)`);
  return `${series.label}: ${parts.join(", ")}`;
}

/** Days on the x axis, one or two series (two scales when a series is `right`). */
export function TrendChart({
  days,
  series,
  height = 240,
  label,
  format = num,
  cumulative = false,
}: {
  days: string[];
  series: SeriesSpec[];
  height?: number;
  label: string;
  /** How values read on the axis and in the table (counts by default). */
  format?: (value: number) => string;
  /** The values are levels (a size), not counts per day: the summary gives the latest, not a total. */
  cumulative?: boolean;
}) {
  const hasRight = series.some((s) => s.right);
  const data: uPlot.AlignedData = [days.map(daySeconds), ...series.map((s) => s.values)];
  const ref = usePlot(
    (width) => ({
      width,
      height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [
        { label: "Day", value: (_u, ts) => (ts == null ? "–" : formatDay(dayOfSeconds(ts))) },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          // Only the first series is filled, so overlapping areas do not muddy the colors.
          ...(i === 0 ? { fill: `${s.color}14` } : {}),
          scale: s.right ? "right" : "y",
          // The legend: "–" with no day under the cursor, "withheld" for a day below k devices.
          value: (_u: uPlot, v: number | null, _series: number, idx: number | null) =>
            idx === null ? "–" : v === null ? "withheld" : format(v),
          points: { size: 5 },
        })),
      ],
      axes: [
        DAY_AXIS,
        { ...AXIS, size: fitAxis, values: countTicks(format) },
        ...(hasRight
          ? [
              {
                ...AXIS,
                scale: "right",
                side: 1 as const,
                grid: { show: false },
                size: fitAxis,
                values: countTicks(num),
              },
            ]
          : []),
      ],
    }),
    data,
    [JSON.stringify(days), JSON.stringify(series), height],
  );
  const summary = series.map((s) => describe(s, s.right ? num : format, !cumulative)).join("; ");
  return (
    <figure class="chart">
      <div ref={ref} class="chart-canvas" role="img" aria-label={`${label}. ${summary}.`} />
      <details class="chart-data">
        <summary>Show the data</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((s) => (
                <th scope="col" class="num" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((d, i) => (
              <tr key={d}>
                <th scope="row">{formatDay(d)}</th>
                {series.map((s) => {
                  const value = s.values[i];
                  return (
                    <td class="num" key={s.label}>
                      {value === null || value === undefined || s.right ? <Figure value={value} /> : format(value)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** A 30-day line without axes for a table cell; the numbers are in the row's label. */
export function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const ref = usePlot(
    () => ({
      width: 104,
      height: 28,
      padding: [3, 2, 3, 2],
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: COLORS.blue, width: 1.5, fill: `${COLORS.blue}1f`, points: { show: false } }],
    }),
    [values.map((_, i) => i), values],
    [values.join(",")],
    false,
  );
  return <div ref={ref} class="sparkline" role="img" aria-label={label} />;
}

/** Horizontal bars over named categories (the nudge funnel): labels read left to right. */
export function BarChart({
  labels,
  values,
  color = COLORS.blue,
  label,
}: {
  labels: string[];
  values: Array<number | null>;
  color?: string;
  label: string;
}) {
  const bars = uPlot.paths.bars?.({ size: [0.7, 28] });
  const ref = usePlot(
    (width) => ({
      width,
      height: labels.length * 30 + 36,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      scales: {
        // Categories run down the left side, first at the top; counts run along the bottom.
        x: { time: false, ori: 1, dir: -1, range: () => [-0.5, labels.length - 0.5] },
        y: { ori: 0, range: (_u, _min, max) => [0, Math.max(1, max * 1.08)] },
      },
      axes: [
        {
          ...AXIS,
          side: 3,
          grid: { show: false },
          size: fitAxis,
          splits: () => labels.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
        },
        { ...AXIS, side: 2, size: fitAxis, values: countTicks(num) },
      ],
      series: [
        {},
        {
          label: "count",
          stroke: color,
          fill: color,
          width: 0,
          points: { show: false },
          ...(bars ? { paths: bars } : {}),
        },
      ],
    }),
    [labels.map((_, i) => i), values],
    [labels.join(","), values.join(",")],
  );
  const described = labels.map((l, i) => `${l} ${values[i] === null ? "withheld" : num(values[i])}`);
  return <div ref={ref} class="chart-canvas" role="img" aria-label={`${label}: ${described.join(", ")}`} />;
}
