"use client";

import { CartesianGrid, Legend, Line, LineChart as RLineChart, ReferenceArea, Tooltip, XAxis, YAxis } from "recharts";
import { useInBrowser } from "./client-only";
import { BAND_FILL, formatAxis, formatValue, SERIES_COLORS, SERIES_DASHES, type ValueFormat } from "./palette";

export type ChartRow = Record<string, string | number | null>;

export interface LineChartProps {
  /** one row per x value */
  data: ChartRow[];
  /** the key of the x value in each row */
  index: string;
  /** the keys of the series */
  categories: string[];
  /** legend / tooltip names of the series (defaults to the keys) */
  labels?: Record<string, string>;
  valueFormat?: ValueFormat;
  /** a row's `<category>__n` is shown in the tooltip as the count behind the value */
  countSuffix?: string;
  /** shaded target band */
  band?: { min?: number | null; max?: number | null; label?: string };
  /** y scale: sqrt keeps seconds and hours readable on one axis */
  yScale?: "linear" | "sqrt";
  /** y axis domain; rates default to 0..1 */
  yDomain?: [number, number | "auto"];
  height?: number;
  /** accessible description of what the chart shows */
  ariaLabel: string;
  showLegend?: boolean;
}

/** Thin recharts wrapper in the tremor style: data, index, categories, a value format. */
export function LineChart({
  data, index, categories, labels = {}, valueFormat = "percent", countSuffix = "__n", band, yDomain, yScale = "linear", height = 180, ariaLabel,
  showLegend = categories.length > 1,
}: LineChartProps) {
  const inBrowser = useInBrowser();
  if (!inBrowser) return <ChartPlaceholder height={height} ariaLabel={ariaLabel} />;
  const domain = yDomain ?? (valueFormat === "percent" ? [0, 1] : [0, "auto"]);
  const top = typeof domain[1] === "number" ? domain[1] : undefined;
  return (
    <figure className="w-full" aria-label={ariaLabel} role="group">
      <RLineChart
        responsive
        data={data}
        style={{ width: "100%", height }}
        margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
        accessibilityLayer
      >
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        {band && (band.min != null || band.max != null) ? (
          <ReferenceArea
            y1={band.min ?? domain[0]}
            y2={band.max ?? top}
            fill={BAND_FILL}
            fillOpacity={0.08}
            stroke={BAND_FILL}
            strokeOpacity={0.35}
            strokeDasharray="4 3"
            ifOverflow="extendDomain"
            label={band.label ? { value: band.label, position: "insideTopRight", fill: "#1e3a8a", fontSize: 11 } : undefined}
          />
        ) : null}
        <XAxis dataKey={index} tick={{ fontSize: 11, fill: "#475569" }} tickLine={false} axisLine={{ stroke: "#cbd5e1" }} minTickGap={16} />
        <YAxis
          domain={domain}
          scale={yScale}
          tickFormatter={(v: number) => formatAxis(v, valueFormat)}
          tick={{ fontSize: 11, fill: "#475569" }}
          tickLine={false}
          axisLine={false}
          width={valueFormat === "percent" ? 52 : 64}
        />
        <Tooltip
          content={({ active, payload, label }) => {
            if (!active || !payload?.length) return null;
            const row = payload[0]?.payload as ChartRow | undefined;
            return (
              <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
                <p className="mb-1 font-semibold text-slate-900">{String(label)}</p>
                {categories.map((c, i) => {
                  const n = row?.[`${c}${countSuffix}`];
                  return (
                    <p key={c} className="flex items-center gap-2 text-slate-700">
                      <span aria-hidden="true" className="inline-block h-0.5 w-3" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} />
                      <span>{labels[c] ?? c}:</span>
                      <span className="font-semibold tabular-nums">{formatValue(row?.[c] as number | null, valueFormat)}</span>
                      {typeof n === "number" ? <span className="text-slate-500">n = {n.toLocaleString("en-US")}</span> : null}
                    </p>
                  );
                })}
              </div>
            );
          }}
        />
        {showLegend ? <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} formatter={(v: string) => <span className="text-slate-700">{labels[v] ?? v}</span>} /> : null}
        {categories.map((c, i) => (
          <Line
            key={c}
            dataKey={c}
            name={c}
            type="linear"
            stroke={SERIES_COLORS[i % SERIES_COLORS.length]}
            strokeDasharray={SERIES_DASHES[i % SERIES_DASHES.length]}
            strokeWidth={2}
            dot={{ r: 2 }}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </RLineChart>
    </figure>
  );
}

/** The chart's box before it draws in the browser: same height, so nothing moves when it does. */
export function ChartPlaceholder({ height, ariaLabel }: { height: number; ariaLabel: string }) {
  return (
    <figure className="w-full" aria-label={ariaLabel} role="group">
      <div className="rounded-md bg-slate-50" style={{ height }} />
    </figure>
  );
}
