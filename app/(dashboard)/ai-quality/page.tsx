import type { Metadata } from "next";
import Link from "next/link";
import { BarChart } from "@/components/charts/bar-chart";
import { EmptyState } from "@/components/empty-state";
import { parseFilters, withSearch, type PageSearchParams } from "@/components/filters/params";
import { channelLabel, formatCount, formatPercent } from "@/components/format";
import { RateFigure } from "@/components/metric-card";
import { RATE_META } from "@/components/metric-meta";
import { PageFrame, Panel } from "@/components/page-frame";
import { StatusBadge } from "@/components/status";
import { describeTarget, findTarget, targetStatus } from "@/components/targets";
import { TrendChart } from "@/components/trend-chart";
import { requireUser } from "@/lib/auth/page";
import { escalationReasons } from "@/lib/data-quality/escalation-reasons";
import { computeSomeMetrics } from "@/lib/metrics";
import type { RateKey } from "@/lib/metrics/definitions";
import type { TMetricsQuery } from "@/lib/metrics/request";
import { getTargets } from "@/lib/settings/targets";

export const metadata: Metadata = { title: "AI quality · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

/** The AI quality rates, each with the §5 target that applies to it (if any). */
const QUALITY: { key: RateKey; target?: string; higherIsBetter: boolean }[] = [
  { key: "unanswered_rate", target: "unanswered_rate", higherIsBetter: false },
  { key: "hallucination_rate", target: "hallucination_rate", higherIsBetter: false },
  { key: "low_confidence_escalation_share", higherIsBetter: false },
  { key: "draft_rejection_rate", higherIsBetter: false },
  { key: "policy_compliance_rate", higherIsBetter: true },
  { key: "safety_incident_rate", higherIsBetter: false },
  { key: "override_rate", higherIsBetter: false },
];

const REASON_LABELS: Record<string, string> = {
  customer_request: "Customer asked for a human",
  low_confidence: "AI low confidence",
  policy_rule: "Policy rule",
  sentiment: "Sentiment",
  complexity: "Complexity",
  other: "Other",
};

export default async function AiQualityPage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const user = await requireUser({ next: "/ai-quality" });
  const filters = parseFilters(await searchParams);
  return (
    <PageFrame
      user={user}
      current="ai-quality"
      pathname="/ai-quality"
      title="AI quality"
      description="How often the AI is unsure, wrong, unsafe or overridden — from its own confidence flags, agents’ handling of its drafts and QA reviews."
      filters={filters}
    >
      {filters.ok ? <AiQuality query={filters.query} search={filters.search} /> : null}
    </PageFrame>
  );
}

async function AiQuality({ query, search }: { query: TMetricsQuery; search: string }) {
  const [result, targets, reasons] = await Promise.all([
    computeSomeMetrics({ ...query, group_by: ["channel"] }, ["inbound", ...QUALITY.map((q) => q.key)]),
    getTargets(),
    escalationReasons(query),
  ]);
  const all = result.segments.find((s) => s.channel === "all")!;
  const byPop = (p: string) => (p === "all" ? all : undefined);
  const m = all.metrics;
  if (m.inbound.value === 0) return <EmptyState />;
  const channels = result.segments.filter((s) => s.channel !== "all" && s.channel !== null);
  const escalated = m.low_confidence_escalation_share.denominator;

  return (
    <>
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="ai-quality-cards">
        {QUALITY.map(({ key, target }) => {
          const t = target ? findTarget(targets, target) : undefined;
          return (
            <li key={key} className="flex flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-sm" data-testid={`quality-${key}`}>
              <h2 className="text-sm font-semibold text-slate-950">
                <Link
                  href={withSearch(`/metrics/${key}`, search)}
                  className="underline-offset-2 hover:text-blue-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700"
                >
                  {RATE_META[key].label}
                </Link>
              </h2>
              <p className="mb-2 text-xs text-slate-600">{RATE_META[key].description}</p>
              <div className="mt-auto space-y-2">
                <RateFigure rate={m[key]} testId={`quality-${key}`} size="md" />
                {t ? (
                  <StatusBadge status={targetStatus(t, byPop).status} target={describeTarget(t)} />
                ) : (
                  <p className="text-xs text-slate-500">No target in §5</p>
                )}
              </div>
            </li>
          );
        })}
      </ul>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="Escalation reasons"
          id="reasons"
          description={
            <>
              Conversations with an escalation ({formatCount(escalated)}), by the reason of the first one. Low-confidence share:{" "}
              <span className="font-medium">{formatPercent(m.low_confidence_escalation_share.value)}</span>.
            </>
          }
        >
          {reasons.length ? (
            <>
              <BarChart
                data={reasons.map((r) => ({
                  reason: r.reason ? (REASON_LABELS[r.reason] ?? r.reason) : "(no reason given)",
                  conversations: r.conversations,
                }))}
                index="reason"
                categories={["conversations"]}
                labels={{ conversations: "Conversations" }}
                layout="vertical"
                height={Math.max(160, reasons.length * 38)}
                ariaLabel="Escalations by reason"
              />
              <table className="mt-3 min-w-full text-sm" data-testid="reasons-table">
                <caption className="sr-only">Escalations by reason</caption>
                <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="py-1">Reason</th>
                    <th scope="col" className="py-1 text-right">Conversations</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {reasons.map((r) => (
                    <tr key={r.reason ?? "none"}>
                      <th scope="row" className="py-1 text-left font-normal">{r.reason ? (REASON_LABELS[r.reason] ?? r.reason) : "(no reason given)"}</th>
                      <td className="py-1 text-right tabular-nums">{formatCount(r.conversations)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <p className="text-sm text-slate-600">No escalation in this selection.</p>
          )}
        </Panel>
        <Panel title="Trend" id="trend" description={`Unanswered and hallucination rates by week, ${result.range.from} to ${result.range.to}.`}>
          <TrendChart
            query={{ ...query, from: result.range.from, to: result.range.to }}
            interval="week"
            series={[
              { key: "unanswered", metric: "unanswered_rate" },
              { key: "hallucination", metric: "hallucination_rate" },
            ]}
            labels={{ unanswered: "Unanswered rate", hallucination: "Hallucination rate" }}
            yDomain={[0, "auto"]}
            ariaLabel="Unanswered and hallucination rates by week"
            height={240}
          />
        </Panel>
      </div>

      <Panel title="By channel" id="by-channel" description="The same rates per channel; “no data” where the channel has no AI messages, drafts or reviews.">
        <div className="relative overflow-x-auto rounded-lg border border-slate-200">
          <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="quality-by-channel">
            <caption className="sr-only">AI quality rates per channel</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">Channel</th>
                {QUALITY.map((q) => (
                  <th key={q.key} scope="col" className="px-3 py-2 text-right">
                    {RATE_META[q.key].label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {[all, ...channels].map((s) => (
                <tr key={String(s.channel)} className={s.channel === "all" ? "bg-slate-50/70 font-medium" : undefined}>
                  <th scope="row" className="whitespace-nowrap px-3 py-1.5 text-left font-medium">{channelLabel(s.channel)}</th>
                  {QUALITY.map((q) => (
                    <td key={q.key} className="whitespace-nowrap px-3 py-1.5 text-right tabular-nums">
                      {formatPercent(s.metrics[q.key].value)}
                      <span className="ml-1 text-xs text-slate-500">({formatCount(s.metrics[q.key].denominator)})</span>
                    </td>
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
