/**
 * A realistic, deterministic synthetic event stream (events.md shape) for demos and benchmarks.
 *
 * Streaming: conversations are produced in (roughly) start order, one at a time, with memory
 * bounded independently of the number of conversations: a ring of recent customers (for returning
 * customers) and a capped queue of scheduled re-contacts. Times are epoch ms throughout and are
 * formatted once per event. The same options always give the same sequence.
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
import { cumulative, hashUnit, Rng } from "./prng";
import {
  CHANNEL_PROFILES,
  CSAT_MEAN as P_CSAT_MEAN,
  ESCALATION_REASON_WEIGHTS,
  HOUR_SHAPE,
  OVERRIDE_CAUSE_WEIGHTS,
  RESPONSE_RATE as P_RESPONSE_RATE,
  TIER_STANDARD,
  TIER_VIP,
  TOPIC_ABSENT,
  TOPICS,
  WEEKDAY_SHAPE,
  type ChannelProfile,
} from "./profiles";

export interface DemoOptions {
  /** how many conversations to generate (exactly this many conversation_started events) */
  conversations: number;
  /** any safe integer; the same seed gives the same data */
  seed: number;
  /** conversations start within [now − days, now] */
  days: number;
  /** no event is after this instant */
  now: Date;
}

type EscalationReason = (typeof V_ESCALATION_REASONS)[number];
type Actor = (typeof V_ACTORS)[number];
type DraftOutcome = (typeof V_DRAFT_OUTCOMES)[number];
type OverrideCause = (typeof V_OVERRIDE_CAUSES)[number];

// module-local copies: imported bindings can be getters once transpiled, too slow per event
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

// ---- internal event kinds (EVENT_TYPES order) ----
const K_STARTED = 0, K_CUSTOMER = 1, K_AI = 2, K_HUMAN = 3, K_ESCALATED = 4, K_RESOLVED = 5,
  K_REOPENED = 6, K_ABANDONED = 7, K_SURVEY = 8, K_CSAT = 9, K_WORK = 10, K_DRAFT = 11,
  K_QA = 12, K_OVERRIDE = 13;

// populations (POPULATIONS order)
const AI_ONLY = 0, AI_ESCALATED = 1, HUMAN_ONLY = 2, UNHANDLED = 3;

// outcomes
const O_NONE = 0, O_RESOLVED = 1, O_REOPENED = 2, O_ABANDONED = 3;

const SEC = 1000;
const MINUTE = 60 * SEC;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MAX_EVENTS = 256;
const MAX_PENDING_RECONTACTS = 250_000;
const MAX_CUSTOMER_RING = 2_000_000;
/** share of new conversations from an earlier customer (besides scheduled re-contacts) */
const RETURNING_SHARE = 0.07;
const AGENTS = 120;

const AGENT_IDS: string[] = Array.from({ length: AGENTS + 1 }, (_, i) => `agent-${String(i).padStart(3, "0")}`);
const PROFILES: readonly ChannelProfile[] = CHANNEL_PROFILES;
const RESPONSE_RATE: readonly number[] = P_RESPONSE_RATE;
const CSAT_MEAN: readonly number[] = P_CSAT_MEAN;
const TOPIC_NAMES: readonly string[] = TOPICS.map((t) => t.name);
const TOPIC_AI_ADJ: readonly number[] = TOPICS.map((t) => t.aiAdj);
const TOPIC_CUM = cumulative(TOPICS.map((t) => t.weight));
const MIX_CUM = cumulative(CHANNEL_PROFILES.map((p) => p.mix));
const RECONTACT_MIX = CHANNEL_PROFILES.map((p) => p.recontactMix);
const REASON_CUM = cumulative(ESCALATION_REASON_WEIGHTS);
const CAUSE_CUM = cumulative([...OVERRIDE_CAUSE_WEIGHTS, 0.05]);

