import { z } from "zod";
import { prisma } from "../db/prisma";
import type { Channel, Population } from "../events/vocabulary";

/**
 * Targets of metrics.md §5 (editable; stored as overrides under settings key `targets`).
 * A target reads one number of a segment's metrics: `metric`.`field` of the population's
 * segment (or the overall one).
 */
export interface Target {
  id: string;
  label: string;
  metric: string;
  field: "value" | "p50" | "p90" | "gap";
  population?: Population;
  /** met when value ≥ min (inclusive) */
  min?: number;
  /** met when value < max (strict, as §5 writes "<") */
  max?: number;
  unit: "rate" | "seconds";
  note?: string;
}

export const DEFAULT_TARGETS: Target[] = [
  { id: "verified_resolution", label: "Verified resolution, all", metric: "verified_resolution_rate", field: "value", min: 0.8, unit: "rate" },
  { id: "resolution_ai_only", label: "Resolution on ai_only", metric: "resolution_rate", field: "value", population: "ai_only", min: 0.75, unit: "rate" },
  { id: "verified_deflection", label: "Verified deflection", metric: "deflection_rate", field: "value", min: 0.5, max: 0.7, unit: "rate",
    note: "only good once resolution is validated" },
  { id: "recontact_ai_only", label: "Re-contact on ai_only", metric: "recontact_rate", field: "value", population: "ai_only", max: 0.1, unit: "rate" },
  { id: "fcr_all", label: "FCR, all", metric: "fcr_rate", field: "value", min: 0.7, unit: "rate" },
  { id: "fcr_ai_escalated", label: "FCR on ai_escalated", metric: "fcr_rate", field: "value", population: "ai_escalated", min: 0.8, unit: "rate" },
  { id: "escalation_rate", label: "Escalation rate", metric: "escalation_rate", field: "value", min: 0.2, max: 0.4, unit: "rate",
    note: "below the band is a warning too: customers may be trapped with the AI" },
  { id: "escalation_quality", label: "Escalation quality", metric: "escalation_quality", field: "value", min: 0.7, unit: "rate" },
  { id: "escalation_wait_p90", label: "Escalation wait P90", metric: "escalation_wait_s", field: "p90", max: 900, unit: "seconds" },
  { id: "first_response_ai_only_p50", label: "First response on ai_only, P50", metric: "first_response_s", field: "p50", population: "ai_only", max: 30, unit: "seconds" },
  { id: "first_response_ai_only_p90", label: "First response on ai_only, P90", metric: "first_response_s", field: "p90", population: "ai_only", max: 30, unit: "seconds" },
  { id: "unanswered_rate", label: "Unanswered rate", metric: "unanswered_rate", field: "value", max: 0.08, unit: "rate" },
  { id: "csat_gap", label: "AI-only CSAT within 5 points of human-only", metric: "csat_gap", field: "gap", min: -0.05, unit: "rate" },
  { id: "hallucination_rate", label: "Hallucination rate", metric: "hallucination_rate", field: "value", max: 0.05, unit: "rate" },
];

/** Planning ranges for verified deflection by channel (metrics.md §5); in_app has none. */
export const DEFLECTION_PLANNING_RANGES: Partial<Record<Channel, { min: number; max: number }>> = {
  chat: { min: 0.5, max: 0.65 },
  whatsapp: { min: 0.5, max: 0.65 },
  social: { min: 0.45, max: 0.6 },
  sms: { min: 0.4, max: 0.55 },
  email: { min: 0.4, max: 0.55 },
  voice: { min: 0.2, max: 0.35 },
};

export type TargetStatus = "met" | "warning" | "missed" | "no_data";

/**
 * met inside the target; warning when outside by less than the margin (5 points for rates,
 * 20 % for times); missed beyond that. Below the escalation band is at least a warning.
 */
export function evaluateTarget(t: Pick<Target, "min" | "max" | "unit">, value: number | null | undefined): TargetStatus {
  if (value === null || value === undefined || Number.isNaN(value)) return "no_data";
  const margin = (bound: number) => (t.unit === "rate" ? 0.05 : Math.abs(bound) * 0.2);
  if (t.min !== undefined && value < t.min) return value >= t.min - margin(t.min) ? "warning" : "missed";
  if (t.max !== undefined && value >= t.max) return value < t.max + margin(t.max) ? "warning" : "missed";
  return "met";
}

const ZTargetOverride = z.object({
  id: z.string(),
  min: z.number().nullable().optional(),
  max: z.number().nullable().optional(),
});
export const ZTargetOverrides = z.array(ZTargetOverride);
export type TargetOverride = z.infer<typeof ZTargetOverride>;

export function applyTargetOverrides(overrides: TargetOverride[]): Target[] {
  return DEFAULT_TARGETS.map((t) => {
    const o = overrides.find((x) => x.id === t.id);
    if (!o) return t;
    const next: Target = { ...t };
    if (o.min !== undefined) next.min = o.min ?? undefined;
    if (o.max !== undefined) next.max = o.max ?? undefined;
    return next;
  });
}

export const TARGETS_KEY = "targets";

export async function getTargets(): Promise<Target[]> {
  const row = await prisma().setting.findUnique({ where: { key: TARGETS_KEY } });
  const parsed = ZTargetOverrides.safeParse(row?.value ?? []);
  return applyTargetOverrides(parsed.success ? parsed.data : []);
}
