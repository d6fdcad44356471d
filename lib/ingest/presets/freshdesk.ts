import type { Readable } from "node:stream";
import { z } from "zod";
import { CHANNELS, type Channel } from "../../events/vocabulary";
import type { RawRecord } from "../types";
import { addMs, EventList, lookup, mapRow, max, normKey, parseMapping, RowError, scoreFromNumber } from "./common";
import { CsvRow, readPresetCsv } from "./preset-csv";
import { addTicketReplies, ticketSignals } from "./tickets";
import { parseExportTimestamp, zTimeZone } from "./time-zone";

/**
 * Freshdesk ticket export (CSV, one row per ticket) → events.md events.
 * Column-by-column reference and the things it cannot know: docs/presets.md.
 */

export const FRESHDESK_SOURCE_TO_CHANNEL: Record<string, Channel> = {
  email: "email",
  outbound_email: "email",
  portal: "email",
  feedback_widget: "email",
  ecommerce: "email",
  phone: "voice",
  chat: "chat",
  bot: "chat",
  whatsapp: "whatsapp",
  sms: "sms",
  facebook: "social",
  twitter: "social",
  instagram: "social",
  forum: "social",
  mobihelp: "in_app",
  mobile: "in_app",
};

/** Freshdesk's 5-point and classic 3-point survey labels (keys compared after normalisation). */
export const FRESHDESK_SURVEY_SCORES: Record<string, number> = {
  extremely_happy: 5,
  very_happy: 5,
  awesome: 5,
  happy: 4,
  satisfied: 4,
  neutral: 3,
  just_okay: 3,
  okay: 3,
  unhappy: 2,
  dissatisfied: 2,
  extremely_unhappy: 1,
  very_unhappy: 1,
  not_good: 1,
};

export const ZFreshdeskMapping = z
  .object({
    /** merged over the defaults; keys compared after normalisation ("Outbound Email" = "outbound_email") */
    source_to_channel: z
      .record(z.string(), z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }))
      .optional()
      .transform((m) => ({ ...FRESHDESK_SOURCE_TO_CHANNEL, ...m })),
    default_channel: z.enum(CHANNELS).default("email"),
    ai_tags: z.array(z.string()).default(["ai_resolved", "bot", "ai_agent", "freddy", "autoreply"]),
    ai_agents: z.array(z.string()).default(["Freddy", "Freddy AI", "Freddy AI Agent", "AI Agent", "Bot"]),
    ai_sources: z.array(z.string()).default(["bot"]),
    escalation_tags: z.array(z.string()).default(["escalated", "handoff", "human_handoff"]),
    topic_from: z.enum(["group", "type", "first_tag", "none"]).default("group"),
    tier_tags: z.record(z.string(), z.string().min(1).max(50)).default({}),
    /** columns tried in order for customer_id */
    customer_from: z.array(z.string().min(1)).min(1).default(["Contact ID", "Email"]),
    /** merged over the defaults: survey label → score 1–5 */
    survey_scores: z
      .record(z.string(), z.number().int().min(1).max(5))
      .optional()
      .transform((m) => ({ ...FRESHDESK_SURVEY_SCORES, ...m })),
    timezone: zTimeZone,
  })
  .strict();
export type FreshdeskMapping = z.output<typeof ZFreshdeskMapping>;
export type FreshdeskMappingInput = z.input<typeof ZFreshdeskMapping>;

export const FRESHDESK_REQUIRED = ["Ticket ID", "Created time"];

const RESOLVED = new Set(["resolved", "closed"]);

/** "HH:MM:SS" or "HH:MM" (hours may exceed 24) or a decimal number of hours → ms. */
export function parseHours(text: string): number | undefined {
  const t = text.trim();
  const hms = /^(\d+):([0-5]\d)(?::([0-5]\d))?$/.exec(t);
  if (hms) return ((Number(hms[1]) * 60 + Number(hms[2])) * 60 + Number(hms[3] ?? 0)) * 1000;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 3_600_000;
  return undefined;
}

function stamp(row: CsvRow, column: string, timeZone: string): Date | undefined {
  const v = row.get(column);
  if (v === undefined) return undefined;
  const d = parseExportTimestamp(v, timeZone);
  if (typeof d === "string") throw new RowError(row.name(column), d);
  return d;
}

function hours(row: CsvRow, column: string): number | undefined {
  const v = row.get(column);
  if (v === undefined) return undefined;
  const ms = parseHours(v);
  if (ms === undefined) throw new RowError(row.name(column), `not a duration (expected HH:MM:SS or hours): ${JSON.stringify(v)}`);
  return ms;
}

