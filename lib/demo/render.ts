/**
 * Renderers of one demo event from the simulator's scratch arrays: an events.md object, a JSON
 * line, or a canonical CSV row; plus the CSV of an event object (the slow, obviously right path
 * the fast ones are tested against).
 */
import {
  ACTORS as V_ACTORS,
  CANONICAL_COLUMNS,
  CHANNELS as V_CHANNELS,
  DRAFT_OUTCOMES as V_DRAFT_OUTCOMES,
  ESCALATION_REASONS as V_ESCALATION_REASONS,
  OVERRIDE_CAUSES as V_OVERRIDE_CAUSES,
  type Channel,
} from "../events/vocabulary";
import {
  K_ABANDONED, K_AI, K_CSAT, K_CUSTOMER, K_DRAFT, K_ESCALATED, K_HUMAN, K_OVERRIDE, K_QA,
  K_REOPENED, K_RESOLVED, K_STARTED, K_SURVEY, K_WORK,
} from "./codes";
import { TOPICS } from "./profiles";
import type { Render } from "./schedule";
import { AGENTS, type Simulator } from "./simulator";

type EscalationReason = (typeof V_ESCALATION_REASONS)[number];
type Actor = (typeof V_ACTORS)[number];
type DraftOutcome = (typeof V_DRAFT_OUTCOMES)[number];
type OverrideCause = (typeof V_OVERRIDE_CAUSES)[number];

// module-local copies widened to plain arrays, read per event (kept from before the split, where
// they were added against getter-style imports; the kinds from codes.ts are imported directly and
// the generator measured the same speed after the split)
const CHANNELS: readonly Channel[] = V_CHANNELS;
const ESCALATION_REASONS: readonly EscalationReason[] = V_ESCALATION_REASONS;
const ACTORS: readonly Actor[] = V_ACTORS;
const DRAFT_OUTCOMES: readonly DraftOutcome[] = V_DRAFT_OUTCOMES;
const OVERRIDE_CAUSES: readonly OverrideCause[] = V_OVERRIDE_CAUSES;
const COLUMNS: readonly string[] = CANONICAL_COLUMNS;

interface EventBase {
  event_id: string;
  conversation_id: string;
  /** ISO-8601 UTC with milliseconds and Z */
  at: string;
}

/** One event in the events.md JSON shape: only its type's own fields, never an undefined value. */
export type DemoEvent =
  | (EventBase & {
      type: "conversation_started";
      customer_id: string;
      channel: Channel;
      topic?: string;
      customer_tier?: string;
    })
  | (EventBase & { type: "customer_message" })
  | (EventBase & { type: "ai_message"; confident?: boolean })
  | (EventBase & { type: "human_message"; agent_id?: string })
  | (EventBase & { type: "escalated"; reason: EscalationReason; context_transferred: boolean })
  | (EventBase & { type: "resolved"; by?: Actor })
  | (EventBase & { type: "reopened" })
  | (EventBase & { type: "abandoned" })
  | (EventBase & { type: "csat_survey_sent" })
  | (EventBase & { type: "csat_response"; score: number })
  | (EventBase & { type: "work_logged"; actor: Actor; seconds: number })
  | (EventBase & { type: "ai_draft"; outcome: DraftOutcome })
  | (EventBase & {
      type: "qa_review";
      accurate: boolean;
      policy_compliant?: boolean;
      safety_incident?: boolean;
    })
  | (EventBase & { type: "human_override"; cause?: OverrideCause });

const AGENT_IDS: string[] = Array.from({ length: AGENTS + 1 }, (_, i) => `agent-${String(i).padStart(3, "0")}`);
const TOPIC_NAMES: readonly string[] = TOPICS.map((t) => t.name);
const TIERS = ["", "vip", "standard"] as const;