// ---- fast ISO formatting: "YYYY-MM-DDTHH:" cached per hour, the rest from lookup tables ----
const PAD2: string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

class IsoFormatter {
  // direct-mapped cache of "YYYY-MM-DDTHH:" prefixes by hour number (a conversation's events,
  // surveys and reviews included, span a few days at most)
  private readonly hours = new Float64Array(128).fill(-1);
  private readonly prefixes: string[] = new Array<string>(128).fill("");

  format(t: number): string {
    const hour = Math.floor(t / HOUR);
    const slot = hour & 127;
    let prefix: string;
    if (this.hours[slot] === hour) prefix = this.prefixes[slot];
    else {
      prefix = new Date(hour * HOUR).toISOString().slice(0, 14);
      this.hours[slot] = hour;
      this.prefixes[slot] = prefix;
    }
    const rem = t - hour * HOUR;
    const m = (rem / MINUTE) | 0;
    const r = rem - m * MINUTE;
    const s = (r / SEC) | 0;
    return prefix + PAD2[m] + ":" + PAD2[s] + "." + PAD3[r - s * SEC] + "Z";
  }
}

/** A re-contact scheduled by an earlier conversation whose outcome did not stick. */
interface PendingRecontact {
  t: number;
  customer: number;
  topic: number; // -1 = absent
  channel: number;
}

/** Binary min-heap on t. */
class RecontactQueue {
  private items: PendingRecontact[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): PendingRecontact | undefined {
    return this.items[0];
  }
  push(x: PendingRecontact): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].t <= x.t) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }
  pop(): PendingRecontact | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r].t < a[l].t ? r : l;
      if (a[c].t >= last.t) break;
      a[i] = a[c];
      i = c;
    }
    a[i] = last;
    return top;
  }
}

