"use client";

import type { ReactNode } from "react";
import type { TargetStatus } from "@/lib/settings/targets";
import { POPULATIONS } from "@/lib/events/vocabulary";
import { EmptyState } from "./empty-state";
import type { ExecutiveNumbers, ExecutiveTrendKey, ViewMetrics } from "./executive-data";
import { withSearch } from "./filters/search";
import { channelLabel, formatCount, formatInterval, formatPercent, formatPoints, formatPValue, populationLabel, readPValue } from "./format";
import { MetricCard, RateFigure } from "./metric-card";
import { StatusBadge } from "./status";

/** The three populations the split metrics compare (unhandled has no AI or human answer). */
const SPLIT = ["ai_only", "human_only", "ai_escalated"] as const;

export interface ExecutiveViewProps {
  numbers: ExecutiveNumbers;
  /** the page's filter params, kept by the drill-down links */
  search: string;
  /** target status per target id (absent: no such target) */
  statuses: Record<string, { status: TargetStatus; target: string }>;
  deflectionNote?: string;
  /** each card's trend chart (loaded by the server, behind Suspense) */
  charts: Record<ExecutiveTrendKey, ReactNode>;
}

/**
 * The executive cards and the channel × population table, drawn from plain numbers. A client
 * component only so the server sends these numbers rather than the whole element tree twice
 * (HTML and React payload): the server still renders the HTML, nothing is computed here.
 */
