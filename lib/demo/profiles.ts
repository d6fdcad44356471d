/**
 * The knobs of the demo data set: channel mix, population shares and service quality per channel,
 * topics and their difficulty for the AI, the daily/weekly arrival shape. Times are in seconds.
 * Channels are indexed as in CHANNELS (chat, email, voice, whatsapp, sms, social, in_app).
 */
import { CHANNELS, type Channel } from "../events/vocabulary";

export interface ChannelProfile {
  channel: Channel;
  /** share of new contacts */
  mix: number;
  /** share of re-contacts that switch to this channel */
  recontactMix: number;
  /** ai_only, ai_escalated, human_only, unhandled */
  population: readonly [number, number, number, number];
  /** P(the AI resolves an ai_only conversation) */
  aiResolve: number;
  /** P(the customer abandons an ai_only conversation) */
  aiAbandon: number;
  /** P(an ai_message is confident: false) */
  unconfident: number;
  /** P(a human-handled conversation is resolved) */
  humanResolve: number;
  /** P(an AI "resolution" does not stick: the customer comes back) */
  aiRecontact: number;
  /** P(a human resolution does not stick) */
  humanRecontact: number;
  /** P(context_transferred on escalation) */
  contextTransfer: number;
  /** AI reply delay, median seconds */
  aiDelay: number;
  /** customer reply gap, median seconds */
  customerGap: number;
  /** agent reply gap inside a human thread, median seconds */
  agentGap: number;
  /** escalation → first human message, median seconds (log-sd 1.0: long tail) */
  escalationWait: number;
  /** human_only first response, median seconds */
  humanFirstResponse: number;
  /** human handle time per conversation, median seconds */
  humanHandle: number;
  /** an unanswered customer gives up after, median seconds */
  giveUp: number;
  /** P(a survey is sent after a handled conversation) */
  surveySent: number;
  /** multiplier on the per-population survey response rate */
  responseMul: number;
  /** added to the mean CSAT score */
  csatDelta: number;
  /** P(a qa_review finds the AI answer accurate) */
  qaAccurate: number;
  /** P(an agent is shown an AI draft before replying) */
  draftShown: number;
  draftAccepted: number;
  draftRejected: number;
  /** P(a human overrides the AI in an escalated conversation) */
  override: number;
}

const MIN = 60;
const HOUR = 3600;

const P: Record<Channel, Omit<ChannelProfile, "channel">> = {
  chat: {
    mix: 0.31, recontactMix: 0.24, population: [0.6, 0.25, 0.11, 0.04],
    aiResolve: 0.8, aiAbandon: 0.1, unconfident: 0.04, humanResolve: 0.88,
    aiRecontact: 0.06, humanRecontact: 0.03, contextTransfer: 0.86,
    aiDelay: 3, customerGap: 45, agentGap: 70, escalationWait: 150, humanFirstResponse: 100,
    humanHandle: 8 * MIN, giveUp: 6 * MIN, surveySent: 0.8, responseMul: 1, csatDelta: 0.05,
    qaAccurate: 0.962, draftShown: 0.6, draftAccepted: 0.58, draftRejected: 0.13, override: 0.1,
  },
  email: {
    mix: 0.25, recontactMix: 0.22, population: [0.45, 0.25, 0.24, 0.06],
    aiResolve: 0.74, aiAbandon: 0.07, unconfident: 0.055, humanResolve: 0.85,
    aiRecontact: 0.1, humanRecontact: 0.05, contextTransfer: 0.8,
    aiDelay: 25, customerGap: 3 * HOUR, agentGap: 4 * HOUR, escalationWait: 90 * MIN,
    humanFirstResponse: 3 * HOUR, humanHandle: 10 * MIN, giveUp: 30 * HOUR, surveySent: 0.85,
    responseMul: 0.8, csatDelta: -0.1, qaAccurate: 0.95, draftShown: 0.72, draftAccepted: 0.48,
    draftRejected: 0.14, override: 0.12,
  },
  voice: {
    mix: 0.12, recontactMix: 0.26, population: [0.35, 0.3, 0.3, 0.05],
    aiResolve: 0.62, aiAbandon: 0.18, unconfident: 0.08, humanResolve: 0.86,
    aiRecontact: 0.14, humanRecontact: 0.04, contextTransfer: 0.68,
    aiDelay: 1.5, customerGap: 15, agentGap: 20, escalationWait: 95, humanFirstResponse: 70,
    humanHandle: 7 * MIN, giveUp: 3 * MIN, surveySent: 0.5, responseMul: 0.7, csatDelta: -0.15,
    qaAccurate: 0.92, draftShown: 0.4, draftAccepted: 0.45, draftRejected: 0.2, override: 0.15,
  },
  whatsapp: {
    mix: 0.11, recontactMix: 0.1, population: [0.62, 0.24, 0.1, 0.04],
    aiResolve: 0.79, aiAbandon: 0.1, unconfident: 0.042, humanResolve: 0.87,
    aiRecontact: 0.07, humanRecontact: 0.03, contextTransfer: 0.84,
    aiDelay: 4, customerGap: 4 * MIN, agentGap: 5 * MIN, escalationWait: 7 * MIN,
    humanFirstResponse: 10 * MIN, humanHandle: 9 * MIN, giveUp: 2 * HOUR, surveySent: 0.75,
    responseMul: 1.1, csatDelta: 0.1, qaAccurate: 0.955, draftShown: 0.6, draftAccepted: 0.6,
    draftRejected: 0.12, override: 0.09,
  },
  sms: {
    mix: 0.05, recontactMix: 0.04, population: [0.55, 0.22, 0.15, 0.08],
    aiResolve: 0.7, aiAbandon: 0.14, unconfident: 0.065, humanResolve: 0.83,
    aiRecontact: 0.11, humanRecontact: 0.05, contextTransfer: 0.78,
    aiDelay: 5, customerGap: 5 * MIN, agentGap: 7 * MIN, escalationWait: 10 * MIN,
    humanFirstResponse: 15 * MIN, humanHandle: 7 * MIN, giveUp: 3 * HOUR, surveySent: 0.6,
    responseMul: 0.8, csatDelta: -0.05, qaAccurate: 0.94, draftShown: 0.55, draftAccepted: 0.62,
    draftRejected: 0.12, override: 0.11,
  },
  social: {
    mix: 0.07, recontactMix: 0.06, population: [0.55, 0.25, 0.13, 0.07],
    aiResolve: 0.72, aiAbandon: 0.14, unconfident: 0.06, humanResolve: 0.82,
    aiRecontact: 0.1, humanRecontact: 0.05, contextTransfer: 0.76,
    aiDelay: 6, customerGap: 10 * MIN, agentGap: 15 * MIN, escalationWait: 15 * MIN,
    humanFirstResponse: 30 * MIN, humanHandle: 8 * MIN, giveUp: 6 * HOUR, surveySent: 0.4,
    responseMul: 0.6, csatDelta: -0.2, qaAccurate: 0.935, draftShown: 0.5, draftAccepted: 0.5,
    draftRejected: 0.18, override: 0.13,
  },
  in_app: {
    mix: 0.09, recontactMix: 0.08, population: [0.65, 0.22, 0.09, 0.04],
    aiResolve: 0.82, aiAbandon: 0.08, unconfident: 0.035, humanResolve: 0.88,
    aiRecontact: 0.06, humanRecontact: 0.03, contextTransfer: 0.87,
    aiDelay: 2.5, customerGap: 40, agentGap: 60, escalationWait: 3 * MIN, humanFirstResponse: 2 * MIN,
    humanHandle: 7 * MIN, giveUp: 8 * MIN, surveySent: 0.8, responseMul: 1.2, csatDelta: 0.1,
    qaAccurate: 0.965, draftShown: 0.6, draftAccepted: 0.6, draftRejected: 0.12, override: 0.09,
  },
};