function validate(opts: DemoOptions): { nowMs: number; startMs: number } {
  const { conversations, seed, days, now } = opts;
  if (!Number.isSafeInteger(conversations) || conversations < 0) {
    throw new RangeError("conversations must be a non-negative integer");
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError("seed must be a safe integer");
  if (!(typeof days === "number" && Number.isFinite(days) && days > 0)) {
    throw new RangeError("days must be a positive number");
  }
  const nowMs = now instanceof Date ? now.getTime() : NaN;
  if (!Number.isFinite(nowMs)) throw new RangeError("now must be a valid Date");
  const startMs = Math.ceil(nowMs - days * DAY);
  if (startMs < 0 || nowMs > Date.UTC(9999, 11, 31)) {
    throw new RangeError("the generated range must lie between 1970 and 9999");
  }
  return { nowMs, startMs };
}

/** The simulation of one conversation at a time, into reusable scratch arrays. */
class Simulator {
  readonly rng: Rng;
  // scratch events of the current conversation
  readonly t = new Float64Array(MAX_EVENTS);
  readonly kind = new Uint8Array(MAX_EVENTS);
  readonly f = new Float64Array(MAX_EVENTS);
  readonly g = new Float64Array(MAX_EVENTS);
  readonly h = new Float64Array(MAX_EVENTS);
  readonly order = new Int32Array(MAX_EVENTS);
  n = 0;

  // the current conversation
  channel = 0;
  topic = -1;
  customer = 0;
  population = 0;
  outcome = O_NONE;
  /** latest session event (ended_at) */
  ended = 0;
  /** the customer will come back (set by simulate) */
  scheduleRecontact = false;

  // simulation state of the current conversation
  private p: ChannelProfile = PROFILES[0];
  /** the clock: time of the latest session event so far */
  private now = 0;
  private unconfidentP = 0;
  private anyUnconfident = false;
  private aiMessages = 0;
  private humanMessages = 0;
  private firstHumanAt = -1;
  private readonly popCum = new Float64Array(4);

  constructor(
    seed: number,
    private readonly startMs: number,
    private readonly spanMs: number,
  ) {
    this.rng = new Rng(seed);
  }

  private add(t: number, kind: number, f = 0, g = 0, h = 0): void {
    const i = this.n;
    if (i >= MAX_EVENTS) return;
    this.t[i] = t;
    this.kind[i] = kind;
    this.f[i] = f;
    this.g[i] = g;
    this.h[i] = h;
    this.n = i + 1;
  }

  private delay(medianSec: number, sigma: number): number {
    return Math.round(this.rng.logNormal(medianSec, sigma) * SEC);
  }

  private agent(): number {
    return this.rng.next() < 0.08 ? 0 : 1 + this.rng.int(AGENTS);
  }

  /** ai_message payload: 0 = confident false, 1 = confident true, 2 = field omitted (true). */
  private aiMessage(t: number, unconfident: boolean): void {
    if (unconfident) this.anyUnconfident = true;
    this.add(t, K_AI, unconfident ? 0 : this.rng.next() < 0.25 ? 2 : 1);
    this.aiMessages++;
  }

  private humanMessage(t: number): void {
    this.add(t, K_HUMAN, this.agent());
    if (this.firstHumanAt < 0) this.firstHumanAt = t;
    this.humanMessages++;
  }

  private resolvedBy(actor: number): number {
    return this.rng.next() < 0.1 ? 0 : actor + 1; // 0 = `by` absent, 1 = ai, 2 = human
  }

  private abandon(afterSec: number): void {
    this.now += this.delay(afterSec, 1);
    this.add(this.now, K_ABANDONED);
    this.outcome = O_ABANDONED;
  }

  /** 1..maxTurns AI answers, the customer replying in between. */
  private aiTurns(maxTurns: number, lastUnconfident: boolean): void {
    const rng = this.rng;
    const p = this.p;
    let turns = 1;
    while (turns < maxTurns && rng.next() < 0.42) turns++;
    for (let i = 0; i < turns; i++) {
      this.now += this.delay(p.aiDelay, 0.6);
      this.aiMessage(this.now, (lastUnconfident && i === turns - 1) || rng.next() < this.unconfidentP);
      if (i < turns - 1) {
        this.now += this.delay(p.customerGap, 1);
        this.add(this.now, K_CUSTOMER);
      }
    }
  }

  /** 1..maxTurns agent answers (each maybe preceded by an AI draft), the customer replying in between. */
  private humanThread(firstDelay: number, maxTurns: number): void {
    const rng = this.rng;
    const p = this.p;
    let turns = 1;
    while (turns < maxTurns && rng.next() < 0.45) turns++;
    for (let i = 0; i < turns; i++) {
      const before = this.now;
      this.now += i === 0 ? firstDelay : this.delay(p.agentGap, 0.8);
      if (rng.next() < p.draftShown) {
        const r = rng.next();
        const outcome = r < p.draftAccepted ? 0 : r < 1 - p.draftRejected ? 1 : 2;
        this.add(Math.max(before, this.now - SEC - rng.int(20 * SEC)), K_DRAFT, outcome);
      }
      this.humanMessage(this.now);
      if (i < turns - 1) {
        this.now += this.delay(p.customerGap, 1);
        this.add(this.now, K_CUSTOMER);
      }
    }
  }

  /** resolved → (reopened → reply → resolved?)*; sets the outcome. actor 0 = ai, 1 = human. */
  private resolveChain(actor: number, reopenP: number): void {
    const rng = this.rng;
    const p = this.p;
    this.now += Math.round(rng.range(5, 180) * SEC);
    this.add(this.now, K_RESOLVED, this.resolvedBy(actor));
    this.outcome = O_RESOLVED;
    for (let round = 0; round < 2; round++) {
      if (rng.next() >= (round === 0 ? reopenP : 0.15)) break;
      this.now += Math.max(10 * MINUTE, this.delay(5 * 3600, 1));
      this.add(this.now, K_REOPENED);
      this.now += rng.int(60 * SEC);
      this.add(this.now, K_CUSTOMER);
      if (actor === 0) {
        this.now += this.delay(p.aiDelay, 0.6);
        this.aiMessage(this.now, rng.next() < this.unconfidentP * 2);
      } else {
        this.now += this.delay(p.agentGap, 0.8);
        this.humanMessage(this.now);
      }
      if (rng.next() < 0.72) {
        this.now += Math.round(rng.range(10, 600) * SEC);
        this.add(this.now, K_RESOLVED, this.resolvedBy(actor));
        this.outcome = O_RESOLVED;
      } else {
        this.outcome = O_REOPENED;
        break;
      }
    }
  }

  /** Simulates one conversation; fills the scratch arrays (not sorted: follow-ups come later). */
  simulate(start: number, channel: number, topic: number, customer: number, tier: number, recontact: boolean): void {
    const rng = this.rng;
    const p = PROFILES[channel];
    const progress = this.spanMs > 0 ? (start - this.startMs) / this.spanMs : 1;
    const aiAdj = (topic >= 0 ? TOPIC_AI_ADJ[topic] : 0) + 0.04 * progress; // the AI improves a little over time
    this.p = p;
    this.n = 0;
    this.channel = channel;
    this.topic = topic;
    this.customer = customer;
    this.outcome = O_NONE;
    this.unconfidentP = Math.max(0.01, p.unconfident - 0.015 * progress);
    this.anyUnconfident = false;
    this.aiMessages = 0;
    this.humanMessages = 0;
    this.firstHumanAt = -1;

    this.now = start;
    this.add(start, K_STARTED);
    if (channel !== 1) this.now += rng.int(4 * SEC);
    this.add(this.now, K_CUSTOMER);

    // population, shifted by topic difficulty, tier and re-contact frustration
    const w = p.population;
    let aiOnly = w[0] * (1 + 2 * aiAdj);
    if (recontact) aiOnly *= 0.6;
    if (tier === 1) aiOnly *= 0.75;
    const pc = this.popCum;
    pc[0] = aiOnly;
    pc[1] = pc[0] + w[1] * (1 - aiAdj);
    pc[2] = pc[1] + w[2];
    pc[3] = pc[2] + w[3];
    const pop = rng.pick(pc);
    this.population = pop;

    let contextTransferred = true;
    let humanWaitLong = false;

    switch (pop) {
      case UNHANDLED: {
        if (rng.next() < 0.4) {
          this.now += this.delay(p.giveUp / 3, 0.8);
          this.add(this.now, K_CUSTOMER);
        }
        if (rng.next() < 0.85) this.abandon(p.giveUp);
        break;
      }
      case AI_ONLY: {
        this.aiTurns(5, false);
        const pRes = Math.min(0.97, p.aiResolve + aiAdj - (this.anyUnconfident ? 0.28 : 0));
        const pAb = p.aiAbandon + (this.anyUnconfident ? 0.15 : 0);
        const r = rng.next();
        if (r < pRes) this.resolveChain(0, 0.06);
        else if (r < pRes + pAb) this.abandon(p.customerGap * 2);
        break;
      }
      case AI_ESCALATED: {
        const reason = rng.pick(REASON_CUM);
        this.aiTurns(3, reason === 1 /* low_confidence */);
        contextTransferred = rng.next() < p.contextTransfer;
        this.now += Math.round(rng.range(1, 6) * SEC);
        this.add(this.now, K_ESCALATED, reason, contextTransferred ? 1 : 0);
        let wait = this.delay(p.escalationWait, 1) * (tier === 1 ? 0.6 : 1);
        wait = Math.round(wait * (contextTransferred ? 1 : 1.15));
        humanWaitLong = wait > p.escalationWait * 3 * SEC;
        if (rng.next() < (humanWaitLong ? 0.18 : 0.04)) {
          // gave up waiting for the human
          this.now += Math.round(wait * rng.range(0.3, 0.9));
          this.add(this.now, K_ABANDONED);
          this.outcome = O_ABANDONED;
          break;
        }
        this.humanThread(wait, 5);
        if (rng.next() < p.override) {
          this.add(this.firstHumanAt + SEC + rng.int(30 * SEC), K_OVERRIDE, rng.pick(CAUSE_CUM));
        }
        const r = rng.next();
        const pRes = p.humanResolve - (contextTransferred ? 0 : 0.08) - (humanWaitLong ? 0.05 : 0);
        if (r < pRes) this.resolveChain(1, 0.045);
        else if (r < pRes + (1 - pRes) / 2) this.abandon(p.customerGap * 2);
        break;
      }
      default: {
        // HUMAN_ONLY
        const wait = Math.round(this.delay(p.humanFirstResponse, 1) * (tier === 1 ? 0.6 : 1));
        humanWaitLong = wait > p.humanFirstResponse * 3 * SEC;
        this.humanThread(wait, 6);
        const r = rng.next();
        const pRes = p.humanResolve - (humanWaitLong ? 0.04 : 0);
        if (r < pRes) this.resolveChain(1, 0.04);
        else if (r < pRes + (1 - pRes) / 2) this.abandon(p.customerGap * 2);
        break;
      }
    }
    const ended = this.now;
    this.ended = ended;
    const outcome = this.outcome;
    const aiMessages = this.aiMessages;
    const humanMessages = this.humanMessages;
    const anyUnconfident = this.anyUnconfident;

    // handle time, logged when the session ends
    if (aiMessages > 0) {
      const secs = Math.round(aiMessages * rng.range(1.5, 9) * 10) / 10;
      this.add(ended + SEC + rng.int(10 * SEC), K_WORK, 0, secs);
    }
    if (humanMessages > 0) {
      const base = rng.logNormal(p.humanHandle, 0.7) * (0.7 + 0.3 * humanMessages);
      const secs = Math.max(20, Math.round(base * (contextTransferred ? 1 : 1.3)));
      if (rng.next() < 0.15) {
        const part = Math.round(secs * rng.range(0.2, 0.6));
        this.add(this.firstHumanAt + SEC, K_WORK, 1, part);
        this.add(ended + 2 * SEC + rng.int(20 * SEC), K_WORK, 1, secs - part);
      } else this.add(ended + 2 * SEC + rng.int(20 * SEC), K_WORK, 1, secs);
    }

    // CSAT: surveys after handled conversations; AI-only customers answer less and score lower
    let sendP = p.surveySent;
    if (pop === UNHANDLED) sendP *= 0.2;
    else if (outcome !== O_RESOLVED) sendP *= 0.6;
    if (rng.next() < sendP) {
      const sentAt = ended + Math.round(rng.range(60, 1800) * SEC);
      this.add(sentAt, K_SURVEY);
      const resolvedNow = outcome === O_RESOLVED;
      const respP = RESPONSE_RATE[pop] * p.responseMul * (resolvedNow ? 1 : 0.7);
      if (rng.next() < respP) {
        let mean = CSAT_MEAN[pop] + p.csatDelta;
        if (pop !== UNHANDLED) mean += resolvedNow ? 0.25 : -1.1;
        if (pop === AI_ESCALATED && !contextTransferred) mean -= 0.35;
        if (humanWaitLong) mean -= 0.4;
        if (anyUnconfident) mean -= 0.3;
        const score = Math.min(5, Math.max(1, Math.round(mean + 0.95 * rng.normal())));
        this.add(sentAt + this.delay(40 * 60, 1.2), K_CSAT, score);
      }
    }

    // QA review on a sample of AI conversations, hours to days later
    if (aiMessages > 0 && rng.next() < 0.1) {
      const at = ended + Math.round(rng.range(2, 96) * HOUR);
      const accurate = rng.next() < p.qaAccurate - (anyUnconfident ? 0.04 : 0);
      const policy = rng.next() < 0.75 ? (rng.next() < (accurate ? 0.975 : 0.85) ? 1 : 2) : 0;
      const safety = rng.next() < 0.65 ? (rng.next() < (accurate ? 0.003 : 0.05) ? 1 : 2) : 0;
      this.add(at, K_QA, accurate ? 1 : 0, policy, safety);
      if (!accurate && rng.next() < 0.5) {
        this.add(at + this.delay(20 * 60, 0.8), K_OVERRIDE, rng.next() < 0.7 ? 0 : 2);
      }
    }

    // will this customer come back (the answer did not stick, or they gave up)?
    let recontactP: number;
    if (outcome === O_RESOLVED) recontactP = pop === AI_ONLY ? p.aiRecontact : p.humanRecontact;
    else if (outcome === O_REOPENED) recontactP = 0.1;
    else if (outcome === O_ABANDONED) recontactP = pop === UNHANDLED ? 0.35 : 0.28;
    else recontactP = 0.22;
    this.scheduleRecontact = rng.next() < recontactP;
  }
}

/**
 * The demo event stream: `opts.conversations` conversations starting over [now − days, now]
 * (weekday/hour-of-day shaped), each yielded as its events in time order; conversations in
 * roughly start order. Events that would happen after `now` are not (yet) emitted.
 */
export function generateDemoEvents(opts: DemoOptions): Generator<DemoEvent> {
  return walk(opts, build);
}

/** Renders one event from the simulator's scratch arrays (an object, a JSON line or a CSV row). */
type Render<T> = (
  kind: number, f: number, g: number, h: number,
  event_id: string, conversation_id: string, at: string,
  sim: Simulator, customerPrefix: string, tier: number,
) => T;

function* walk<T>(opts: DemoOptions, render: Render<T>): Generator<T> {
  const { nowMs, startMs } = validate(opts);
  const N = opts.conversations;
  const seed = opts.seed;
  const spanMs = nowMs - startMs;
  const sim = new Simulator(seed, startMs, spanMs);
  const rng = sim.rng;
  const iso = new IsoFormatter();
  const queue = new RecontactQueue();
  const prefix = `demo-${seed}-`;
  const customerPrefix = `demo-${seed}-cust-`;

  // returning customers are drawn from roughly the last two weeks of customers
  const ringSize = Math.max(1, Math.min(MAX_CUSTOMER_RING, Math.round(N * Math.min(1, 14 / opts.days))));
  const ring = new Float64Array(ringSize);
  let ringFilled = 0;
  let ringPos = 0;
  let nextCustomer = 0;

  // hourly buckets from startMs; the last one ends at now
  const buckets = Math.max(1, Math.ceil(spanMs / HOUR));
  const bucketWeight = (i: number): number => {
    const b0 = startMs + i * HOUR;
    const len = Math.min(HOUR, nowMs - b0);
    if (len <= 0) return 0;
    const mid = b0 + len / 2;
    const hour = Math.floor(mid / HOUR) % 24;
    const weekday = (Math.floor(mid / DAY) + 4) % 7; // 1970-01-01 was a Thursday
    const growth = 1 + 0.12 * ((mid - startMs) / Math.max(1, spanMs));
    return (HOUR_SHAPE[hour] * WEEKDAY_SHAPE[weekday] * growth * len) / HOUR;
  };
  let total = 0;
  for (let i = 0; i < buckets; i++) total += bucketWeight(i);

  let emitted = 0;
  let cum = 0;
  for (let b = 0; b < buckets && emitted < N; b++) {
    cum += bucketWeight(b);
    // floor: the last conversation always falls in the last bucket, close to now
    const target = b === buckets - 1 ? N : Math.min(N, Math.floor((N * cum) / total));
    const count = target - emitted;
    if (count <= 0) continue;
    const b0 = startMs + b * HOUR;
    const len = Math.max(1, Math.min(HOUR, nowMs - b0));
    for (let j = 0; j < count; j++) {
      const slot = Math.min(nowMs, b0 + Math.floor(((j + rng.next()) * len) / count));
      // a due re-contact takes this slot (the total stays exactly N)
      let start: number, channel: number, topic: number, customer: number, recontact: boolean;
      const due = queue.peek();
      if (due !== undefined && due.t <= slot) {
        queue.pop();
        start = due.t;
        customer = due.customer;
        topic = due.topic;
        recontact = true;
        if (rng.next() < 0.7) {
          // switch channel: voice and email take most of the frustrated customers
          let c = due.channel;
          for (let k = 0; k < 8 && c === due.channel; k++) c = pickExcept(rng, due.channel);
          channel = c;
        } else channel = due.channel;
      } else {
        start = slot;
        recontact = false;
        channel = rng.pick(MIX_CUM);
        topic = rng.next() < TOPIC_ABSENT ? -1 : rng.pick(TOPIC_CUM);
        if (ringFilled > 0 && rng.next() < RETURNING_SHARE) customer = ring[rng.int(ringFilled)];
        else customer = nextCustomer++;
      }
      ring[ringPos] = customer;
      ringPos = ringPos + 1 === ringSize ? 0 : ringPos + 1;
      if (ringFilled < ringSize) ringFilled++;

      const tu = hashUnit(seed, customer);
      const tier = tu < TIER_VIP ? 1 : tu < TIER_VIP + TIER_STANDARD ? 2 : 0; // 0 = absent
      sim.simulate(start, channel, topic, customer, tier, recontact);
      if (sim.scheduleRecontact && queue.size < MAX_PENDING_RECONTACTS) {
        const gap = Math.min(96 * HOUR, Math.max(5 * MINUTE, Math.round(rng.logNormal(6 * 3600, 1.1) * SEC)));
        const at = sim.ended + gap;
        if (at <= nowMs) queue.push({ t: at, customer, topic, channel });
      }

      // emit in time order (stable insertion sort of a handful of events), dropping the future
      const n = sim.n;
      const ts = sim.t;
      const order = sim.order;
      for (let i = 0; i < n; i++) {
        let k = i;
        while (k > 0 && ts[order[k - 1]] > ts[i]) {
          order[k] = order[k - 1];
          k--;
        }
        order[k] = i;
      }
      const conversationId = prefix + emitted;
      let seq = 0;
      for (let i = 0; i < n; i++) {
        const e = order[i];
        const at = ts[e];
        if (at > nowMs) continue;
        yield render(
          sim.kind[e], sim.f[e], sim.g[e], sim.h[e],
          conversationId + "-" + seq++, conversationId, iso.format(at),
          sim, customerPrefix, tier,
        );
      }
      emitted++;
    }
  }
}

const RECONTACT_CUM = cumulative(RECONTACT_MIX);
function pickExcept(rng: Rng, except: number): number {
  const c = rng.pick(RECONTACT_CUM);
  return c === except ? rng.pick(RECONTACT_CUM) : c;
}

const TIERS = ["", "vip", "standard"] as const;

function build(
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
const jsonLine: Render<string> = (kind, f, g, h, event_id, conversation_id, at, sim, customerPrefix, tier) => {
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
const csvLine: Render<string> = (kind, f, g, h, event_id, conversation_id, at, sim, customerPrefix, tier) => {
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

/** One JSON line per event, each ending in "\n" (NDJSON); the same events as generateDemoEvents. */
export function demoEventsToNdjson(opts: DemoOptions): Generator<string> {
  return walk(opts, jsonLine);
}

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

/** The header line, then one canonical CSV row per event (fast path, no intermediate objects). */
export function* demoEventsToCsv(opts: DemoOptions): Generator<string> {
  yield demoCsvHeader;
  yield* walk(opts, csvLine);
}
