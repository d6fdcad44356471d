import { Prisma } from "../generated/prisma/client";
import { capableCondition, MAYBE_UNAVAILABLE } from "./availability";
import type { MetricKey } from "./types";

/**
 * Every count-based metric of metrics.md §3 as SQL aggregate expressions over the slice rows
 * (`s`, see slice.ts, which adds the request-dependent flags closed_v, closed_r, recontacted_r,
 * verified). The segment query and the timeseries query both build from this one registry, so a
 * metric is defined exactly once.
 */
const sql = Prisma.sql;
const raw = Prisma.raw;

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
 * One additive quantity per alias: how many slice rows `s` match `where`, or the sum of `sum`
 * over them. The value of a set of conversations is then the sum of the values of its parts:
 * rollup rows store these (lib/rollups), every request adds rollup rows and live rows, and the
 * metrics are assembled from them (assemble.ts). Sums of durations are numeric, exact, so an
 * answer does not depend on which rows were added first. Raw SQL from code only, never request
 * values.
 */
export interface AdditiveItem {
  alias: string;
  where: string;
  sum?: string;
  /** a sum of non-integers, kept as numeric (everything else is an integer) */
  numeric?: boolean;
}

/**
 * The aggregate of an item; with `weight` (an expression of +1 / -1 per row) each row counts
 * that many times, which is how the rollup folds in removed and added versions of rows at once.
 */
export function additiveAggregate(item: AdditiveItem, weight?: string): Prisma.Sql {
  const filter = item.where === "true" ? "" : ` FILTER (WHERE ${item.where})`;
  if (item.sum) return raw(`coalesce(sum(${weight ? `${weight} * ` : ""}${item.sum})${filter}, 0)`);
  return raw(weight ? `coalesce(sum(${weight})${filter}, 0)` : `count(*)${filter}`);
}

const POPULATION_LITERALS = ["ai_only", "ai_escalated", "human_only", "unhandled"] as const;

function buildAdditiveItems(): { items: AdditiveItem[]; serves: Map<string, readonly MetricKey[]> } {
  const items: AdditiveItem[] = [];
  // which metrics each item is an input of, kept apart from the items: the rollup's signature
  // is a hash of the items, and a new field there would rebuild every installation's rollup
  const serves = new Map<string, readonly MetricKey[]>();
  const count = (alias: string, where: string, metrics: readonly MetricKey[]) => {
    items.push({ alias, where });
    serves.set(alias, metrics);
  };
  const total = (alias: string, sum: string, where: string, metrics: readonly MetricKey[]) => {
    items.push(sum.endsWith("::numeric") ? { alias, where, sum, numeric: true } : { alias, where, sum });
    serves.set(alias, metrics);
  };
  const SIDES = { numerator: "num", denominator: "den", pending: "pending" } as const;
  for (const key of RATE_KEYS) {
    const d: RateDefinition = RATE_DEFINITIONS[key];
    const metrics: MetricKey[] = [key];
    // escalation quality is the product of these two rates (assemble.ts)
    if (key === "context_transfer_rate" || key === "resolved_in_session_rate") metrics.push("escalation_quality");
    for (const [side, suffix] of Object.entries(SIDES) as [keyof typeof SIDES, string][]) {
      const part = d[side];
      if (part === undefined) continue;
      // rates over events sum the per-conversation event counts stored at derive time
      if (d.over === "events") total(`${key}__${suffix}`, `s.${part}`, "true", metrics);
      else count(`${key}__${suffix}`, part, metrics);
    }
  }
  for (const [key, d] of Object.entries(DISTRIBUTIONS) as [DistributionKey, (typeof DISTRIBUTIONS)[DistributionKey]][]) {
    count(`${key}__n`, d.where, [key]);
    // AHT = sum / n: a mean is not additive, its parts are
    if (d.mean) total(`${key}__sum`, `s.${d.column}::numeric`, d.where, [key]);
  }
  // CSAT split for the AI-only vs human-only gap
  for (const p of ["ai_only", "human_only"]) {
    count(`csat_${p}__num`, `s.population = '${p}' AND s.csat_score >= 4`, ["csat_gap"]);
    count(`csat_${p}__den`, `s.population = '${p}' AND s.csat_score IS NOT NULL`, ["csat_gap"]);
  }
  // the inputs of a conversation's cost (metrics.md §3 Cost) per population; the prices are
  // settings, applied in assemble.ts, so a changed price needs no re-aggregation
  const COST: MetricKey[] = ["cost_per_contact", "estimated_savings"];
  for (const p of POPULATION_LITERALS) {
    const pop = `s.population = '${p}'`;
    count(`cost_${p}__n`, pop, COST);
    count(`cost_${p}__ai`, `${pop} AND s.ai_involved`, COST);
    total(`cost_${p}__human_s`, "s.human_handle_s::numeric", `${pop} AND s.human_involved AND s.human_handle_s > 0`, COST);
    count(`cost_${p}__human_fallback`, `${pop} AND s.human_involved AND NOT s.human_handle_s > 0`, COST);
  }
  // its own metric and the cost's denominator (additiveItemsFor adds it to every request)
  count("inbound", "true", ["inbound", ...COST]);
  // how many conversations come from a source able to produce each metric's inputs
  for (const key of MAYBE_UNAVAILABLE) count(`capable_${key}`, capableCondition(key), [key]);
  return { items, serves };
}

const BUILT = buildAdditiveItems();
export const ADDITIVE_ITEMS: readonly AdditiveItem[] = BUILT.items;

/**
 * The additive items the given metrics are computed from (inbound always: every segment has it,
 * and markUnavailable reads it). Aggregating only these is what makes a page that shows a few
 * metrics cheaper than the full answer: each item is a FILTER evaluated on every live row.
 */
export function additiveItemsFor(metrics: readonly MetricKey[]): readonly AdditiveItem[] {
  const wanted = new Set<MetricKey>(metrics);
  return ADDITIVE_ITEMS.filter((i) => i.alias === "inbound" || BUILT.serves.get(i.alias)!.some((m) => wanted.has(m)));
}

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
