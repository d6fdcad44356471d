import type { DistributionKey, RateKey } from "@/lib/metrics/definitions";

/**
 * Labels and one-line explanations of every metric the pages show (metrics.md §3), keyed like
 * the API. No runtime import from lib/: client components may use this file.
 */
export interface MetricMeta {
  label: string;
  /** what the number means, in words a support lead uses */
  description: string;
  kind: "rate" | "distribution";
  /** window-dependent: counts only closed windows and reports pending */
  windowed?: boolean;
}

export const RATE_META: Record<RateKey, MetricMeta> = {
  containment_rate: { kind: "rate", label: "Containment (raw deflection)", description: "Share of conversations the AI handled alone, whatever happened next." },
  deflection_rate: { kind: "rate", windowed: true, label: "Verified deflection", description: "AI-only conversations the AI resolved, not reopened and with no re-contact within the verification window." },
  ai_involvement_rate: { kind: "rate", label: "AI involvement", description: "Share of conversations where the AI sent at least one message." },
  resolution_rate: { kind: "rate", label: "Resolution", description: "Share of conversations whose final state is resolved." },
  verified_resolution_rate: { kind: "rate", windowed: true, label: "Verified resolution", description: "Resolved, not reopened, and the customer did not come back within the verification window." },
  recontact_rate: { kind: "rate", windowed: true, label: "Re-contact", description: "The same customer started another conversation on a compatible topic, on any channel, within the re-contact window." },
  fcr_rate: { kind: "rate", windowed: true, label: "First-contact resolution", description: "Of the resolved conversations, the share that stayed resolved (verified)." },
  escalation_rate: { kind: "rate", label: "Escalation rate", description: "Of the conversations the AI took part in, the share handed to a human." },
  context_transfer_rate: { kind: "rate", label: "Context transferred", description: "Escalations whose handoff carried the conversation context (no escalated event = unproven)." },
  resolved_in_session_rate: { kind: "rate", windowed: true, label: "Resolved in session", description: "Escalated conversations the human resolved for good (verified)." },
  csat: { kind: "rate", label: "CSAT", description: "Share of survey responses with a score of 4 or 5." },
  csat_response_rate: { kind: "rate", label: "CSAT response rate", description: "Share of conversations with a survey response." },
  unanswered_rate: { kind: "rate", label: "Unanswered rate", description: "AI messages sent without confidence, of all AI messages." },
  low_confidence_escalation_share: { kind: "rate", label: "Low-confidence escalations", description: "Escalations whose first reason was the AI's low confidence." },
  draft_rejection_rate: { kind: "rate", label: "Draft rejection", description: "AI drafts that agents rejected or edited, of all drafts." },
  hallucination_rate: { kind: "rate", label: "Hallucination rate", description: "QA reviews that found the AI's answer inaccurate." },
  policy_compliance_rate: { kind: "rate", label: "Policy compliance", description: "QA reviews that found the answer policy-compliant, of reviews that checked policy." },
  safety_incident_rate: { kind: "rate", label: "Safety incidents", description: "QA reviews that flagged a safety incident." },
  override_rate: { kind: "rate", label: "Override rate", description: "Human overrides per AI message." },
};

export const DISTRIBUTION_META: Record<DistributionKey, MetricMeta> = {
  first_response_s: { kind: "distribution", label: "First response time", description: "From the start to the first AI or human message." },
  escalation_wait_s: { kind: "distribution", label: "Escalation wait", description: "From the handoff to the first human message after it." },
  ai_handle_s: { kind: "distribution", label: "AI handle time", description: "Logged AI work per conversation (where there is some); the mean is the AHT." },
  human_handle_s: { kind: "distribution", label: "Human handle time", description: "Logged human work per conversation (where there is some); the mean is the AHT." },
};

export const DRILL_KEYS = [...Object.keys(RATE_META), ...Object.keys(DISTRIBUTION_META)] as (RateKey | DistributionKey)[];
export type DrillKey = RateKey | DistributionKey;

export function isRateKey(k: string): k is RateKey {
  return Object.prototype.hasOwnProperty.call(RATE_META, k);
}
export function isDistributionKey(k: string): k is DistributionKey {
  return Object.prototype.hasOwnProperty.call(DISTRIBUTION_META, k);
}
export function metricMeta(k: DrillKey): MetricMeta {
  return isRateKey(k) ? RATE_META[k] : DISTRIBUTION_META[k];
}
