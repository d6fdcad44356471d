import { format, parseISO, subDays } from "date-fns";
import type { Population } from "@/lib/events/vocabulary";
import type { RateKey } from "@/lib/metrics/definitions";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { computeTimeseries, type Interval } from "@/lib/metrics/timeseries";
import type { ChartRow } from "./charts/line-chart";

export interface SeriesSpec {
  /** the key of the series in the chart rows */
  key: string;
  metric: RateKey;
  /** restrict to one population (intersected with the page's population filter) */
  population?: Population;
}

export function bucketLabel(start: string, interval: Interval): string {
  const d = parseISO(start);
  return interval === "month" ? format(d, "MMM yyyy") : format(d, "MMM d");
}

/** The `days`-day range ending at `to` (inclusive), as from/to dates. */
export function lastDays(to: string, days: number): { from: string; to: string } {
  return { from: format(subDays(parseISO(to), days - 1), "yyyy-MM-dd"), to };
}

/**
 * Chart rows of one or more rates over time, straight from computeTimeseries: per bucket the
 * value of each series and its denominator (`<key>__n`, shown in the tooltip). A series whose
 * population the page's filter excludes is left empty rather than silently widened.
 */
export async function trendRows(
  base: Omit<TMetricsQuery, "group_by">,
  series: SeriesSpec[],
  interval: Interval,
): Promise<{ rows: ChartRow[]; skipped: string[] }> {
  const skipped: string[] = [];
  const results = await Promise.all(
    series.map((s) => {
      if (s.population && base.population?.length && !base.population.includes(s.population)) {
        skipped.push(s.key);
        return Promise.resolve(null);
      }
      return computeTimeseries({ ...base, metric: s.metric, interval, ...(s.population ? { population: [s.population] } : {}) });
    }),
  );
  const first = results.find((r) => r !== null);
  if (!first) return { rows: [], skipped };
  const rows: ChartRow[] = first.map((p) => ({ start: p.start, label: bucketLabel(p.start, interval) }));
  results.forEach((r, i) => {
    if (!r) return;
    r.forEach((p, j) => {
      rows[j][series[i].key] = p.value;
      rows[j][`${series[i].key}__n`] = p.denominator;
    });
  });
  return { rows, skipped };
}
