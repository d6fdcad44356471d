import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts/bar-chart";
import { EmptyState } from "@/components/empty-state";
import { parseFilters, type PageSearchParams } from "@/components/filters/params";
import { channelLabel, formatCount, formatDuration, formatMoney, populationLabel } from "@/components/format";
import { PageFrame, Panel } from "@/components/page-frame";
import { requireUser } from "@/lib/auth/page";
import { POPULATIONS } from "@/lib/events/vocabulary";
import { computeSomeMetrics } from "@/lib/metrics";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { getMetricSettings } from "@/lib/settings";

export const metadata: Metadata = { title: "Cost · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function CostPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const user = await requireUser({ next: "/cost" });
  const filters = parseFilters(await searchParams);
  return (
    <PageFrame
      user={user}
      current="cost"
      pathname="/cost"
      title="Cost"
      description="Cost per contact per population from the cost inputs below: what an AI-only, a handed-off and a human-only conversation really cost."
      filters={filters}
    >
      {filters.ok ? <Cost query={filters.query} admin={user.role === "admin"} /> : null}
    </PageFrame>
  );
}

/** What this page shows (of human_handle_s only its mean): only these are aggregated. */
const COST_METRICS = ["inbound", "cost_per_contact", "estimated_savings", "human_handle_s"] as const;

