import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findSegment, referenceConversations, referenceMetrics } from "../reference/metrics";
import { matchExpected } from "../reference/expect";
import { FIXTURES } from "../reference/fixtures";
import { containmentFixture } from "../reference/fixtures/containment";
import { escalationFixture } from "../reference/fixtures/escalation";
import { resolutionFixture } from "../reference/fixtures/resolution";
import { arbEventSet, arbScenario } from "../reference/arbitraries";
import { erfc, percentileCont, twoProportionPValue, wilson } from "../reference/stats";
import {
  ACTORS,
  CHANNELS,
  DRAFT_OUTCOMES,
  ESCALATION_REASONS,
  OVERRIDE_CAUSES,
  RATE_KEYS,
  WINDOWED_RATE_KEYS,
  type RawEvent,
  type RefResponse,
} from "../reference/types";
import { HOUR_MS, parseIsoMs } from "../reference/time";

const RUNS = Number(process.env.REFERENCE_RUNS || 200);
const TIMEOUT = 30_000 + RUNS * 50;

describe("reference: hand-worked fixtures", () => {
  for (const f of FIXTURES) {
    it(f.name, () => {
      const res = referenceMetrics(f.events, f.request, f.settings);
      expect(matchExpected(res, f.expected)).toEqual([]);
    });
  }

  it("the matcher reports a wrong expectation", () => {
    const f = containmentFixture;
    const res = referenceMetrics(f.events, f.request, f.settings);
    const wrong = structuredClone(f.expected);
    wrong.segments[0].metrics.inbound = { value: 11 };
    wrong.segments.push({ channel: "voice", population: "all", metrics: {} });
    expect(matchExpected(res, wrong)).toHaveLength(2);
  });

  it("derived rows of the fixtures follow the tie-break rules", () => {
    const rows = new Map(referenceConversations(escalationFixture.events).map((r) => [r.conversation_id, r]));
    expect(rows.get("E4")).toMatchObject({
      escalation_reason: "policy_rule",
      context_transferred: true,
      escalation_wait_s: 0,
      escalated_at: "2026-03-03T12:01:00.000Z",
    });
    expect(rows.get("E3")).toMatchObject({ population: "ai_escalated", escalated_at: null, context_transferred: null });
    expect(rows.get("H1")).toMatchObject({ population: "human_only", escalation_wait_s: 30, human_first_response_s: 60 });

    const res = new Map(referenceConversations(resolutionFixture.events).map((r) => [r.conversation_id, r]));
    expect(res.get("R4")).toMatchObject({ resolved: false, reopened: true, resolved_by: null });
    expect(res.get("R3")).toMatchObject({ resolved: true, reopened: true, resolved_by: "ai", started_at: "2026-03-02T10:00:00.000Z" });
    expect(res.get("R1")).toMatchObject({ next_contact_at: "2026-03-03T21:00:00.000Z", recontacted: false, verified_resolved: false });
    expect(res.get("R4")!.next_contact_at).toBeNull(); // R5 has a different topic
    expect(res.get("R6")).toMatchObject({ next_contact_at: "2026-03-10T08:00:00.000Z", recontacted: true });
  });

  it("conversation_started: first received wins, conflicts counted; ended_at uses the winner only", () => {
    const events: RawEvent[] = [
      { conversation_id: "c", type: "conversation_started", at: "2026-03-02T10:00:00Z", customer_id: "k", channel: "chat" },
      { conversation_id: "c", type: "conversation_started", at: "2026-03-02T11:00:00Z", customer_id: "k", channel: "chat" },
      { conversation_id: "c", type: "conversation_started", at: "2026-03-02T10:00:00Z", customer_id: "k", channel: "email", topic: "t" },
      { conversation_id: "c", type: "conversation_started", at: "2026-03-02T12:00:00+02:00", customer_id: "k", channel: "chat" },
    ];
    const [row] = referenceConversations(events);
    expect(row).toMatchObject({ channel: "chat", topic: null, start_conflicts: 2, ended_at: "2026-03-02T10:00:00.000Z" });
  });

  it("resolved_by tie-break: greatest event_id, then human > ai > absent, then fallback", () => {
    const base: RawEvent[] = [
      { conversation_id: "c", type: "conversation_started", at: "2026-03-02T10:00:00Z", customer_id: "k", channel: "chat" },
      { conversation_id: "c", type: "ai_message", at: "2026-03-02T10:00:01Z" },
    ];
    const at = "2026-03-02T10:05:00Z";
    const by = (extra: RawEvent[]) => referenceConversations([...base, ...extra])[0].resolved_by;
    expect(by([{ conversation_id: "c", type: "resolved", at, by: "human", event_id: "a" }, { conversation_id: "c", type: "resolved", at, by: "ai", event_id: "b" }])).toBe("ai");
    expect(by([{ conversation_id: "c", type: "resolved", at, by: "human" }, { conversation_id: "c", type: "resolved", at, by: "ai", event_id: "b" }])).toBe("ai");
    expect(by([{ conversation_id: "c", type: "resolved", at, by: "ai" }, { conversation_id: "c", type: "resolved", at, by: "human" }])).toBe("human");
    expect(by([{ conversation_id: "c", type: "resolved", at }, { conversation_id: "c", type: "resolved", at: "2026-03-02T10:04:00Z", by: "human" }])).toBe("ai");
  });
});

