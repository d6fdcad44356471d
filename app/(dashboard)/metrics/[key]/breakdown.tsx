import { channelLabel, formatCount, formatDuration, formatInterval, formatPercent, populationLabel } from "@/components/format";
import { metricMeta } from "@/components/metric-meta";
import { Panel } from "@/components/page-frame";
import type { Segment } from "@/lib/metrics";
import type { DistributionKey, RateKey } from "@/lib/metrics/definitions";

/** The channel × population tables under a drill-down's chart: totals first, like the API's segments. */
function segmentRows(segments: Segment[]) {
  return segments.filter((s) => s.channel !== null && s.population !== null);
}

export function BreakdownRate({ segments, metricKey, windowed }: { segments: Segment[]; metricKey: RateKey; windowed: boolean }) {
  return (
    <Panel title="Breakdown by channel × population" id="breakdown" description="Totals first; n is the number of conversations in the segment.">
      <div className="relative overflow-x-auto rounded-lg border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="breakdown-table">
          <caption className="sr-only">{metricMeta(metricKey).label} per channel and population</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Channel</th>
              <th scope="col" className="px-3 py-2">Population</th>
              <th scope="col" className="px-3 py-2 text-right">n</th>
              <th scope="col" className="px-3 py-2 text-right">Numerator</th>
              <th scope="col" className="px-3 py-2 text-right">Denominator</th>
              <th scope="col" className="px-3 py-2 text-right">Value</th>
              <th scope="col" className="px-3 py-2 text-right">95 % CI</th>
              {windowed ? <th scope="col" className="px-3 py-2 text-right">Pending</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {segmentRows(segments).map((s) => {
              const r = s.metrics[metricKey];
              const total = s.channel === "all" || s.population === "all";
              return (
                <tr key={`${s.channel}-${s.population}`} className={total ? "bg-slate-50/70" : undefined} data-testid={`breakdown-${s.channel}-${s.population}`}>
                  <th scope="row" className={`whitespace-nowrap px-3 py-1.5 text-left ${s.channel === "all" ? "font-semibold" : "font-medium"}`}>
                    {channelLabel(s.channel)}
                  </th>
                  <td className={`whitespace-nowrap px-3 py-1.5 ${s.population === "all" ? "font-semibold" : ""}`}>{populationLabel(s.population)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(s.metrics.inbound.value)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(r.numerator)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(r.denominator)}</td>
                  <td className="px-3 py-1.5 text-right font-medium tabular-nums">{formatPercent(r.value)}</td>
                  <td className="whitespace-nowrap px-3 py-1.5 text-right tabular-nums text-slate-600">{formatInterval(r.ci95) ?? "—"}</td>
                  {windowed ? <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(r.pending ?? 0)}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

export function BreakdownDistribution({ segments, metricKey }: { segments: Segment[]; metricKey: DistributionKey }) {
  const withMean = metricKey === "ai_handle_s" || metricKey === "human_handle_s";
  return (
    <Panel title="Breakdown by channel × population" id="breakdown" description="Totals first; n counts the conversations with a value.">
      <div className="relative overflow-x-auto rounded-lg border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="breakdown-table">
          <caption className="sr-only">{metricMeta(metricKey).label} per channel and population</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Channel</th>
              <th scope="col" className="px-3 py-2">Population</th>
              <th scope="col" className="px-3 py-2 text-right">Conversations</th>
              <th scope="col" className="px-3 py-2 text-right">n</th>
              <th scope="col" className="px-3 py-2 text-right">P50</th>
              <th scope="col" className="px-3 py-2 text-right">P90</th>
              {withMean ? <th scope="col" className="px-3 py-2 text-right">Mean</th> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {segmentRows(segments).map((s) => {
              const d = s.metrics[metricKey];
              const total = s.channel === "all" || s.population === "all";
              return (
                <tr key={`${s.channel}-${s.population}`} className={total ? "bg-slate-50/70" : undefined}>
                  <th scope="row" className={`whitespace-nowrap px-3 py-1.5 text-left ${s.channel === "all" ? "font-semibold" : "font-medium"}`}>
                    {channelLabel(s.channel)}
                  </th>
                  <td className={`whitespace-nowrap px-3 py-1.5 ${s.population === "all" ? "font-semibold" : ""}`}>{populationLabel(s.population)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(s.metrics.inbound.value)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(d.n)}</td>
                  <td className="px-3 py-1.5 text-right font-medium tabular-nums">{formatDuration(d.p50)}</td>
                  <td className="px-3 py-1.5 text-right font-medium tabular-nums">{formatDuration(d.p90)}</td>
                  {withMean ? <td className="px-3 py-1.5 text-right tabular-nums">{formatDuration(d.mean ?? null)}</td> : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
