import type { Readable } from "node:stream";
import { z } from "zod";
import { CHANNELS, type Channel } from "../../events/vocabulary";
import type { RawRecord } from "../types";
import { addMs, EventList, lookup, mapRow, max, normKey, parseMapping, RowError, scoreFromNumber } from "./common";
import { CsvRow, readPresetCsv } from "./preset-csv";
import { addTicketReplies, ticketSignals } from "./tickets";
import { parseExportTimestamp, zTimeZone } from "./time-zone";

/**
 * Zendesk Support ticket export (CSV, one row per ticket) → events.md events.
 * Column-by-column reference and the things it cannot know: docs/presets.md.
 */

export const ZENDESK_VIA_TO_CHANNEL: Record<string, Channel> = {
  web: "chat",
  web_form: "chat",
  web_widget: "chat",
  chat: "chat",
  native_messaging: "chat",
  messaging: "chat",
  email: "email",
  mail: "email",
  voice: "voice",
  phone: "voice",
  phone_call: "voice",
  whatsapp: "whatsapp",
  sms: "sms",
  text: "sms",
  facebook: "social",
  twitter: "social",
  instagram: "social",
  any_channel: "social",
  mobile_sdk: "in_app",
  mobile: "in_app",
  api: "in_app",
  web_service: "in_app",
  web_service_api: "in_app",
};

const channelMap = z
  .record(z.string(), z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }))
  .optional()
  .transform((m) => ({ ...ZENDESK_VIA_TO_CHANNEL, ...m }));

export const ZZendeskMapping = z
  .object({
    /** merged over the defaults; keys compared after normalisation ("Web form" = "web_form") */
    via_to_channel: channelMap,
    default_channel: z.enum(CHANNELS).default("email"),
    ai_tags: z.array(z.string()).default(["ai_resolved", "bot", "ai_agent", "answer_bot", "autoreply"]),
    ai_via: z.array(z.string()).default(["answer_bot"]),
    ai_assignees: z.array(z.string()).default(["AI Agent", "Answer Bot", "Bot"]),
    escalation_tags: z.array(z.string()).default(["escalated", "handoff", "human_handoff"]),
    topic_from: z.enum(["group", "first_tag", "none"]).default("group"),
    /** tag → customer_tier; the first tag of the ticket (in its order) that is a key wins */
    tier_tags: z.record(z.string(), z.string().min(1).max(50)).default({}),
    timezone: zTimeZone,
  })
  .strict();
export type ZendeskMapping = z.output<typeof ZZendeskMapping>;
export type ZendeskMappingInput = z.input<typeof ZZendeskMapping>;

export const ZENDESK_REQUIRED = ["Id", "Created at"];
export const ZENDESK_CUSTOMER_COLUMNS = ["Requester id", "Requester email"];

const SOLVED = new Set(["solved", "closed"]);

