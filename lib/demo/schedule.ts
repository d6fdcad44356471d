/**
 * The demo conversation schedule: conversations start over [now − days, now], shaped by weekday
 * and hour of day, in (roughly) start order, with returning customers and scheduled re-contacts;
 * each conversation is simulated, sorted into time order and handed to a renderer.
 *
 * Memory is bounded independently of the number of conversations: a ring of recent customers and
 * a capped queue of re-contacts. The same options always give the same sequence.
 */
import { DAY, HOUR, MINUTE, SEC } from "./codes";
import { cumulative, hashUnit, Rng } from "./prng";
import { CHANNEL_PROFILES, HOUR_SHAPE, TIER_STANDARD, TIER_VIP, TOPIC_ABSENT, TOPICS, WEEKDAY_SHAPE } from "./profiles";
import { Simulator } from "./simulator";

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

const MAX_PENDING_RECONTACTS = 250_000;
const MAX_CUSTOMER_RING = 2_000_000;
/** share of new conversations from an earlier customer (besides scheduled re-contacts) */
const RETURNING_SHARE = 0.07;
const TOPIC_CUM = cumulative(TOPICS.map((t) => t.weight));
const MIX_CUM = cumulative(CHANNEL_PROFILES.map((p) => p.mix));
const RECONTACT_CUM = cumulative(CHANNEL_PROFILES.map((p) => p.recontactMix));

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

/** Renders one event from the simulator's scratch arrays (an object, a JSON line or a CSV row). */
export type Render<T> = (
  kind: number, f: number, g: number, h: number,
  event_id: string, conversation_id: string, at: string,
  sim: Simulator, customerPrefix: string, tier: number,
) => T;

/** Every event of `opts.conversations` conversations, in time order within each, rendered. */
export function* walk<T>(opts: DemoOptions, render: Render<T>): Generator<T> {
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

function pickExcept(rng: Rng, except: number): number {
  const c = rng.pick(RECONTACT_CUM);
  return c === except ? rng.pick(RECONTACT_CUM) : c;
}
