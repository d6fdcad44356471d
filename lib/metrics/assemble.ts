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
export function assembleMetrics(row: Row, settings: Pick<MetricSettings, "baseline_cost_per_contact">): SegmentMetrics {
  const rates = {} as Record<string, Rate>;
  for (const key of RATE_KEYS) {
    const d: RateDefinition = RATE_DEFINITIONS[key];
    rates[key] = rate(num(row[`${key}__num`]), num(row[`${key}__den`]), d.pending ? num(row[`${key}__pending`]) : undefined);
  }
  const dists = {} as Record<string, Distribution>;
  for (const [key, d] of Object.entries(DISTRIBUTIONS)) {
    const n = num(row[`${key}__n`]);
    dists[key] = { n, p50: numOrNull(row[`${key}__p50`]), p90: numOrNull(row[`${key}__p90`]) };
    if (d.mean) dists[key].mean = numOrNull(row[`${key}__mean`]);
  }
  const ctr = rates.context_transfer_rate.value;
  const risr = rates.resolved_in_session_rate.value;
  const aiCsat = rate(num(row.csat_ai_only__num), num(row.csat_ai_only__den));
  const humanCsat = rate(num(row.csat_human_only__num), num(row.csat_human_only__den));
  const inbound = num(row.inbound);
  const totalCost = num(row.cost__total);
  const costPerContact = inbound > 0 ? totalCost / inbound : null;
  const byPopulation = {} as SegmentMetrics["cost_per_contact"]["by_population"];
  for (const p of POPS) {
    const n = num(row[`cost_${p}__n`]);
    byPopulation[p] = n > 0 ? num(row[`cost_${p}__total`]) / n : null;
  }
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