describe("reference: statistics helpers", () => {
  it("erfc matches known values", () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 14);
    expect(erfc(1.959963984540054 / Math.SQRT2)).toBeCloseTo(0.05, 13);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(5) / 1.5374597944280349e-12).toBeCloseTo(1, 12);
  });
  it("two-proportion p-value", () => {
    expect(twoProportionPValue(3, 4, 2, 3)).toBeCloseTo(0.8091498346314979, 12);
    expect(twoProportionPValue(3, 3, 5, 5)).toBe(1); // pooled p = 1 -> se 0
    expect(twoProportionPValue(0, 3, 0, 5)).toBe(1);
    expect(twoProportionPValue(1, 0, 1, 2)).toBeNull();
    // scipy: 2 * norm.sf(|z|) for 40/50 vs 25/50
    expect(twoProportionPValue(40, 50, 25, 50)).toBeCloseTo(0.001661694457983504, 12);
  });
  it("wilson and percentile_cont", () => {
    expect(wilson(0, 0)).toBeNull();
    expect(wilson(6, 10)![0]).toBeCloseTo(0.31267376973365824, 14);
    expect(wilson(0, 5)![0]).toBe(0);
    expect(wilson(5, 5)![1]).toBe(1);
    expect(percentileCont([], 0.5)).toBeNull();
    expect(percentileCont([7], 0.9)).toBe(7);
    expect(percentileCont([4, 1, 3, 2], 0.9)).toBeCloseTo(3.7, 12);
  });
});

// ------------------------------------------------------------------ properties

function shuffleKeepingStarts(events: RawEvent[], rnd: () => number): RawEvent[] {
  const out = [...events];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  // put the conversation_started events back in their original relative order
  const starts = events.filter((e) => e.type === "conversation_started");
  let k = 0;
  return out.map((e) => (e.type === "conversation_started" ? starts[k++] : e));
}

function segKey(s: { channel: string | null; population: string | null; customer_tier?: string | null }) {
  return JSON.stringify([s.channel, s.population, s.customer_tier]);
}

function bySegment(res: RefResponse) {
  return new Map(res.segments.map((s) => [segKey(s), s]));
}

