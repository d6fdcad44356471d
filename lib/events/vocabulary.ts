/** The closed vocabularies of events.md and metrics.md, shared by ingest, metrics and UI. */
export const CHANNELS = ["chat", "email", "voice", "whatsapp", "sms", "social", "in_app"] as const;
export type Channel = (typeof CHANNELS)[number];

export const POPULATIONS = ["ai_only", "ai_escalated", "human_only", "unhandled"] as const;
export type Population = (typeof POPULATIONS)[number];

export const EVENT_TYPES = [
  "conversation_started",
  "customer_message",
  "ai_message",
  "human_message",
  "escalated",
  "resolved",
  "reopened",
  "abandoned",
  "csat_survey_sent",
  "csat_response",
  "work_logged",
  "ai_draft",
  "qa_review",
  "human_override",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

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

/** Every own field of every type, in the canonical CSV's column order. */
export const EVENT_FIELDS = [
  "customer_id",
  "channel",
  "topic",
  "customer_tier",
  "confident",
  "agent_id",
  "reason",
  "context_transferred",
  "by",
  "score",
  "actor",
  "seconds",
  "outcome",
  "accurate",
  "policy_compliant",
  "safety_incident",
  "cause",
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

export const CANONICAL_COLUMNS = ["event_id", "conversation_id", "type", "at", ...EVENT_FIELDS] as const;
