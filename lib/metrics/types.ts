/** The GET /api/v1/metrics response (api.md). */
export interface Rate {
  numerator: number;
  denominator: number;
  /** null when the denominator is 0: "no data", never 0 % */
  value: number | null;
  ci95: [number, number] | null;
  /** window-dependent rates: conversations whose window is still open at as_of */
  pending?: number;
}

export interface Distribution {
  n: number;
  p50: number | null;
  p90: number | null;
  mean?: number | null;
}

export interface SegmentMetrics {
  inbound: { value: number };
  containment_rate: Rate;
  deflection_rate: Rate;
  ai_involvement_rate: Rate;
  resolution_rate: Rate;
  verified_resolution_rate: Rate;
  recontact_rate: Rate;
  fcr_rate: Rate;
  escalation_rate: Rate;
  context_transfer_rate: Rate;
  resolved_in_session_rate: Rate;
  escalation_quality: { value: number | null; context_transfer_rate: number | null; resolved_in_session_rate: number | null };
  csat: Rate;
  csat_response_rate: Rate;
  csat_gap: { ai_only: number | null; human_only: number | null; gap: number | null; p_value: number | null };
  unanswered_rate: Rate;
  low_confidence_escalation_share: Rate;
  draft_rejection_rate: Rate;
  hallucination_rate: Rate;
  policy_compliance_rate: Rate;
  safety_incident_rate: Rate;
  override_rate: Rate;
  first_response_s: Distribution;
  escalation_wait_s: Distribution;
  ai_handle_s: Distribution;
  human_handle_s: Distribution;
  cost_per_contact: { value: number | null; by_population: Record<"ai_only" | "ai_escalated" | "human_only" | "unhandled", number | null> };
  estimated_savings: { value: number | null };
}

export interface Segment {
  channel: string | null;
  population: string | null;
  customer_tier?: string | null;
  metrics: SegmentMetrics;
}

export interface MetricsResponse {
  as_of: string;
  range: { from: string; to: string };
  windows: { recontact_hours: number; verification_hours: number };
  segments: Segment[];
}
