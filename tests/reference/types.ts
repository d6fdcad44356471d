/**
 * Types and constants of the test-only reference implementation of metrics.md.
 * Written from /work/shared/spec only; shares no code with lib/ (constants are copied on purpose).
 */

export const CHANNELS = ["chat", "email", "voice", "whatsapp", "sms", "social", "in_app"] as const;
export const POPULATIONS = ["ai_only", "ai_escalated", "human_only", "unhandled"] as const;
export const ESCALATION_REASONS = [
  "customer_request",
  "low_confidence",
  "policy_rule",
  "sentiment",
  "complexity",
  "other",
] as const;
export const ACTORS = ["ai", "human"] as const;
export const DRAFT_OUTCOMES = ["accepted", "edited", "rejected"] as const;
export const OVERRIDE_CAUSES = [
  "factual_error",
  "tone",
  "policy_violation",
  "scope",
  "customer_preference",
  "other",
] as const;

/** Own fields of every event type (events.md), in a fixed order (used for the derived dedup key). */
export const OWN_FIELDS: Record<string, readonly (keyof RawEvent)[]> = {
  conversation_started: ["customer_id", "channel", "topic", "customer_tier"],
  customer_message: [],
  ai_message: ["confident"],
  human_message: ["agent_id"],
  escalated: ["reason", "context_transferred"],
  resolved: ["by"],
  reopened: [],
  abandoned: [],
  csat_survey_sent: [],
  csat_response: ["score"],
  work_logged: ["actor", "seconds"],
  ai_draft: ["outcome"],
  qa_review: ["accurate", "policy_compliant", "safety_incident"],
  human_override: ["cause"],
};
export const EVENT_TYPES = Object.keys(OWN_FIELDS);

/** The JSON shape of events.md. Absent optional fields are `undefined` (or missing). */
export interface RawEvent {
  event_id?: string;
  conversation_id: string;
  type: string;
  at: string;
  customer_id?: string;
  channel?: string;
  topic?: string;
  customer_tier?: string;
  confident?: boolean;
  agent_id?: string;
  reason?: string;
  context_transferred?: boolean;
  by?: string;
  score?: number;
  actor?: string;
  seconds?: number;
  outcome?: string;
  accurate?: boolean;
  policy_compliant?: boolean;
  safety_incident?: boolean;
  cause?: string;
}

export type GroupDim = "channel" | "population" | "customer_tier";

export interface RefRequest {
  from?: string;
  to?: string;
  channel?: string[];
  population?: string[];
  customer_tier?: string[];
  topic?: string[];
  group_by?: GroupDim[];
  as_of?: string;
  recontact_hours?: number;
  verification_hours?: number;
}

export interface RefSettings {
  ai_cost_per_conversation: number;
  human_cost_per_hour: number;
  human_cost_per_contact_fallback: number;
  baseline_cost_per_contact: number | null;
}

export const DEFAULT_SETTINGS: RefSettings = {
  ai_cost_per_conversation: 1,
  human_cost_per_hour: 40,
  human_cost_per_contact_fallback: 6,
  baseline_cost_per_contact: null,
};

export const DEFAULT_RECONTACT_HOURS = 48;
export const DEFAULT_VERIFICATION_HOURS = 72;

export interface RefRate {
  numerator: number;
  denominator: number;
  value: number | null;
  ci95: [number, number] | null;
  pending?: number;
}

export interface RefDistribution {
  n: number;
  p50: number | null;
  p90: number | null;
}

export interface RefDistributionWithMean extends RefDistribution {
  mean: number | null;
}

export const RATE_KEYS = [
  "containment_rate",
  "deflection_rate",
  "ai_involvement_rate",
  "resolution_rate",
  "verified_resolution_rate",
  "recontact_rate",
  "fcr_rate",
  "escalation_rate",
  "context_transfer_rate",
  "resolved_in_session_rate",
  "csat",
  "csat_response_rate",
  "unanswered_rate",
  "low_confidence_escalation_share",
  "draft_rejection_rate",
  "hallucination_rate",
  "policy_compliance_rate",
  "safety_incident_rate",
  "override_rate",
] as const;
export type RateKey = (typeof RATE_KEYS)[number];

/** The window-dependent rates: they carry `pending`. */
export const WINDOWED_RATE_KEYS = [
  "deflection_rate",
  "verified_resolution_rate",
  "recontact_rate",
  "fcr_rate",
  "resolved_in_session_rate",
] as const;

export type RefMetrics = { [K in RateKey]: RefRate } & {
  inbound: { value: number };
  escalation_quality: {
    value: number | null;
    context_transfer_rate: number | null;
    resolved_in_session_rate: number | null;
  };
  first_response_s: RefDistribution;
  escalation_wait_s: RefDistribution;
  ai_handle_s: RefDistributionWithMean;
  human_handle_s: RefDistributionWithMean;
  csat_gap: {
    ai_only: number | null;
    human_only: number | null;
    gap: number | null;
    p_value: number | null;
  };
  cost_per_contact: {
    value: number | null;
    by_population: { ai_only: number | null; ai_escalated: number | null; human_only: number | null; unhandled: number | null };
  };
  estimated_savings: { value: number | null };
};

export interface RefSegment {
  channel: string | null;
  population: string | null;
  customer_tier?: string | null;
  metrics: RefMetrics;
}

export interface RefResponse {
  as_of: string;
  range: { from: string; to: string };
  windows: { recontact_hours: number; verification_hours: number };
  segments: RefSegment[];
}
