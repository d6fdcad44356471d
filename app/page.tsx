import type { Metadata } from "next";
import { Suspense } from "react";
import { LineChart } from "@/components/charts/line-chart";
import { executiveNumbers, executiveTrends, isViewMetric, SPLIT, type ExecutiveTrendKey, type TrendData } from "@/components/executive-data";
import { requestBasis, resolvePageRequest } from "@/components/page-data";
import { ChartSkeleton } from "@/components/trend-chart";
import { parseFilters, type PageSearchParams } from "@/components/filters/params";
import { populationLabel } from "@/components/format";
import { ExecutiveView, type ExecutiveViewProps } from "@/components/executive-view";
import { PageFrame } from "@/components/page-frame";
import { describeTarget, findTarget, targetStatus } from "@/components/targets";
import { requireUser } from "@/lib/auth/page";
import type { TMetricsQuery } from "@/lib/metrics/request";
import type { Target } from "@/lib/settings/targets";

export const metadata: Metadata = { title: "Executive view · Hybrid Support Dashboard" };
export const dynamic = "force-dynamic";

export default async function ExecutivePage({ searchParams }: { searchParams: Promise<PageSearchParams> }) {
  const user = await requireUser({ next: "/" });
  const filters = parseFilters(await searchParams);
  return (
    <PageFrame
      user={user}
      current="executive"
      pathname="/"
      title="Executive view"
      description="The six numbers that tell whether the hybrid team really resolves customers' problems — each split the way blended numbers would hide, with its 95 % interval and target."
      filters={filters}
    >
      {filters.ok ? <Executive query={filters.query} search={filters.search} /> : null}
    </PageFrame>
  );
}

async function Executive({ query, search }: { query: TMetricsQuery; search: string }) {
  const req = await resolvePageRequest(query);
  // the trends load behind Suspense, in parallel: the numbers show first when nothing is cached yet
  const trends = executiveTrends(query, req.to);
  trends.catch(() => {}); // a failure surfaces where a chart awaits it
  const [result, { targets }] = await Promise.all([executiveNumbers(query, req), requestBasis()]);
  const byPop = (p: string) => result.byPopulation[p];
  const statuses: ExecutiveViewProps["statuses"] = {};
  // the cards' targets: the view shows no percentile (executiveNumbers computes none)
  for (const t of targets) {
    if (isViewMetric(t.metric)) statuses[t.id] = { status: targetStatus(t, byPop).status, target: describeTarget(t) };
  }
  const popLabels = Object.fromEntries(SPLIT.map((p) => [p, populationLabel(p)]));
  const trendNote = `90-day trend to ${result.range.to}, by week; the latest weeks of window-dependent metrics are mostly still pending.`;
  const trend = (key: ExecutiveTrendKey, props: Omit<TrendProps, "trends" | "chart">) => (
    <Suspense fallback={<ChartSkeleton />}>
      <ExecutiveTrend trends={trends} chart={key} {...props} />
    </Suspense>
  );
  const charts: ExecutiveViewProps["charts"] = {
    resolution: trend("resolution", {
      labels: { verified: "Verified resolution" },
      band: bandOf(findTarget(targets, "verified_resolution")),
      ariaLabel: `Verified resolution by week. ${trendNote}`,
    }),
    deflection: trend("deflection", {
      labels: { deflection: "Verified deflection", containment: "Raw containment" },
      band: bandOf(findTarget(targets, "verified_deflection")),
      ariaLabel: `Verified deflection and raw containment by week. ${trendNote}`,
    }),
    recontact: trend("recontact", {
      labels: { recontact: "Re-contact, AI-only" },
      band: bandOf(findTarget(targets, "recontact_ai_only")),
      ariaLabel: `Re-contact rate on AI-only conversations by week. ${trendNote}`,
    }),
    fcr: trend("fcr", {
      labels: popLabels,
      band: bandOf(findTarget(targets, "fcr_all")),
      ariaLabel: `First-contact resolution by week for AI-only, human-only and AI-to-human conversations. ${trendNote}`,
    }),
    escalation: trend("escalation", {
      labels: { context: "Context transferred", session: "Resolved in session", escalation: "Escalation rate" },
      ariaLabel: `Escalation quality factors and escalation rate by week. ${trendNote}`,
    }),
    csat: trend("csat", {
      labels: popLabels,
      ariaLabel: `CSAT by week for AI-only, human-only and AI-to-human conversations. ${trendNote}`,
    }),
  };
  return (
    <ExecutiveView
      numbers={result}
      search={search}
      statuses={statuses}
      deflectionNote={findTarget(targets, "verified_deflection")?.note}
      charts={charts}
    />
  );
}

type TrendProps = {
  trends: Promise<Record<ExecutiveTrendKey, TrendData>>;
  chart: ExecutiveTrendKey;
  labels: Record<string, string>;
  band?: { min?: number; max?: number; label: string };
  ariaLabel: string;
};

async function ExecutiveTrend({ trends, chart, ...props }: TrendProps) {
  const { rows, categories } = (await trends)[chart];
  return <LineChart {...props} data={rows} index="label" categories={categories} />;
}

function bandOf(t: Target | undefined): { min?: number; max?: number; label: string } | undefined {
  if (!t || t.unit !== "rate" || t.field !== "value") return undefined;
  return { min: t.min, max: t.max, label: `target ${describeTarget(t)}` };
}
