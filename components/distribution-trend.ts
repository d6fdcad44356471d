import { addDays, addMonths, addWeeks, format, max as maxDate, min as minDate, parseISO, startOfMonth, startOfWeek, subDays } from "date-fns";
import { computeMetrics } from "@/lib/metrics";
import type { DistributionKey } from "@/lib/metrics/definitions";
import type { TMetricsQuery } from "@/lib/metrics/request";
import type { Interval } from "@/lib/metrics/timeseries";
import type { ChartRow } from "./charts/line-chart";
import { bucketLabel } from "./trend";

/** Most buckets one chart asks for (each is one computeMetrics call). */
export const MAX_DISTRIBUTION_BUCKETS = 100;

const day = (d: Date) => format(d, "yyyy-MM-dd");

/**
 * P50 / P90 of a duration per bucket (UTC days, Monday weeks, months — like computeTimeseries),
 * each bucket one computeMetrics call over the bucket's days clipped to the range, so every
 * number is the library's. Null when a bucket has no value.
 */
export async function distributionTrend(
  query: Omit<TMetricsQuery, "group_by">,
  range: { from: string; to: string },
  key: DistributionKey,
  interval: Interval,
): Promise<{ rows: ChartRow[]; tooMany: boolean }> {
  const from = parseISO(range.from);
  const to = parseISO(range.to);
  const starts: Date[] = [];
  let s = interval === "week" ? startOfWeek(from, { weekStartsOn: 1 }) : interval === "month" ? startOfMonth(from) : from;
  while (s <= to) {
    starts.push(s);
    s = interval === "week" ? addWeeks(s, 1) : interval === "month" ? addMonths(s, 1) : addDays(s, 1);
  }
  if (starts.length > MAX_DISTRIBUTION_BUCKETS) return { rows: [], tooMany: true };
  const rows: ChartRow[] = new Array(starts.length);
  // a few at a time: each call is a full metrics scan of its bucket
  const concurrency = 4;
  for (let i = 0; i < starts.length; i += concurrency) {
    await Promise.all(
      starts.slice(i, i + concurrency).map(async (start, j) => {
        const next = interval === "week" ? addWeeks(start, 1) : interval === "month" ? addMonths(start, 1) : addDays(start, 1);
        const bucketFrom = day(maxDate([start, from]));
        const bucketTo = day(minDate([subDays(next, 1), to]));
        const r = await computeMetrics({ ...query, from: bucketFrom, to: bucketTo });
        const d = r.segments[0].metrics[key];
        rows[i + j] = { start: day(start), label: bucketLabel(day(start), interval), p50: d.p50, p90: d.p90, p50__n: d.n, p90__n: d.n };
      }),
    );
  }
  return { rows, tooMany: false };
}
