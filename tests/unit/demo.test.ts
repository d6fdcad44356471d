import { describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import {
  demoCsvHeader,
  demoEventsToCsv,
  demoEventsToNdjson,
  demoEventToCsvRow,
  generateDemoEvents,
  type DemoEvent,
  type DemoOptions,
} from "@/lib/demo/generate";
import {
  ACTORS,
  CANONICAL_COLUMNS,
  CHANNELS,
  DRAFT_OUTCOMES,
  ESCALATION_REASONS,
  EVENT_TYPES,
  OVERRIDE_CAUSES,
  POPULATIONS,
} from "@/lib/events/vocabulary";
import { isRejection, validateEvent } from "@/lib/events/schema";

const NOW = new Date("2025-06-18T15:27:41.123Z");
const BASE: DemoOptions = { conversations: 5000, seed: 42, days: 60, now: NOW };
const HOUR = 3_600_000;

// ---- a validity check written from events.md ----
type FieldSpec = { req: boolean; check: (v: unknown) => boolean };
const str = (max: number) => (v: unknown) => typeof v === "string" && v.length >= 1 && v.length <= max;
const bool = (v: unknown) => typeof v === "boolean";
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === "string" && values.includes(v);
const req = (check: FieldSpec["check"]): FieldSpec => ({ req: true, check });
const opt = (check: FieldSpec["check"]): FieldSpec => ({ req: false, check });

const OWN: Record<string, Record<string, FieldSpec>> = {
  conversation_started: {
    customer_id: req(str(200)),
    channel: req(oneOf(CHANNELS)),
    topic: opt(str(200)),
    customer_tier: opt(str(50)),
  },
  customer_message: {},
  ai_message: { confident: opt(bool) },
  human_message: { agent_id: opt(str(200)) },
  escalated: { reason: req(oneOf(ESCALATION_REASONS)), context_transferred: req(bool) },
  resolved: { by: opt(oneOf(ACTORS)) },
  reopened: {},
  abandoned: {},
  csat_survey_sent: {},
  csat_response: { score: req((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5) },
  work_logged: {
    actor: req(oneOf(ACTORS)),
    seconds: req((v) => typeof v === "number" && Number.isFinite(v) && v >= 0),
  },
  ai_draft: { outcome: req(oneOf(DRAFT_OUTCOMES)) },
  qa_review: { accurate: req(bool), policy_compliant: opt(bool), safety_incident: opt(bool) },
  human_override: { cause: opt(oneOf(OVERRIDE_CAUSES)) },
};
const ISO_Z = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** null when valid, else the first problem. */
function problem(e: Record<string, unknown>): string | null {
  if (!str(200)(e.event_id)) return "event_id";
  if (!str(200)(e.conversation_id)) return "conversation_id";
  if (typeof e.type !== "string" || !(EVENT_TYPES as readonly string[]).includes(e.type)) return "type";
  if (typeof e.at !== "string" || !ISO_Z.test(e.at)) return "at format";
  if (new Date(e.at).toISOString() !== e.at) return "at is not a real instant";
  const own = OWN[e.type];
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || v === null) return `${k} is ${v}`;
    if (k === "event_id" || k === "conversation_id" || k === "type" || k === "at") continue;
    const spec = own[k];
    if (!spec) return `${k} does not belong to ${e.type}`;
    if (!spec.check(v)) return `${k} invalid: ${JSON.stringify(v)}`;
  }
  for (const [k, spec] of Object.entries(own)) if (spec.req && !(k in e)) return `${k} missing`;
  return null;
}