describe("reference: invariants (property tests)", () => {
  it("rates are well formed: 0 <= numerator <= denominator, pending only on windowed rates", () => {
    fc.assert(
      fc.property(arbScenario(), ({ events, request }) => {
        const res = referenceMetrics(events, request);
        const overall = findSegment(res, { channel: "all", population: "all", customer_tier: request.group_by?.includes("customer_tier") ? "all" : undefined });
        expect(overall).toBeDefined();
        for (const seg of res.segments) {
          for (const key of RATE_KEYS) {
            const r = seg.metrics[key];
            expect(r.numerator).toBeGreaterThanOrEqual(0);
            expect(r.numerator).toBeLessThanOrEqual(r.denominator);
            if (r.denominator === 0) {
              expect(r.value).toBeNull();
              expect(r.ci95).toBeNull();
            } else {
              expect(r.ci95![0]).toBeLessThanOrEqual(r.value! + 1e-12);
              expect(r.ci95![1]).toBeGreaterThanOrEqual(r.value! - 1e-12);
            }
            const windowed = (WINDOWED_RATE_KEYS as readonly string[]).includes(key);
            expect(r.pending !== undefined).toBe(windowed);
            if (windowed) expect(r.denominator + r.pending!).toBeLessThanOrEqual(seg.metrics.inbound.value);
          }
          expect(seg.metrics.deflection_rate.numerator).toBeLessThanOrEqual(seg.metrics.verified_resolution_rate.numerator);
          expect(seg.metrics.verified_resolution_rate.denominator + seg.metrics.verified_resolution_rate.pending!).toBe(seg.metrics.inbound.value);
          expect(seg.metrics.recontact_rate.denominator + seg.metrics.recontact_rate.pending!).toBe(seg.metrics.inbound.value);
          if (seg.metrics.inbound.value > 0) expect(seg.metrics.inbound.value).toBeGreaterThan(0);
          else expect(seg === overall).toBe(true); // only the overall segment may be empty
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("replaying every event twice gives the same result", () => {
    fc.assert(
      fc.property(arbScenario(), ({ events, request }) => {
        expect(referenceMetrics([...events, ...events], request)).toEqual(referenceMetrics(events, request));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("any delivery order with the same order of conversation_started events gives the same result", () => {
    fc.assert(
      fc.property(arbScenario(), fc.integer(), ({ events, request }, seed) => {
        let s = seed;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
        const a = referenceMetrics(events, request);
        const b = referenceMetrics(shuffleKeepingStarts(events, rnd), request);
        expect(bySegment(b)).toEqual(bySegment(a));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("CUBE: the per-value segments of each grouped dimension add up to the total", () => {
    fc.assert(
      fc.property(arbScenario(), ({ events, request }) => {
        const res = referenceMetrics(events, request);
        const dims = request.group_by ?? [];
        const tier = dims.includes("customer_tier") ? "all" : undefined;
        const total = findSegment(res, { channel: "all", population: "all", customer_tier: tier })!;
        for (const d of dims) {
          const parts = res.segments.filter((s) =>
            (["channel", "population", "customer_tier"] as const).every((x) => (x === d ? s[x] !== "all" : s[x] === "all" || (x === "customer_tier" && tier === undefined))),
          );
          const sum = parts.reduce((acc, s) => acc + s.metrics.inbound.value, 0);
          expect(sum).toBe(total.metrics.inbound.value);
          const resolved = parts.reduce((acc, s) => acc + s.metrics.resolution_rate.numerator, 0);
          expect(resolved).toBe(total.metrics.resolution_rate.numerator);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("a population segment equals the same population as a filter", () => {
    fc.assert(
      fc.property(arbScenario(), fc.constantFrom("ai_only", "ai_escalated", "human_only", "unhandled"), ({ events, request }, p) => {
        const base = { ...request, population: undefined, group_by: undefined };
        const grouped = referenceMetrics(events, { ...base, group_by: ["population"] });
        const filtered = referenceMetrics(events, { ...base, population: [p] });
        const seg = findSegment(grouped, { channel: "all", population: p });
        const all = findSegment(filtered, { channel: "all", population: "all" })!;
        if (seg) expect(seg.metrics).toEqual(all.metrics);
        else expect(all.metrics.inbound.value).toBe(0);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("recontacted via next_contact_at agrees with the direct definition", () => {
    fc.assert(
      fc.property(arbEventSet(), fc.constantFrom(1, 24, 48, 72, 200), ({ events }, h) => {
        for (const row of referenceConversations(events, { recontact_hours: h })) {
          if (row.started_at === null) {
            expect(row.recontacted).toBe(false);
            continue;
          }
          const viaNext = row.next_contact_at !== null && parseIsoMs(row.next_contact_at) <= parseIsoMs(row.ended_at!) + h * HOUR_MS;
          expect(row.recontacted).toBe(viaNext);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

// ------------------------------------------------------------------ the generator itself

const OWN: Record<string, Record<string, (v: unknown) => boolean>> = {
  conversation_started: {},
  customer_message: {},
  ai_message: {},
  human_message: {},
  escalated: {},
  resolved: {},
  reopened: {},
  abandoned: {},
  csat_survey_sent: {},
  csat_response: {},
  work_logged: {},
  ai_draft: {},
  qa_review: {},
  human_override: {},
};
const str = (max: number) => (v: unknown) => typeof v === "string" && v.length >= 1 && v.length <= max;
const oneOf = (xs: readonly string[]) => (v: unknown) => typeof v === "string" && xs.includes(v);
const bool = (v: unknown) => typeof v === "boolean";
const REQUIRED: Record<string, Record<string, (v: unknown) => boolean>> = {
  ...OWN,
  conversation_started: { customer_id: str(200), channel: oneOf(CHANNELS) },
  escalated: { reason: oneOf(ESCALATION_REASONS), context_transferred: bool },
  csat_response: { score: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5 },
  work_logged: { actor: oneOf(ACTORS), seconds: (v) => typeof v === "number" && Number.isFinite(v) && v >= 0 },
  ai_draft: { outcome: oneOf(DRAFT_OUTCOMES) },
  qa_review: { accurate: bool },
};
const OPTIONAL: Record<string, Record<string, (v: unknown) => boolean>> = {
  ...OWN,
  conversation_started: { topic: str(200), customer_tier: str(50) },
  ai_message: { confident: bool },
  human_message: { agent_id: str(200) },
  resolved: { by: oneOf(ACTORS) },
  qa_review: { policy_compliant: bool, safety_incident: bool },
  human_override: { cause: oneOf(OVERRIDE_CAUSES) },
};

function validationErrors(e: RawEvent): string[] {
  const errors: string[] = [];
  const rec = e as unknown as Record<string, unknown>;
  if (!(e.type in OWN)) return [`unknown type ${e.type}`];
  if (!str(200)(e.conversation_id)) errors.push("conversation_id");
  if (e.event_id !== undefined && !str(200)(e.event_id)) errors.push("event_id");
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/.test(e.at)) errors.push(`at ${e.at}`);
  const req = REQUIRED[e.type];
  const opt = OPTIONAL[e.type];
  for (const [k, ok] of Object.entries(req)) if (!ok(rec[k])) errors.push(`${e.type}.${k}`);
  for (const [k, v] of Object.entries(rec)) {
    if (["event_id", "conversation_id", "type", "at"].includes(k) || k in req) continue;
    if (!(k in opt)) errors.push(`${e.type}: foreign field ${k}`);
    else if (!opt[k](v)) errors.push(`${e.type}.${k}`);
  }
  return errors;
}

describe("reference: the event generator", () => {
  it("makes only valid events", () => {
    fc.assert(
      fc.property(arbEventSet(), ({ events }) => {
        for (const e of events) expect(validationErrors(e)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("covers every feature the comparison needs", () => {
    const seen = new Set<string>();
    for (const set of fc.sample(arbEventSet(), { numRuns: 300, seed: 42 })) {
      const { events } = set;
      const keyOf = (e: RawEvent) => JSON.stringify({ ...e, at: parseIsoMs(e.at) });
      const counts = new Map<string, number>();
      for (const e of events) counts.set(keyOf(e), (counts.get(keyOf(e)) ?? 0) + 1);
      for (const e of events) {
        seen.add(`type:${e.type}`);
        for (const k of ["channel", "reason", "by", "score", "actor", "outcome", "cause", "confident", "policy_compliant", "safety_incident", "context_transferred"] as const) {
          if (e[k] !== undefined) seen.add(`${k}:${String(e[k])}`);
        }
        if (e.type === "work_logged") seen.add(e.seconds === 0 ? "work:0" : "work:>0");
        if (e.type === "qa_review" && e.policy_compliant === undefined) seen.add("policy:unset");
        if (e.type === "conversation_started") seen.add(e.topic === undefined ? "topic:unset" : "topic:set");
        if (e.type === "conversation_started") seen.add(e.customer_tier === undefined ? "tier:unset" : "tier:set");
        if (e.event_id === undefined) seen.add("no-event-id");
        if (/[+-]\d{2}:\d{2}$/.test(e.at)) seen.add("offset");
        if (/\.\d{3}/.test(e.at)) seen.add("ms");
        if ((counts.get(keyOf(e)) ?? 0) > 1) seen.add(e.event_id === undefined ? "dup:no-id" : "dup:id");
      }
      const rows = referenceConversations(events);
      if (rows.some((r) => r.started_at === null)) seen.add("orphan");
      if (rows.some((r) => r.start_conflicts > 0)) seen.add("conflict");
      if (rows.some((r) => r.next_contact_at !== null)) seen.add("recontact");
      const byConv = new Map<string, RawEvent[]>();
      for (const e of events) byConv.set(e.conversation_id, [...(byConv.get(e.conversation_id) ?? []), e]);
      for (const evs of byConv.values()) {
        const at = (t: string) => new Set(evs.filter((e) => e.type === t).map((e) => parseIsoMs(e.at)));
        const res = at("resolved");
        if ([...at("reopened")].some((x) => res.has(x))) seen.add("resolved+reopened same at");
        const csat = evs.filter((e) => e.type === "csat_response" && e.score !== undefined);
        if (new Set(csat.map((e) => parseIsoMs(e.at) + ":" + e.score)).size > new Set(csat.map((e) => parseIsoMs(e.at))).size) seen.add("csat tie");
        const started = evs.find((e) => e.type === "conversation_started");
        if (started && evs.indexOf(started) > 0) seen.add("start not first");
      }
      const customers = new Map<string, Set<string>>();
      for (const e of events) if (e.type === "conversation_started") customers.set(e.customer_id!, new Set([...(customers.get(e.customer_id!) ?? []), e.channel!]));
      if ([...customers.values()].some((s) => s.size > 1)) seen.add("customer on several channels");
    }
    const want = [
      ...["conversation_started", "customer_message", "ai_message", "human_message", "escalated", "resolved", "reopened", "abandoned", "csat_survey_sent", "csat_response", "work_logged", "ai_draft", "qa_review", "human_override"].map((t) => `type:${t}`),
      ...CHANNELS.map((c) => `channel:${c}`),
      ...ESCALATION_REASONS.map((r) => `reason:${r}`),
      ...ACTORS.map((a) => `by:${a}`),
      ...ACTORS.map((a) => `actor:${a}`),
      ...[1, 2, 3, 4, 5].map((s) => `score:${s}`),
      ...DRAFT_OUTCOMES.map((o) => `outcome:${o}`),
      ...OVERRIDE_CAUSES.map((c) => `cause:${c}`),
      "confident:false", "confident:true", "policy_compliant:true", "policy_compliant:false", "safety_incident:true", "safety_incident:false",
      "context_transferred:true", "context_transferred:false",
      "work:0", "work:>0", "policy:unset", "topic:set", "topic:unset", "tier:set", "tier:unset", "no-event-id", "offset", "ms",
      "dup:no-id", "dup:id", "orphan", "conflict", "recontact", "resolved+reopened same at", "csat tie", "start not first",
      "customer on several channels",
    ];
    expect(want.filter((w) => !seen.has(w))).toEqual([]);
  });
});
