import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { pick } from "stream-json/filters/pick.js";
import { streamArray } from "stream-json/streamers/stream-array.js";
import { z } from "zod";
import { CHANNELS, ESCALATION_REASONS, type Channel } from "../../events/vocabulary";
import { readJsonArray } from "../sources/json-array";
import { readNdjson } from "../sources/ndjson";
import { IngestParseError, type Position, type RawRecord } from "../types";
import { peekStream } from "../sources/peek";
import { addMs, EventList, lookup, mapRow, max, parseMapping, RowError } from "./common";
import { parseExportTimestamp, zTimeZone } from "./time-zone";

/**
 * Intercom conversations (REST API conversation objects, as NDJSON, a JSON array, or a
 * `conversation.list` page) → events.md events. Reference and limits: docs/presets.md.
 */

export const INTERCOM_SOURCE_TO_CHANNEL: Record<string, Channel> = {
  conversation: "chat",
  chat: "chat",
  messenger: "chat",
  email: "email",
  phone_call: "voice",
  phone_switch: "voice",
  call: "voice",
  whatsapp: "whatsapp",
  sms: "sms",
  facebook: "social",
  twitter: "social",
  instagram: "social",
  push: "in_app",
  in_app: "in_app",
};

/** ai_agent.resolution_state values (all API versions) that mean a hand-off, and the reason recorded. */
export const INTERCOM_ESCALATION_REASONS: Record<string, (typeof ESCALATION_REASONS)[number]> = {
  routed_to_team: "customer_request",
  escalated: "other",
  procedure_handoff: "other",
  negative_feedback: "other",
};
export const INTERCOM_AI_RESOLVED_STATES = ["assumed_resolution", "confirmed_resolution"];
export const INTERCOM_ABANDONED_STATES = ["abandoned"];

