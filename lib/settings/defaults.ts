import { z } from "zod";

/** Settings the metrics read, with metrics.md's defaults (§3 Cost, windows, §5 targets). */
export const ZMetricSettings = z.object({
  recontact_hours: z.number().int().min(1).max(24 * 365),
  verification_hours: z.number().int().min(1).max(24 * 365),
  ai_cost_per_conversation: z.number().min(0),
  human_cost_per_hour: z.number().min(0),
  human_cost_per_contact_fallback: z.number().min(0),
  baseline_cost_per_contact: z.number().min(0).nullable(),
});
export type MetricSettings = z.infer<typeof ZMetricSettings>;

export const DEFAULT_METRIC_SETTINGS: MetricSettings = {
  recontact_hours: 48,
  verification_hours: 72,
  ai_cost_per_conversation: 1.0,
  human_cost_per_hour: 40.0,
  human_cost_per_contact_fallback: 6.0,
  baseline_cost_per_contact: null,
};
