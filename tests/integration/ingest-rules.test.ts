import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { AtomicRejection, IngestParseError } from "../../lib/ingest";
import { closeConnections, freshDatabase } from "./support/db";
import { conversation, countRows, ingestJson, ingestText } from "./support/ingest";

// Every rule of events.md, through the one ingest path.
beforeEach(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

const HEADER = "event_id,conversation_id,type,at,customer_id,channel,topic,customer_tier,confident,agent_id,reason,context_transferred,by,score,actor,seconds,outcome,accurate,policy_compliant,safety_incident,cause";
const row = (cells: Record<string, string>) =>
  HEADER.split(",").map((c) => cells[c] ?? "").join(",");

describe("canonical CSV", () => {
  it("reads BOM, CRLF, quoted newlines and reports rejected rows by 1-based line (header = 1)", async () => {
    const lines = [
      HEADER,
      row({ event_id: "a1", conversation_id: "c1", type: "conversation_started", at: "2026-03-01T10:00:00Z", customer_id: "u1", channel: "chat", topic: '"multi\nline topic"' }),
      row({ event_id: "a2", conversation_id: "c1", type: "ai_message", at: "2026-03-01T10:00:05Z" }),
      row({ event_id: "a3", conversation_id: "c1", type: "resolved", at: "2026-03-01T10:00:00", by: "ai" }), // no offset
      row({ event_id: "a4", conversation_id: "c1", type: "csat_response", at: "2026-03-01T10:10:00Z", score: "6" }),
      row({ event_id: "a5", conversation_id: "c1", type: "teleported", at: "2026-03-01T10:10:00Z" }),
      row({ event_id: "a6", conversation_id: "c1", type: "escalated", at: "2026-03-01T10:10:00Z", reason: "complexity" }), // missing context_transferred
      row({ event_id: "a7", conversation_id: "c1", type: "qa_review", at: "2026-03-01T10:10:00Z", accurate: "maybe" }),
      row({ event_id: "a8", conversation_id: "c1", type: "conversation_started", at: "2026-03-01T10:00:00Z", customer_id: "u1", channel: "chat", customer_tier: "x".repeat(51) }),
      row({ event_id: "a9", conversation_id: "c1", type: "human_message", at: "2026-03-01T10:20:00+01:00" }),
    ];
    const csv = "\uFEFF" + lines.join("\r\n") + "\r\n";
    const result = await ingestText(csv);
    // the quoted newline makes row 2 span lines 2–3, so every later row is one line further down
    expect(result.rejected).toEqual([
      { line: 5, field: "at", reason: "timestamp has no UTC offset" },
      { line: 6, field: "score", reason: "must be a whole number from 1 to 5" },
      { line: 7, field: "type", reason: 'unknown event type "teleported"' },
      { line: 8, field: "context_transferred", reason: "required" },
      { line: 9, field: "accurate", reason: "must be true or false" },
      { line: 10, field: "customer_tier", reason: "longer than 50 characters" },
    ]);
    expect(result.accepted).toBe(3);
    const c = await conversation("c1");
    expect(c?.topic).toBe("multi\nline topic");
    // +01:00 normalised to UTC: 10:20+01:00 is 09:20Z, before the 10:00Z start, so it is the
    // earliest response and the negative first response clamps to 0
    expect(c?.first_response_s).toBe(0);
    expect(c?.ended_at).toEqual(new Date("2026-03-01T10:00:05Z"));
  });

  it("rejects unknown columns by name, before storing anything", async () => {
    await expect(ingestText("conversation_id,type,at,colour\nc1,abandoned,2026-03-01T10:00:00Z,red\n")).rejects.toThrow(/colour/);
    expect(await countRows("events")).toBe(0);
  });

  it("accepts booleans as true/false, 1/0 and yes/no", async () => {
    const csv = ["conversation_id,type,at,accurate,policy_compliant,safety_incident",
      "c1,qa_review,2026-03-01T10:00:00Z,yes,0,1", "c1,qa_review,2026-03-01T10:00:01Z,FALSE,true,no"].join("\n");
    expect((await ingestText(csv)).accepted).toBe(2);
    const c = await conversation("c1");
    expect([c?.qa_reviews, c?.qa_inaccurate, c?.qa_policy_compliant, c?.qa_safety_incidents]).toEqual([2, 1, 1, 1]);
  });

  it("reports a row with the wrong number of cells and keeps the others", async () => {
    const csv = "conversation_id,type,at\nc1,abandoned,2026-03-01T10:00:00Z\nc2,abandoned\nc3,abandoned,2026-03-01T10:00:00Z\n";
    const r = await ingestText(csv);
    expect(r.accepted).toBe(2);
    expect(r.rejected).toEqual([{ line: 3, field: "row", reason: "expected 3 cells, found 2" }]);
  });

  it("rejects a cell holding a NUL character by field (PostgreSQL text cannot store it) and keeps the batch", async () => {
    const csv = "conversation_id,type,at,customer_id,channel,topic\n" +
      "c1,conversation_started,2026-03-01T10:00:00Z,u1,chat,bad\u0000topic\n" +
      "c2,conversation_started,2026-03-01T10:00:00Z,u2,chat,fine\n";
    const r = await ingestText(csv);
    expect(r.rejected).toEqual([{ line: 2, field: "topic", reason: "must not contain a NUL character" }]);
    expect(r.accepted).toBe(1);
    expect(await conversation("c2")).not.toBeNull();
  });

  it("keeps a NUL quoted by a rejection reason on the import record, as U+FFFD", async () => {
    const r = await ingestText("\u0000\n", "ndjson");
    expect(r.rejected).toEqual([{ line: 1, field: "line", reason: expect.stringContaining("\u0000") }]);
    const { rows } = await (await import("../../lib/db/pool")).pool().query<{ rejected: { reason: string }[] }>(
      "SELECT rejected FROM imports ORDER BY id DESC LIMIT 1");
    expect(rows[0].rejected[0].reason).toContain("\ufffd");
    expect(rows[0].rejected[0].reason).not.toContain("\u0000");
  });

  it("rejects a row with a broken quote by its line, counting line breaks inside quotes, and keeps the rest", async () => {
    const csv = [
      "conversation_id,type,at,topic",
      'c1,abandoned,2026-03-01T10:00:00Z,"two\r\nlines"',
      'c2,abandoned,2026-03-01T10:00:00Z,"closed"then more',
      "c3,abandoned,2026-03-01T10:00:00Z,",
      "",
      "c4,abandoned,2026-03-01T10:00:00Z,",
    ].join("\r\n");
    const r = await ingestText(csv);
    expect(r.rejected).toEqual([{ line: 4, field: "row", reason: expect.stringMatching(/^unreadable CSV row/) }]);
    expect(r.accepted).toBe(3);
    const again = await ingestText(csv.replace("c4,", "c4,teleported,").replace(/c4,teleported,abandoned/, "c4,teleported"));
    expect(again.rejected.at(-1)).toEqual({ line: 7, field: "type", reason: 'unknown event type "teleported"' });
  });

  it("stops with a located error at a quote that never closes, instead of reading the whole file into memory", async () => {
    const csv = 'conversation_id,type,at,topic\nc1,abandoned,2026-03-01T10:00:00Z,"open\n' +
      "c2,abandoned,2026-03-01T10:00:00Z,x\n".repeat(40_000);
    await expect(ingestText(csv)).rejects.toThrow(/line 2 .*longer than 1000000 characters/);
    expect(await countRows("events")).toBe(0);
  });
});

describe("idempotency", () => {
  const events = [
    { event_id: "e1", conversation_id: "c1", type: "conversation_started", at: "2026-03-01T10:00:00Z", customer_id: "u1", channel: "email" },
    { conversation_id: "c1", type: "ai_message", at: "2026-03-01T10:00:03Z" },
    { conversation_id: "c1", type: "resolved", at: "2026-03-01T10:05:00Z", by: "ai" },
  ];

  it("replaying the same events accepts 0 and reports them all as duplicates", async () => {
    expect(await ingestJson(events)).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
    const before = await conversation("c1");
    expect(await ingestJson(events)).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await countRows("events")).toBe(3);
    expect({ ...(await conversation("c1")), updated_at: null }).toEqual({ ...before, updated_at: null });
  });

  it("derives the key without event_id from the event itself: another offset or a default spelled out is the same event", async () => {
    await ingestJson(events);
    const same = [
      { conversation_id: "c1", type: "ai_message", at: "2026-03-01T11:00:03+01:00", confident: true },
      { conversation_id: "c1", type: "resolved", at: "2026-03-01T10:05:00.000Z", by: "ai" },
    ];
    expect(await ingestJson(same)).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    // a different own field makes it a different event
    expect((await ingestJson([{ conversation_id: "c1", type: "ai_message", at: "2026-03-01T10:00:03Z", confident: false }])).accepted).toBe(1);
  });

  it("counts duplicates inside one batch", async () => {
    expect(await ingestJson([events[1], events[1], events[1]])).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
  });
});

