/**
 * The simulation of one demo conversation at a time: channel profile, population, AI and human
 * turns, resolution and reopen chains, handle time, CSAT, QA reviews, and whether the customer
 * comes back. Deterministic for a seed; writes into reusable scratch arrays, no objects per event.
 */
import {
  AI_ESCALATED, AI_ONLY, HOUR, K_ABANDONED, K_AI, K_CSAT, K_CUSTOMER, K_DRAFT, K_ESCALATED,
  K_HUMAN, K_OVERRIDE, K_QA, K_REOPENED, K_RESOLVED, K_STARTED, K_SURVEY, K_WORK, MINUTE,
  O_ABANDONED, O_NONE, O_REOPENED, O_RESOLVED, SEC, UNHANDLED,
} from "./codes";
import { cumulative, Rng } from "./prng";
import {
  CHANNEL_PROFILES,
  CSAT_MEAN as P_CSAT_MEAN,
  ESCALATION_REASON_WEIGHTS,
  OVERRIDE_CAUSE_WEIGHTS,
  RESPONSE_RATE as P_RESPONSE_RATE,
  TOPICS,
  type ChannelProfile,
} from "./profiles";

const MAX_EVENTS = 256;
/** agent 0 stands for a human_message without agent_id */
export const AGENTS = 120;

// module-local copies widened to plain arrays, read per event (kept from before the split, where
// they were added against getter-style imports; the kinds from codes.ts are imported directly and
// the generator measured the same speed after the split)
const PROFILES: readonly ChannelProfile[] = CHANNEL_PROFILES;
const RESPONSE_RATE: readonly number[] = P_RESPONSE_RATE;
const CSAT_MEAN: readonly number[] = P_CSAT_MEAN;
const TOPIC_AI_ADJ: readonly number[] = TOPICS.map((t) => t.aiAdj);
const REASON_CUM = cumulative(ESCALATION_REASON_WEIGHTS);
const CAUSE_CUM = cumulative([...OVERRIDE_CAUSE_WEIGHTS, 0.05]);

/** The simulation of one conversation at a time, into reusable scratch arrays. */
export class Simulator {
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