export const ZIntercomMapping = z
  .object({
    /** merged over the defaults; matched against source.type, then source.delivered_as */
    source_to_channel: z
      .record(z.string(), z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(", ")}` }))
      .optional()
      .transform((m) => ({ ...INTERCOM_SOURCE_TO_CHANNEL, ...m })),
    default_channel: z.enum(CHANNELS).default("chat"),
    /** merged over the defaults: resolution_state → escalation reason */
    escalation_reasons: z
      .record(z.string(), z.enum(ESCALATION_REASONS, { error: `must be one of ${ESCALATION_REASONS.join(", ")}` }))
      .optional()
      .transform((m) => ({ ...INTERCOM_ESCALATION_REASONS, ...m })),
    /** e.g. "topic:" — the first tag starting with it gives the topic (prefix removed); unset: no topic */
    topic_from_tag_prefix: z.string().min(1).optional(),
    /** tag name → customer_tier */
    tier_from_tag: z.record(z.string(), z.string().min(1).max(50)).default({}),
    /** use ai_agent.rating as the CSAT response when the conversation has no conversation_rating */
    ai_rating_as_csat: z.boolean().default(true),
    /** only for ISO timestamps without an offset; unix seconds need no zone */
    timezone: zTimeZone,
  })
  .strict();
export type IntercomMapping = z.output<typeof ZIntercomMapping>;
export type IntercomMappingInput = z.input<typeof ZIntercomMapping>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined;

/**
 * Unix seconds (number or numeric string; values above 1e11 are taken as milliseconds), or an
 * ISO string (its offset, else the mapping's zone). null/absent → undefined.
 */
export function intercomTime(v: unknown, field: string, timeZone: string): Date | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  let n: number | undefined;
  if (typeof v === "number") n = v;
  else if (typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim())) n = Number(v);
  if (n !== undefined) {
    if (!Number.isFinite(n) || n <= 0) throw new RowError(field, `not a unix timestamp: ${JSON.stringify(v)}`);
    return new Date(n > 1e11 ? n : n * 1000);
  }
  if (typeof v === "string") {
    const d = parseExportTimestamp(v, timeZone);
    if (typeof d === "string") throw new RowError(field, d);
    return d;
  }
  throw new RowError(field, `must be unix seconds or an ISO timestamp, got ${JSON.stringify(v)}`);
}

function rating(v: unknown, field: string): number | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 5) throw new RowError(field, `must be a whole number from 1 to 5, got ${JSON.stringify(v)}`);
  return n;
}

function tagNames(tags: unknown): string[] {
  const list = Array.isArray(tags) ? tags : Array.isArray(obj(tags).tags) ? (obj(tags).tags as unknown[]) : [];
  return list.map((t) => (typeof t === "string" ? t : str(obj(t).name))).filter((t): t is string => !!t);
}

function customerOf(c: Obj): string | undefined {
  const contacts = c.contacts;
  const list = Array.isArray(contacts) ? contacts : Array.isArray(obj(contacts).contacts) ? (obj(contacts).contacts as unknown[]) : [];
  const first = str(obj(list[0]).id);
  if (first) return first;
  const author = obj(obj(c.source).author);
  const type = str(author.type)?.toLowerCase();
  if (type && ["admin", "bot", "team"].includes(type)) return undefined;
  return str(author.id);
}

/** The events one conversation object implies (docs/presets.md explains every choice). */
export function intercomConversationEvents(value: unknown, m: IntercomMapping): EventList {
  if (!isObj(value)) throw new RowError("conversation", "must be a JSON object");
  const c = value;
  const id = str(c.id);
  if (!id) throw new RowError("id", "required: the conversation has no id");
  const tz = m.timezone;
  const created = intercomTime(c.created_at, "created_at", tz);
  if (!created) throw new RowError("created_at", "required: the conversation has no created_at");
  const customer = customerOf(c);
  if (!customer) throw new RowError("contacts", "required: no contact id (contacts.contacts[0].id or source.author.id) for customer_id");
  const updated = intercomTime(c.updated_at, "updated_at", tz);
  const s = obj(c.statistics);
  const firstContactReply = intercomTime(s.first_contact_reply_at, "statistics.first_contact_reply_at", tz);
  const firstAssignment = intercomTime(s.first_assignment_at, "statistics.first_assignment_at", tz);
  const firstAdminReply = intercomTime(s.first_admin_reply_at, "statistics.first_admin_reply_at", tz);
  const lastContactReply = intercomTime(s.last_contact_reply_at, "statistics.last_contact_reply_at", tz);
  const lastClose = intercomTime(s.last_close_at, "statistics.last_close_at", tz) ?? intercomTime(s.first_close_at, "statistics.first_close_at", tz);
  const reopensRaw = s.count_reopens ?? 0;
  const reopens = typeof reopensRaw === "number" ? reopensRaw : Number(reopensRaw);
  if (!Number.isInteger(reopens) || reopens < 0) throw new RowError("statistics.count_reopens", `must be a whole number ≥ 0, got ${JSON.stringify(reopensRaw)}`);

  const ai = obj(c.ai_agent);
  const resolutionState = str(ai.resolution_state)?.toLowerCase();
  const aiInvolved = c.ai_agent_participated === true || resolutionState !== undefined;
  const conversationRating = rating(obj(c.conversation_rating).rating, "conversation_rating.rating");
  const ratingAt = intercomTime(obj(c.conversation_rating).created_at, "conversation_rating.created_at", tz);
  const aiRating = rating(ai.rating, "ai_agent.rating");

  const source = obj(c.source);
  const channel =
    lookup(m.source_to_channel, str(source.type) ?? "") ?? lookup(m.source_to_channel, str(source.delivered_as) ?? "") ?? m.default_channel;
  const tags = tagNames(c.tags);
  const prefix = m.topic_from_tag_prefix?.toLowerCase();
  const topicTag = prefix ? tags.find((t) => t.toLowerCase().startsWith(prefix) && t.length > prefix.length) : undefined;
  const topic = topicTag?.slice(prefix!.length).trim() || undefined;
  let tier: string | undefined;
  for (const t of tags) if ((tier = lookup(m.tier_from_tag, t)) !== undefined) break;

  const adminAssignee = str(c.admin_assignee_id);
  const humanAssigned = adminAssignee !== undefined && adminAssignee !== "0";
  const humanReplied = firstAdminReply !== undefined;
  const escalationReason = resolutionState ? lookup(m.escalation_reasons, resolutionState) : undefined;
  const escalated = aiInvolved && (escalationReason !== undefined || humanReplied || humanAssigned);
  const aiResolved = resolutionState !== undefined && INTERCOM_AI_RESOLVED_STATES.includes(resolutionState);
  const abandoned = resolutionState !== undefined && INTERCOM_ABANDONED_STATES.includes(resolutionState);
  const state = str(c.state)?.toLowerCase() ?? (c.open === false ? "closed" : c.open === true ? "open" : undefined);

  const ev = new EventList("intercom", id);
  const cols = { id: "id", customer_id: "contacts", topic: "tags", customer_tier: "tags", agent_id: "admin_assignee_id" };
  ev.add("conversation_started", created, { customer_id: customer, channel, topic, customer_tier: tier }, undefined, cols);
  if (firstContactReply) ev.add("customer_message", firstContactReply);
  // the AI answers the opening message; no AI reply time is exported, so it is dated at creation
  const aiAt = created;
  if (aiInvolved) ev.add("ai_message", aiAt);
  if (escalated) {
    ev.add("escalated", max(aiAt, firstAssignment)!, { reason: escalationReason ?? "other", context_transferred: false });
  }
  if (humanReplied) ev.add("human_message", firstAdminReply, { agent_id: humanAssigned ? adminAssignee : undefined }, undefined, cols);

  const by = escalated || humanReplied || humanAssigned ? "human" : aiInvolved ? "ai" : undefined;
  const resolvedNow = state === "closed" || aiResolved;
  const resolvedAt = lastClose ?? updated;
  if (resolvedNow && resolvedAt) {
    ev.add("resolved", resolvedAt, { by }, reopens + 1);
    if (reopens > 0) ev.add("reopened", addMs(resolvedAt, -1), {}, reopens);
  } else if (reopens > 0) {
    if (lastClose) ev.add("resolved", lastClose, { by }, reopens);
    ev.add("reopened", max(updated, lastClose && addMs(lastClose, 1), created)!, {}, reopens);
  }
  if (abandoned && !resolvedNow) ev.add("abandoned", lastContactReply ?? firstContactReply ?? created);

  if (conversationRating !== undefined) {
    ev.add("csat_response", ratingAt ?? updated ?? created, { score: conversationRating });
  } else if (aiRating !== undefined && m.ai_rating_as_csat) {
    ev.add("csat_response", aiAt, { score: aiRating }, "ai_agent");
  }
  return ev;
}

/** A conversation.list page inside NDJSON is expanded in place (same line). */
function* mapValue(pos: Position, value: unknown, m: IntercomMapping): Generator<RawRecord> {
  if (isObj(value) && value.type === "conversation.list" && Array.isArray(value.conversations)) {
    for (const c of value.conversations) yield* mapRow(pos, () => intercomConversationEvents(c, m));
    return;
  }
  yield* mapRow(pos, () => intercomConversationEvents(value, m));
}

async function* readListPage(input: Readable): AsyncGenerator<RawRecord> {
  const items = streamArray.asStream();
  let failure: Error | undefined;
  pipeline(input, pick.withParserAsStream({ filter: "conversations", once: true }), items, (e) => {
    if (e) failure = e;
  });
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield { pos: { index: item.key }, value: item.value };
    }
  } catch (e) {
    throw new IngestParseError(`not a valid conversation.list page: ${(failure ?? (e as Error)).message}`);
  }
  if (failure) throw new IngestParseError(`not a valid conversation.list page: ${failure.message}`);
}

/** Which container the input is: a JSON array, a conversation.list page, or NDJSON. */
export function intercomContainer(head: string): "array" | "page" | "ndjson" | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("[")) return "array";
  if (!text.startsWith("{")) return null;
  const nl = text.indexOf("\n");
  try {
    JSON.parse(nl === -1 ? text : text.slice(0, nl));
    return "ndjson";
  } catch {
    /* pretty-printed, or a first line longer than the head */
  }
  if (/"type"\s*:\s*"conversation\.list"|"conversations"\s*:\s*\[/.test(text)) return "page";
  if (/"type"\s*:\s*"conversation"/.test(text)) return "ndjson";
  return null;
}

/**
 * Stream Intercom conversations as RawRecords: `format: "ndjson"` (line numbers),
 * `format: "json"` (a JSON array, or a `{"type":"conversation.list","conversations":[…]}` page;
 * 0-based index), or, without a format, whichever the first bytes show.
 */
export async function* readIntercom(
  input: Readable,
  mapping: IntercomMappingInput | IntercomMapping = {},
  opts: { format?: "ndjson" | "json" } = {},
): AsyncGenerator<RawRecord> {
  const m = parseMapping(ZIntercomMapping, "intercom", mapping);
  const { head, stream } = await peekStream(input, 65_536, true);
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text === "") return;
  let container = intercomContainer(head);
  if (opts.format === "ndjson") container = "ndjson";
  else if (opts.format === "json") container = text.startsWith("[") ? "array" : text.startsWith("{") ? "page" : null;
  if (container === null) {
    throw new IngestParseError("Intercom input must be NDJSON conversation objects, a JSON array of them, or a conversation.list page");
  }
  const raw = container === "ndjson" ? readNdjson(stream) : container === "array" ? readJsonArray(stream) : readListPage(stream);
  for await (const r of raw) {
    if ("rejection" in r) yield r;
    else yield* mapValue(r.pos, r.value, m);
  }
}