// ---- per-conversation derivation (metrics.md §1, the parts the tests need) ----
interface Conv {
  id: string;
  customer: string;
  channel: string;
  topic?: string;
  start: number;
  end: number;
  ai: boolean;
  human: boolean;
  csat: boolean;
  types: string[];
}
const SESSION = new Set([
  "conversation_started", "customer_message", "ai_message", "human_message", "escalated", "resolved",
  "reopened", "abandoned",
]);
function population(c: Conv): string {
  return c.ai && c.human ? "ai_escalated" : c.ai ? "ai_only" : c.human ? "human_only" : "unhandled";
}
function conversations(events: DemoEvent[]): Map<string, Conv> {
  const out = new Map<string, Conv>();
  for (const e of events) {
    let c = out.get(e.conversation_id);
    if (!c) {
      c = { id: e.conversation_id, customer: "", channel: "", start: NaN, end: -Infinity, ai: false, human: false, csat: false, types: [] };
      out.set(e.conversation_id, c);
    }
    const at = Date.parse(e.at);
    c.types.push(e.type);
    if (SESSION.has(e.type)) c.end = Math.max(c.end, at);
    if (e.type === "conversation_started") {
      c.customer = e.customer_id;
      c.channel = e.channel;
      c.topic = e.topic;
      c.start = at;
    } else if (e.type === "ai_message") c.ai = true;
    else if (e.type === "human_message" || e.type === "escalated") c.human = true;
    else if (e.type === "csat_response") c.csat = true;
  }
  return out;
}

const events = [...generateDemoEvents(BASE)];
const convs = conversations(events);

