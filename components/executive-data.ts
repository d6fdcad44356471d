import { CHANNELS, type Population } from "@/lib/events/vocabulary";
import { computeSomeMetrics, type SegmentMetrics } from "@/lib/metrics";
import { cachedAcrossParts, cachedFrozen } from "@/lib/metrics/cache";
import type { MetricsRequest, TMetricsQuery } from "@/lib/metrics/request";
import { computeTimeseriesSet } from "@/lib/metrics/timeseries";
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
 * The numbers of the executive page for a resolved request, computed once per data version and
 * settings (every viewer of the same filters shares them). The page asks for the few metrics it
 * shows, so only their inputs are aggregated (the full grouped answer is ~70 items per live row
 * and about a hundred kB), and none of them is a percentile, so none is computed.
 */
export async function executiveNumbers(query: TMetricsQuery, req: MetricsRequest): Promise<ExecutiveNumbers> {
  const basis = await requestBasis();
  const { version, settings } = basis;
  return cachedAcrossParts(basis, ["executive-numbers", query, settings], () => cachedFrozen(version, ["executive-numbers", req, settings], async () => {
    const result = await computeSomeMetrics({ ...query, group_by: ["channel", "population"] }, VIEW_METRICS);
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
  }));
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

/**
 * Every card's trend — the 90 days up to the range's end, by week — from one scan of those days
 * (computeTimeseriesSet) instead of one timeseries query per series, once per data version.
 * Per bucket each series has its value and its denominator (`<key>__n`, shown in the tooltip);
 * a series whose population the page's filter excludes is left out rather than silently widened.
 */
export async function executiveTrends(query: TMetricsQuery, to: string): Promise<Record<ExecutiveTrendKey, TrendData>> {
  const basis = await requestBasis();
  const { version, settings } = basis;
  const { group_by: _unused, ...filters } = query;
  const base = { ...filters, ...lastDays(to, 90), interval: "week" as const };
  // `to` follows the latest event, which an import moves: the family is the filters alone
  return cachedAcrossParts(basis, ["executive-trends", filters, settings], () => cachedFrozen(version, ["executive-trends", base, settings], async () => {
    const charts = Object.entries(EXECUTIVE_TRENDS) as [ExecutiveTrendKey, SeriesSpec[]][];
    const all = charts.flatMap(([, series]) => series);
    const results = await computeTimeseriesSet(base, all.map(({ metric, population }) => ({ metric, population })));
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
  }));
}
