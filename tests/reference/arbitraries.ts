/**
 * fast-check arbitraries for property tests comparing the reference with the SQL implementation.
 *
 * arbEventSet(): valid events (events.md) for 0–40 conversations of a few customers over a few
 * days, in received order, with: shuffled (out-of-order) delivery, exact duplicates (with and
 * without event_id; some re-written in another UTC offset), events without event_id, orphans,
 * conflicting second conversation_started, resolved + reopened at the same at, tied csat
 * responses / resolved / escalated events, re-contacts on other channels, set/unset topics and
 * tiers, +02:00 / -05:30 / ... offsets and millisecond fractions, every type and enum value,
 * work_logged 0 and > 0, qa_review with policy_compliant set and unset.
 *
 * The conversation structure is shrinkable; rendering choices (ids, offsets, duplicates, shuffle)
 * come from a seeded PRNG so a failing case is reproducible from its seed.
 *
 * Kept out of the generator on purpose (unspecified or collation-dependent corners):
 * - event_ids are "ev" + 5 digits (string order = numeric order in every collation);
 * - human_override events never outnumber the conversation's ai_message events (override_rate
 *   stays <= 1, where the Wilson interval is defined);
 * - at most millisecond precision; work seconds are multiples of 0.5 (exact float sums).
 */
import fc from "fast-check";
import {
  ACTORS,
  CHANNELS,
  DRAFT_OUTCOMES,
  ESCALATION_REASONS,
  OVERRIDE_CAUSES,
  POPULATIONS,
  type GroupDim,
  type RawEvent,
  type RefRequest,
} from "./types";
import { addDays, dateStartMs, DAY_MS, HOUR_MS, parseIsoMs, utcDate } from "./time";

export const BASE_MS = Date.UTC(2026, 2, 28, 0, 0, 0); // 2026-03-28 (crosses into April)
export const SPAN_MS = 5 * DAY_MS;
export const TOPICS = ["billing", "shipping", "returns"] as const;
export const TIERS = ["vip", "standard", "gold"] as const;
const OFFSETS = [0, 0, 0, 120, -330, 60, 345, -600, 840] as const; // minutes east of UTC

// ---------------------------------------------------------------- structure

const arbDelta = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 120_000 }) }, // within 2 minutes
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 * HOUR_MS }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 4 * DAY_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: -120_000, max: 0 }) }, // before the start
);

const optBool = fc.constantFrom<boolean | undefined>(true, false, undefined);

