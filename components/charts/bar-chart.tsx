"use client";

import { BarChart as RBarChart, Bar, CartesianGrid, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { useInBrowser } from "./client-only";
import { formatAxis, formatValue, REFERENCE, SERIES_COLORS, type ValueFormat } from "./palette";
import { ChartPlaceholder, type ChartRow } from "./line-chart";

export interface BarChartProps {
  data: ChartRow[];
  index: string;
  categories: string[];
  labels?: Record<string, string>;
  valueFormat?: ValueFormat;
  /** vertical lines at x values (category labels), e.g. P50 / P90 markers */
  markers?: { x: string; label: string }[];
  layout?: "vertical" | "horizontal";
  height?: number;
  ariaLabel: string;
  /** x-axis title */
  xLabel?: string;
}

/** Thin recharts bar chart wrapper: data, index, categories, a value format. */
export function BarChart({
  data, index, categories, labels = {}, valueFormat = "count", markers = [], layout = "horizontal", height = 220, ariaLabel, xLabel,
}: BarChartProps) {
  const inBrowser = useInBrowser();
  const horizontal = layout === "horizontal";
  if (!inBrowser) return <ChartPlaceholder height={height} ariaLabel={ariaLabel} />;
  return (
    <figure className="w-full" aria-label={ariaLabel} role="group">
      <RBarChart
        responsive
        data={data}
        layout={horizontal ? "horizontal" : "vertical"}
        style={{ width: "100%", height }}
        margin={{ top: 18, right: 16, bottom: xLabel ? 16 : 0, left: 0 }}
        accessibilityLayer
      >
        <CartesianGrid stroke="#e2e8f0" vertical={!horizontal} horizontal={horizontal} />
        {horizontal ? (
          <>
            <XAxis
              dataKey={index}
              tick={{ fontSize: 10, fill: "#475569" }}
              tickLine={false}
              interval="preserveStartEnd"
              minTickGap={8}
              label={xLabel ? { value: xLabel, position: "insideBottom", offset: -10, fontSize: 11, fill: "#475569" } : undefined}
            />
            <YAxis tickFormatter={(v: number) => formatAxis(v, valueFormat)} tick={{ fontSize: 11, fill: "#475569" }} tickLine={false} axisLine={false} width={56} />
          </>
        ) : (
          <>
            <XAxis type="number" tickFormatter={(v: number) => formatAxis(v, valueFormat)} tick={{ fontSize: 11, fill: "#475569" }} tickLine={false} />
            <YAxis type="category" dataKey={index} tick={{ fontSize: 11, fill: "#334155" }} tickLine={false} axisLine={false} width={120} />
          </>
        )}
        <Tooltip
          cursor={{ fill: "#f1f5f9" }}
          content={({ active, payload, label }) => {
            if (!active || !payload?.length) return null;
            const row = payload[0]?.payload as ChartRow | undefined;
            return (
              <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md">
                <p className="mb-1 font-semibold text-slate-900">{String(label)}</p>
                {categories.map((c) => (
                  <p key={c} className="text-slate-700">
                    {labels[c] ?? c}: <span className="font-semibold tabular-nums">{formatValue(row?.[c] as number | null, valueFormat)}</span>
                  </p>
                ))}
              </div>
            );
          }}
        />
        {categories.length > 1 ? <Legend itemSorter={null} wrapperStyle={{ fontSize: 12 }} formatter={(v: string) => labels[v] ?? v} /> : null}
        {categories.map((c, i) => (
          <Bar key={c} dataKey={c} name={c} fill={SERIES_COLORS[i % SERIES_COLORS.length]} isAnimationActive={false} radius={[2, 2, 0, 0]} />
        ))}
        {markers.map((m, i) => (
          <ReferenceLine
            key={`${m.label}-${i}`}
            x={m.x}
            stroke={REFERENCE}
            strokeWidth={2}
            strokeDasharray={i % 2 ? "6 3" : undefined}
            label={{ value: m.label, position: "top", fill: "#0f172a", fontSize: 11, fontWeight: 600 }}
          />
        ))}
      </RBarChart>
    </figure>
  );
}
