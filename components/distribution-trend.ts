import { differenceInCalendarDays, differenceInCalendarMonths, parseISO } from "date-fns";
import type { DistributionKey } from "@/lib/metrics/definitions";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { computeDistributionTimeseries, type Interval } from "@/lib/metrics/timeseries";
import type { ChartRow } from "./charts/line-chart";
import { bucketLabel } from "./trend";

/** Most points one chart draws (two years by day); wider ranges ask for week or month. */
export const MAX_DISTRIBUTION_BUCKETS = 750;

/** How many buckets (UTC days, Monday weeks, months) the range spans, at most. */
function bucketCount(range: { from: string; to: string }, interval: Interval): number {
  const from = parseISO(range.from);
  const to = parseISO(range.to);
  if (interval === "month") return differenceInCalendarMonths(to, from) + 1;
  const days = differenceInCalendarDays(to, from) + 1;
  return interval === "week" ? Math.ceil(days / 7) + 1 : days;
}

/**
 * P50 / P90 of a duration per bucket (UTC days, Monday weeks, months — like computeTimeseries),
 * all buckets in one query (computeDistributionTimeseries) with the segment query's own
 * percentiles, so each point is the computeMetrics answer for the bucket's days clipped to the
 * range. Null when a bucket has no value.
 */
export async function distributionTrend(
  query: Omit<TMetricsQuery, "group_by">,
  range: { from: string; to: string },
  key: DistributionKey,
  interval: Interval,
): Promise<{ rows: ChartRow[]; tooMany: boolean }> {
  if (bucketCount(range, interval) > MAX_DISTRIBUTION_BUCKETS) return { rows: [], tooMany: true };
  const points = await computeDistributionTimeseries({ ...query, from: range.from, to: range.to, interval }, key);
  const rows = points.map((p) => ({ start: p.start, label: bucketLabel(p.start, interval), p50: p.p50, p90: p.p90, p50__n: p.n, p90__n: p.n }));
  return { rows, tooMany: false };
}
