import { Suspense } from "react";
import type { TMetricsQuery } from "@/lib/metrics/request";
import type { Interval } from "@/lib/metrics/timeseries";
import { LineChart, type LineChartProps } from "./charts/line-chart";
import { trendRows, type SeriesSpec } from "./trend";

type Props = Omit<LineChartProps, "data" | "index" | "categories"> & {
  query: Omit<TMetricsQuery, "group_by">;
  series: SeriesSpec[];
  interval: Interval;
};

/** Placeholder of a chart while its series load (same height, so nothing jumps). */
export function ChartSkeleton({ height = 180 }: { height?: number }) {
  return (
    <div role="status" className="flex animate-pulse items-center justify-center rounded-md bg-slate-100 text-xs text-slate-600" style={{ height }}>
      Loading trend…
    </div>
  );
}

async function TrendChartData({ query, series, interval, ...chart }: Props) {
  const { rows, skipped } = await trendRows(query, series, interval);
  return <LineChart {...chart} data={rows} index="label" categories={series.map((s) => s.key).filter((k) => !skipped.includes(k))} />;
}

/**
 * A trend line chart that loads its own series (computeTimeseries) behind a Suspense boundary,
 * so a page's numbers show first and the charts stream in after.
 */
export function TrendChart(props: Props) {
  return (
    <Suspense fallback={<ChartSkeleton height={props.height} />}>
      <TrendChartData {...props} />
    </Suspense>
  );
}
