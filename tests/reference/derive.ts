/**
 * Reference derivation of the per-conversation fields of metrics.md §1, written from the spec.
 *
 * Dedup: an event's key is its event_id when present, otherwise (conversation_id, type, `at` in UTC
 * ms, the type's own fields in a fixed order with defaults applied: ai_message.confident = true).
 * The first occurrence of a key (in received order) wins; later ones are duplicates.
 *
 * Tie-break rules (shared with the SQL implementation):
 * - conversation_started: the first received distinct one wins; start_conflicts = number of other
 *   distinct conversation_started events of the conversation differing from the winner in any of
 *   at, customer_id, channel, topic, customer_tier. Only the winner's `at` counts for ended_at
 *   (a losing start is a rejected version of the start, not a session event).
 * - resolved (final): resolved/reopened ordered by at, resolved before reopened at equal at;
 *   resolved when the last is a resolved. resolved_by: the `by` of the last resolved event (latest
 *   at; ties: greatest event_id, absent lowest; then greatest by, 'human' > 'ai' > absent); if that
 *   `by` is absent: human if human_involved, else ai if ai_involved, else null. resolved_by is null
 *   when the conversation is not resolved (final).
 * - csat_score: the latest csat_response by at; ties: greatest event_id (absent lowest), then
 *   greatest score.
 * - earliest escalated: ties: greatest event_id (absent lowest), then greatest reason (string
 *   comparison), then context_transferred true before false.
 * - escalation_wait_s: earliest human_message with at >= escalated_at.
 * - first_response_s: started_at -> earliest ai_message or human_message, clamped at 0.
 * - durations in seconds as floats (ms precision).
 */
import { OWN_FIELDS, type RawEvent } from "./types";
import { HOUR_MS, isoMs, parseIsoMs } from "./time";

export interface StoredEvent {
  key: string;
  event_id?: string;
  conversation_id: string;
  type: string;
  atMs: number;
  raw: RawEvent;
}

function eventKey(e: RawEvent, atMs: number): string {
  if (e.event_id !== undefined) return JSON.stringify(["id", e.event_id]);
  const own = OWN_FIELDS[e.type] ?? [];
  const values: unknown[] = [];
  for (const f of own) {
    let v: unknown = e[f];
    if (e.type === "ai_message" && f === "confident" && v === undefined) v = true;
    values.push(v === undefined ? null : v);
  }
  return JSON.stringify(["derived", e.conversation_id, e.type, atMs, values]);
}

/** The distinct events, in received order (first occurrence of each key). */
export function distinctEvents(events: RawEvent[]): StoredEvent[] {
  const seen = new Set<string>();
  const out: StoredEvent[] = [];
  for (const e of events) {
    const atMs = parseIsoMs(e.at);
    const key = eventKey(e, atMs);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ key, event_id: e.event_id, conversation_id: e.conversation_id, type: e.type, atMs, raw: e });
  }
  return out;
}

export type Population = "ai_only" | "ai_escalated" | "human_only" | "unhandled";

export interface EventCounts {
  ai_messages: number;
  unconfident_ai_messages: number;
  ai_drafts: number;
  rejected_or_edited_drafts: number;
  qa_reviews: number;
  inaccurate_reviews: number;
  policy_set_reviews: number;
  policy_compliant_reviews: number;
  safety_incident_reviews: number;
  human_overrides: number;
}

/** Derived fields with timestamps as epoch ms (internal form). */
export interface Conv {
  conversation_id: string;
  has_start: boolean;
  started_at: number | null;
  customer_id: string | null;
  channel: string | null;
  topic: string | null;
  customer_tier: string | null;
  start_conflicts: number;
  ai_involved: boolean;
  human_involved: boolean;
  population: Population;
  ended_at: number | null;
  resolved: boolean;
  resolved_by: "ai" | "human" | null;
  reopened: boolean;
  first_response_s: number | null;
  escalated_at: number | null;
  escalation_reason: string | null;
  context_transferred: boolean | null;
  escalation_wait_s: number | null;
  human_first_response_s: number | null;
  ai_handle_s: number;
  human_handle_s: number;
  csat_score: number | null;
  surveyed: boolean;
  next_contact_at: number | null;
  counts: EventCounts;
}

