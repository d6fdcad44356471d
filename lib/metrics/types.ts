import { z } from "zod";

/**
 * The GET /api/v1/metrics response (api.md) as zod schemas: the TypeScript types and the
 * OpenAPI document both come from here, and a test validates real responses against them.
 */
export const ZRate = z.object({
  numerator: z.number().int(),
  denominator: z.number().int(),
  /** null when the denominator is 0: "no data", never 0 % */
  value: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable().describe("Wilson 95 % interval; null without data"),
  /** window-dependent rates: conversations whose window is still open at as_of */
  pending: z.number().int().optional().describe("window-dependent rates: conversations whose window is still open at as_of"),
  available: z.literal(false).optional().describe("present (false) when no conversation of the segment comes from a source that can produce this metric's inputs"),
  reason: z.string().optional(),
}).strict();
export type Rate = z.infer<typeof ZRate>;

export const ZDistribution = z.object({
  n: z.number().int(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  mean: z.number().nullable().optional(),
  available: z.literal(false).optional(),
  reason: z.string().optional(),
}).strict();
export type Distribution = z.infer<typeof ZDistribution>;

const POPULATION_VALUES = z.object({
  ai_only: z.number().nullable(),
  ai_escalated: z.number().nullable(),
  human_only: z.number().nullable(),
  unhandled: z.number().nullable(),
}).strict();

export const ZSegmentMetrics = z.object({
  inbound: z.object({ value: z.number().int() }).strict(),
  containment_rate: ZRate,
  deflection_rate: ZRate,
  ai_involvement_rate: ZRate,
  resolution_rate: ZRate,
  verified_resolution_rate: ZRate,
  recontact_rate: ZRate,
  fcr_rate: ZRate,
  escalation_rate: ZRate,
  context_transfer_rate: ZRate,
  resolved_in_session_rate: ZRate,
  escalation_quality: z.object({
    value: z.number().nullable(),
    context_transfer_rate: z.number().nullable(),
    resolved_in_session_rate: z.number().nullable(),
    available: z.literal(false).optional(),
    reason: z.string().optional(),
  }).strict(),
  csat: ZRate,
  csat_response_rate: ZRate,
  csat_gap: z.object({
    ai_only: z.number().nullable(),
    human_only: z.number().nullable(),
    gap: z.number().nullable(),
    p_value: z.number().nullable().describe("two-proportion z-test of AI-only vs human-only CSAT"),
  }).strict(),
  unanswered_rate: ZRate,
  low_confidence_escalation_share: ZRate,
  draft_rejection_rate: ZRate,
  hallucination_rate: ZRate,
  policy_compliance_rate: ZRate,
  safety_incident_rate: ZRate,
  override_rate: ZRate,
  first_response_s: ZDistribution,
  escalation_wait_s: ZDistribution,
  ai_handle_s: ZDistribution,
  human_handle_s: ZDistribution,
  cost_per_contact: z.object({ value: z.number().nullable(), by_population: POPULATION_VALUES }).strict(),
  estimated_savings: z.object({ value: z.number().nullable() }).strict(),
}).strict();
export type SegmentMetrics = z.infer<typeof ZSegmentMetrics>;
/** The metrics of a segment, by key. */
export type MetricKey = keyof SegmentMetrics;
export const METRIC_KEYS = Object.keys(ZSegmentMetrics.shape) as MetricKey[];

export const ZSegment = z.object({
  channel: z.string().nullable().describe('"all" for a total; null for conversations without a value'),
  population: z.string().nullable(),
  customer_tier: z.string().nullable().optional().describe("present when grouped by customer_tier"),
  metrics: ZSegmentMetrics,
}).strict();
export type Segment = z.infer<typeof ZSegment>;

export const ZMetricsResponse = z.object({
  as_of: z.string().describe("ISO timestamp"),
  range: z.object({ from: z.string(), to: z.string() }).strict(),
  windows: z.object({ recontact_hours: z.number().int(), verification_hours: z.number().int() }).strict(),
  segments: z.array(ZSegment),
}).strict();
export type MetricsResponse = z.infer<typeof ZMetricsResponse>;
