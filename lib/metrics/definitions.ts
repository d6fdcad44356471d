import { Prisma } from "../generated/prisma/client";

/**
 * Every count-based metric of metrics.md §3 as SQL aggregate expressions over the slice rows
 * (`s`, see slice.ts, which adds the request-dependent flags closed_v, closed_r, recontacted_r,
 * verified). The segment query and the timeseries query both build from this one registry, so a
 * metric is defined exactly once.
 */
const sql = Prisma.sql;
const raw = Prisma.raw;

export interface RateDefinition {
  numerator: Prisma.Sql;
  denominator: Prisma.Sql;
  /** conversations in the denominator whose window is still open at as_of */
  pending?: Prisma.Sql;
}

const count = (where: string) => raw(`count(*) FILTER (WHERE ${where})`);
const total = (column: string) => raw(`coalesce(sum(s.${column}), 0)`);

export const RATE_DEFINITIONS = {
  // raw deflection: the AI alone handled it, whatever happened next
  containment_rate: { numerator: count("s.population = 'ai_only'"), denominator: raw("count(*)") },
  // verified deflection: AI alone, resolved by the AI, not reopened, no re-contact in the verification window
  deflection_rate: {
    numerator: count("s.closed_v AND s.population = 'ai_only' AND s.verified AND s.resolved_by = 'ai'"),
    denominator: count("s.closed_v"),
    pending: count("NOT s.closed_v"),
  },
  ai_involvement_rate: { numerator: count("s.ai_involved"), denominator: raw("count(*)") },
  resolution_rate: { numerator: count("s.resolved"), denominator: raw("count(*)") },
  verified_resolution_rate: {
    numerator: count("s.closed_v AND s.verified"),
    denominator: count("s.closed_v"),
    pending: count("NOT s.closed_v"),
  },
  recontact_rate: {
    numerator: count("s.closed_r AND s.recontacted_r"),
    denominator: count("s.closed_r"),
    pending: count("NOT s.closed_r"),
  },
  // first-contact resolution: of the resolved, how many stayed resolved (verified)
  fcr_rate: {
    numerator: count("s.closed_v AND s.verified"),
    denominator: count("s.closed_v AND s.resolved"),
    pending: count("NOT s.closed_v AND s.resolved"),
  },
  escalation_rate: { numerator: count("s.population = 'ai_escalated'"), denominator: count("s.ai_involved") },
  // a handoff with no escalated event counts as not transferred: unproven
  context_transfer_rate: {
    numerator: count("s.population = 'ai_escalated' AND s.context_transferred IS TRUE"),
    denominator: count("s.population = 'ai_escalated'"),
  },
  resolved_in_session_rate: {
    numerator: count("s.population = 'ai_escalated' AND s.closed_v AND s.verified"),
    denominator: count("s.population = 'ai_escalated' AND s.closed_v"),
    pending: count("s.population = 'ai_escalated' AND NOT s.closed_v"),
  },
  csat: { numerator: count("s.csat_score >= 4"), denominator: count("s.csat_score IS NOT NULL") },
  csat_response_rate: { numerator: count("s.csat_score IS NOT NULL"), denominator: raw("count(*)") },
  // event-level rates: per-conversation counts stored at derive time, summed here
  unanswered_rate: { numerator: total("ai_unconfident_messages"), denominator: total("ai_messages") },
  low_confidence_escalation_share: {
    numerator: count("s.escalation_reason = 'low_confidence'"),
    denominator: count("s.escalated_at IS NOT NULL"),
  },
  draft_rejection_rate: { numerator: total("drafts_rejected_or_edited"), denominator: total("drafts") },
  hallucination_rate: { numerator: total("qa_inaccurate"), denominator: total("qa_reviews") },
  policy_compliance_rate: { numerator: total("qa_policy_compliant"), denominator: total("qa_policy_set") },
  safety_incident_rate: { numerator: total("qa_safety_incidents"), denominator: total("qa_reviews") },
  override_rate: { numerator: total("overrides"), denominator: total("ai_messages") },
} satisfies Record<string, RateDefinition>;

export type RateKey = keyof typeof RATE_DEFINITIONS;
export const RATE_KEYS = Object.keys(RATE_DEFINITIONS) as RateKey[];
export const WINDOWED_RATE_KEYS = RATE_KEYS.filter((k) => "pending" in RATE_DEFINITIONS[k]);

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
    items.push(sql`(${d.numerator})::bigint AS ${raw(`"${key}__num"`)}`);
    items.push(sql`(${d.denominator})::bigint AS ${raw(`"${key}__den"`)}`);
    if (d.pending) items.push(sql`(${d.pending})::bigint AS ${raw(`"${key}__pending"`)}`);
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
  return items;
}
