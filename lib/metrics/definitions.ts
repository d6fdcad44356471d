import { Prisma } from "../generated/prisma/client";
import { capableCondition, MAYBE_UNAVAILABLE } from "./availability";

/**
 * Every count-based metric of metrics.md §3 as SQL aggregate expressions over the slice rows
 * (`s`, see slice.ts, which adds the request-dependent flags closed_v, closed_r, recontacted_r,
 * verified). The segment query and the timeseries query both build from this one registry, so a
 * metric is defined exactly once.
 */
const sql = Prisma.sql;
const raw = Prisma.raw;
const count = (where: string) => raw(`count(*) FILTER (WHERE ${where})`);

/**
 * A rate is either over conversations (numerator, denominator and pending are row conditions,
 * counted with count(*) FILTER) or over events (columns of per-conversation event counts,
 * summed). Keeping conditions rather than finished aggregates lets the drill-down list the
 * exact conversations behind a number with the same definition.
 */
export type RateDefinition =
  | { over: "conversations"; numerator: string; denominator: string; pending?: string }
  | { over: "events"; numerator: string; denominator: string; pending?: undefined };

const conv = (numerator: string, denominator: string, pending?: string): RateDefinition =>
  ({ over: "conversations", numerator, denominator, pending });
const events = (numerator: string, denominator: string): RateDefinition => ({ over: "events", numerator, denominator });

export const RATE_DEFINITIONS = {
  // raw deflection: the AI alone handled it, whatever happened next
  containment_rate: conv("s.population = 'ai_only'", "true"),
  // verified deflection: AI alone, resolved by the AI, not reopened, no re-contact in the verification window
  deflection_rate: conv("s.closed_v AND s.population = 'ai_only' AND s.verified AND s.resolved_by = 'ai'", "s.closed_v", "NOT s.closed_v"),
  ai_involvement_rate: conv("s.ai_involved", "true"),
  resolution_rate: conv("s.resolved", "true"),
  verified_resolution_rate: conv("s.closed_v AND s.verified", "s.closed_v", "NOT s.closed_v"),
  recontact_rate: conv("s.closed_r AND s.recontacted_r", "s.closed_r", "NOT s.closed_r"),
  // first-contact resolution: of the resolved, how many stayed resolved (verified)
  fcr_rate: conv("s.closed_v AND s.verified", "s.closed_v AND s.resolved", "NOT s.closed_v AND s.resolved"),
  escalation_rate: conv("s.population = 'ai_escalated'", "s.ai_involved"),
  // a handoff with no escalated event counts as not transferred: unproven
  context_transfer_rate: conv("s.population = 'ai_escalated' AND s.context_transferred IS TRUE", "s.population = 'ai_escalated'"),
  resolved_in_session_rate: conv(
    "s.population = 'ai_escalated' AND s.closed_v AND s.verified",
    "s.population = 'ai_escalated' AND s.closed_v",
    "s.population = 'ai_escalated' AND NOT s.closed_v",
  ),
  csat: conv("s.csat_score >= 4", "s.csat_score IS NOT NULL"),
  csat_response_rate: conv("s.csat_score IS NOT NULL", "true"),
  // event-level rates: per-conversation event counts stored at derive time, summed here
  unanswered_rate: events("ai_unconfident_messages", "ai_messages"),
  low_confidence_escalation_share: conv("s.escalation_reason = 'low_confidence'", "s.escalated_at IS NOT NULL"),
  draft_rejection_rate: events("drafts_rejected_or_edited", "drafts"),
  hallucination_rate: events("qa_inaccurate", "qa_reviews"),
  policy_compliance_rate: events("qa_policy_compliant", "qa_policy_set"),
  safety_incident_rate: events("qa_safety_incidents", "qa_reviews"),
  override_rate: events("overrides", "ai_messages"),
} satisfies Record<string, RateDefinition>;

/** The aggregate SQL of one side of a rate. */
export function rateAggregate(d: RateDefinition, side: "numerator" | "denominator" | "pending"): Prisma.Sql {
  const part = d[side];
  if (part === undefined) return raw("NULL::bigint");
  if (d.over === "events") return raw(`coalesce(sum(s.${part}), 0)::bigint`);
  return raw(part === "true" ? "count(*)" : `count(*) FILTER (WHERE ${part})`);
}

/** Row condition selecting the conversations behind one side of a rate (for drill-down lists). */
export function rateRowCondition(d: RateDefinition, side: "numerator" | "denominator" | "pending"): Prisma.Sql {
  const part = d[side];
  if (part === undefined) return raw("false");
  return raw(d.over === "events" ? `s.${part} > 0` : part);
}

