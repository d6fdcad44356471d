import type { Readable } from "node:stream";
import type { z } from "zod";
import type { EventType } from "../../events/vocabulary";
import type { SegmentMetrics } from "../../metrics/types";
import type { RawRecord } from "../types";
import { readFreshdesk, ZFreshdeskMapping } from "./freshdesk";
import { readIntercom, ZIntercomMapping } from "./intercom";
import { readZendesk, ZZendeskMapping } from "./zendesk";

export { detectFormat, type DetectedFormat } from "./detect";
export { parseExportTimestamp, wallTimeToUtc } from "./time-zone";
export * from "./zendesk";
export * from "./intercom";
export * from "./freshdesk";

export interface PresetReadOptions {
  /** Intercom only: NDJSON or JSON (array or conversation.list page); detected when absent */
  format?: "ndjson" | "json";
}

export interface Preset<S extends z.ZodType = z.ZodType> {
  name: PresetName;
  label: string;
  /** the event types this preset can produce */
  kinds: EventType[];
  /** what the export cannot tell, in plain words for the UI */
  cannotKnow: string[];
  /**
   * metric keys this preset gives no real input for: the dashboard should say "not available"
   * for them when every conversation of a segment comes from such a preset
   */
  unavailableMetrics: (keyof SegmentMetrics)[];
  mappingSchema: S;
  defaultMapping: z.output<S>;
  /** the mapping is validated (zod, defaults applied); an invalid one throws IngestParseError */
  read(input: Readable, mapping?: z.input<S> | z.output<S>, opts?: PresetReadOptions): AsyncGenerator<RawRecord>;
}

export type PresetName = "zendesk" | "intercom" | "freshdesk";

const NOT_IN_EXPORTS: (keyof SegmentMetrics)[] = [
  "unanswered_rate",
  "low_confidence_escalation_share",
  "context_transfer_rate",
  "escalation_quality",
  "ai_handle_s",
  "human_handle_s",
  "draft_rejection_rate",
  "hallucination_rate",
  "policy_compliance_rate",
  "safety_incident_rate",
  "override_rate",
];

const COMMON_CANNOT_KNOW = [
  "whether the AI was confident in its answers (unanswered rate)",
  "why a conversation was escalated, and whether its context was passed to the human",
  "handle time (AI or human work time), so cost uses the per-contact fallback",
  "AI draft suggestions, QA reviews and human overrides of the AI",
];

export const zendesk: Preset<typeof ZZendeskMapping> = {
  name: "zendesk",
  label: "Zendesk ticket export (CSV)",
  kinds: ["conversation_started", "ai_message", "human_message", "escalated", "resolved", "reopened", "csat_survey_sent", "csat_response"],
  cannotKnow: [
    ...COMMON_CANNOT_KNOW,
    "when the hand-off to a human happened and how long the customer then waited (escalation wait)",
    "when a human replied on a ticket the AI answered first",
    "when each reopen happened (only how many there were)",
    "customers who gave up (abandoned conversations)",
    "the customer's individual messages",
  ],
  unavailableMetrics: [...NOT_IN_EXPORTS, "escalation_wait_s"],
  mappingSchema: ZZendeskMapping,
  defaultMapping: ZZendeskMapping.parse({}),
  read: (input, mapping) => readZendesk(input, mapping),
};

export const intercom: Preset<typeof ZIntercomMapping> = {
  name: "intercom",
  label: "Intercom conversations (NDJSON or JSON)",
  kinds: ["conversation_started", "customer_message", "ai_message", "human_message", "escalated", "resolved", "reopened", "abandoned", "csat_response"],
  cannotKnow: [
    ...COMMON_CANNOT_KNOW,
    "when the AI first replied (its reply is dated at the conversation's start)",
    "whether a survey was sent when no rating came back (CSAT response rate counts ratings only)",
    "when each reopen happened (only how many there were)",
  ],
  unavailableMetrics: NOT_IN_EXPORTS,
  mappingSchema: ZIntercomMapping,
  defaultMapping: ZIntercomMapping.parse({}),
  read: (input, mapping, opts) => readIntercom(input, mapping, opts),
};

export const freshdesk: Preset<typeof ZFreshdeskMapping> = {
  name: "freshdesk",
  label: "Freshdesk ticket export (CSV)",
  kinds: ["conversation_started", "ai_message", "human_message", "escalated", "resolved", "reopened", "csat_survey_sent", "csat_response"],
  cannotKnow: [
    ...COMMON_CANNOT_KNOW,
    "when the hand-off to a human happened and how long the customer then waited (escalation wait)",
    "when a human replied on a ticket the AI answered first",
    "reopens, unless the export shows the ticket while it is reopened",
    "customers who gave up (abandoned conversations)",
    "whether a survey was sent when no result came back",
  ],
  unavailableMetrics: [...NOT_IN_EXPORTS, "escalation_wait_s"],
  mappingSchema: ZFreshdeskMapping,
  defaultMapping: ZFreshdeskMapping.parse({}),
  read: (input, mapping) => readFreshdesk(input, mapping),
};

export const PRESETS = { zendesk, intercom, freshdesk } as const;

export function isPresetName(s: string): s is PresetName {
  return Object.hasOwn(PRESETS, s);
}