/** The events.md object of one event. */
export function build(
  kind: number, f: number, g: number, h: number,
  event_id: string, conversation_id: string, at: string,
  sim: Simulator, customerPrefix: string, tier: number,
): DemoEvent {
  switch (kind) {
    case K_STARTED: {
      const e: DemoEvent = {
        event_id, conversation_id, type: "conversation_started", at,
        customer_id: customerPrefix + sim.customer,
        channel: CHANNELS[sim.channel],
      };
      if (sim.topic >= 0) e.topic = TOPIC_NAMES[sim.topic];
      if (tier > 0) e.customer_tier = TIERS[tier];
      return e;
    }
    case K_CUSTOMER:
      return { event_id, conversation_id, type: "customer_message", at };
    case K_AI:
      return f === 2
        ? { event_id, conversation_id, type: "ai_message", at }
        : { event_id, conversation_id, type: "ai_message", at, confident: f === 1 };
    case K_HUMAN:
      return f === 0
        ? { event_id, conversation_id, type: "human_message", at }
        : { event_id, conversation_id, type: "human_message", at, agent_id: AGENT_IDS[f] };
    case K_ESCALATED:
      return {
        event_id, conversation_id, type: "escalated", at,
        reason: ESCALATION_REASONS[f], context_transferred: g === 1,
      };
    case K_RESOLVED:
      return f === 0
        ? { event_id, conversation_id, type: "resolved", at }
        : { event_id, conversation_id, type: "resolved", at, by: ACTORS[f - 1] };
    case K_REOPENED:
      return { event_id, conversation_id, type: "reopened", at };
    case K_ABANDONED:
      return { event_id, conversation_id, type: "abandoned", at };
    case K_SURVEY:
      return { event_id, conversation_id, type: "csat_survey_sent", at };
    case K_CSAT:
      return { event_id, conversation_id, type: "csat_response", at, score: f };
    case K_WORK:
      return { event_id, conversation_id, type: "work_logged", at, actor: ACTORS[f], seconds: g };
    case K_DRAFT:
      return { event_id, conversation_id, type: "ai_draft", at, outcome: DRAFT_OUTCOMES[f] };
    case K_QA: {
      const e: DemoEvent = { event_id, conversation_id, type: "qa_review", at, accurate: f === 1 };
      if (g !== 0) e.policy_compliant = g === 1;
      if (h !== 0) e.safety_incident = h === 1;
      return e;
    }
    default:
      return f >= OVERRIDE_CAUSES.length
        ? { event_id, conversation_id, type: "human_override", at }
        : { event_id, conversation_id, type: "human_override", at, cause: OVERRIDE_CAUSES[f] };
  }
}

// ---- serialisations ----

const C: string[] = Array.from({ length: 18 }, (_, i) => ",".repeat(i));
const TYPE_NAMES = [
  "conversation_started", "customer_message", "ai_message", "human_message", "escalated", "resolved",
  "reopened", "abandoned", "csat_survey_sent", "csat_response", "work_logged", "ai_draft", "qa_review",
  "human_override",
] as const;
const BOOL = ["false", "true"] as const;
const TRI = ["", "true", "false"] as const; // 0 = absent, 1 = true, 2 = false

/**
 * The JSON line of an event straight from the scratch arrays: the same text as
 * JSON.stringify(build(...)) + "\n", without the intermediate object. Every string the generator
 * produces is plain ASCII without quotes or backslashes, so nothing needs escaping.
 */
