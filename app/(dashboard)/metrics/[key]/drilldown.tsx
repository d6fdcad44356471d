import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";
import { BarChart } from "@/components/charts/bar-chart";
import { LineChart, type ChartRow } from "@/components/charts/line-chart";
import { ConversationList } from "@/components/conversation-list";
import { distributionTrend } from "@/components/distribution-trend";
import { withSearch } from "@/components/filters/params";
import { formatCount, formatDuration } from "@/components/format";
import { RateFigure } from "@/components/metric-card";
import { isRateKey, metricMeta } from "@/components/metric-meta";
import { Panel } from "@/components/page-frame";
import { ChartSkeleton, TrendChart } from "@/components/trend-chart";
import { listConversations, SORTABLE, ZConversationListQuery } from "@/lib/conversations/query";
import { durationHistogram } from "@/lib/data-quality/histogram";
import { computeSomeMetrics } from "@/lib/metrics";
import { RATE_DEFINITIONS, type DistributionKey, type RateDefinition, type RateKey } from "@/lib/metrics/definitions";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { ZTimeseriesQuery, type Interval } from "@/lib/metrics/timeseries";
import { getTargets } from "@/lib/settings/targets";
import { BreakdownDistribution, BreakdownRate } from "./breakdown";
import { chartBand, relevantTargets, TargetList, targetMetricsOf } from "./drill-targets";
import { IntervalSwitch } from "./interval-switch";

/** The drill-down's own params, validated with the library's schemas like the filters. */
export const ZDrillParams = ZConversationListQuery.pick({ side: true, sort: true, dir: true, page: true }).extend(
  ZTimeseriesQuery.pick({ interval: true }).shape,
);
const PAGE_SIZE = 25;

