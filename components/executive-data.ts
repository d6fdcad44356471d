import { CHANNELS, type Population } from "@/lib/events/vocabulary";
import type { MetricsResponseOf, SegmentMetrics } from "@/lib/metrics";
import { cachedAcrossParts, cachedFrozen } from "@/lib/metrics/cache";
import type { MetricsRequest, TMetricsQuery } from "@/lib/metrics/request";
import { computeOverview } from "@/lib/metrics/overview";
import type { TimeseriesPoint } from "@/lib/metrics/timeseries";
import type { ChartRow } from "./charts/line-chart";
import { requestBasis } from "./page-data";
import { bucketLabel, lastDays, type SeriesSpec } from "./trend";

/** The three populations the split metrics compare (unhandled has no AI or human answer). */
export const SPLIT: Population[] = ["ai_only", "human_only", "ai_escalated"];

/** The executive page's numbers: only the segments it shows, from one grouped computeMetrics. */
export interface ExecutiveNumbers {
  range: { from: string; to: string };
  windows: { recontact_hours: number; verification_hours: number };
  /** channel "all": the overall segment ("all") and one per population present, the cards' metrics only */
  byPopulation: Record<string, { metrics: ViewMetrics }>;
  /** channels with at least one conversation, in vocabulary order */
  channels: string[];
  /** inbound and containment per channel × population ("all" totals included) */
  cells: Record<string, { inbound: number; containment: number | null }>;
}

/** The metrics the cards show (the page sends only these to its client view). */
export const VIEW_METRICS = [
  "inbound", "verified_resolution_rate", "resolution_rate", "deflection_rate", "containment_rate", "recontact_rate", "fcr_rate",
  "escalation_quality", "context_transfer_rate", "resolved_in_session_rate", "escalation_rate", "csat", "csat_response_rate", "csat_gap",
] as const satisfies readonly (keyof SegmentMetrics)[];
export type ViewMetrics = Pick<SegmentMetrics, (typeof VIEW_METRICS)[number]>;
export const isViewMetric = (metric: string): metric is (typeof VIEW_METRICS)[number] => (VIEW_METRICS as readonly string[]).includes(metric);

export const cellKey = (channel: string, population: string) => `${channel}|${population}`;

/**
 * The executive page's numbers and trends for a resolved request, computed together once per data
 * version and settings (every viewer of the same filters shares them): one computeOverview, which
 * reads the live tail once for both. The page asks for the few metrics it shows, so only their
 * inputs are aggregated; none is a percentile, so none is computed.
 */
async function executiveOverview(query: TMetricsQuery, req: MetricsRequest): Promise<{ numbers: ExecutiveNumbers; trends: Record<ExecutiveTrendKey, TrendData> }> {
  const basis = await requestBasis();
  const { version, settings } = basis;
  return cachedAcrossParts(basis, ["executive", query, settings], () => cachedFrozen(version, ["executive", req, settings], async () => {
    const charts = Object.entries(EXECUTIVE_TRENDS) as [ExecutiveTrendKey, SeriesSpec[]][];
    const all = charts.flatMap(([, series]) => series);
    const overview = await computeOverview({ ...query, group_by: ["channel", "population"] }, {
      metrics: VIEW_METRICS,
      series: all.map(({ metric, population }) => ({ metric, population })),
      trendRange: lastDays(req.to, 90),
      interval: "week",
    });
    return { numbers: executiveNumbersOf(overview.numbers), trends: trendsOf(charts, overview.series) };
  }));
}

/** The numbers of the executive page (the part of executiveOverview the cards show). */
export async function executiveNumbers(query: TMetricsQuery, req: MetricsRequest): Promise<ExecutiveNumbers> {
  return (await executiveOverview(query, req)).numbers;
}

/**
 * Every card's trend — the 90 days up to the range's end, by week — from the same overview.
 * Per bucket each series has its value and its denominator (`<key>__n`, shown in the tooltip);
 * a series whose population the page's filter excludes is left out rather than silently widened.
 */
export async function executiveTrends(query: TMetricsQuery, req: MetricsRequest): Promise<Record<ExecutiveTrendKey, TrendData>> {
  return (await executiveOverview(query, req)).trends;
}

function executiveNumbersOf(result: MetricsResponseOf<(typeof VIEW_METRICS)[number]>): ExecutiveNumbers {
  const byPopulation: ExecutiveNumbers["byPopulation"] = {};
  const cells: ExecutiveNumbers["cells"] = {};
  for (const s of result.segments) {
    if (s.channel === null || s.population === null) continue;
    if (s.channel === "all") byPopulation[s.population] = { metrics: s.metrics };
    cells[cellKey(s.channel, s.population)] = { inbound: s.metrics.inbound.value, containment: s.metrics.containment_rate.value };
  }
  return {
    range: result.range,
    windows: result.windows,
    byPopulation,
    channels: CHANNELS.filter((c) => result.segments.some((s) => s.channel === c)),
    cells,
  };
}

/** The series of each executive card's 90-day weekly trend. */
export const EXECUTIVE_TRENDS = {
  resolution: [{ key: "verified", metric: "verified_resolution_rate" }],
  deflection: [
    { key: "deflection", metric: "deflection_rate" },
    { key: "containment", metric: "containment_rate" },
  ],
  recontact: [{ key: "recontact", metric: "recontact_rate", population: "ai_only" }],
  fcr: SPLIT.map((p) => ({ key: p, metric: "fcr_rate", population: p })),
  escalation: [
    { key: "context", metric: "context_transfer_rate" },
    { key: "session", metric: "resolved_in_session_rate" },
    { key: "escalation", metric: "escalation_rate" },
  ],
  csat: SPLIT.map((p) => ({ key: p, metric: "csat", population: p })),
} satisfies Record<string, SeriesSpec[]>;
export type ExecutiveTrendKey = keyof typeof EXECUTIVE_TRENDS;

export type TrendData = { rows: ChartRow[]; categories: string[] };

function trendsOf(charts: [ExecutiveTrendKey, SeriesSpec[]][], results: (TimeseriesPoint[] | null)[]): Record<ExecutiveTrendKey, TrendData> {
  const out = {} as Record<ExecutiveTrendKey, TrendData>;
  let i = 0;
  for (const [chart, series] of charts) {
    const own = results.slice(i, i + series.length);
    i += series.length;
    const first = own.find((r) => r !== null);
    const rows: ChartRow[] = first ? first.map((p) => ({ start: p.start, label: bucketLabel(p.start, "week") })) : [];
    own.forEach((points, j) => {
      points?.forEach((p, k) => {
        rows[k][series[j].key] = p.value;
        rows[k][`${series[j].key}__n`] = p.denominator;
      });
    });
    out[chart] = { rows, categories: series.filter((_, j) => own[j] !== null).map((s) => s.key) };
  }
  return out;
}
