import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestStream } from "../../lib/ingest";
import { computeMetrics, computeSomeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

const FIXTURE = "tests/fixtures/presets/zendesk-today.csv";
const Q = { from: "2026-03-01", to: "2026-03-31", as_of: new Date("2026-04-30T00:00:00Z") };

beforeAll(async () => {
  await freshDatabase();
  await ingestStream(fs.createReadStream(FIXTURE), { format: "zendesk", source: "test", mapping: { timezone: "UTC" } });
});
afterAll(closeConnections);

describe('"not available" instead of a number never measured', () => {
  it("marks metrics a Zendesk export cannot produce, with a reason, and keeps the ones it can", async () => {
    const m = (await computeMetrics(Q)).segments[0].metrics;
    expect(m.inbound.value).toBeGreaterThan(0);
    for (const key of ["context_transfer_rate", "unanswered_rate", "hallucination_rate", "override_rate"] as const) {
      expect(m[key]).toMatchObject({ available: false, value: null, ci95: null });
      expect(m[key].reason).toMatch(/Zendesk/);
    }
    expect(m.escalation_wait_s).toMatchObject({ available: false, p50: null, p90: null });
    expect(m.escalation_quality).toMatchObject({ available: false, value: null });
    expect(m.resolution_rate.available).toBeUndefined();
    expect(m.resolution_rate.value).not.toBeNull();
    expect(m.csat.available).toBeUndefined();
  });

  it("is available again as soon as one conversation of the segment comes from a source that records it", async () => {
    await ingestJson([
      { conversation_id: "api-1", type: "conversation_started", at: "2026-03-05T10:00:00Z", customer_id: "u1", channel: "chat" },
      { conversation_id: "api-1", type: "ai_message", at: "2026-03-05T10:00:02Z", confident: false },
      { conversation_id: "api-1", type: "escalated", at: "2026-03-05T10:01:00Z", reason: "low_confidence", context_transferred: true },
      { conversation_id: "api-1", type: "human_message", at: "2026-03-05T10:03:00Z" },
    ]);
    const r = await computeMetrics({ ...Q, group_by: ["channel"] });
    const all = r.segments.find((s) => s.channel === "all")!.metrics;
    expect(all.context_transfer_rate.available).toBeUndefined();
    expect(all.escalation_wait_s.p50).not.toBeNull();
    // a channel with only Zendesk tickets still says not available
    const email = r.segments.find((s) => s.channel === "email")!.metrics;
    expect(email.unanswered_rate.available).toBe(false);

    // the same marks when a page asks for only some metrics: available in "all", not for email
    const keys = ["context_transfer_rate", "escalation_quality", "escalation_wait_s", "unanswered_rate"] as const;
    const some = await computeSomeMetrics({ ...Q, group_by: ["channel"] }, keys);
    expect(some.segments).toEqual(r.segments.map((s) => ({ ...s, metrics: Object.fromEntries(keys.map((k) => [k, s.metrics[k]])) })));
  });
});