function nonNegative(row: CsvRow, column: string): number | undefined {
  const v = row.get(column);
  if (v === undefined) return undefined;
  const n = Number(v.replace(/,/g, ""));
  if (!Number.isFinite(n) || n < 0) throw new RowError(row.name(column), `must be a number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}

function stamp(row: CsvRow, column: string, timeZone: string): Date | undefined {
  const v = row.get(column);
  if (v === undefined) return undefined;
  const d = parseExportTimestamp(v, timeZone);
  if (typeof d === "string") throw new RowError(row.name(column), d);
  return d;
}

type Satisfaction = { offered: boolean; score?: number };

/** Offered / Good / Bad / Not Offered / Unoffered (any case, also "good_with_comment"), or 1–5. */
export function zendeskSatisfaction(text: string | undefined): Satisfaction | string {
  if (text === undefined) return { offered: false };
  const k = normKey(text);
  if (k === "" || k === "not_offered" || k === "unoffered" || k === "notoffered") return { offered: false };
  if (k === "offered") return { offered: true };
  if (k === "good" || k.startsWith("good_with")) return { offered: true, score: 5 };
  if (k === "bad" || k.startsWith("bad_with")) return { offered: true, score: 1 };
  const n = scoreFromNumber(text);
  if (n !== undefined) return { offered: true, score: n };
  return `unknown satisfaction value ${JSON.stringify(text)} (expected Offered, Good, Bad, Not Offered, Unoffered or 1–5)`;
}

export function splitZendeskTags(text: string | undefined): string[] {
  return text ? text.split(/[\s,]+/).map((t) => t.trim().toLowerCase()).filter(Boolean) : [];
}

/** The events one ticket row implies (see docs/presets.md for every choice made here). */
export function zendeskRowEvents(row: CsvRow, m: ZendeskMapping): EventList {
  const id = row.get("Id");
  if (id === undefined) throw new RowError(row.name("Id"), "required: the ticket has no id");
  const tz = m.timezone;
  const created = stamp(row, "Created at", tz);
  if (!created) throw new RowError(row.name("Created at"), "required: the ticket has no creation date");
  const customer = row.get("Requester id") ?? row.get("Requester email");
  if (customer === undefined) {
    throw new RowError(row.has("Requester id") ? row.name("Requester id") : row.name("Requester email"), "required: no requester id or email (needed as customer_id)");
  }
  const updated = stamp(row, "Updated at", tz);
  let solved = stamp(row, "Solved at", tz);
  const reopens = nonNegative(row, "Reopens") ?? 0;
  const replies = nonNegative(row, "Replies");
  const firstReplyMin = nonNegative(row, "First reply time in minutes");
  const fullResolutionMin = nonNegative(row, "Full resolution time in minutes");
  const satisfaction = zendeskSatisfaction(row.get("Satisfaction Score"));
  if (typeof satisfaction === "string") throw new RowError(row.name("Satisfaction Score"), satisfaction);

  const status = (row.get("Status") ?? "").toLowerCase();
  const isSolved = SOLVED.has(status);
  // a solved ticket without "Solved at" but with its full resolution time still has a known end
  if (!solved && isSolved && fullResolutionMin !== undefined) solved = addMs(created, fullResolutionMin * 60_000);

  const tags = splitZendeskTags(row.get("Tags"));
  const via = row.get("Via") ?? "";
  const assignee = row.get("Assignee");
  const { aiInvolved, humanAgent: humanAssignee, escalated, tier, firstPlainTag } = ticketSignals(tags, via, assignee, {
    ...m, ai_agents: m.ai_assignees, ai_channels: m.ai_via,
  });
  // "Replies" counts public agent replies; without the column, a first reply time stands in
  const humanReplied = humanAssignee && (replies !== undefined ? replies > 0 : firstReplyMin !== undefined);

  const channel = lookup(m.via_to_channel, via) ?? m.default_channel;
  let topic: string | undefined;
  if (m.topic_from === "group") topic = row.get("Group");
  else if (m.topic_from === "first_tag") topic = firstPlainTag;

  const ev = new EventList("zendesk", id);
  const cols = {
    id: row.name("Id"),
    customer_id: row.get("Requester id") !== undefined ? row.name("Requester id") : row.name("Requester email"),
    topic: m.topic_from === "group" ? row.name("Group") : row.name("Tags"),
    customer_tier: row.name("Tags"),
    agent_id: row.name("Assignee"),
  };
  ev.add("conversation_started", created, { customer_id: customer, channel, topic, customer_tier: tier }, undefined, cols);

  const firstReplyAt = firstReplyMin !== undefined ? addMs(created, firstReplyMin * 60_000) : undefined;
  addTicketReplies(ev, { aiInvolved, escalated }, humanReplied, created, firstReplyAt, solved ?? updated, assignee, cols);

  const by = humanAssignee || escalated ? "human" : aiInvolved ? "ai" : undefined;
  if (isSolved && solved) {
    // the (reopens + 1)-th resolution: zendesk:<id>:resolved, then :resolved:2, :resolved:3 …
    ev.add("resolved", solved, { by }, reopens + 1);
    // the latest reopen happened before this resolution (and after the previous one)
    if (reopens > 0) ev.add("reopened", addMs(solved, -1), {}, reopens);
  } else if (reopens > 0) {
    // reopened and not solved again: the last solve (if the export still shows it) was
    // resolution number `reopens`, and the reopen came after it
    if (solved) ev.add("resolved", solved, { by }, reopens);
    ev.add("reopened", max(updated, solved && addMs(solved, 1), created)!, {}, reopens);
  }

  if (satisfaction.offered) {
    const at = solved ?? updated ?? created;
    ev.add("csat_survey_sent", at);
    if (satisfaction.score !== undefined) ev.add("csat_response", at, { score: satisfaction.score });
  }
  return ev;
}

/** Stream a Zendesk ticket export CSV as RawRecords for ingestRecords. */
export async function* readZendesk(input: Readable, mapping: ZendeskMappingInput | ZendeskMapping = {}): AsyncGenerator<RawRecord> {
  const m = parseMapping(ZZendeskMapping, "zendesk", mapping);
  for await (const row of readPresetCsv(input, { preset: "Zendesk", required: ZENDESK_REQUIRED, oneOf: [ZENDESK_CUSTOMER_COLUMNS] })) {
    if (!(row instanceof CsvRow)) {
      yield row;
      continue;
    }
    yield* mapRow({ line: row.line }, () => zendeskRowEvents(row, m));
  }
}
