import type { ReactNode } from "react";
import { channelLabel, formatCount, formatDuration, formatInterval, formatPercent, populationLabel } from "@/components/format";
import { metricMeta, type DrillKey } from "@/components/metric-meta";
import { Panel } from "@/components/page-frame";
import type { SegmentOf } from "@/lib/metrics";
import type { DistributionKey, RateKey } from "@/lib/metrics/definitions";

/** A segment with the drill-down's metric (and its size): what the page asks for. */
type DrillSegment = SegmentOf<DrillKey | "inbound">;

interface Column {
  header: string;
  cell: (s: DrillSegment) => ReactNode;
  strong?: boolean;
}

/** The channel × population table under a drill-down's chart: totals first, like the API's segments. */
function BreakdownTable({ segments, metricKey, description, columns }: { segments: DrillSegment[]; metricKey: DrillKey; description: string; columns: Column[] }) {
  return (
    <Panel title="Breakdown by channel × population" id="breakdown" description={description}>
      <div className="relative overflow-x-auto rounded-lg border border-slate-200">
        <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="breakdown-table">
          <caption className="sr-only">{metricMeta(metricKey).label} per channel and population</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Channel</th>
              <th scope="col" className="px-3 py-2">Population</th>
              {columns.map((c) => (
                <th key={c.header} scope="col" className="px-3 py-2 text-right">{c.header}</th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {segments
              .filter((s) => s.channel !== null && s.population !== null)
              .map((s) => {
                const total = s.channel === "all" || s.population === "all";
                return (
                  <tr key={`${s.channel}-${s.population}`} className={total ? "bg-slate-50/70" : undefined} data-testid={`breakdown-${s.channel}-${s.population}`}>
                    <th scope="row" className={`whitespace-nowrap px-3 py-1.5 text-left ${s.channel === "all" ? "font-semibold" : "font-medium"}`}>
                      {channelLabel(s.channel)}
                    </th>
                    <td className={`whitespace-nowrap px-3 py-1.5 ${s.population === "all" ? "font-semibold" : ""}`}>{populationLabel(s.population)}</td>
                    {columns.map((c) => (
                      <td key={c.header} className={`whitespace-nowrap px-3 py-1.5 text-right tabular-nums ${c.strong ? "font-medium" : ""}`}>
                        {c.cell(s)}
                      </td>
                    ))}
                  </tr>
                );
              })}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

export function BreakdownRate({ segments, metricKey, windowed }: { segments: DrillSegment[]; metricKey: RateKey; windowed: boolean }) {
  const columns: Column[] = [
    { header: "n", cell: (s) => formatCount(s.metrics.inbound.value) },
    { header: "Numerator", cell: (s) => formatCount(s.metrics[metricKey].numerator) },
    { header: "Denominator", cell: (s) => formatCount(s.metrics[metricKey].denominator) },
    { header: "Value", cell: (s) => formatPercent(s.metrics[metricKey].value), strong: true },
    { header: "95 % CI", cell: (s) => <span className="text-slate-600">{formatInterval(s.metrics[metricKey].ci95) ?? "—"}</span> },
    ...(windowed ? [{ header: "Pending", cell: (s: DrillSegment) => formatCount(s.metrics[metricKey].pending ?? 0) }] : []),
  ];
  return <BreakdownTable segments={segments} metricKey={metricKey} description="Totals first; n is the number of conversations in the segment." columns={columns} />;
}

export function BreakdownDistribution({ segments, metricKey }: { segments: DrillSegment[]; metricKey: DistributionKey }) {
  const withMean = metricKey === "ai_handle_s" || metricKey === "human_handle_s";
  const columns: Column[] = [
    { header: "Conversations", cell: (s) => formatCount(s.metrics.inbound.value) },
    { header: "n", cell: (s) => formatCount(s.metrics[metricKey].n) },
    { header: "P50", cell: (s) => formatDuration(s.metrics[metricKey].p50), strong: true },
    { header: "P90", cell: (s) => formatDuration(s.metrics[metricKey].p90), strong: true },
    ...(withMean ? [{ header: "Mean", cell: (s: DrillSegment) => formatDuration(s.metrics[metricKey].mean ?? null) }] : []),
  ];
  return <BreakdownTable segments={segments} metricKey={metricKey} description="Totals first; n counts the conversations with a value." columns={columns} />;
}