export async function Drilldown({
  metricKey,
  query,
  filterSearch,
  fullSearch,
  drill,
  path,
}: {
  metricKey: RateKey | DistributionKey;
  query: TMetricsQuery;
  filterSearch: string;
  fullSearch: string;
  drill: z.infer<typeof ZDrillParams>;
  path: string;
}) {
  const interval: Interval = drill.interval ?? "week";
  // only what the page shows: its metric, the metrics of its targets, and the segments' sizes
  const [result, targets] = await Promise.all([
    computeSomeMetrics({ ...query, group_by: ["channel", "population"] }, [...targetMetricsOf(metricKey), "inbound"]),
    getTargets(),
  ]);
  const seg = (c: string, p: string) => result.segments.find((s) => s.channel === c && s.population === p);
  const byPop = (p: string) => seg("all", p);
  const overall = byPop("all")!;
  const relevant = relevantTargets(targets, metricKey);
  const isRate = isRateKey(metricKey);
  const windowed = isRate && Boolean((RATE_DEFINITIONS[metricKey as RateKey] as RateDefinition).pending);
  const range = result.range;
  const intervalSwitch = <IntervalSwitch interval={interval} path={path} fullSearch={fullSearch} />;
  const targetList = <TargetList targets={relevant} byPop={byPop} />;
  const baseQuery = { ...query, from: range.from, to: range.to };

  if (isRate) {
    const key = metricKey as RateKey;
    const side = drill.side ?? "numerator";
    const sort = drill.sort ?? "started_at";
    const dir = drill.dir ?? "desc";
    const list = await listConversations({ ...query, metric: key, side, sort, dir, page: drill.page ?? 1, page_size: PAGE_SIZE });
    const rate = overall.metrics[key];
    const csv = withSearch("/api/v1/conversations.csv", filterSearch, { metric: key, side });
    const sides = (["numerator", "denominator", ...(windowed ? ["pending"] : [])] as const).map((s) => ({
      s,
      label: s === "numerator" ? "In the numerator" : s === "denominator" ? "In the denominator" : "Pending (window open)",
      count: s === "numerator" ? rate.numerator : s === "denominator" ? rate.denominator : (rate.pending ?? 0),
    }));
    return (
      <>
        <div className="grid gap-4 lg:grid-cols-3">
          <Panel title="The number" id="summary" testId="drill-summary">
            <RateFigure rate={rate} testId="drill" />
            <div className="mt-3">{targetList}</div>
          </Panel>
          <Panel
            title="Trend"
            id="trend"
            className="lg:col-span-2"
            description={`${range.from} to ${range.to}, by ${interval}. Hover a point for the count behind it.`}
            actions={intervalSwitch}
          >
            <TrendChart
              query={baseQuery}
              interval={interval}
              series={[{ key: "value", metric: key }]}
              labels={{ value: metricMeta(key).label }}
              band={chartBand(relevant, query, "value")}
              ariaLabel={`${metricMeta(key).label} by ${interval} from ${range.from} to ${range.to}`}
              height={220}
              yDomain={key === "override_rate" ? [0, "auto"] : undefined}
            />
          </Panel>
        </div>
        <BreakdownRate segments={result.segments} metricKey={key} windowed={windowed} />
        <Panel
          title="Conversations behind the number"
          id="conversations"
          description="Every conversation counted on the chosen side of the rate, with the same definition as the number."
        >
          <div role="tablist" aria-label="Side of the rate" className="mb-3 flex flex-wrap gap-1.5">
            {sides.map(({ s, label, count }) => (
              <Link
                key={s}
                role="tab"
                aria-selected={s === side}
                href={withSearch(path, fullSearch, { side: s === "numerator" ? null : s, page: null })}
                scroll={false}
                className={`rounded-full border px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-700 ${
                  s === side ? "border-blue-800 bg-blue-800 font-semibold text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"
                }`}
              >
                {label} ({formatCount(count)})
              </Link>
            ))}
          </div>
          <ConversationList page={list} basePath={path} search={fullSearch} sortable={SORTABLE} sort={sort} dir={dir} csvHref={csv} />
        </Panel>
      </>
    );
  }

  const key = metricKey as DistributionKey;
  const sort = drill.sort ?? key;
  const dir = drill.dir ?? "desc";
  const [histogram, list] = await Promise.all([
    durationHistogram(baseQuery, key),
    listConversations({ ...query, sort, dir, page: drill.page ?? 1, page_size: PAGE_SIZE }),
  ]);
  const d = overall.metrics[key];
  const histRows: ChartRow[] = [];
  const seen = new Set<string>();
  for (const b of histogram) {
    let label = formatDuration(b.lo);
    while (seen.has(label)) label += "\u200b";
    seen.add(label);
    histRows.push({ label, conversations: b.count });
  }
  const markerAt = (v: number | null, name: string) => {
    if (v === null) return null;
    const i = histogram.findIndex((b, j) => v >= b.lo && (v < b.hi || j === histogram.length - 1));
    return i < 0 ? null : { x: String(histRows[i].label), label: `${name} ${formatDuration(v)}` };
  };
  const markers = [markerAt(d.p50, "P50"), markerAt(d.p90, "P90")].filter((m): m is { x: string; label: string } => m !== null);
  const csv = withSearch("/api/v1/conversations.csv", filterSearch);
  return (
    <>
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel title="The numbers" id="summary" testId="drill-summary">
          <dl className="grid grid-cols-2 gap-3">
            <div>
              <dt className="text-xs font-medium text-slate-600">P50 (median)</dt>
              <dd className="text-2xl font-semibold tabular-nums" data-testid="drill-p50">{formatDuration(d.p50)}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-slate-600">P90</dt>
              <dd className="text-2xl font-semibold tabular-nums" data-testid="drill-p90">{formatDuration(d.p90)}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-slate-600">Conversations with a value</dt>
              <dd className="tabular-nums" data-testid="drill-n">{formatCount(d.n)}</dd>
            </div>
            {d.mean !== undefined ? (
              <div>
                <dt className="text-xs font-medium text-slate-600">Mean (AHT)</dt>
                <dd className="tabular-nums">{formatDuration(d.mean ?? null)}</dd>
              </div>
            ) : null}
          </dl>
          <div className="mt-3">{targetList}</div>
        </Panel>
        <Panel
          title="Distribution"
          id="histogram"
          className="lg:col-span-2"
          description="Conversations per duration bucket, on a log scale (AI answers take seconds, humans minutes to hours); the lines mark P50 and P90."
        >
          {histRows.length ? (
            <BarChart
              data={histRows}
              index="label"
              categories={["conversations"]}
              labels={{ conversations: "Conversations" }}
              markers={markers}
              ariaLabel={`Histogram of ${metricMeta(key).label}: P50 ${formatDuration(d.p50)}, P90 ${formatDuration(d.p90)}`}
              xLabel="duration (lower edge of bucket)"
              height={240}
            />
          ) : (
            <p className="text-sm text-slate-600">No conversation in the selection has a value.</p>
          )}
        </Panel>
      </div>
      <Panel
        title="Trend of P50 and P90"
        id="trend"
        description={`${range.from} to ${range.to}, by ${interval}.`}
        actions={intervalSwitch}
      >
        <Suspense fallback={<ChartSkeleton height={220} />}>
          <DistributionTrendChart
            query={baseQuery}
            range={range}
            metricKey={key}
            interval={interval}
            band={chartBand(relevant, query, "p90") ?? chartBand(relevant, query, "p50")}
          />
        </Suspense>
      </Panel>
      <BreakdownDistribution segments={result.segments} metricKey={key} />
      <Panel
        title="Conversations"
        id="conversations"
        description={`All conversations of the selection, by ${metricMeta(key).label.toLowerCase()} (slowest first by default); those without a value sort last.`}
      >
        <ConversationList page={list} basePath={path} search={fullSearch} sortable={SORTABLE} sort={sort} dir={dir} csvHref={csv} />
      </Panel>
    </>
  );
}

async function DistributionTrendChart({
  query,
  range,
  metricKey,
  interval,
  band,
}: {
  query: Omit<TMetricsQuery, "group_by">;
  range: { from: string; to: string };
  metricKey: DistributionKey;
  interval: Interval;
  band?: { min?: number; max?: number; label?: string };
}) {
  const trend = await distributionTrend(query, range, metricKey, interval);
  if (trend.tooMany) return <p className="text-sm text-slate-600">Too many buckets for this range: choose week or month.</p>;
  return (
    <LineChart
      data={trend.rows}
      index="label"
      categories={["p50", "p90"]}
      labels={{ p50: "P50", p90: "P90" }}
      valueFormat="duration"
      yScale="sqrt"
      band={band}
      ariaLabel={`P50 and P90 of ${metricMeta(metricKey).label} by ${interval}`}
      height={220}
    />
  );
}
