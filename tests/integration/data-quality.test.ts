import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  conflictingStarts,
  dataFreshness,
  filterOptions,
  importHistory,
  orphanConversations,
} from "../../lib/data-quality";
import { escalationReasons } from "../../lib/data-quality/escalation-reasons";
import { durationHistogram } from "../../lib/data-quality/histogram";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

// The data-quality page's queries: orphans, conflicting starts with their losing events, the
// import history with its first rejections, freshness, and the drill-down helpers (histogram,
// escalation reasons) checked against computeMetrics' own numbers.
const NOW = new Date("2026-06-30T12:00:00Z");
const RANGE = { from: "2026-06-01", to: "2026-06-30" };

beforeAll(async () => {
  await freshDatabase();
  await ingestDemoData({ conversations: 600, seed: 11, days: 60, now: NOW });
  // a conversation with a start and an AI answer
  await ingestJson([
    { event_id: "dq-1", conversation_id: "dq-ok", type: "conversation_started", at: "2026-06-20T10:00:00Z", customer_id: "dq-u1", channel: "chat", topic: "billing", customer_tier: "gold" },
    { event_id: "dq-2", conversation_id: "dq-ok", type: "ai_message", at: "2026-06-20T10:00:03Z" },
  ]);
  // an orphan: events but no conversation_started
  await ingestJson([
    { event_id: "dq-3", conversation_id: "dq-orphan", type: "ai_message", at: "2026-06-21T09:00:00Z" },
    { event_id: "dq-4", conversation_id: "dq-orphan", type: "resolved", at: "2026-06-21T09:05:00Z", by: "ai" },
  ]);
  // conflicting starts: the first received wins; an identical repeat with another id is no conflict
  await ingestJson([
    { event_id: "dq-5", conversation_id: "dq-conflict", type: "conversation_started", at: "2026-06-22T08:00:00Z", customer_id: "dq-u2", channel: "chat" },
  ]);
  await ingestJson([
    { event_id: "dq-6", conversation_id: "dq-conflict", type: "conversation_started", at: "2026-06-22T08:30:00Z", customer_id: "dq-u2", channel: "email", topic: "dq-lost-topic" },
    { event_id: "dq-7", conversation_id: "dq-conflict", type: "conversation_started", at: "2026-06-22T08:00:00Z", customer_id: "dq-u2", channel: "chat" },
  ]);
  // an import with three rejections (and one valid event)
  await ingestJson([
    { event_id: "dq-8", conversation_id: "dq-ok", type: "customer_message", at: "2026-06-20T10:01:00Z" },
    { event_id: "dq-9", conversation_id: "dq-ok", type: "csat_response", at: "2026-06-20T11:00:00Z", score: 9 },
    { event_id: "dq-10", conversation_id: "dq-ok", type: "teleported", at: "2026-06-20T11:00:00Z" },
    { event_id: "dq-11", conversation_id: "dq-ok", type: "ai_message", at: "2026-06-20T11:00:00" },
  ]);
});
afterAll(closeConnections);

describe("data quality queries", () => {
  it("freshness: as_of is the latest event, with orphan and conflict counts", async () => {
    const f = await dataFreshness();
    const m = await computeMetrics(RANGE);
    expect(f.asOf?.toISOString()).toBe(m.as_of);
    expect(f.orphans).toBe(1);
    expect(f.conflicting).toBe(1);
    expect(f.events).toBeGreaterThan(1000);
    expect(f.lastReceivedAt).toBeInstanceOf(Date);
  });

  it("orphans: conversations without a start, with their events", async () => {
    const o = await orphanConversations();
    expect(o.total).toBe(1);
    expect(o.rows).toEqual([
      {
        conversationId: "dq-orphan",
        events: 2,
        firstEventAt: new Date("2026-06-21T09:00:00Z"),
        lastEventAt: new Date("2026-06-21T09:05:00Z"),
        types: ["ai_message", "resolved"],
      },
    ]);
  });

  it("conflicting starts: the winner is the first received, the losers are the later different ones", async () => {
    const c = await conflictingStarts(RANGE);
    expect(c.total).toBe(1);
    expect(c.rows).toHaveLength(1);
    const row = c.rows[0];
    expect(row.conversationId).toBe("dq-conflict");
    expect(row.startConflicts).toBe(1);
    expect(row.winner).toMatchObject({ eventId: "dq-5", channel: "chat", at: new Date("2026-06-22T08:00:00Z"), topic: null });
    expect(row.losers).toHaveLength(1);
    expect(row.losers[0]).toMatchObject({ eventId: "dq-6", channel: "email", topic: "dq-lost-topic", at: new Date("2026-06-22T08:30:00Z") });
    // the page's filters apply (on the winning start's fields)
    expect((await conflictingStarts({ ...RANGE, channel: ["email"] })).total).toBe(0);
    expect((await conflictingStarts({ from: "2026-06-23", to: "2026-06-30" })).total).toBe(0);
  });

  it("import history: newest first, counts, and only the first rejections", async () => {
    const imports = await importHistory(20, 2);
    const last = imports[0];
    expect(last.accepted).toBe(1);
    expect(last.rejectedCount).toBe(3);
    expect(last.status).toBe("done");
    expect(last.firstRejections).toHaveLength(2);
    expect(last.firstRejections[0]).toMatchObject({ index: 1, field: "score" });
    expect(last.firstRejections[1]).toMatchObject({ index: 2, field: "type" });
    // the demo import is the oldest
    expect(imports.at(-1)?.source).toBe("demo");
    for (let i = 1; i < imports.length; i++) expect(imports[i - 1].startedAt.getTime()).toBeGreaterThanOrEqual(imports[i].startedAt.getTime());
    expect(await importHistory(1)).toHaveLength(1);
  });

  it("filter options: distinct tiers and topics of started conversations", async () => {
    const o = await filterOptions();
    expect(o.customerTiers).toContain("gold");
    expect(o.topics).toContain("billing");
    expect(o.topics).not.toContain("dq-lost-topic"); // only on a losing start
    expect(o.topics).toEqual([...o.topics].sort());
  });

  it("histogram: one bucket per step, counts add up to the distribution's n, P50 and P90 inside", async () => {
    for (const key of ["first_response_s", "escalation_wait_s", "human_handle_s", "ai_handle_s"] as const) {
      const m = (await computeMetrics({ ...RANGE, channel: ["chat", "email"] })).segments[0].metrics[key];
      const h = await durationHistogram({ ...RANGE, channel: ["chat", "email"] }, key, 20);
      expect(h).toHaveLength(20);
      expect(h.reduce((s, b) => s + b.count, 0)).toBe(m.n);
      expect(h[0].lo).toBe(0);
      for (let i = 1; i < h.length; i++) expect(h[i].lo).toBeCloseTo(h[i - 1].hi, 9);
      expect(m.p90!).toBeLessThanOrEqual(h.at(-1)!.hi);
    }
    expect(await durationHistogram({ from: "2020-01-01", to: "2020-01-02" }, "first_response_s")).toEqual([]);
  });

  it("escalation reasons add up to low_confidence_escalation_share", async () => {
    const q = { ...RANGE, channel: ["chat" as const, "voice" as const] };
    const share = (await computeMetrics(q)).segments[0].metrics.low_confidence_escalation_share;
    const reasons = await escalationReasons(q);
    expect(reasons.reduce((s, r) => s + r.conversations, 0)).toBe(share.denominator);
    expect(reasons.find((r) => r.reason === "low_confidence")?.conversations ?? 0).toBe(share.numerator);
  });
});