describe("order, orphans and conflicts", () => {
  const start = { event_id: "s1", conversation_id: "c1", type: "conversation_started", at: "2026-03-01T10:00:00Z", customer_id: "u1", channel: "chat", topic: "billing" };
  const rest = [
    { event_id: "m1", conversation_id: "c1", type: "customer_message", at: "2026-03-01T10:00:01Z" },
    { event_id: "m2", conversation_id: "c1", type: "ai_message", at: "2026-03-01T10:00:04Z" },
    { event_id: "m3", conversation_id: "c1", type: "escalated", at: "2026-03-01T10:01:00Z", reason: "low_confidence", context_transferred: true },
    { event_id: "m4", conversation_id: "c1", type: "human_message", at: "2026-03-01T10:04:00Z", agent_id: "a1" },
    { event_id: "m5", conversation_id: "c1", type: "resolved", at: "2026-03-01T10:09:00Z" },
  ];

  it("gives the same derived row whatever the arrival order", async () => {
    await ingestJson([...rest].reverse().concat([start]));
    const reversed = await conversation("c1");
    await freshDatabase();
    await ingestJson([start, ...rest]);
    expect({ ...(await conversation("c1")), updated_at: null }).toEqual({ ...reversed, updated_at: null });
    expect(reversed).toMatchObject({ population: "ai_escalated", resolved: true, resolved_by: "human", escalation_wait_s: 180, first_response_s: 4 });
  });

  it("keeps an orphan out of metrics until its start arrives, then counts it", async () => {
    const { computeMetrics } = await import("../../lib/metrics");
    await ingestJson(rest);
    expect(await conversation("c1")).toMatchObject({ started_at: null, events: 5 });
    const q = { from: "2026-03-01", to: "2026-03-01" };
    expect((await computeMetrics(q)).segments[0].metrics.inbound.value).toBe(0);
    await ingestJson([start]);
    const m = (await computeMetrics(q)).segments[0].metrics;
    expect(m.inbound.value).toBe(1);
    expect(m.escalation_rate).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it("keeps the first conversation_started received and records the conflicting second one", async () => {
    await ingestJson([start]);
    await ingestJson([{ ...start, event_id: "s2", channel: "voice", topic: "shipping" }]);
    expect(await conversation("c1")).toMatchObject({ channel: "chat", topic: "billing", start_conflicts: 1 });
    expect(await countRows("events")).toBe(2);
  });
});

describe("rejections", () => {
  it("names index and field for a JSON array, and stores the valid events of the batch", async () => {
    const r = await ingestJson([
      { conversation_id: "c1", type: "abandoned", at: "2026-03-01T10:00:00Z" },
      { conversation_id: "c1", type: "csat_response", at: "2026-03-01T10:00:00Z", score: "5" },
      { type: "abandoned", at: "2026-03-01T10:00:00Z" },
      { conversation_id: "c".repeat(201), type: "abandoned", at: "2026-03-01T10:00:00Z" },
      { conversation_id: "c1", type: "work_logged", at: "2026-03-01T10:00:00Z", actor: "robot", seconds: 3 },
      "not an object",
    ]);
    expect(r.accepted).toBe(1);
    expect(r.rejected).toEqual([
      { index: 1, field: "score", reason: "must be a whole number from 1 to 5" },
      { index: 2, field: "conversation_id", reason: "required" },
      { index: 3, field: "conversation_id", reason: "longer than 200 characters" },
      { index: 4, field: "actor", reason: "must be one of ai, human" },
      { index: 5, field: "event", reason: "must be a JSON object" },
    ]);
  });

  it("names the line for NDJSON, blank lines counted", async () => {
    const text = '{"conversation_id":"c1","type":"abandoned","at":"2026-03-01T10:00:00Z"}\n\n{oops\n{"conversation_id":"c1","type":"reopened","at":"2026-03-01"}\n';
    const r = await ingestText(text, "ndjson");
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => [("line" in x) ? x.line : -1, x.field])).toEqual([[3, "line"], [4, "at"]]);
  });

  it("atomic stores nothing when anything is rejected, and lists the rejections", async () => {
    const batch = [
      { conversation_id: "c1", type: "abandoned", at: "2026-03-01T10:00:00Z" },
      { conversation_id: "c1", type: "abandoned", at: "yesterday" },
    ];
    const err = await ingestJson(batch, true).catch((e) => e);
    expect(err).toBeInstanceOf(AtomicRejection);
    expect((err as AtomicRejection).result.rejected).toEqual([{ index: 1, field: "at", reason: 'not an ISO-8601 timestamp: "yesterday"' }]);
    expect(await countRows("events")).toBe(0);
    expect(await countRows("conversations")).toBe(0);
    expect((await ingestJson(batch.slice(0, 1), true)).accepted).toBe(1);
  });

  it("fails a body that is not a JSON array as a whole", async () => {
    await expect(ingestText('{"conversation_id":"c1"}', "json")).rejects.toBeInstanceOf(IngestParseError);
    await expect(ingestText('[{"conversation_id":"c1","type":"abandoned","at":"2026-03-01T10:00:00Z"},', "json")).rejects.toBeInstanceOf(IngestParseError);
    expect(await countRows("events")).toBe(0);
  });

  it("rejects impossible dates and offsets", async () => {
    const r = await ingestJson([
      { conversation_id: "c1", type: "abandoned", at: "2026-02-30T10:00:00Z" },
      { conversation_id: "c1", type: "abandoned", at: "2026-03-01T25:00:00Z" },
      { conversation_id: "c1", type: "abandoned", at: 1767225600 },
    ]);
    expect(r.rejected.map((x) => x.field)).toEqual(["at", "at", "at"]);
  });
});