const SESSION_TYPES = new Set([
  "customer_message",
  "ai_message",
  "human_message",
  "escalated",
  "resolved",
  "reopened",
  "abandoned",
]); // plus the winning conversation_started (its at is started_at)

/** Compare event ids: absent ranks lowest; otherwise plain string order. */
function cmpEventId(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

function byRank(by: string | undefined): number {
  return by === "human" ? 2 : by === "ai" ? 1 : 0;
}

function deriveOne(conversationId: string, evs: StoredEvent[]): Conv {
  // --- start
  const starts = evs.filter((e) => e.type === "conversation_started");
  const winner = starts.length > 0 ? starts[0] : null;
  let startConflicts = 0;
  if (winner) {
    const w = winner.raw;
    for (const s of starts.slice(1)) {
      const r = s.raw;
      if (
        s.atMs !== winner.atMs ||
        r.customer_id !== w.customer_id ||
        r.channel !== w.channel ||
        (r.topic ?? null) !== (w.topic ?? null) ||
        (r.customer_tier ?? null) !== (w.customer_tier ?? null)
      ) {
        startConflicts++;
      }
    }
  }
  const startedAt = winner ? winner.atMs : null;

  // --- involvement / population
  const aiInvolved = evs.some((e) => e.type === "ai_message");
  const humanInvolved = evs.some((e) => e.type === "human_message" || e.type === "escalated");
  const population: Population =
    aiInvolved && humanInvolved ? "ai_escalated" : aiInvolved ? "ai_only" : humanInvolved ? "human_only" : "unhandled";

  // --- ended_at
  let endedAt: number | null = startedAt;
  for (const e of evs) {
    if (SESSION_TYPES.has(e.type) && (endedAt === null || e.atMs > endedAt)) endedAt = e.atMs;
  }

  // --- resolved (final), resolved_by, reopened
  const resReo = evs.filter((e) => e.type === "resolved" || e.type === "reopened");
  const ordered = [...resReo].sort((a, b) => {
    if (a.atMs !== b.atMs) return a.atMs - b.atMs;
    const ra = a.type === "resolved" ? 0 : 1;
    const rb = b.type === "resolved" ? 0 : 1;
    return ra - rb;
  });
  const resolved = ordered.length > 0 && ordered[ordered.length - 1].type === "resolved";
  let resolvedBy: "ai" | "human" | null = null;
  if (resolved) {
    let last: StoredEvent | null = null;
    for (const e of evs) {
      if (e.type !== "resolved") continue;
      if (
        last === null ||
        e.atMs > last.atMs ||
        (e.atMs === last.atMs &&
          (cmpEventId(e.event_id, last.event_id) > 0 ||
            (cmpEventId(e.event_id, last.event_id) === 0 && byRank(e.raw.by) > byRank(last.raw.by))))
      ) {
        last = e;
      }
    }
    const by = last!.raw.by;
    if (by === "ai" || by === "human") resolvedBy = by;
    else resolvedBy = humanInvolved ? "human" : aiInvolved ? "ai" : null;
  }
  const reopened = evs.some((e) => e.type === "reopened");

  // --- first response
  let firstReplyAt: number | null = null;
  for (const e of evs) {
    if ((e.type === "ai_message" || e.type === "human_message") && (firstReplyAt === null || e.atMs < firstReplyAt)) {
      firstReplyAt = e.atMs;
    }
  }
  const firstResponseS =
    startedAt !== null && firstReplyAt !== null ? Math.max(0, (firstReplyAt - startedAt) / 1000) : null;

  // --- earliest escalation
  let esc: StoredEvent | null = null;
  for (const e of evs) {
    if (e.type !== "escalated") continue;
    if (esc === null || e.atMs < esc.atMs) {
      esc = e;
      continue;
    }
    if (e.atMs > esc.atMs) continue;
    const idc = cmpEventId(e.event_id, esc.event_id);
    if (idc > 0) esc = e;
    else if (idc === 0) {
      const re = e.raw.reason ?? "";
      const rc = esc.raw.reason ?? "";
      if (re > rc) esc = e;
      else if (re === rc && e.raw.context_transferred === true && esc.raw.context_transferred !== true) esc = e;
    }
  }
  const escalatedAt = esc ? esc.atMs : null;
  let escalationWaitS: number | null = null;
  if (escalatedAt !== null) {
    let firstHuman: number | null = null;
    for (const e of evs) {
      if (e.type === "human_message" && e.atMs >= escalatedAt && (firstHuman === null || e.atMs < firstHuman)) {
        firstHuman = e.atMs;
      }
    }
    if (firstHuman !== null) escalationWaitS = (firstHuman - escalatedAt) / 1000;
  }

  // --- handle times
  let aiHandle = 0;
  let humanHandle = 0;
  for (const e of evs) {
    if (e.type !== "work_logged") continue;
    if (e.raw.actor === "ai") aiHandle += e.raw.seconds ?? 0;
    if (e.raw.actor === "human") humanHandle += e.raw.seconds ?? 0;
  }

  // --- csat
  let csat: StoredEvent | null = null;
  for (const e of evs) {
    if (e.type !== "csat_response") continue;
    if (csat === null || e.atMs > csat.atMs) {
      csat = e;
      continue;
    }
    if (e.atMs < csat.atMs) continue;
    const idc = cmpEventId(e.event_id, csat.event_id);
    if (idc > 0 || (idc === 0 && (e.raw.score ?? 0) > (csat.raw.score ?? 0))) csat = e;
  }
  const surveyed = evs.some((e) => e.type === "csat_survey_sent" || e.type === "csat_response");

  // --- event-level counts
  const counts: EventCounts = {
    ai_messages: 0,
    unconfident_ai_messages: 0,
    ai_drafts: 0,
    rejected_or_edited_drafts: 0,
    qa_reviews: 0,
    inaccurate_reviews: 0,
    policy_set_reviews: 0,
    policy_compliant_reviews: 0,
    safety_incident_reviews: 0,
    human_overrides: 0,
  };
  for (const e of evs) {
    const r = e.raw;
    if (e.type === "ai_message") {
      counts.ai_messages++;
      if (r.confident === false) counts.unconfident_ai_messages++;
    } else if (e.type === "ai_draft") {
      counts.ai_drafts++;
      if (r.outcome === "rejected" || r.outcome === "edited") counts.rejected_or_edited_drafts++;
    } else if (e.type === "qa_review") {
      counts.qa_reviews++;
      if (r.accurate === false) counts.inaccurate_reviews++;
      if (r.policy_compliant !== undefined) counts.policy_set_reviews++;
      if (r.policy_compliant === true) counts.policy_compliant_reviews++;
      if (r.safety_incident === true) counts.safety_incident_reviews++;
    } else if (e.type === "human_override") {
      counts.human_overrides++;
    }
  }

  return {
    conversation_id: conversationId,
    has_start: winner !== null,
    started_at: startedAt,
    customer_id: winner ? winner.raw.customer_id ?? null : null,
    channel: winner ? winner.raw.channel ?? null : null,
    topic: winner ? winner.raw.topic ?? null : null,
    customer_tier: winner ? winner.raw.customer_tier ?? null : null,
    start_conflicts: startConflicts,
    ai_involved: aiInvolved,
    human_involved: humanInvolved,
    population,
    ended_at: endedAt,
    resolved,
    resolved_by: resolvedBy,
    reopened,
    first_response_s: firstResponseS,
    escalated_at: escalatedAt,
    escalation_reason: esc ? esc.raw.reason ?? null : null,
    context_transferred: esc ? esc.raw.context_transferred === true : null,
    escalation_wait_s: escalationWaitS,
    human_first_response_s: population === "human_only" ? firstResponseS : null,
    ai_handle_s: aiHandle,
    human_handle_s: humanHandle,
    csat_score: csat ? csat.raw.score ?? null : null,
    surveyed,
    next_contact_at: null, // filled in by deriveAll
    counts,
  };
}

/** C' is topic-compatible with C unless both topics are set and different. */
function topicCompatible(a: Conv, b: Conv): boolean {
  return !(a.topic !== null && b.topic !== null && a.topic !== b.topic);
}

/** Every conversation (orphans included), ordered by conversation_id. */
export function deriveAll(events: RawEvent[]): { convs: Conv[]; distinct: StoredEvent[] } {
  const distinct = distinctEvents(events);
  const byConv = new Map<string, StoredEvent[]>();
  for (const e of distinct) {
    const list = byConv.get(e.conversation_id);
    if (list) list.push(e);
    else byConv.set(e.conversation_id, [e]);
  }
  const convs: Conv[] = [];
  for (const [id, evs] of byConv) convs.push(deriveOne(id, evs));
  // a fixed order (by id) so float sums do not depend on delivery order
  convs.sort((a, b) => (a.conversation_id < b.conversation_id ? -1 : a.conversation_id > b.conversation_id ? 1 : 0));
  for (const c of convs) {
    if (!c.has_start) continue;
    for (const d of convs) {
      if (d === c || !d.has_start || d.customer_id !== c.customer_id) continue;
      if (d.started_at! > c.started_at! && topicCompatible(c, d)) {
        if (c.next_contact_at === null || d.started_at! < c.next_contact_at) c.next_contact_at = d.started_at;
      }
    }
  }
  return { convs, distinct };
}

/**
 * recontacted(h), straight from metrics.md §1 (not via next_contact_at): the same customer has
 * another conversation C' with C'.started_at > started_at and C'.started_at <= ended_at + h hours,
 * any channel, not (both topics set and different). Only conversations with a start count as C'.
 */
export function recontacted(c: Conv, all: Conv[], hours: number): boolean {
  if (!c.has_start) return false;
  for (const d of all) {
    if (d === c || !d.has_start || d.customer_id !== c.customer_id) continue;
    if (d.started_at! > c.started_at! && d.started_at! <= c.ended_at! + hours * HOUR_MS && topicCompatible(c, d)) {
      return true;
    }
  }
  return false;
}

export function windowClosed(c: Conv, hours: number, asOfMs: number): boolean {
  return c.ended_at! + hours * HOUR_MS <= asOfMs;
}

export function verifiedResolved(c: Conv, all: Conv[], verificationHours: number): boolean {
  return c.resolved && !c.reopened && !recontacted(c, all, verificationHours);
}

/** A derived row as exported to tests: timestamps as ISO strings (ms, Z). */
export type ConversationRow = Omit<Conv, "started_at" | "ended_at" | "escalated_at" | "next_contact_at"> & {
  started_at: string | null;
  ended_at: string | null;
  escalated_at: string | null;
  next_contact_at: string | null;
  recontacted: boolean;
  verified_resolved: boolean;
};

const iso = (ms: number | null) => (ms === null ? null : isoMs(ms));

/**
 * The derived per-conversation rows of metrics.md §1 (plus start_conflicts, next_contact_at and
 * the event counts the event-level rates need), orphans included (has_start false).
 * `recontacted` uses recontact_hours (default 48), `verified_resolved` uses verification_hours (72).
 */
export function referenceConversations(
  events: RawEvent[],
  opts: { recontact_hours?: number; verification_hours?: number } = {},
): ConversationRow[] {
  const { convs } = deriveAll(events);
  const rh = opts.recontact_hours ?? 48;
  const vh = opts.verification_hours ?? 72;
  return convs.map((c) => ({
    ...c,
    started_at: iso(c.started_at),
    ended_at: iso(c.ended_at),
    escalated_at: iso(c.escalated_at),
    next_contact_at: iso(c.next_contact_at),
    recontacted: recontacted(c, convs, rh),
    verified_resolved: verifiedResolved(c, convs, vh),
  }));
}
