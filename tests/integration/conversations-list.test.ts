import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listConversations, streamConversations } from "../../lib/conversations/query";
import { ingestDemoData } from "../../lib/demo/first-start";
import { computeMetrics } from "../../lib/metrics";
import { RATE_DEFINITIONS, RATE_KEYS, type RateDefinition } from "../../lib/metrics/definitions";
import { closeConnections, freshDatabase } from "./support/db";

const NOW = new Date("2026-06-30T12:00:00Z");
const RANGE = { from: "2026-05-01", to: "2026-06-30" };

beforeAll(async () => {
  await freshDatabase();
  await ingestDemoData({ conversations: 800, seed: 7, days: 90, now: NOW });
});
afterAll(closeConnections);

describe("the conversations behind a number", () => {
  it("for every conversation-level rate, the list of each side has exactly the metric's count", async () => {
    const m = (await computeMetrics({ ...RANGE, group_by: ["channel"] })).segments.find((s) => s.channel === "email")!.metrics;
    for (const key of RATE_KEYS) {
      const d: RateDefinition = RATE_DEFINITIONS[key];
      if (d.over !== "conversations") continue;
      const rate = m[key];
      const num = await listConversations({ ...RANGE, channel: ["email"], metric: key, side: "numerator", page_size: 1 });
      const den = await listConversations({ ...RANGE, channel: ["email"], metric: key, side: "denominator", page_size: 1 });
      expect([key, num.total, den.total]).toEqual([key, rate.numerator, rate.denominator]);
      if (d.pending) {
        const pending = await listConversations({ ...RANGE, channel: ["email"], metric: key, side: "pending", page_size: 1 });
        expect([key, pending.total]).toEqual([key, rate.pending]);
      }
    }
  });

  it("pages and sorts, and the stream yields every row once", async () => {
    const all = await listConversations({ ...RANGE, sort: "first_response_s", dir: "asc", page_size: 500 });
    const fr = all.rows.map((r) => r.first_response_s).filter((v): v is number => typeof v === "number");
    expect(fr).toEqual([...fr].sort((a, b) => a - b));
    const page2 = await listConversations({ ...RANGE, page: 2, page_size: 10 });
    expect(page2.rows).toHaveLength(10);
    const streamed: string[] = [];
    for await (const r of await streamConversations(RANGE, 97)) streamed.push(String(r.conversation_id));
    expect(streamed.length).toBe(all.total);
    expect(new Set(streamed).size).toBe(all.total);
  });
});