function count(row: CsvRow, column: string): number | undefined {
  const v = row.get(column);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new RowError(row.name(column), `must be a whole number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}

export function freshdeskSurveyScore(text: string | undefined, scores: Record<string, number>): number | undefined | string {
  if (text === undefined) return undefined;
  const n = scoreFromNumber(text) ?? lookup(scores, text);
  if (n !== undefined) return n;
  return `unknown survey result ${JSON.stringify(text)} (expected e.g. Extremely happy … Extremely unhappy, or 1–5; add it to survey_scores)`;
}

export function splitFreshdeskTags(text: string | undefined): string[] {
  return text ? text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean) : [];
}

export function freshdeskRowEvents(row: CsvRow, m: FreshdeskMapping): EventList {
  const id = row.get("Ticket ID");
  if (id === undefined) throw new RowError(row.name("Ticket ID"), "required: the ticket has no id");
  const tz = m.timezone;
  const created = stamp(row, "Created time", tz);
  if (!created) throw new RowError(row.name("Created time"), "required: the ticket has no creation date");
  let customer: string | undefined;
  let customerColumn = m.customer_from[0];
  for (const c of m.customer_from) {
    if ((customer = row.get(c)) !== undefined) {
      customerColumn = c;
      break;
    }
  }
  if (customer === undefined) {
    throw new RowError(row.name(m.customer_from[0]), `required: none of ${m.customer_from.join(", ")} is set (needed as customer_id)`);
  }
  const lastUpdate = stamp(row, "Last update time", tz);
  let resolvedAt = stamp(row, "Resolved time", tz) ?? stamp(row, "Closed time", tz);
  const resolutionMs = hours(row, "Resolution time (in hrs)");
  // "Initial response time" is the time of the first response in some exports, a duration in others
  const initial = row.get("Initial response time");
  let firstResponseAt: Date | undefined;
  if (initial !== undefined) {
    const ms = parseHours(initial);
    firstResponseAt = ms !== undefined ? addMs(created, ms) : stamp(row, "Initial response time", tz);
  }
  const firstResponseMs = hours(row, "First response time (in hrs)");
  if (!firstResponseAt && firstResponseMs !== undefined) firstResponseAt = addMs(created, firstResponseMs);
  const agentInteractions = count(row, "Agent interactions");
  count(row, "Customer interactions"); // validated only: the export does not say when they happened
  const score = freshdeskSurveyScore(row.get("Survey results"), m.survey_scores);
  if (typeof score === "string") throw new RowError(row.name("Survey results"), score);

  const status = normKey(row.get("Status") ?? "");
  const isResolved = RESOLVED.has(status);
  if (!resolvedAt && isResolved && resolutionMs !== undefined) resolvedAt = addMs(created, resolutionMs);

  const tags = splitFreshdeskTags(row.get("Tags"));
  const source = row.get("Source") ?? "";
  const agent = row.get("Agent");
  const { aiInvolved, humanAgent, escalated, tier, firstPlainTag } = ticketSignals(tags, source, agent, {
    ...m, ai_channels: m.ai_sources,
  });
  const humanReplied = humanAgent && (agentInteractions !== undefined ? agentInteractions > 0 : firstResponseAt !== undefined);

  const channel = lookup(m.source_to_channel, source) ?? m.default_channel;
  let topic: string | undefined;
  if (m.topic_from === "group") topic = row.get("Group");
  else if (m.topic_from === "type") topic = row.get("Type");
  else if (m.topic_from === "first_tag") topic = firstPlainTag;

  const ev = new EventList("freshdesk", id);
  const cols = {
    id: row.name("Ticket ID"),
    customer_id: row.name(customerColumn),
    topic: row.name(m.topic_from === "group" ? "Group" : m.topic_from === "type" ? "Type" : "Tags"),
    customer_tier: row.name("Tags"),
    agent_id: row.name("Agent"),
  };
  ev.add("conversation_started", created, { customer_id: customer, channel, topic, customer_tier: tier }, undefined, cols);
  addTicketReplies(ev, { aiInvolved, escalated }, humanReplied, created, firstResponseAt, resolvedAt ?? lastUpdate, agent, cols);

  // Freshdesk exports carry no reopen count, so each resolution is keyed by its own time:
  // freshdesk:<id>:resolved:<ISO time>; a later re-resolution is a new event, never a conflict.
  const by = humanAgent || escalated ? "human" : aiInvolved ? "ai" : undefined;
  if (isResolved && resolvedAt) {
    ev.add("resolved", resolvedAt, { by }, resolvedAt.toISOString());
  } else if (!isResolved && (resolvedAt || status === "reopened")) {
    // not resolved now, yet resolved before (or explicitly "Reopened"): it was reopened after that
    if (resolvedAt) ev.add("resolved", resolvedAt, { by }, resolvedAt.toISOString());
    ev.add("reopened", max(lastUpdate, resolvedAt && addMs(resolvedAt, 1), created)!, {}, resolvedAt?.toISOString());
  }

  if (score !== undefined) {
    const at = resolvedAt ?? lastUpdate ?? created;
    ev.add("csat_survey_sent", at);
    ev.add("csat_response", at, { score });
  }
  return ev;
}

/** Stream a Freshdesk ticket export CSV as RawRecords for ingestRecords. */
export async function* readFreshdesk(input: Readable, mapping: FreshdeskMappingInput | FreshdeskMapping = {}): AsyncGenerator<RawRecord> {
  const m = parseMapping(ZFreshdeskMapping, "freshdesk", mapping);
  const rows = readPresetCsv(input, { preset: "Freshdesk", required: FRESHDESK_REQUIRED, oneOf: [m.customer_from] });
  for await (const row of rows) {
    if (!(row instanceof CsvRow)) {
      yield row;
      continue;
    }
    yield* mapRow({ line: row.line }, () => freshdeskRowEvents(row, m));
  }
}