export const CHANNEL_PROFILES: readonly ChannelProfile[] = CHANNELS.map((channel) => ({ channel, ...P[channel] }));

/** Topics with their weight and their difficulty for the AI (added to the AI's resolution odds). */
export const TOPICS: readonly { name: string; weight: number; aiAdj: number }[] = [
  { name: "order_status", weight: 0.14, aiAdj: 0.08 },
  { name: "shipping", weight: 0.12, aiAdj: 0.04 },
  { name: "billing", weight: 0.11, aiAdj: -0.05 },
  { name: "returns", weight: 0.1, aiAdj: 0 },
  { name: "login", weight: 0.09, aiAdj: 0.05 },
  { name: "refunds", weight: 0.08, aiAdj: -0.06 },
  { name: "product_info", weight: 0.08, aiAdj: 0.06 },
  { name: "technical_issue", weight: 0.08, aiAdj: -0.1 },
  { name: "account", weight: 0.07, aiAdj: 0.02 },
  { name: "subscription", weight: 0.06, aiAdj: 0 },
  { name: "payments", weight: 0.05, aiAdj: -0.04 },
  { name: "warranty", weight: 0.02, aiAdj: -0.06 },
];

/** P(a conversation_started has no topic). */
export const TOPIC_ABSENT = 0.07;

/** Customer tiers, drawn once per customer (stable across that customer's conversations). */
export const TIER_VIP = 0.07;
export const TIER_STANDARD = 0.8; // the rest: tier absent

/** Arrival intensity by UTC hour of day (business-hours peak) and by weekday (Sun = 0). */
export const HOUR_SHAPE: readonly number[] = [
  0.22, 0.18, 0.15, 0.15, 0.18, 0.28, 0.48, 0.78, 1.1, 1.35, 1.45, 1.45,
  1.35, 1.4, 1.45, 1.4, 1.3, 1.15, 1.0, 0.9, 0.78, 0.62, 0.46, 0.32,
];
export const WEEKDAY_SHAPE: readonly number[] = [0.55, 1.15, 1.1, 1.05, 1.05, 0.95, 0.6];

export const ESCALATION_REASON_WEIGHTS: readonly number[] = [0.3, 0.22, 0.12, 0.1, 0.2, 0.06]; // vocabulary order
export const OVERRIDE_CAUSE_WEIGHTS: readonly number[] = [0.32, 0.12, 0.1, 0.2, 0.16, 0.05]; // + absent 5 %

/** Per-population survey response rate (ai_only, ai_escalated, human_only, unhandled). */
export const RESPONSE_RATE: readonly number[] = [0.12, 0.2, 0.26, 0.05];
/** Per-population mean CSAT score before outcome and channel adjustments. */
export const CSAT_MEAN: readonly number[] = [3.95, 3.9, 4.2, 2.4];