export function ExecutiveView({ numbers: result, search, statuses, deflectionNote, charts }: ExecutiveViewProps) {
  const byPop = (p: string): { metrics: ViewMetrics } | undefined => result.byPopulation[p];
  const m = byPop("all")!.metrics;
  const drill = (key: string, extra?: Record<string, string>) => withSearch(`/metrics/${key}`, search, extra);
  const status = (id: string, testId: string) => {
    const s = statuses[id];
    return s ? <StatusBadge status={s.status} target={s.target} testId={testId} /> : null;
  };
  const empty = m.inbound.value === 0;
  const channels = ["all", ...result.channels];
  const populations = ["all", ...POPULATIONS];
  const deflectionGap =
    m.containment_rate.value !== null && m.deflection_rate.value !== null ? m.containment_rate.value - m.deflection_rate.value : null;
  const aiOnly = byPop("ai_only");

  return (
    <>
      {empty ? <EmptyState /> : null}
      <div className="grid gap-4 lg:grid-cols-2">
        {/* 1. Resolution */}
        <MetricCard
          id="resolution"
          title="Resolution (verified)"
          subtitle="Resolved, not reopened, no re-contact within the verification window"
          href={drill("verified_resolution_rate")}
          status={status("verified_resolution", "status-resolution")}
          footer={`${formatCount(m.inbound.value)} conversations · raw resolution ${formatPercent(m.resolution_rate.value)}`}
        >
          <RateFigure rate={m.verified_resolution_rate} testId="exec-resolution" />
          <div className="grid grid-cols-3 gap-2 rounded-lg bg-slate-50 p-2 text-xs" data-testid="exec-resolution-split">
            {SPLIT.map((p) => (
              <div key={p} className="min-w-0">
                <p className="font-medium text-slate-600">{populationLabel(p)}</p>
                <p className="text-base font-semibold tabular-nums text-slate-900" data-testid={`exec-resolution-${p}-value`}>
                  {formatPercent(byPop(p)?.metrics.verified_resolution_rate.value ?? null)}
                </p>
                {p === "ai_only" ? (
                  <p className="text-slate-600">
                    raw <span data-testid="exec-resolution-ai_only-raw">{formatPercent(byPop(p)?.metrics.resolution_rate.value ?? null)}</span>
                  </p>
                ) : null}
              </div>
            ))}
          </div>
          <div className="flex flex-wrap items-center gap-2 text-xs text-slate-700">
            Resolution on AI-only (raw): {status("resolution_ai_only", "status-resolution-ai_only")}
          </div>
          {charts.resolution}
        </MetricCard>

        {/* 2. Deflection */}
        <MetricCard
          id="deflection"
          title="Deflection (verified)"
          subtitle="AI alone resolved it and the customer did not come back"
          href={drill("deflection_rate")}
          status={status("verified_deflection", "status-deflection")}
          footer={deflectionNote ? `The target band is ${deflectionNote}.` : undefined}
        >
          <div className="grid grid-cols-2 gap-4">
            <RateFigure rate={m.deflection_rate} testId="exec-deflection" label="Verified deflection" />
            <RateFigure rate={m.containment_rate} testId="exec-containment" size="md" label={<a className="underline underline-offset-2 hover:text-blue-800" href={drill("containment_rate")}>Raw containment</a>} />
          </div>
          <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="exec-deflection-explained">
            Containment counts every conversation the AI handled alone; verified deflection keeps only those the AI resolved
            and the customer did not reopen or come back about within {result.windows.verification_hours} h
            {deflectionGap !== null ? <> — a gap of {formatPoints(deflectionGap).replace("+", "")}</> : null}.
          </p>
          {charts.deflection}
        </MetricCard>

        {/* 3. Re-contact on ai_only */}
        <MetricCard
          id="recontact"
          title="Re-contact on AI-only"
          subtitle={`The customer came back within ${result.windows.recontact_hours} h after an AI-only conversation`}
          href={drill("recontact_rate", { population: "ai_only" })}
          status={status("recontact_ai_only", "status-recontact")}
          footer={`All populations: ${formatPercent(m.recontact_rate.value)}`}
        >
          {aiOnly ? (
            <RateFigure rate={aiOnly.metrics.recontact_rate} testId="exec-recontact" />
          ) : (
            <p className="text-sm text-slate-600" data-testid="exec-recontact-value">
              no data — AI-only conversations are filtered out
            </p>
          )}
          <div className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-2 text-xs">
            {(["human_only", "ai_escalated"] as const).map((p) => (
              <div key={p}>
                <p className="font-medium text-slate-600">For comparison: {populationLabel(p)}</p>
                <p className="text-base font-semibold tabular-nums text-slate-900">{formatPercent(byPop(p)?.metrics.recontact_rate.value ?? null)}</p>
              </div>
            ))}
          </div>
          {charts.recontact}
        </MetricCard>

        {/* 4. FCR */}
        <MetricCard
          id="fcr"
          title="First-contact resolution"
          subtitle="Of the resolved, the share that stayed resolved — per population"
          href={drill("fcr_rate")}
          status={status("fcr_all", "status-fcr")}
          footer={
            <>
              All populations: <span data-testid="exec-fcr-value">{formatPercent(m.fcr_rate.value)}</span>
              {formatInterval(m.fcr_rate.ci95) ? ` (95 % CI ${formatInterval(m.fcr_rate.ci95)})` : ""} · {formatCount(m.fcr_rate.pending ?? 0)} pending
            </>
          }
        >
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            {SPLIT.map((p) => (
              <div key={p} className="rounded-lg border border-slate-200 p-3">
                <RateFigure rate={byPop(p)?.metrics.fcr_rate} testId={`exec-fcr-${p}`} size="sm" label={populationLabel(p)} />
                {p === "ai_escalated" ? <div className="mt-1">{status("fcr_ai_escalated", "status-fcr-ai_escalated")}</div> : null}
              </div>
            ))}
          </div>
          {charts.fcr}
        </MetricCard>

        {/* 5. Escalation quality */}
        <MetricCard
          id="escalation"
          title="Escalation quality"
          subtitle="Context transferred × resolved in session, for AI → human handoffs"
          href={drill("resolved_in_session_rate")}
          status={status("escalation_quality", "status-escalation-quality")}
          footer={
            <>
              Factors:{" "}
              <a className="underline underline-offset-2 hover:text-blue-800" href={drill("context_transfer_rate")}>
                context transfer
              </a>{" "}
              ·{" "}
              <a className="underline underline-offset-2 hover:text-blue-800" href={drill("escalation_rate")}>
                escalation rate
              </a>
            </>
          }
        >
          <div className="grid grid-cols-2 gap-4 xl:grid-cols-4">
            <div>
              <p className="text-xs font-medium text-slate-600">Composite</p>
              <p className="text-3xl font-semibold tabular-nums tracking-tight">
                <span data-testid="exec-escalation-quality-value">{formatPercent(m.escalation_quality.value)}</span>
              </p>
              <p className="text-xs text-slate-600">= product of the two factors</p>
            </div>
            <RateFigure rate={m.context_transfer_rate} testId="exec-context-transfer" size="sm" label="Context transferred" />
            <RateFigure rate={m.resolved_in_session_rate} testId="exec-resolved-in-session" size="sm" label="Resolved in session" />
            <div>
              <RateFigure rate={m.escalation_rate} testId="exec-escalation-rate" size="sm" label="Escalation rate" />
              <div className="mt-1">{status("escalation_rate", "status-escalation-rate")}</div>
            </div>
          </div>
          {charts.escalation}
        </MetricCard>

        {/* 6. CSAT, split */}
        <MetricCard
          id="csat"
          title="CSAT, split by population"
          subtitle="Share of responses scoring 4–5; surveys are answered unevenly, so each population shows its response rate"
          href={drill("csat")}
          status={status("csat_gap", "status-csat-gap")}
          footer={
            <>
              Blended (all populations, mixes unequal samples):{" "}
              <span data-testid="exec-csat-blended-value" className="font-medium text-slate-800">
                {formatPercent(m.csat.value)}
              </span>
            </>
          }
        >
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            {SPLIT.map((p) => {
              const s = byPop(p)?.metrics;
              return (
                <div key={p} className="rounded-lg border border-slate-200 p-3">
                  <RateFigure rate={s?.csat} testId={`exec-csat-${p}`} size="sm" label={populationLabel(p)} />
                  <p className="mt-1 text-xs text-slate-700">
                    Response rate <span data-testid={`exec-csat-${p}-response`} className="font-medium tabular-nums">{formatPercent(s?.csat_response_rate.value ?? null)}</span>
                  </p>
                </div>
              );
            })}
          </div>
          <p className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700">
            AI-only minus human-only:{" "}
            <strong data-testid="exec-csat-gap-value" className="tabular-nums">
              {formatPoints(m.csat_gap.gap)}
            </strong>{" "}
            (<span data-testid="exec-csat-gap-p">{formatPValue(m.csat_gap.p_value)}</span>:{" "}
            <span data-testid="exec-csat-gap-reading">{readPValue(m.csat_gap.p_value)}</span>)
          </p>
          {charts.csat}
        </MetricCard>
      </div>

      <section aria-labelledby="containment-title" className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <div className="border-b border-slate-200 px-4 py-3 sm:px-5">
          <h2 id="containment-title" className="text-base font-semibold">
            Inbound and containment by channel × population
          </h2>
          <p className="text-sm text-slate-600">
            Conversations started in the range, and containment — the share the AI handled alone (raw, not verified).
          </p>
        </div>
        <div className="relative overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="containment-table">
            <caption className="sr-only">Inbound conversations and containment rate per channel and population</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-2">Channel</th>
                {populations.map((p) => (
                  <th key={p} scope="col" className="whitespace-nowrap px-3 py-2 text-right">
                    {populationLabel(p)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {channels.map((c) => (
                <tr key={c} className={c === "all" ? "bg-slate-50/60 font-medium" : undefined}>
                  <th scope="row" className="whitespace-nowrap px-4 py-2 text-left font-medium">
                    {channelLabel(c)}
                  </th>
                  {populations.map((p) => {
                    const cell = result.cells[`${c}|${p}`]; // cellKey of executive-data.ts
                    return (
                      <td key={p} className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                        <span data-testid={`inbound-${c}-${p}`}>{formatCount(cell?.inbound ?? 0)}</span>
                        <span className="ml-2 text-slate-600" data-testid={`containment-${c}-${p}`}>
                          {formatPercent(cell?.containment ?? null)}
                        </span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