async function Cost({ query, admin }: { query: TMetricsQuery; admin: boolean }) {
  const [byPopulation, byChannel, settings] = await Promise.all([
    computeSomeMetrics({ ...query, group_by: ["population"] }, COST_METRICS, { percentiles: false }),
    computeSomeMetrics({ ...query, group_by: ["channel"] }, COST_METRICS, { percentiles: false }),
    getMetricSettings(),
  ]);
  const all = byPopulation.segments.find((s) => s.population === "all")!;
  const m = all.metrics;
  if (m.inbound.value === 0) return <EmptyState />;
  const pops = POPULATIONS.filter((p) => byPopulation.segments.some((s) => s.population === p));
  const segOf = (p: string) => byPopulation.segments.find((s) => s.population === p);
  const baseline = settings.baseline_cost_per_contact;
  const savings = m.estimated_savings.value;

  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Panel title="Cost per contact" id="cpc" testId="cost-blended">
          <p className="text-3xl font-semibold tabular-nums" data-testid="cost-blended-value">
            {formatMoney(m.cost_per_contact.value)}
          </p>
          <p className="text-xs text-slate-600">Blended over {formatCount(m.inbound.value)} conversations — compare the split below.</p>
        </Panel>
        <Panel title="Estimated savings" id="savings" testId="cost-savings">
          {baseline === null ? (
            <p className="text-sm text-slate-700" data-testid="cost-savings-value">
              Not set: savings need the pre-AI baseline cost per contact.{" "}
              {admin ? (
                <Link href="/settings#cost" className="font-medium text-blue-800 underline underline-offset-2">
                  Set it in settings
                </Link>
              ) : (
                "An admin can set it in settings."
              )}
            </p>
          ) : (
            <>
              <p className="text-3xl font-semibold tabular-nums" data-testid="cost-savings-value">
                {formatMoney(savings)}
              </p>
              <p className="text-xs text-slate-600">
                (baseline {formatMoney(baseline)} − blended {formatMoney(m.cost_per_contact.value)}) × {formatCount(m.inbound.value)} conversations
              </p>
            </>
          )}
        </Panel>
        <Panel title="Inputs" id="inputs" testId="cost-inputs" className="sm:col-span-2 lg:col-span-1">
          <dl className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-600">AI cost per conversation</dt>
            <dd className="text-right tabular-nums">{formatMoney(settings.ai_cost_per_conversation)}</dd>
            <dt className="text-slate-600">Human cost per hour</dt>
            <dd className="text-right tabular-nums">{formatMoney(settings.human_cost_per_hour)}</dd>
            <dt className="text-slate-600">Human cost per contact without logged time</dt>
            <dd className="text-right tabular-nums">{formatMoney(settings.human_cost_per_contact_fallback)}</dd>
            <dt className="text-slate-600">Baseline (pre-AI) cost per contact</dt>
            <dd className="text-right tabular-nums">{baseline === null ? "not set" : formatMoney(baseline)}</dd>
          </dl>
          {admin ? (
            <Link href="/settings#cost" className="mt-2 inline-block text-sm font-medium text-blue-800 underline underline-offset-2">
              Edit inputs
            </Link>
          ) : null}
        </Panel>
      </div>

      <Panel
        title="Cost per contact by population"
        id="by-population"
        description="A conversation costs the AI rate when the AI took part, plus logged human time at the hourly rate (or the fallback when none was logged) when a human did."
      >
        <div className="grid gap-4 lg:grid-cols-2">
          <BarChart
            data={pops.map((p) => ({ population: populationLabel(p), cost: m.cost_per_contact.by_population[p] }))}
            index="population"
            categories={["cost"]}
            labels={{ cost: "Cost per contact" }}
            valueFormat="money"
            ariaLabel="Cost per contact by population"
            height={220}
          />
          <div className="relative overflow-x-auto rounded-lg border border-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="cost-by-population">
              <caption className="sr-only">Cost per contact, inbound and handle time per population</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">Population</th>
                  <th scope="col" className="px-3 py-2 text-right">Conversations</th>
                  <th scope="col" className="px-3 py-2 text-right">Cost per contact</th>
                  <th scope="col" className="px-3 py-2 text-right">Human AHT</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {pops.map((p) => (
                  <tr key={p}>
                    <th scope="row" className="whitespace-nowrap px-3 py-1.5 text-left font-medium">{populationLabel(p)}</th>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(segOf(p)?.metrics.inbound.value ?? 0)}</td>
                    <td className="px-3 py-1.5 text-right font-semibold tabular-nums" data-testid={`cost-${p}`}>
                      {formatMoney(m.cost_per_contact.by_population[p])}
                    </td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatDuration(segOf(p)?.metrics.human_handle_s.mean ?? null)}</td>
                  </tr>
                ))}
                <tr className="bg-slate-50/70 font-medium">
                  <th scope="row" className="px-3 py-1.5 text-left">Blended</th>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(m.inbound.value)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatMoney(m.cost_per_contact.value)}</td>
                  <td className="px-3 py-1.5 text-right tabular-nums">{formatDuration(m.human_handle_s.mean ?? null)}</td>
                </tr>
              </tbody>
            </table>
          </div>
        </div>
      </Panel>

      <Panel title="By channel" id="by-channel">
        <div className="relative overflow-x-auto rounded-lg border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="cost-by-channel">
            <caption className="sr-only">Cost per contact per channel and population</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Channel</th>
                <th scope="col" className="px-3 py-2 text-right">Conversations</th>
                <th scope="col" className="px-3 py-2 text-right">Blended</th>
                {pops.map((p) => (
                  <th key={p} scope="col" className="whitespace-nowrap px-3 py-2 text-right">{populationLabel(p)}</th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {byChannel.segments
                .filter((s) => s.channel !== null)
                .map((s) => (
                  <tr key={String(s.channel)} className={s.channel === "all" ? "bg-slate-50/70 font-medium" : undefined}>
                    <th scope="row" className="whitespace-nowrap px-3 py-1.5 text-left font-medium">{channelLabel(s.channel)}</th>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatCount(s.metrics.inbound.value)}</td>
                    <td className="px-3 py-1.5 text-right tabular-nums">{formatMoney(s.metrics.cost_per_contact.value)}</td>
                    {pops.map((p) => (
                      <td key={p} className="px-3 py-1.5 text-right tabular-nums">{formatMoney(s.metrics.cost_per_contact.by_population[p])}</td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}
