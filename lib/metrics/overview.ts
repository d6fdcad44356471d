import { aggregateLiveTail, inSnapshot, rollupCoverage, sharedTailHolds, type SharedTail } from "../rollups/source";
import { getMetricSettings } from "../settings";
import { latestEventAt } from "./as-of";
import { cached } from "./cache";
import { additiveItemsFor, type MetricKey } from "./definitions";
import { metricsResponse, type MetricsResponseOf } from "./index";
import { resolveRequest, type TMetricsQuery } from "./request";
import { segmentsIn } from "./segments";
import { includedSeries, seriesPointsIn, type Interval, type SeriesRequest, type TimeseriesPoint } from "./timeseries";

/** What an overview page shows: a few metrics per segment, and rates per bucket over another range. */
export interface OverviewRequest<K extends MetricKey> {
  metrics: readonly K[];
  series: SeriesRequest[];
  /** the trends' range (the numbers' is the query's) */
  trendRange: { from: string; to: string };
  interval: Interval;
}

export interface Overview<K extends MetricKey> {
  numbers: MetricsResponseOf<K>;
  /** one per requested series, null where the query's population filter excludes it (computeTimeseriesSet) */
  series: (TimeseriesPoint[] | null)[];
}

/**
 * computeSomeMetrics(q, metrics) and computeTimeseriesSet over the trend range, with the same
 * numbers, answered in one snapshot that reads the live tail once for both (aggregateLiveTail):
 * the tail, not the rollup, is what a cold answer costs, and the executive page read it twice,
 * once per question, on a two-core machine that has the page's rendering to do too.
 */
export async function computeOverview<K extends MetricKey>(q: TMetricsQuery, o: OverviewRequest<K>): Promise<Overview<K>> {
  const [latest, settings] = await Promise.all([latestEventAt(), getMetricSettings()]);
  const req = resolveRequest(q, latest, settings);
  const { group_by: _numbersOnly, ...filters } = q;
  const trendReq = resolveRequest({ ...filters, ...o.trendRange }, latest, settings);
  const included = includedSeries(trendReq, o.series);
  const key = ["overview", [...o.metrics].sort(), included, o.interval, req, trendReq, settings];
  return cached(key, () =>
    inSnapshot(async (tx) => {
      // as_of and the windows are the query's in both requests: one coverage answers both
      const coverage = await rollupCoverage(tx, req);
      let shared: SharedTail | undefined;
      // numbers by customer tier read their own tail (the shared one is kept by channel and population)
      if (coverage && sharedTailHolds(req.groupBy)) {
        const days = { from: req.from < trendReq.from ? req.from : trendReq.from, to: req.to > trendReq.to ? req.to : trendReq.to };
        const items = additiveItemsFor([...o.metrics, ...included.map((s) => s.metric)]);
        shared = await aggregateLiveTail(tx, { ...req, ...days }, coverage, items);
      }
      const segments = await segmentsIn(tx, req, settings, coverage, { metrics: o.metrics, shared });
      const points = included.length ? await seriesPointsIn(tx, trendReq, o.interval, included, coverage, shared) : [];
      return {
        numbers: metricsResponse(req, segments),
        series: o.series.map((s) => (included.includes(s) ? points[included.indexOf(s)] : null)),
      };
    }),
  );
}