export const jsonLine: Render<string> = (kind, f, g, h, event_id, conversation_id, at, sim, customerPrefix, tier) => {
  let s = '{"event_id":"' + event_id + '","conversation_id":"' + conversation_id + '","type":"' +
    TYPE_NAMES[kind] + '","at":"' + at + '"';
  switch (kind) {
    case K_STARTED:
      s += ',"customer_id":"' + customerPrefix + sim.customer + '","channel":"' + CHANNELS[sim.channel] + '"';
      if (sim.topic >= 0) s += ',"topic":"' + TOPIC_NAMES[sim.topic] + '"';
      if (tier > 0) s += ',"customer_tier":"' + TIERS[tier] + '"';
      break;
    case K_AI:
      if (f !== 2) s += ',"confident":' + BOOL[f];
      break;
    case K_HUMAN:
      if (f !== 0) s += ',"agent_id":"' + AGENT_IDS[f] + '"';
      break;
    case K_ESCALATED:
      s += ',"reason":"' + ESCALATION_REASONS[f] + '","context_transferred":' + BOOL[g];
      break;
    case K_RESOLVED:
      if (f !== 0) s += ',"by":"' + ACTORS[f - 1] + '"';
      break;
    case K_CSAT:
      s += ',"score":' + f;
      break;
    case K_WORK:
      s += ',"actor":"' + ACTORS[f] + '","seconds":' + g;
      break;
    case K_DRAFT:
      s += ',"outcome":"' + DRAFT_OUTCOMES[f] + '"';
      break;
    case K_QA:
      s += ',"accurate":' + BOOL[f];
      if (g !== 0) s += ',"policy_compliant":' + TRI[g];
      if (h !== 0) s += ',"safety_incident":' + TRI[h];
      break;
    case K_OVERRIDE:
      if (f < OVERRIDE_CAUSES.length) s += ',"cause":"' + OVERRIDE_CAUSES[f] + '"';
      break;
  }
  return s + "}\n";
};

/** The canonical CSV row straight from the scratch arrays (same text as demoEventToCsvRow). */
export const csvLine: Render<string> = (kind, f, g, h, event_id, conversation_id, at, sim, customerPrefix, tier) => {
  const s = event_id + "," + conversation_id + "," + TYPE_NAMES[kind] + "," + at;
  switch (kind) {
    case K_STARTED:
      return s + "," + customerPrefix + sim.customer + "," + CHANNELS[sim.channel] + "," +
        (sim.topic >= 0 ? TOPIC_NAMES[sim.topic] : "") + "," + TIERS[tier] + C[13] + "\n";
    case K_AI:
      return s + C[5] + (f === 2 ? "" : BOOL[f]) + C[12] + "\n";
    case K_HUMAN:
      return s + C[6] + (f === 0 ? "" : AGENT_IDS[f]) + C[11] + "\n";
    case K_ESCALATED:
      return s + C[7] + ESCALATION_REASONS[f] + "," + BOOL[g] + C[9] + "\n";
    case K_RESOLVED:
      return s + C[9] + (f === 0 ? "" : ACTORS[f - 1]) + C[8] + "\n";
    case K_CSAT:
      return s + C[10] + f + C[7] + "\n";
    case K_WORK:
      return s + C[11] + ACTORS[f] + "," + g + C[5] + "\n";
    case K_DRAFT:
      return s + C[13] + DRAFT_OUTCOMES[f] + C[4] + "\n";
    case K_QA:
      return s + C[14] + BOOL[f] + "," + TRI[g] + "," + TRI[h] + C[1] + "\n";
    case K_OVERRIDE:
      return s + C[17] + (f < OVERRIDE_CAUSES.length ? OVERRIDE_CAUSES[f] : "") + "\n";
    default:
      return s + C[17] + "\n";
  }
};

/** The canonical CSV header line (CANONICAL_COLUMNS order), ending in "\n". */
export const demoCsvHeader: string = COLUMNS.join(",") + "\n";

const NEEDS_QUOTES = /[",\r\n]/;
function csvCell(v: string | number | boolean | undefined): string {
  if (v === undefined) return "";
  if (typeof v !== "string") return String(v); // numbers; booleans as true/false
  return NEEDS_QUOTES.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
}

/** One canonical CSV row (RFC 4180 quoting, empty cell = absent), ending in "\n". */
export function demoEventToCsvRow(e: DemoEvent): string {
  const r = e as unknown as Record<string, string | number | boolean | undefined>;
  let line = csvCell(r[COLUMNS[0]]);
  for (let i = 1; i < COLUMNS.length; i++) line += "," + csvCell(r[COLUMNS[i]]);
  return line + "\n";
}
