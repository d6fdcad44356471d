import { PRESETS } from "../ingest/presets";
import type { MetricKey, SegmentMetrics } from "./types";

/**
 * "Not available" instead of a number that was never measured (api.md): each helpdesk preset
 * declares the metrics its exports give no input for. A segment whose every conversation comes
 * from such presets gets `available: false` and a reason for those metrics.
 */

/** metric → the presets whose exports cannot produce its inputs */
export const UNAVAILABLE_FROM: Partial<Record<MetricKey, string[]>> = {};
for (const p of Object.values(PRESETS)) {
  for (const m of p.unavailableMetrics) (UNAVAILABLE_FROM[m] ??= []).push(p.name);
}
export const MAYBE_UNAVAILABLE = Object.keys(UNAVAILABLE_FROM) as MetricKey[];

/** SQL condition: this conversation's source can produce the metric's inputs. */
export function capableCondition(metric: MetricKey): string {
  const lacking = UNAVAILABLE_FROM[metric] ?? [];
  // preset names are fixed identifiers from code, never input
  return lacking.length ? `(s.source IS NULL OR s.source NOT IN (${lacking.map((n) => `'${n}'`).join(", ")}))` : "true";
}

export function unavailableReason(metric: MetricKey): string {
  const labels = (UNAVAILABLE_FROM[metric] ?? []).map((n) => PRESETS[n as keyof typeof PRESETS].label.replace(/ \(.*\)$/, ""));
  return `not available for ${labels.join(" / ")} imports: their exports do not record what this metric needs`;
}

/** Replace the numbers of metrics no conversation of the segment could have produced. */
export function markUnavailable(metrics: SegmentMetrics, capableCounts: Partial<Record<MetricKey, number>>): SegmentMetrics {
  if (metrics.inbound.value === 0) return metrics;
  const out = { ...metrics } as Record<string, unknown>;
  for (const key of MAYBE_UNAVAILABLE) {
    if ((capableCounts[key] ?? 1) > 0) continue;
    const current = out[key] as Record<string, unknown>;
    const blanked: Record<string, unknown> = { ...current };
    for (const f of ["value", "ci95", "p50", "p90", "mean", "context_transfer_rate", "resolved_in_session_rate"]) {
      if (f in blanked) blanked[f] = null;
    }
    out[key] = { ...blanked, available: false, reason: unavailableReason(key) };
  }
  return out as unknown as SegmentMetrics;
}