describe("demo generator", () => {
  it("is deterministic: same options give the same events, another seed different ones", () => {
    const opts = { ...BASE, conversations: 400 };
    const a = JSON.stringify([...generateDemoEvents(opts)]);
    const b = JSON.stringify([...generateDemoEvents(opts)]);
    const c = JSON.stringify([...generateDemoEvents({ ...opts, seed: 43 })]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    // a prefix of a larger run is stable too (ids depend on seed and index only)
    const first = [...generateDemoEvents(opts)][0];
    expect(first.conversation_id).toBe("demo-42-0");
    expect(first.event_id).toBe("demo-42-0-0");
  });

  it("yields exactly the requested number of conversations, unique ids, each in time order", () => {
    const started = events.filter((e) => e.type === "conversation_started");
    expect(started.length).toBe(BASE.conversations);
    expect(convs.size).toBe(BASE.conversations);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
    for (let i = 1; i < events.length; i++) {
      if (events[i].conversation_id === events[i - 1].conversation_id) {
        expect(events[i].at >= events[i - 1].at).toBe(true);
      }
    }
    // conversations come out roughly in start order
    const starts = started.map((e) => Date.parse(e.at));
    let inversions = 0;
    for (let i = 1; i < starts.length; i++) if (starts[i] < starts[i - 1] - 6 * HOUR) inversions++;
    expect(inversions).toBeLessThan(starts.length * 0.01);
  });

  it("yields only events valid per events.md", () => {
    const bad: string[] = [];
    for (const e of events) {
      const p = problem(e as unknown as Record<string, unknown>);
      if (p) bad.push(`${e.event_id} ${e.type}: ${p}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // and the ingest schema agrees
    for (const e of events.slice(0, 20_000)) {
      const r = validateEvent(e);
      if (isRejection(r)) bad.push(`${e.event_id}: ${r.field} ${r.reason}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // every type and every escalation reason / override cause / draft outcome occurs
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    const reasons = new Set(events.flatMap((e) => (e.type === "escalated" ? [e.reason] : [])));
    expect(reasons).toEqual(new Set(ESCALATION_REASONS));
    const causes = new Set(events.flatMap((e) => (e.type === "human_override" && e.cause ? [e.cause] : [])));
    expect(causes).toEqual(new Set(OVERRIDE_CAUSES));
    const outcomes = new Set(events.flatMap((e) => (e.type === "ai_draft" ? [e.outcome] : [])));
    expect(outcomes).toEqual(new Set(DRAFT_OUTCOMES));
  });

  it("keeps every event within [now - days, now], the latest within a day of now", () => {
    const nowMs = NOW.getTime();
    const from = nowMs - BASE.days * 24 * HOUR;
    let latest = -Infinity;
    for (const e of events) {
      const t = Date.parse(e.at);
      expect(t).toBeLessThanOrEqual(nowMs);
      expect(t).toBeGreaterThanOrEqual(from);
      latest = Math.max(latest, t);
    }
    expect(nowMs - latest).toBeLessThan(24 * HOUR);
  });

  it("has fewer conversations on weekends and a business-hours peak", () => {
    const byDay = new Array(7).fill(0), byHour = new Array(24).fill(0);
    for (const c of convs.values()) {
      const d = new Date(c.start);
      byDay[d.getUTCDay()]++;
      byHour[d.getUTCHours()]++;
    }
    expect(byDay[0] + byDay[6]).toBeLessThan(((byDay[1] + byDay[2] + byDay[3] + byDay[4] + byDay[5]) / 5) * 2 * 0.75);
    expect(byHour[11]).toBeGreaterThan(byHour[3] * 3);
  });

  it("covers all channels and populations in realistic shares", () => {
    const ch = new Map<string, number>(), pop = new Map<string, number>();
    for (const c of convs.values()) {
      ch.set(c.channel, (ch.get(c.channel) ?? 0) + 1);
      const p = population(c);
      pop.set(p, (pop.get(p) ?? 0) + 1);
    }
    const n = convs.size;
    const share = (m: Map<string, number>, k: string) => (m.get(k) ?? 0) / n;
    for (const c of CHANNELS) expect(share(ch, c), c).toBeGreaterThan(0.02);
    const sorted = [...ch.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    expect(new Set(sorted.slice(0, 2))).toEqual(new Set(["chat", "email"]));
    expect(share(ch, "voice")).toBeLessThan(share(ch, "email"));
    for (const p of POPULATIONS) expect(pop.has(p), p).toBe(true);
    expect(share(pop, "ai_only")).toBeGreaterThan(0.45);
    expect(share(pop, "ai_only")).toBeLessThan(0.65);
    expect(share(pop, "ai_escalated")).toBeGreaterThan(0.15);
    expect(share(pop, "ai_escalated")).toBeLessThan(0.35);
    expect(share(pop, "human_only")).toBeGreaterThan(0.08);
    expect(share(pop, "human_only")).toBeLessThan(0.25);
    expect(share(pop, "unhandled")).toBeGreaterThan(0.02);
    expect(share(pop, "unhandled")).toBeLessThan(0.1);
    // voice is more human than chat
    const humanShare = (channel: string) => {
      const cs = [...convs.values()].filter((c) => c.channel === channel);
      return cs.filter((c) => c.human).length / cs.length;
    };
    expect(humanShare("voice")).toBeGreaterThan(humanShare("chat") + 0.1);
  });

  it("has returning customers, some within 48 h on another channel", () => {
    const byCustomer = new Map<string, Conv[]>();
    for (const c of convs.values()) {
      const list = byCustomer.get(c.customer) ?? [];
      list.push(c);
      byCustomer.set(c.customer, list);
    }
    const returning = [...byCustomer.values()].filter((l) => l.length > 1).length;
    expect(returning / byCustomer.size).toBeGreaterThan(0.08);
    expect(returning / byCustomer.size).toBeLessThan(0.3);
    let crossChannel = 0, sameTopic = 0;
    for (const list of byCustomer.values()) {
      for (const a of list) {
        for (const b of list) {
          if (b.start > a.start && b.start <= a.end + 48 * HOUR && b.channel !== a.channel) {
            crossChannel++;
            if (a.topic !== undefined && a.topic === b.topic) sameTopic++;
          }
        }
      }
    }
    expect(crossChannel).toBeGreaterThan(50);
    expect(sameTopic).toBeGreaterThan(20);
  });

  it("has reopen chains and abandoned conversations", () => {
    let chain = 0, reopenedLast = 0, abandoned = 0;
    for (const c of convs.values()) {
      const rr = c.types.filter((t) => t === "resolved" || t === "reopened").join(">");
      if (rr.includes("resolved>reopened>resolved")) chain++;
      if (rr.endsWith("reopened")) reopenedLast++;
      if (c.types.includes("abandoned")) abandoned++;
    }
    expect(chain).toBeGreaterThan(0);
    expect(reopenedLast).toBeGreaterThan(0);
    expect(abandoned / convs.size).toBeGreaterThan(0.03);
  });

  it("has a lower CSAT response rate on ai_only than on human_only", () => {
    const rate = (p: string) => {
      const cs = [...convs.values()].filter((c) => population(c) === p);
      return cs.filter((c) => c.csat).length / cs.length;
    };
    expect(rate("ai_only")).toBeGreaterThan(0);
    expect(rate("ai_only")).toBeLessThan(rate("human_only"));
  });

  it("has realistic AI quality signals", () => {
    const ai = events.filter((e) => e.type === "ai_message");
    const unconfident = ai.filter((e) => e.type === "ai_message" && e.confident === false).length / ai.length;
    expect(unconfident).toBeGreaterThan(0.03);
    expect(unconfident).toBeLessThan(0.12);
    const qa = events.filter((e) => e.type === "qa_review");
    const accurate = qa.filter((e) => e.type === "qa_review" && e.accurate).length / qa.length;
    expect(accurate).toBeGreaterThan(0.9);
    expect(accurate).toBeLessThan(0.99);
    const esc = events.filter((e) => e.type === "escalated");
    const transferred = esc.filter((e) => e.type === "escalated" && e.context_transferred).length / esc.length;
    expect(transferred).toBeGreaterThan(0.7);
    expect(transferred).toBeLessThan(0.9);
  });

  it("writes CSV rows that parse back to the canonical columns, same text on both paths", () => {
    const opts = { ...BASE, conversations: 500 };
    const evs = [...generateDemoEvents(opts)];
    const rows = evs.map(demoEventToCsvRow);
    const fast = [...demoEventsToCsv(opts)];
    expect(fast[0]).toBe(demoCsvHeader);
    expect(fast.slice(1)).toEqual(rows);
    const parsed = parse(demoCsvHeader + rows.join(""), { columns: false, relax_column_count: false }) as string[][];
    expect(parsed[0]).toEqual([...CANONICAL_COLUMNS]);
    expect(parsed.length).toBe(evs.length + 1);
    for (const r of parsed) expect(r.length).toBe(CANONICAL_COLUMNS.length);
    // cells carry the field values (empty = absent)
    parsed.slice(1).forEach((r, i) => {
      const e = evs[i] as unknown as Record<string, unknown>;
      CANONICAL_COLUMNS.forEach((col, j) => expect(r[j]).toBe(e[col] === undefined ? "" : String(e[col])));
    });
  });

  it("quotes CSV cells per RFC 4180", () => {
    const e: DemoEvent = {
      event_id: "x-1", conversation_id: "x", type: "conversation_started", at: "2025-01-01T00:00:00.000Z",
      customer_id: 'a,"b"', channel: "chat", topic: "line\nbreak",
    };
    const [row] = parse(demoEventToCsvRow(e)) as string[][];
    expect(row.length).toBe(CANONICAL_COLUMNS.length);
    expect(row[4]).toBe('a,"b"');
    expect(row[6]).toBe("line\nbreak");
  });

  it("writes NDJSON lines equal to the events", () => {
    const opts = { ...BASE, conversations: 500 };
    const lines = [...demoEventsToNdjson(opts)];
    const evs = [...generateDemoEvents(opts)];
    expect(lines.length).toBe(evs.length);
    lines.forEach((l, i) => {
      expect(l.endsWith("\n")).toBe(true);
      expect(l).toBe(JSON.stringify(evs[i]) + "\n");
    });
  });

  it("rejects invalid options", () => {
    const bad: DemoOptions[] = [
      { ...BASE, conversations: -1 },
      { ...BASE, conversations: 1.5 },
      { ...BASE, seed: 0.5 },
      { ...BASE, days: 0 },
      { ...BASE, now: new Date("nope") },
    ];
    for (const o of bad) expect(() => generateDemoEvents(o).next()).toThrow(RangeError);
    expect([...generateDemoEvents({ ...BASE, conversations: 0 })]).toEqual([]);
  });

  it("reports its generation speed", { timeout: 120_000 }, () => {
    const opts = { ...BASE, conversations: 200_000, days: 90 };
    const t0 = performance.now();
    let n = 0;
    for (const _ of generateDemoEvents(opts)) n++;
    const s = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    let bytes = 0;
    for (const line of demoEventsToNdjson(opts)) bytes += line.length;
    const s2 = (performance.now() - t1) / 1000;
    console.log(
      `demo generator: 200000 conversations, ${n} events: objects ${s.toFixed(2)} s (${(n / s / 1e6).toFixed(2)} M events/s), ` +
        `NDJSON ${s2.toFixed(2)} s (${(n / s2 / 1e6).toFixed(2)} M events/s, ${(bytes / 1e6).toFixed(0)} MB)`,
    );
    expect(n).toBeGreaterThan(200_000 * 5);
  });
});