describe("re-contact", () => {
  it("links a customer's next topic-compatible conversation on any channel, whatever order they arrive in", async () => {
    const s = (id: string, at: string, channel: string, topic?: string) =>
      ({ conversation_id: id, type: "conversation_started", at, customer_id: "u1", channel, ...(topic ? { topic } : {}) });
    await ingestJson([s("c3", "2026-03-02T09:00:00Z", "voice", "billing")]);
    await ingestJson([s("c1", "2026-03-01T10:00:00Z", "chat", "billing"), s("c2", "2026-03-01T12:00:00Z", "email", "shipping")]);
    await ingestJson([s("c4", "2026-03-02T08:00:00Z", "sms")]);
    // c1 (billing): c2 is another topic, c4 has none → compatible
    expect((await conversation("c1"))?.next_contact_at).toEqual(new Date("2026-03-02T08:00:00Z"));
    // c2 (shipping): c3 billing is incompatible, c4 untopiced is compatible
    expect((await conversation("c2"))?.next_contact_at).toEqual(new Date("2026-03-02T08:00:00Z"));
    expect((await conversation("c4"))?.next_contact_at).toEqual(new Date("2026-03-02T09:00:00Z"));
    expect((await conversation("c3"))?.next_contact_at).toBeNull();
  });
});