const arbAction = fc.oneof(
  fc.record({ kind: fc.constant("customer_message" as const) }),
  fc.record({ kind: fc.constant("ai_message" as const), confident: optBool }),
  fc.record({ kind: fc.constant("ai_message" as const), confident: optBool }),
  fc.record({
    kind: fc.constant("human_message" as const),
    agent_id: fc.constantFrom<string | undefined>(undefined, "agent-1", "agent-2"),
  }),
  fc.record({
    kind: fc.constant("escalated" as const),
    ties: fc.array(fc.record({ reason: fc.constantFrom(...ESCALATION_REASONS), context_transferred: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  fc.record({
    kind: fc.constant("resolved" as const),
    ties: fc.array(fc.constantFrom<string | undefined>("ai", "human", undefined), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant("reopened" as const) }),
  fc.record({ kind: fc.constant("resolved_and_reopened" as const), by: fc.constantFrom<string | undefined>("ai", "human", undefined) }),
  fc.record({ kind: fc.constant("abandoned" as const) }),
  fc.record({ kind: fc.constant("csat_survey_sent" as const) }),
  fc.record({
    kind: fc.constant("csat_response" as const),
    scores: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant("work_logged" as const),
    actor: fc.constantFrom(...ACTORS),
    seconds: fc.constantFrom(0, 0, 30, 90.5, 600, 1800),
  }),
  fc.record({ kind: fc.constant("ai_draft" as const), outcome: fc.constantFrom(...DRAFT_OUTCOMES) }),
  fc.record({
    kind: fc.constant("qa_review" as const),
    accurate: fc.boolean(),
    policy_compliant: optBool,
    safety_incident: optBool,
  }),
  fc.record({
    kind: fc.constant("human_override" as const),
    cause: fc.constantFrom<string | undefined>(undefined, ...OVERRIDE_CAUSES),
  }),
);
type Action = { dt: number } & (typeof arbAction extends fc.Arbitrary<infer A> ? A : never);

/** `arb` with probability p, else undefined (undefined shrinks first). */
function sometimes<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  const w = Math.round(p * 100);
  return fc.oneof({ weight: 100 - w, arbitrary: fc.constant(undefined) }, { weight: w, arbitrary: arb });
}

const optTopic = fc.constantFrom<string | undefined>(undefined, ...TOPICS);
const optTier = fc.constantFrom<string | undefined>(undefined, ...TIERS);

const arbConversation = fc.record({
  customer: fc.integer({ min: 0, max: 14 }),
  // who answers: "ai" drops human messages and escalations, "human" drops AI messages
  profile: fc.constantFrom("ai", "ai", "human", "any", "any"),
  channel: fc.constantFrom(...CHANNELS),
  topic: optTopic,
  tier: optTier,
  start: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: SPAN_MS }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 12 * HOUR_MS, DAY_MS, DAY_MS + 1) }, // equal starts happen
  ),
  hasStart: fc.integer({ min: 0, max: 9 }).map((x) => x > 0), // 10 % orphans
  conflict: sometimes(
    fc.record({
      channel: fc.constantFrom(...CHANNELS),
      topic: optTopic,
      tier: optTier,
      atDelta: fc.constantFrom(0, 0, 1, 60_000, -HOUR_MS),
    }),
    1 / 6,
  ),
  actions: fc.array(fc.tuple(arbDelta, arbAction).map(([dt, a]): Action => ({ dt, ...a })), { maxLength: 10 }),
  // an ending after the last action (makes resolved conversations common)
  ending: fc.constantFrom("none", "none", "resolved", "resolved_ai", "resolved_human", "abandoned"),
});
export type ConversationSpec = typeof arbConversation extends fc.Arbitrary<infer C> ? C : never;

// ---------------------------------------------------------------- rendering

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Write an instant as ISO-8601 in the given offset (minutes east), ms fraction when non-zero (or sometimes anyway). */
export function formatAt(ms: number, offsetMinutes: number, forceMs = false): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const base =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1, 2)}-${pad(local.getUTCDate(), 2)}` +
    `T${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)}`;
  const frac = local.getUTCMilliseconds() !== 0 || forceMs ? `.${pad(local.getUTCMilliseconds(), 3)}` : "";
  if (offsetMinutes === 0) return `${base}${frac}Z`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${base}${frac}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

interface Pending {
  ms: number;
  event: Omit<RawEvent, "at" | "event_id">;
}

function conversationEvents(id: string, c: ConversationSpec): Pending[] {
  const startMs = BASE_MS + c.start;
  const out: Pending[] = [];
  if (c.hasStart) {
    out.push({
      ms: startMs,
      event: { conversation_id: id, type: "conversation_started", customer_id: `cust${c.customer}`, channel: c.channel, topic: c.topic, customer_tier: c.tier },
    });
    if (c.conflict) {
      out.push({
        ms: startMs + c.conflict.atDelta,
        event: {
          conversation_id: id,
          type: "conversation_started",
          customer_id: `cust${c.customer}`,
          channel: c.conflict.channel,
          topic: c.conflict.topic,
          customer_tier: c.conflict.tier,
        },
      });
    }
  }
  let aiMessages = 0;
  let overrides = 0;
  c.actions.forEach((a, i) => {
    if (c.profile === "ai" && (a.kind === "human_message" || a.kind === "escalated")) return;
    if (c.profile === "human" && a.kind === "ai_message") return;
    // + i ms: two actions of one conversation never collide by accident (ties are explicit)
    const ms = startMs + a.dt + i;
    const base = { conversation_id: id };
    const push = (e: Omit<RawEvent, "at" | "event_id" | "conversation_id">) => out.push({ ms, event: { ...base, ...e } });
    switch (a.kind) {
      case "ai_message":
        aiMessages++;
        push({ type: "ai_message", confident: a.confident });
        break;
      case "human_message":
        push({ type: "human_message", agent_id: a.agent_id });
        break;
      case "escalated":
        for (const t of a.ties) push({ type: "escalated", reason: t.reason, context_transferred: t.context_transferred });
        break;
      case "resolved":
        for (const by of a.ties) push({ type: "resolved", by });
        break;
      case "resolved_and_reopened":
        push({ type: "resolved", by: a.by });
        push({ type: "reopened" });
        break;
      case "csat_response":
        for (const score of a.scores) push({ type: "csat_response", score });
        break;
      case "work_logged":
        push({ type: "work_logged", actor: a.actor, seconds: a.seconds });
        break;
      case "ai_draft":
        push({ type: "ai_draft", outcome: a.outcome });
        break;
      case "qa_review":
        push({ type: "qa_review", accurate: a.accurate, policy_compliant: a.policy_compliant, safety_incident: a.safety_incident });
        break;
      case "human_override":
        if (overrides < aiMessages) {
          overrides++;
          push({ type: "human_override", cause: a.cause });
        }
        break;
      default:
        push({ type: a.kind });
    }
  });
  if (c.ending !== "none") {
    let last = 0;
    for (const a of c.actions) last = Math.max(last, a.dt);
    const ms = startMs + last + 60_000 + c.actions.length;
    const by = c.ending === "resolved_ai" ? "ai" : c.ending === "resolved_human" ? "human" : undefined;
    out.push({ ms, event: { conversation_id: id, type: c.ending === "abandoned" ? "abandoned" : "resolved", by } });
  }
  return out;
}

/** Drop undefined-valued keys (absent fields), so events look like parsed JSON. */
function clean(e: RawEvent): RawEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined) out[k] = v;
  return out as unknown as RawEvent;
}

export interface EventSet {
  events: RawEvent[];
  seed: number;
  conversations: ConversationSpec[];
  /** Hints for arbRequest: the span of `at` values (UTC ms), customers, conversation ids. */
  minAtMs: number | null;
  maxAtMs: number | null;
  conversationIds: string[];
}

export function renderEventSet(conversations: ConversationSpec[], seed: number): EventSet {
  const rnd = prng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

  const pending: Pending[] = [];
  conversations.forEach((c, i) => pending.push(...conversationEvents(`conv-${pad(i, 3)}`, c)));

  // event ids: ~70 % of events, unique, in a random order relative to generation order
  const ids = pending.map((_, i) => i);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const events: RawEvent[] = pending.map((p, i) =>
    clean({
      ...p.event,
      event_id: rnd() < 0.7 ? `ev${pad(ids[i], 5)}` : undefined,
      at: formatAt(p.ms, pick(OFFSETS), rnd() < 0.2),
    }),
  );

  // exact duplicates (~12 %): the same event again, half of them re-written in another offset
  const duplicates: RawEvent[] = [];
  events.forEach((e, i) => {
    if (rnd() >= 0.12) return;
    if (rnd() < 0.5) duplicates.push({ ...e, at: formatAt(pending[i].ms, pick(OFFSETS)) });
    else duplicates.push({ ...e });
  });
  const all = [...events, ...duplicates];

  // received order: a full shuffle (so starts arrive after other events, conflicts in either order)
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }

  let minAtMs: number | null = null;
  let maxAtMs: number | null = null;
  for (const p of pending) {
    if (minAtMs === null || p.ms < minAtMs) minAtMs = p.ms;
    if (maxAtMs === null || p.ms > maxAtMs) maxAtMs = p.ms;
  }
  return {
    events: all,
    seed,
    conversations,
    minAtMs,
    maxAtMs,
    conversationIds: conversations.map((_, i) => `conv-${pad(i, 3)}`),
  };
}

export function arbEventSet(opts: { maxConversations?: number } = {}): fc.Arbitrary<EventSet> {
  return fc
    .tuple(
      fc.array(arbConversation, { maxLength: opts.maxConversations ?? 40, size: "medium" }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    )
    .map(([convs, seed]) => renderEventSet(convs, seed));
}

// ---------------------------------------------------------------- requests

function subsetOf<T>(values: readonly T[]): fc.Arbitrary<T[]> {
  return fc.subarray([...values], { minLength: 1 });
}

/**
 * A random request for an event set: from/to both given or both defaulted (sometimes empty
 * slices), filters (including values with no data), group_by subsets, sometimes an explicit
 * as_of (in a non-Z offset), sometimes non-default windows. Always an explicit as_of when there
 * are no events.
 */
export function arbRequest(events: RawEvent[]): fc.Arbitrary<RefRequest> {
  let minMs = BASE_MS;
  let maxMs = BASE_MS + SPAN_MS;
  if (events.length > 0) {
    minMs = Infinity;
    maxMs = -Infinity;
    for (const e of events) {
      const ms = parseIsoMs(e.at);
      minMs = Math.min(minMs, ms);
      maxMs = Math.max(maxMs, ms);
    }
  }
  const firstDay = addDays(utcDate(minMs), -2);
  const nDays = Math.round((dateStartMs(utcDate(maxMs)) - dateStartMs(firstDay)) / DAY_MS) + 3;
  const arbRange = fc
    .tuple(fc.integer({ min: 0, max: nDays }), fc.integer({ min: 0, max: nDays }))
    .map(([a, b]) => ({ from: addDays(firstDay, Math.min(a, b)), to: addDays(firstDay, Math.max(a, b)) }));
  const arbAsOf = fc
    .tuple(fc.integer({ min: minMs - DAY_MS, max: maxMs + 5 * DAY_MS }), fc.constantFrom(...OFFSETS))
    .map(([ms, off]) => formatAt(ms, off));
  const hours = fc.constantFrom(1, 24, 48, 72, 200);

  return fc
    .record({
      range: sometimes(arbRange, 0.4),
      channel: sometimes(subsetOf(CHANNELS), 0.2),
      population: sometimes(subsetOf(POPULATIONS), 0.2),
      customer_tier: sometimes(subsetOf([...TIERS, "platinum"]), 0.15),
      topic: sometimes(subsetOf([...TOPICS, "warranty"]), 0.15),
      group_by: sometimes(fc.shuffledSubarray<GroupDim>(["channel", "population", "customer_tier"]), 0.5),
      as_of: events.length === 0 ? arbAsOf : sometimes(arbAsOf, 0.5),
      recontact_hours: sometimes(hours, 0.3),
      verification_hours: sometimes(hours, 0.3),
    })
    .map((r) => {
      const req: RefRequest = {};
      if (r.range) {
        req.from = r.range.from;
        req.to = r.range.to;
      }
      if (r.channel) req.channel = r.channel;
      if (r.population) req.population = r.population;
      if (r.customer_tier) req.customer_tier = r.customer_tier;
      if (r.topic) req.topic = r.topic;
      if (r.group_by) req.group_by = r.group_by;
      if (r.as_of !== undefined) req.as_of = r.as_of;
      if (r.recontact_hours !== undefined) req.recontact_hours = r.recontact_hours;
      if (r.verification_hours !== undefined) req.verification_hours = r.verification_hours;
      return req;
    });
}

/** An event set together with a request for it. */
export function arbScenario(opts: { maxConversations?: number } = {}): fc.Arbitrary<EventSet & { request: RefRequest }> {
  return arbEventSet(opts).chain((set) => arbRequest(set.events).map((request) => ({ ...set, request })));
}
