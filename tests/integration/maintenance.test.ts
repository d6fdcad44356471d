import { afterAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { generateDemoEvents } from "../../lib/demo/generate";
import { eraseCustomer } from "../../lib/maintenance/erase";
import { verifyDerived } from "../../lib/maintenance/verify";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

afterAll(closeConnections);

type Ev = Record<string, unknown> & { conversation_id: string; type: string };
const NOW = new Date("2026-06-01T00:00:00Z");
const demo = () => [...generateDemoEvents({ conversations: 300, seed: 11, days: 20, now: NOW })] as unknown as Ev[];

async function snapshot() {
  const requests = [
    { from: "2026-05-01", to: "2026-06-01", group_by: ["channel", "population"] as ("channel" | "population")[] },
    { from: "2026-05-10", to: "2026-05-31", group_by: ["customer_tier"] as "customer_tier"[], recontact_hours: 24 },
  ];
  const metrics = [];
  for (const r of requests) metrics.push((await computeMetrics({ ...r, as_of: NOW })).segments);
  const { rows } = await pool().query(
    "SELECT * FROM conversations ORDER BY conversation_id");
  return { metrics, conversations: rows.map((r) => ({ ...r, updated_at: null, source: null })) };
}

describe("verify", () => {
  it("finds nothing after a normal ingest, and names a tampered row and column", async () => {
    await freshDatabase();
    await ingestJson(demo());
    expect(await verifyDerived()).toMatchObject({ mismatched: [], missing: [], stray: [] });
    const { rows } = await pool().query("SELECT conversation_id FROM conversations ORDER BY conversation_id LIMIT 1");
    await pool().query("UPDATE conversations SET resolved = NOT resolved, csat_score = 9 WHERE conversation_id = $1", [rows[0].conversation_id]);
    const report = await verifyDerived();
    expect(report.mismatched).toEqual([{ conversation_id: rows[0].conversation_id, columns: ["resolved", "csat_score"] }]);
  });
});

describe("erase --customer-id", () => {
  it("leaves every metric exactly as if the customer had never been ingested", async () => {
    const base = demo();
    const x = String(base.find((e) => e.type === "conversation_started")!.customer_id);
    // X also takes part in conflicts: once X's start wins over Y's, once X's start loses to Z's
    const extra: Ev[] = [
      { event_id: "w1", conversation_id: "won", type: "conversation_started", at: "2026-05-20T10:00:00Z", customer_id: x, channel: "chat", topic: "billing" },
      { event_id: "w2", conversation_id: "won", type: "conversation_started", at: "2026-05-20T10:00:00Z", customer_id: "cust-y", channel: "email" },
      { event_id: "w3", conversation_id: "won", type: "ai_message", at: "2026-05-20T10:00:05Z" },
      { event_id: "w4", conversation_id: "won", type: "resolved", at: "2026-05-20T10:05:00Z" },
      { event_id: "l1", conversation_id: "lost", type: "conversation_started", at: "2026-05-21T10:00:00Z", customer_id: "cust-z", channel: "voice" },
      { event_id: "l2", conversation_id: "lost", type: "conversation_started", at: "2026-05-21T09:00:00Z", customer_id: x, channel: "sms" },
      { event_id: "l3", conversation_id: "lost", type: "human_message", at: "2026-05-21T10:01:00Z" },
      { event_id: "y1", conversation_id: "y-later", type: "conversation_started", at: "2026-05-21T08:00:00Z", customer_id: "cust-y", channel: "chat" },
    ];
    const all = [...base, ...extra];

    await freshDatabase();
    await ingestJson(all);
    const xConversations = new Set(all.filter((e) => e.type === "conversation_started" && e.customer_id === x).map((e) => e.conversation_id));
    const onlyX = new Set([...xConversations].filter((c) => all.every((e) => e.type !== "conversation_started" || e.conversation_id !== c || e.customer_id === x)));
    const result = await eraseCustomer(x);
    expect(result.conversationsDeleted).toBe(onlyX.size);
    expect(result.conversationsRecomputed).toBe(2); // "won" (now Y's) and "lost"
    const erased = await snapshot();
    expect(await verifyDerived()).toMatchObject({ mismatched: [], missing: [], stray: [] });
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM events WHERE customer_id = $1", [x]);
    expect(rows[0].n).toBe(0);
    const audit = await pool().query("SELECT actor, action, target, details::text AS details FROM audit_log WHERE action = 'customer.erase'");
    expect(audit.rows).toHaveLength(1);
    expect(JSON.stringify(audit.rows[0])).not.toContain(x); // no erased data in the audit log

    await freshDatabase();
    await ingestJson(all.filter((e) => !onlyX.has(e.conversation_id) && e.customer_id !== x));
    const never = await snapshot();
    expect(erased).toEqual(never);
    expect(erased.conversations.find((c) => c.conversation_id === "won")).toMatchObject({ customer_id: "cust-y", channel: "email" });
  });
});
