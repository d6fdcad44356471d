import { StatusBadge } from "@/components/status";
import { describeTarget, targetStatus } from "@/components/targets";
import type { DrillKey } from "@/components/metric-meta";
import type { TMetricsQuery } from "@/lib/metrics/request";
import type { Target } from "@/lib/settings/targets";

/** The metrics whose targets a drill-down shows: its own, and for CSAT the AI-only vs human-only gap. */
export const targetMetricsOf = (key: DrillKey): (DrillKey | "csat_gap")[] => (key === "csat" ? [key, "csat_gap"] : [key]);

export function relevantTargets(targets: Target[], key: DrillKey): Target[] {
  const metrics: string[] = targetMetricsOf(key);
  return targets.filter((t) => metrics.includes(t.metric));
}

/** The target drawn as a band: one that applies to the whole chart (no population, or the one filtered). */
export function chartBand(targets: Target[], query: TMetricsQuery, field: string) {
  const t = targets.find(
    (t) => t.field === field && (!t.population || (query.population?.length === 1 && query.population[0] === t.population)),
  );
  if (!t) return undefined;
  return { min: t.min, max: t.max, label: `target ${describeTarget(t)}` };
}

/** Each target of the metric with its status over the filtered range. */
export function TargetList({ targets, byPop }: { targets: Target[]; byPop: Parameters<typeof targetStatus>[1] }) {
  return targets.length > 0 ? (
    <ul className="flex flex-wrap gap-2" data-testid="drill-targets">
      {targets.map((t) => (
        <li key={t.id} className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <span>{t.label}:</span>
          <StatusBadge status={targetStatus(t, byPop).status} target={describeTarget(t)} />
        </li>
      ))}
    </ul>
  ) : (
    <p className="text-sm text-slate-600">No target in §5 for this metric.</p>
  );
}