export type RateKey = keyof typeof RATE_DEFINITIONS;
export const RATE_KEYS = Object.keys(RATE_DEFINITIONS) as RateKey[];
export const WINDOWED_RATE_KEYS = RATE_KEYS.filter((k) => (RATE_DEFINITIONS[k] as RateDefinition).pending !== undefined);

/** Distributions in seconds: n, p50, p90 (percentile_cont = linear interpolation), mean for AHT. */
export const DISTRIBUTIONS = {
  first_response_s: { column: "first_response_s", where: "s.first_response_s IS NOT NULL", mean: false },
  escalation_wait_s: { column: "escalation_wait_s", where: "s.escalation_wait_s IS NOT NULL", mean: false },
  ai_handle_s: { column: "ai_handle_s", where: "s.ai_handle_s > 0", mean: true },
  human_handle_s: { column: "human_handle_s", where: "s.human_handle_s > 0", mean: true },
} as const;
export type DistributionKey = keyof typeof DISTRIBUTIONS;

/**
 * One additive quantity per alias: a count or a sum over slice rows, so the value of a set of
 * conversations is the sum of the values of its parts. Sums are numeric: exact, so the answer
 * does not depend on which rows were added first (rollup, live tail, physical order). Rollup rows store these (lib/rollups)
 * and every request adds rollup rows and live rows with `sum()`; the metrics are assembled from
 * them (assemble.ts). Everything in a metric that is not additive (percentiles) is below.
 */
export interface AdditiveItem {
  alias: string;
  /** aggregate over the slice rows `s`; raw SQL from code only, no request values */
  aggregate: Prisma.Sql;
}

const POPULATION_LITERALS = ["ai_only", "ai_escalated", "human_only", "unhandled"] as const;

function buildAdditiveItems(): AdditiveItem[] {
  const items: AdditiveItem[] = [];
  const add = (alias: string, aggregate: Prisma.Sql) => items.push({ alias, aggregate });
  for (const key of RATE_KEYS) {
    const d: RateDefinition = RATE_DEFINITIONS[key];
    add(`${key}__num`, rateAggregate(d, "numerator"));
    add(`${key}__den`, rateAggregate(d, "denominator"));
    if (d.pending) add(`${key}__pending`, rateAggregate(d, "pending"));
  }
  for (const [key, d] of Object.entries(DISTRIBUTIONS)) {
    add(`${key}__n`, count(d.where));
    // AHT = sum / n: a mean is not additive, its parts are
    if (d.mean) add(`${key}__sum`, raw(`coalesce(sum(s.${d.column}::numeric) FILTER (WHERE ${d.where}), 0)`));
  }
  // CSAT split for the AI-only vs human-only gap
  for (const p of ["ai_only", "human_only"]) {
    add(`csat_${p}__num`, count(`s.population = '${p}' AND s.csat_score >= 4`));
    add(`csat_${p}__den`, count(`s.population = '${p}' AND s.csat_score IS NOT NULL`));
  }
  // the inputs of a conversation's cost (metrics.md §3 Cost) per population; the prices are
  // settings, applied in assemble.ts, so a changed price needs no re-aggregation
  for (const p of POPULATION_LITERALS) {
    const pop = `s.population = '${p}'`;
    add(`cost_${p}__n`, count(pop));
    add(`cost_${p}__ai`, count(`${pop} AND s.ai_involved`));
    add(`cost_${p}__human_s`, raw(`coalesce(sum(s.human_handle_s::numeric) FILTER (WHERE ${pop} AND s.human_involved AND s.human_handle_s > 0), 0)`));
    add(`cost_${p}__human_fallback`, count(`${pop} AND s.human_involved AND NOT s.human_handle_s > 0`));
  }
  add("inbound", raw("count(*)"));
  // how many conversations come from a source able to produce each metric's inputs
  for (const key of MAYBE_UNAVAILABLE) add(`capable_${key}`, count(capableCondition(key)));
  return items;
}

export const ADDITIVE_ITEMS: readonly AdditiveItem[] = buildAdditiveItems();

/** SELECT-list items for the percentiles (not additive: always computed from the rows). */
export function percentileSelectList(): Prisma.Sql[] {
  const items: Prisma.Sql[] = [];
  for (const [key, d] of Object.entries(DISTRIBUTIONS)) {
    const col = raw(`s.${d.column}`);
    const where = raw(d.where);
    items.push(sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where}) AS ${raw(`"${key}__p50"`)}`);
    items.push(sql`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where}) AS ${raw(`"${key}__p90"`)}`);
  }
  return items;
}
