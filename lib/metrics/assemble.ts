import type { MetricSettings } from "../settings/defaults";
import { DISTRIBUTIONS, RATE_DEFINITIONS, RATE_KEYS, type RateDefinition } from "./definitions";
import { markUnavailable, MAYBE_UNAVAILABLE } from "./availability";
import { twoProportionPValue, wilson } from "./stats";
import type { Distribution, Rate, SegmentMetrics } from "./types";

type Row = Record<string, unknown>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function rate(numerator: number, denominator: number, pending?: number): Rate {
  const r: Rate = {
    numerator,
    denominator,
    value: denominator > 0 ? numerator / denominator : null,
    ci95: wilson(numerator, denominator),
  };
  if (pending !== undefined) r.pending = pending;
  return r;
}

const POPS = ["ai_only", "ai_escalated", "human_only", "unhandled"] as const;

/** One aggregate row (counts, sums, percentiles from PostgreSQL) → the API's metric objects. */
export function assembleMetrics(
  row: Row,
  settings: Pick<MetricSettings, "baseline_cost_per_contact" | "ai_cost_per_conversation" | "human_cost_per_hour" | "human_cost_per_contact_fallback">,
): SegmentMetrics {
  const rates = {} as Record<string, Rate>;
  for (const key of RATE_KEYS) {
    const d: RateDefinition = RATE_DEFINITIONS[key];
    rates[key] = rate(num(row[`${key}__num`]), num(row[`${key}__den`]), d.pending ? num(row[`${key}__pending`]) : undefined);
  }
  const dists = {} as Record<string, Distribution>;
  for (const [key, d] of Object.entries(DISTRIBUTIONS)) {
    const n = num(row[`${key}__n`]);
    dists[key] = { n, p50: numOrNull(row[`${key}__p50`]), p90: numOrNull(row[`${key}__p90`]) };
    if (d.mean) dists[key].mean = n > 0 ? num(row[`${key}__sum`]) / n : null;
  }
  const ctr = rates.context_transfer_rate.value;
  const risr = rates.resolved_in_session_rate.value;
  const aiCsat = rate(num(row.csat_ai_only__num), num(row.csat_ai_only__den));
  const humanCsat = rate(num(row.csat_human_only__num), num(row.csat_human_only__den));
  const inbound = num(row.inbound);
  // a conversation costs the AI price if the AI took part, plus the human's logged time at the
  // hourly rate (or the flat fallback when no time was logged) if a human took part
  const populationCost = (p: (typeof POPS)[number]) =>
    num(row[`cost_${p}__ai`]) * settings.ai_cost_per_conversation +
    (num(row[`cost_${p}__human_s`]) / 3600) * settings.human_cost_per_hour +
    num(row[`cost_${p}__human_fallback`]) * settings.human_cost_per_contact_fallback;
  let totalCost = 0;
  const byPopulation = {} as SegmentMetrics["cost_per_contact"]["by_population"];
  for (const p of POPS) {
    const n = num(row[`cost_${p}__n`]);
    const cost = populationCost(p);
    totalCost += cost;
    byPopulation[p] = n > 0 ? cost / n : null;
  }
  const costPerContact = inbound > 0 ? totalCost / inbound : null;
  const baseline = settings.baseline_cost_per_contact;
  const capable: Partial<Record<keyof SegmentMetrics, number>> = {};
  for (const key of MAYBE_UNAVAILABLE) capable[key] = num(row[`capable_${key}`]);
  return markUnavailable({
    inbound: { value: inbound },
    ...(rates as Pick<SegmentMetrics, (typeof RATE_KEYS)[number]>),
    escalation_quality: {
      value: ctr !== null && risr !== null ? ctr * risr : null,
      context_transfer_rate: ctr,
      resolved_in_session_rate: risr,
    },
    csat_gap: {
      ai_only: aiCsat.value,
      human_only: humanCsat.value,
      gap: aiCsat.value !== null && humanCsat.value !== null ? aiCsat.value - humanCsat.value : null,
      p_value: twoProportionPValue(aiCsat.numerator, aiCsat.denominator, humanCsat.numerator, humanCsat.denominator),
    },
    ...(dists as Pick<SegmentMetrics, "first_response_s" | "escalation_wait_s" | "ai_handle_s" | "human_handle_s">),
    cost_per_contact: { value: costPerContact, by_population: byPopulation },
    estimated_savings: {
      value: baseline !== null && costPerContact !== null ? (baseline - costPerContact) * inbound : null,
    },
  }, capable);
}
