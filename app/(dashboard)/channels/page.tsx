import type { Metadata } from "next";
import Link from "next/link";
import { parseFilters, withSearch, type PageSearchParams } from "@/components/filters/params";
import { channelLabel, formatCount, formatInterval, formatPercent } from "@/components/format";
import { PageFrame, Panel } from "@/components/page-frame";
import { BandBadge } from "@/components/status";
import { EmptyState } from "@/components/empty-state";
import { requireUser } from "@/lib/auth/page";
import { CHANNELS, type Channel } from "@/lib/events/vocabulary";
import { computeSomeMetrics } from "@/lib/metrics";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { DEFLECTION_PLANNING_RANGES } from "@/lib/settings/targets";

export const metadata: Metadata = { title: "Channels · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function ChannelsPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const user = await requireUser({ next: "/channels" });
  const filters = parseFilters(await searchParams);
  return (
    <PageFrame
      user={user}
      current="channels"
      pathname="/channels"
      title="Channels"
      description="Verified deflection per channel against the planning ranges of the research the product follows: voice deflects far less than chat, so one blended target misleads."
      filters={filters}
    >
      {filters.ok ? <Channels query={filters.query} search={filters.search} /> : null}
    </PageFrame>
  );
}

/** What this page shows: only these are aggregated (lib/metrics computeSomeMetrics). */
const CHANNEL_METRICS = ["inbound", "deflection_rate", "containment_rate"] as const;

/** Percent → position on the 0–100 % scale of the range chart. */
const pos = (v: number) => `${Math.max(0, Math.min(100, v * 100))}%`;

async function Channels({ query, search }: { query: TMetricsQuery; search: string }) {
  const result = await computeSomeMetrics({ ...query, group_by: ["channel"] }, CHANNEL_METRICS);
  const bySeg = new Map(result.segments.map((s) => [s.channel, s] as const));
  const all = bySeg.get("all")!;
  const channels = CHANNELS.filter((c) => bySeg.has(c));
  if (all.metrics.inbound.value === 0) return <EmptyState />;
  const drill = (c: string) => withSearch("/metrics/deflection_rate", search, { channel: c });

  return (
    <>
      <Panel
        title="Verified deflection vs planning range"
        id="ranges"
        description={
          <>
            The shaded band is the channel’s planning range; the dot is verified deflection with its 95 % interval as a line.
            Raw containment (◇) shows how much of it is unverified. Window: {result.windows.verification_hours} h.
          </>
        }
      >
        <ul className="space-y-4" data-testid="channel-ranges">
          {channels.map((c) => {
            const m = bySeg.get(c)!.metrics;
            const range = DEFLECTION_PLANNING_RANGES[c as Channel];
            const v = m.deflection_rate.value;
            const ci = m.deflection_rate.ci95;
            const cont = m.containment_rate.value;
            return (
              <li key={c} className="grid grid-cols-1 items-center gap-x-4 gap-y-1 sm:grid-cols-[9rem_1fr_12rem]" data-testid={`channel-${c}`}>
                <div className="flex items-baseline justify-between gap-2 sm:block">
                  <Link href={drill(c)} className="font-medium text-slate-950 underline-offset-2 hover:text-blue-800 hover:underline">
                    {channelLabel(c)}
                  </Link>
                  <p className="text-xs text-slate-600">{formatCount(m.inbound.value)} conversations</p>
                </div>
                <div className="relative h-8 rounded bg-slate-100" aria-hidden="true">
                  {range ? (
                    <div
                      className="absolute inset-y-0 border-x-2 border-blue-700/60 bg-blue-200/60"
                      style={{ left: pos(range.min), width: `calc(${pos(range.max)} - ${pos(range.min)})` }}
                    />
                  ) : null}
                  {ci ? (
                    <div className="absolute top-1/2 h-0.5 -translate-y-1/2 bg-slate-900" style={{ left: pos(ci[0]), width: `calc(${pos(ci[1])} - ${pos(ci[0])})` }} />
                  ) : null}
                  {cont !== null ? (
                    <div
                      className="absolute top-1/2 h-3 w-3 -translate-x-1/2 -translate-y-1/2 rotate-45 border-2 border-orange-700 bg-white"
                      style={{ left: pos(cont) }}
                    />
                  ) : null}
                  {v !== null ? (
                    <div className="absolute top-1/2 h-3.5 w-3.5 -translate-x-1/2 -translate-y-1/2 rounded-full border-2 border-white bg-blue-900 shadow" style={{ left: pos(v) }} />
                  ) : null}
                  {[0.25, 0.5, 0.75].map((t) => (
                    <div key={t} className="absolute inset-y-0 w-px bg-white" style={{ left: pos(t) }} />
                  ))}
                </div>
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <span className="font-semibold tabular-nums" data-testid={`channel-${c}-deflection`}>
                    {formatPercent(v)}
                  </span>
                  {range ? <BandBadge value={v} min={range.min} max={range.max} /> : <span className="text-xs text-slate-600">no planning range</span>}
                </div>
              </li>
            );
          })}
        </ul>
        <div className="mt-2 grid grid-cols-1 sm:grid-cols-[9rem_1fr_12rem]" aria-hidden="true">
          <span />
          <div className="flex justify-between text-xs text-slate-500">
            <span>0 %</span>
            <span>25 %</span>
            <span>50 %</span>
            <span>75 %</span>
            <span>100 %</span>
          </div>
        </div>
      </Panel>

      <Panel title="Per channel" id="table" description="Every number with the count behind it. Pending conversations are still inside the verification window.">
        <div className="relative overflow-x-auto rounded-lg border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="channels-table">
            <caption className="sr-only">Verified deflection, planning range and raw containment per channel</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Channel</th>
                <th scope="col" className="px-3 py-2 text-right">Inbound</th>
                <th scope="col" className="px-3 py-2 text-right">Verified deflection</th>
                <th scope="col" className="px-3 py-2 text-right">95 % CI</th>
                <th scope="col" className="px-3 py-2 text-right">Pending</th>
                <th scope="col" className="px-3 py-2 text-right">Planning range</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2 text-right">Raw containment</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {["all", ...channels].map((c) => {
                const m = bySeg.get(c)!.metrics;
                const range = c === "all" ? undefined : DEFLECTION_PLANNING_RANGES[c as Channel];
                return (
                  <tr key={c} className={c === "all" ? "bg-slate-50/70 font-medium" : undefined}>
                    <th scope="row" className="whitespace-nowrap px-3 py-1.5 text-left font-medium">
                      <Link href={c === "all" ? withSearch("/metrics/deflection_rate", search) : drill(c)} className="underline-offset-2 hover:text-blue-800 hover:underline">
                        {channelLabel(c)}
                      </Link>
                    </th>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(m.inbound.value)}</td>
                    <td className="px-3 py-1.5 text-right font-semibold tabular-nums">{formatPercent(m.deflection_rate.value)}</td>
                    <td className="whitespace-nowrap px-3 py-1.5 text-right tabular-nums text-slate-600">{formatInterval(m.deflection_rate.ci95) ?? "—"}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(m.deflection_rate.pending ?? 0)}</td>
                    <td className="whitespace-nowrap px-3 py-1.5 text-right tabular-nums">
                      {range ? `${Math.round(range.min * 100)}–${Math.round(range.max * 100)} %` : "—"}
                    </td>
                    <td className="px-3 py-1.5">{range ? <BandBadge value={m.deflection_rate.value} min={range.min} max={range.max} /> : null}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatPercent(m.containment_rate.value)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}
