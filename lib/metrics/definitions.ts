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

/** SELECT-list items `<alias> <expr>` for every metric's counts and percentiles. */
export function metricSelectList(cost: { ai: number; hourly: number; fallback: number }): Prisma.Sql[] {
  const items: Prisma.Sql[] = [];
  for (const key of RATE_KEYS) {
    const d: RateDefinition = RATE_DEFINITIONS[key];
    items.push(sql`(${rateAggregate(d, "numerator")})::bigint AS ${raw(`"${key}__num"`)}`);
    items.push(sql`(${rateAggregate(d, "denominator")})::bigint AS ${raw(`"${key}__den"`)}`);
    if (d.pending) items.push(sql`(${rateAggregate(d, "pending")})::bigint AS ${raw(`"${key}__pending"`)}`);
  }
  for (const [key, d] of Object.entries(DISTRIBUTIONS)) {
    const col = raw(`s.${d.column}`);
    const where = raw(d.where);
    items.push(sql`count(*) FILTER (WHERE ${where}) AS ${raw(`"${key}__n"`)}`);
    items.push(sql`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where}) AS ${raw(`"${key}__p50"`)}`);
    items.push(sql`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${col}) FILTER (WHERE ${where}) AS ${raw(`"${key}__p90"`)}`);
    if (d.mean) items.push(sql`avg(${col}) FILTER (WHERE ${where}) AS ${raw(`"${key}__mean"`)}`);
  }
  // CSAT split for the AI-only vs human-only gap
  for (const p of ["ai_only", "human_only"]) {
    items.push(sql`${count(`s.population = '${p}' AND s.csat_score >= 4`)} AS ${raw(`"csat_${p}__num"`)}`);
    items.push(sql`${count(`s.population = '${p}' AND s.csat_score IS NOT NULL`)} AS ${raw(`"csat_${p}__den"`)}`);
  }
  // cost of a conversation (metrics.md §3 Cost), summed per population
  const costExpr = sql`(CASE WHEN s.ai_involved THEN ${cost.ai}::float8 ELSE 0 END
    + CASE WHEN s.human_involved THEN
        CASE WHEN s.human_handle_s > 0 THEN s.human_handle_s / 3600.0 * ${cost.hourly}::float8 ELSE ${cost.fallback}::float8 END
      ELSE 0 END)`;
  items.push(sql`coalesce(sum(${costExpr}), 0)::float8 AS "cost__total"`);
  for (const p of ["ai_only", "ai_escalated", "human_only", "unhandled"]) {
    items.push(sql`coalesce(sum(${costExpr}) FILTER (WHERE s.population = ${raw(`'${p}'`)}), 0)::float8 AS ${raw(`"cost_${p}__total"`)}`);
    items.push(sql`${count(`s.population = '${p}'`)} AS ${raw(`"cost_${p}__n"`)}`);
  }
  items.push(sql`count(*) AS "inbound"`);
  // how many conversations come from a source able to produce each metric's inputs
  for (const key of MAYBE_UNAVAILABLE) {
    items.push(sql`${count(capableCondition(key))} AS ${raw(`"capable_${key}"`)}`);
  }
  return items;
}
