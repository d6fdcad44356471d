import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { isRejection, validateEvent } from "../../lib/events/schema";
import { IngestParseError, type RawRecord } from "../../lib/ingest/types";
import {
  detectFormat,
  freshdesk,
  intercom,
  parseExportTimestamp,
  PRESETS,
  wallTimeToUtc,
  zendesk,
} from "../../lib/ingest/presets";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/presets");
const fixture = (name: string) => createReadStream(path.join(FIXTURES, name));
const text = (s: string) => Readable.from([Buffer.from(s, "utf8")]);

async function collect(it: AsyncIterable<RawRecord>): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

/** An expected event: conversation_id and type are read off its event_id `<preset>:<id>:<type>[:n]`. */
function E(pos: { line: number } | { index: number }, eventId: string, at: string, fields: Record<string, unknown> = {}): RawRecord {
  const [preset, id, type] = eventId.split(":");
  return { pos, value: { event_id: eventId, conversation_id: `${preset}:${id}`, type, at, ...fields } };
}
const R = (pos: { line: number } | { index: number }, field: string, reason: string | RegExp) =>
  ({ pos, rejection: { field, reason: typeof reason === "string" ? reason : expect.stringMatching(reason) } }) as unknown as RawRecord;

/** Every event a preset yields must pass the ingest validator unchanged. */
function expectAllValid(records: RawRecord[]) {
  for (const r of records) if ("value" in r) expect(isRejection(validateEvent(r.value)), JSON.stringify(r.value)).toBe(false);
}

describe("time zones", () => {
  it("reads offset-less timestamps in the mapping's zone and offsets as given", () => {
    const at = (s: string, tz = "UTC") => {
      const d = parseExportTimestamp(s, tz);
      return typeof d === "string" ? d : d.toISOString();
    };
    expect(at("2026-03-02 09:00:00", "Europe/Berlin")).toBe("2026-03-02T08:00:00.000Z"); // CET +01:00
    expect(at("2026-07-02 09:00", "Europe/Berlin")).toBe("2026-07-02T07:00:00.000Z"); // CEST +02:00
    expect(at("2026-03-02T09:00:00.250", "America/New_York")).toBe("2026-03-02T14:00:00.250Z");
    expect(at("2026-01-01 05:30:00", "Asia/Kolkata")).toBe("2026-01-01T00:00:00.000Z");
    expect(at("2026-03-02 09:00:00 +0530", "Europe/Berlin")).toBe("2026-03-02T03:30:00.000Z");
    expect(at("2026-03-02T09:00:00-05:00", "Europe/Berlin")).toBe("2026-03-02T14:00:00.000Z");
    expect(at("2026-03-02 09:00:00 UTC", "Europe/Berlin")).toBe("2026-03-02T09:00:00.000Z");
    expect(at("2026/03/02 09:00", "UTC")).toBe("2026-03-02T09:00:00.000Z");
    // refused rather than guessed
    expect(at("03/05/2026 10:00")).toMatch(/not a date-time/);
    expect(at("2026-03-02")).toMatch(/not a date-time/);
    expect(at("2026-03-02 9:00 PM")).toMatch(/not a date-time/);
    expect(at("2026-02-30 10:00")).toMatch(/no such day/);
    expect(at("2026-03-02 24:00")).toMatch(/out of range/);
  });

  it("resolves the skipped hour forward and the repeated hour to its first occurrence", () => {
    const utc = (wall: string, tz: string) => new Date(wallTimeToUtc(Date.parse(wall + "Z"), tz)).toISOString();
    // Europe/Berlin jumps 02:00 → 03:00 on 2026-03-29: 02:30 does not exist, read as 03:30 CEST
    expect(utc("2026-03-29T02:30:00", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    // and goes back 03:00 → 02:00 on 2026-10-25: 02:30 happens twice, the first (CEST) is taken
    expect(utc("2026-10-25T02:30:00", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(utc("2026-10-25T03:30:00", "Europe/Berlin")).toBe("2026-10-25T02:30:00.000Z");
    // America/New_York: 2026-03-08 02:30 skipped → 03:30 EDT; 2026-11-01 01:30 twice → EDT
    expect(utc("2026-03-08T02:30:00", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    expect(utc("2026-11-01T01:30:00", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
    expect(utc("2026-03-08T01:59:59", "America/New_York")).toBe("2026-03-08T06:59:59.000Z");
  });

  it("gives the same answers from its per-quarter-hour offset cache, on both sides of a jump", () => {
    const utc = (wall: string, tz: string) => new Date(wallTimeToUtc(Date.parse(wall + "Z"), tz)).toISOString();
    const cases: [string, string][] = [
      ["2026-03-29T01:59:59.999", "2026-03-29T00:59:59.999Z"],
      ["2026-03-29T02:00:00", "2026-03-29T01:00:00.000Z"], // skipped: read as 03:00 CEST
      ["2026-03-29T02:14:59", "2026-03-29T01:14:59.000Z"],
      ["2026-03-29T03:00:00", "2026-03-29T01:00:00.000Z"],
      ["2026-03-29T03:07:30", "2026-03-29T01:07:30.000Z"],
      ["2026-10-25T01:59:59", "2026-10-24T23:59:59.000Z"],
      ["2026-10-25T02:00:00", "2026-10-25T00:00:00.000Z"], // repeated: first (CEST)
      ["2026-10-25T02:59:59", "2026-10-25T00:59:59.000Z"],
      ["2026-10-25T03:00:00", "2026-10-25T02:00:00.000Z"],
    ];
    for (let pass = 0; pass < 2; pass++) for (const [wall, want] of cases) expect(utc(wall, "Europe/Berlin"), wall).toBe(want);
    // a half-hour zone
    expect(utc("2026-06-01T12:44:00", "Asia/Kathmandu")).toBe("2026-06-01T06:59:00.000Z");
  });

  it("rejects an unknown zone in the mapping as a file-level error", async () => {
    await expect(collect(zendesk.read(text("Id,Created at,Requester id\n"), { timezone: "Mars/Olympus" }))).rejects.toThrow(IngestParseError);
    await expect(collect(zendesk.read(text("Id,Created at,Requester id\n"), { timezone: "Mars/Olympus" }))).rejects.toThrow(/timezone/);
  });
});

describe("Zendesk preset", () => {
  const mapping = { timezone: "Europe/Berlin", tier_tags: { vip: "vip" } };

  it("maps the fixture to exactly these events (BOM, CRLF, quoted newline, Europe/Berlin)", async () => {
    const records = await collect(zendesk.read(fixture("zendesk-today.csv"), mapping));
    expectAllValid(records);
    expect(records).toEqual([
      // line 2–3 (subject has a quoted newline): AI-resolved. Created 09:00 CET = 08:00Z; Via
      // "Web Widget" → chat; assignee "AI Agent" + tag ai_resolved → AI; first reply 1 min → AI
      // reply 08:01Z; solved 09:05 CET; Good → survey + score 5
      E({ line: 2 }, "zendesk:101:conversation_started", "2026-03-02T08:00:00.000Z", { customer_id: "9001", channel: "chat", topic: "Billing" }),
      E({ line: 2 }, "zendesk:101:ai_message", "2026-03-02T08:01:00.000Z"),
      E({ line: 2 }, "zendesk:101:resolved", "2026-03-02T08:05:00.000Z", { by: "ai" }),
      E({ line: 2 }, "zendesk:101:csat_survey_sent", "2026-03-02T08:05:00.000Z"),
      E({ line: 2 }, "zendesk:101:csat_response", "2026-03-02T08:05:00.000Z", { score: 5 }),
      // line 4: tag "bot" → AI replied at +2 min; human assignee → escalated at that reply
      // (reason other, no context proof); no human_message (its time is unknown); tag vip → tier
      E({ line: 4 }, "zendesk:102:conversation_started", "2026-03-02T09:00:00.000Z", { customer_id: "9002", channel: "email", topic: "Shipping", customer_tier: "vip" }),
      E({ line: 4 }, "zendesk:102:ai_message", "2026-03-02T09:02:00.000Z"),
      E({ line: 4 }, "zendesk:102:escalated", "2026-03-02T09:02:00.000Z", { reason: "other", context_transferred: false }),
      E({ line: 4 }, "zendesk:102:resolved", "2026-03-02T11:00:00.000Z", { by: "human" }),
      E({ line: 4 }, "zendesk:102:csat_survey_sent", "2026-03-02T11:00:00.000Z"),
      E({ line: 4 }, "zendesk:102:csat_response", "2026-03-02T11:00:00.000Z", { score: 1 }),
      // line 5: human only, no requester id → email; Reopens 1, Closed → second resolution
      // (resolved:2) at Solved at, its reopen 1 ms before; "offered" → survey only
      E({ line: 5 }, "zendesk:103:conversation_started", "2026-03-03T07:00:00.000Z", { customer_id: "carol@example.com", channel: "voice", topic: "Billing" }),
      E({ line: 5 }, "zendesk:103:human_message", "2026-03-03T07:30:00.000Z", { agent_id: "Eve Agent" }),
      E({ line: 5 }, "zendesk:103:resolved:2", "2026-03-04T08:00:00.000Z", { by: "human" }),
      E({ line: 5 }, "zendesk:103:reopened", "2026-03-04T07:59:59.999Z"),
      E({ line: 5 }, "zendesk:103:csat_survey_sent", "2026-03-04T08:00:00.000Z"),
      // line 6: explicit −05:00 offset wins over the mapping zone; Via "Answer Bot" is an AI via
      // and not a channel → default email; no group → no topic; open, never solved
      E({ line: 6 }, "zendesk:104:conversation_started", "2026-03-04T21:00:00.000Z", { customer_id: "9001", channel: "email" }),
      E({ line: 6 }, "zendesk:104:ai_message", "2026-03-04T21:00:00.000Z"),
      R({ line: 7 }, "Created at", /not a date-time.*"yesterday"/),
      R({ line: 8 }, "Id", "required: the ticket has no id"),
      // line 9: human only, open, Reopens 1, no Solved at → reopened at Updated at; Not Offered
      E({ line: 9 }, "zendesk:107:conversation_started", "2026-03-05T09:00:00.000Z", { customer_id: "9007", channel: "whatsapp", topic: "Returns" }),
      E({ line: 9 }, "zendesk:107:human_message", "2026-03-05T10:00:00.000Z", { agent_id: "Eve Agent" }),
      E({ line: 9 }, "zendesk:107:reopened", "2026-03-05T10:00:00.000Z"),
      // line 10: tag answer_bot → AI (0.5 min → +30 s); tag escalated without assignee → escalated
      E({ line: 10 }, "zendesk:108:conversation_started", "2026-03-06T22:30:00.000Z", { customer_id: "9008", channel: "chat", topic: "Billing" }),
      E({ line: 10 }, "zendesk:108:ai_message", "2026-03-06T22:30:30.000Z"),
      E({ line: 10 }, "zendesk:108:escalated", "2026-03-06T22:30:30.000Z", { reason: "other", context_transferred: false }),
      // line 11: Via "Mail" → email; Solved at empty → created + full resolution 60 min; score 4
      E({ line: 11 }, "zendesk:109:conversation_started", "2026-03-06T07:00:00.000Z", { customer_id: "9009", channel: "email", topic: "Shipping" }),
      E({ line: 11 }, "zendesk:109:human_message", "2026-03-06T07:15:00.000Z", { agent_id: "Eve Agent" }),
      E({ line: 11 }, "zendesk:109:resolved", "2026-03-06T08:00:00.000Z", { by: "human" }),
      E({ line: 11 }, "zendesk:109:csat_survey_sent", "2026-03-06T08:00:00.000Z"),
      E({ line: 11 }, "zendesk:109:csat_response", "2026-03-06T08:00:00.000Z", { score: 4 }),
    ]);
  });

  it("fails the file when a required column is missing, naming it", async () => {
    const run = (csv: string) => collect(zendesk.read(text(csv)));
    await expect(run("Id,Requester id,Status\n1,2,open\n")).rejects.toThrow(/lacks required column\(s\): Created at/);
    await expect(run("Id,Requester id,Status\n1,2,open\n")).rejects.toBeInstanceOf(IngestParseError);
    await expect(run("Created at,Requester id\n2026-03-01 10:00,2\n")).rejects.toThrow(/Id/);
    await expect(run("Id,Created at,Subject\n1,2026-03-01 10:00,x\n")).rejects.toThrow(/Requester id, Requester email/);
    await expect(run("")).rejects.toThrow(/empty/);
  });

  it("rejects a row whose numbers or satisfaction cannot be read, naming the column", async () => {
    const csv = [
      "ID,created AT,Requester id,Reopens,Satisfaction Score,Replies",
      "1,2026-03-01 10:00,u,two,,",
      "2,2026-03-01 10:00,u,0,Great,",
      "3,2026-03-01 10:00,u,0,,-1",
      "4,2026-03-01 10:00,,0,,",
      "5,2026-03-01 10:00,u,0,Good with comment,",
    ].join("\n");
    const records = await collect(zendesk.read(text(csv)));
    expect(records.filter((r) => "rejection" in r)).toEqual([
      R({ line: 2 }, "Reopens", /number ≥ 0/),
      R({ line: 3 }, "Satisfaction Score", /unknown satisfaction value "Great"/),
      R({ line: 4 }, "Replies", /number ≥ 0/),
      R({ line: 5 }, "Requester id", /no requester id or email/),
    ]);
    expect(records.find((r) => "value" in r && (r.value as { type: string }).type === "csat_response")).toEqual(
      E({ line: 6 }, "zendesk:5:csat_response", "2026-03-01T10:00:00.000Z", { score: 5 }),
    );
  });

  it("rejects the whole row, naming the column, when a value would break an events.md length limit", async () => {
    const csv = `Id,Created at,Requester id,Group,Assignee,Replies\n1,2026-03-01 10:00,u,${"g".repeat(201)},Ann,1\n2,2026-03-01 10:00,u,G,${"a".repeat(201)},1\n3,2026-03-01 10:00,u,G,Ann,1\n`;
    const records = await collect(zendesk.read(text(csv)));
    expect(records.slice(0, 2)).toEqual([
      R({ line: 2 }, "Group", "longer than 200 characters (topic)"),
      R({ line: 3 }, "Assignee", "longer than 200 characters (agent_id)"),
    ]);
    expect(records.slice(2).map((r) => ("value" in r ? (r.value as { type: string }).type : r))).toEqual(["conversation_started", "human_message"]);
  });

  it("keeps the last solve of a reopened, still-open ticket and dates the reopen after it", async () => {
    const csv = "Id,Created at,Requester id,Status,Solved at,Updated at,Reopens\n7,2026-03-01 10:00,u,Open,2026-03-01 12:00,2026-03-01 11:00,2\n";
    const values = (await collect(zendesk.read(text(csv)))).map((r) => ("value" in r ? r.value : r));
    expect(values).toEqual([
      { event_id: "zendesk:7:conversation_started", conversation_id: "zendesk:7", type: "conversation_started", at: "2026-03-01T10:00:00.000Z", customer_id: "u", channel: "email" },
      // resolution number 2 (before the 2nd reopen); the reopen is after it even though Updated at is earlier
      { event_id: "zendesk:7:resolved:2", conversation_id: "zendesk:7", type: "resolved", at: "2026-03-01T12:00:00.000Z" },
      { event_id: "zendesk:7:reopened:2", conversation_id: "zendesk:7", type: "reopened", at: "2026-03-01T12:00:00.001Z" },
    ]);
  });

  it("merges via_to_channel over the defaults and can take the topic from the first plain tag", async () => {
    const csv = "Id,Created at,Requester id,Via,Tags,Group\n1,2026-03-01 10:00,u,Closed ticket,bot vip refunds,G\n2,2026-03-01 10:00,u,Web form,,G\n3,2026-03-01 10:00,u,Web Widget,,G\n";
    const records = await collect(
      zendesk.read(text(csv), { via_to_channel: { "closed ticket": "sms", "Web Widget": "in_app" }, topic_from: "first_tag", tier_tags: { VIP: "gold" } }),
    );
    const starts = records.flatMap((r) => ("value" in r && (r.value as { type: string }).type === "conversation_started" ? [r.value] : []));
    expect(starts).toMatchObject([
      { channel: "sms", topic: "refunds", customer_tier: "gold" },
      { channel: "chat" }, // default web_form → chat still there
      { channel: "in_app" }, // the user's "Web Widget" overrides the default web_widget → chat
    ]);
    expect(starts[1]).not.toHaveProperty("topic");
  });

  it("rejects an invalid mapping before reading", async () => {
    await expect(collect(zendesk.read(text("Id,Created at,Requester id\n"), { default_channel: "fax" } as never))).rejects.toThrow(
      /invalid zendesk mapping: default_channel/,
    );
    await expect(collect(zendesk.read(text("Id,Created at,Requester id\n"), { colour: 1 } as never))).rejects.toThrow(IngestParseError);
  });
});

describe("Freshdesk preset", () => {
  it("maps the fixture to exactly these events (CRLF, quoted newline, America/New_York across DST)", async () => {
    const records = await collect(freshdesk.read(fixture("freshdesk.csv"), { timezone: "America/New_York" }));
    expectAllValid(records);
    expect(records).toEqual([
      // line 2: agent "Freddy AI Agent" → AI; 09:00 EST = 14:00Z; first response 00:00:30;
      // resolved 09:10 EST; resolved id carries its time; Extremely happy → 5
      E({ line: 2 }, "freshdesk:201:conversation_started", "2026-03-02T14:00:00.000Z", { customer_id: "5001", channel: "chat", topic: "Billing" }),
      E({ line: 2 }, "freshdesk:201:ai_message", "2026-03-02T14:00:30.000Z"),
      E({ line: 2 }, "freshdesk:201:resolved:2026-03-02T14:10:00.000Z", "2026-03-02T14:10:00.000Z", { by: "ai" }),
      E({ line: 2 }, "freshdesk:201:csat_survey_sent", "2026-03-02T14:10:00.000Z"),
      E({ line: 2 }, "freshdesk:201:csat_response", "2026-03-02T14:10:00.000Z", { score: 5 }),
      // line 3: tags "bot,escalated" → AI then escalated; human agent; no Contact ID → Email;
      // Closed: Resolved time (16:00 EST) wins over Closed time; Unhappy → 2
      E({ line: 3 }, "freshdesk:202:conversation_started", "2026-03-03T15:00:00.000Z", { customer_id: "bo@example.com", channel: "email", topic: "Billing" }),
      E({ line: 3 }, "freshdesk:202:ai_message", "2026-03-03T15:05:00.000Z"),
      E({ line: 3 }, "freshdesk:202:escalated", "2026-03-03T15:05:00.000Z", { reason: "other", context_transferred: false }),
      E({ line: 3 }, "freshdesk:202:resolved:2026-03-03T21:00:00.000Z", "2026-03-03T21:00:00.000Z", { by: "human" }),
      E({ line: 3 }, "freshdesk:202:csat_survey_sent", "2026-03-03T21:00:00.000Z"),
      E({ line: 3 }, "freshdesk:202:csat_response", "2026-03-03T21:00:00.000Z", { score: 2 }),
      // line 4–5: after the 2026-03-08 DST switch: 08:00 EDT = 12:00Z; human +1:30; pending
      E({ line: 4 }, "freshdesk:203:conversation_started", "2026-03-09T12:00:00.000Z", { customer_id: "5003", channel: "voice", topic: "Support" }),
      E({ line: 4 }, "freshdesk:203:human_message", "2026-03-09T13:30:00.000Z", { agent_id: "Sam Rivera" }),
      // line 6: Portal → email; "Initial response time" is a timestamp here; Open with a
      // Resolved time → that resolution, then reopened at Last update time (09:00 EST next day)
      E({ line: 6 }, "freshdesk:204:conversation_started", "2026-03-04T15:00:00.000Z", { customer_id: "5004", channel: "email", topic: "Returns" }),
      E({ line: 6 }, "freshdesk:204:human_message", "2026-03-04T15:30:00.000Z", { agent_id: "Sam Rivera" }),
      E({ line: 6 }, "freshdesk:204:resolved:2026-03-04T17:00:00.000Z", "2026-03-04T17:00:00.000Z", { by: "human" }),
      E({ line: 6 }, "freshdesk:204:reopened:2026-03-04T17:00:00.000Z", "2026-03-05T14:00:00.000Z"),
      // line 7: day/month order unknowable → refused
      R({ line: 7 }, "Created time", /not a date-time.*03\/05\/2026/),
      // line 8: nobody answered (unhandled), resolved without `by`; Neutral → 3
      E({ line: 8 }, "freshdesk:206:conversation_started", "2026-03-06T23:30:00.000Z", { customer_id: "5006", channel: "whatsapp" }),
      E({ line: 8 }, "freshdesk:206:resolved:2026-03-07T00:00:00.000Z", "2026-03-07T00:00:00.000Z"),
      E({ line: 8 }, "freshdesk:206:csat_survey_sent", "2026-03-07T00:00:00.000Z"),
      E({ line: 8 }, "freshdesk:206:csat_response", "2026-03-07T00:00:00.000Z", { score: 3 }),
      R({ line: 9 }, "First response time (in hrs)", /not a duration.*"abc"/),
    ]);
  });

  it("fails the file when Ticket ID or Created time is missing, or no customer column exists", async () => {
    const run = (csv: string, m = {}) => collect(freshdesk.read(text(csv), m));
    await expect(run("Subject,Created time,Contact ID\nx,2026-03-01 10:00,1\n")).rejects.toThrow(/Ticket ID/);
    await expect(run("Ticket ID,Contact ID\n1,1\n")).rejects.toThrow(/Created time/);
    await expect(run("Ticket ID,Created time,Full name\n1,2026-03-01 10:00,Ann\n")).rejects.toThrow(/Contact ID, Email/);
    // opting in to names as customer ids
    const ok = await run("Ticket ID,Created time,Full name\n1,2026-03-01 10:00,Ann\n", { customer_from: ["Full name"] });
    expect(ok).toMatchObject([{ value: { customer_id: "Ann" } }]);
  });

  it("accepts custom survey labels and decimal-hour durations", async () => {
    const csv = "Ticket ID,Created time,Contact ID,Survey results,First response time (in hrs),Agent,Agent interactions\n1,2026-03-01 10:00,c,Meh,1.5,Ann,1\n";
    const records = await collect(freshdesk.read(text(csv), { survey_scores: { meh: 2 } }));
    expect(records.map((r) => ("value" in r ? r.value : r))).toMatchObject([
      { type: "conversation_started" },
      { type: "human_message", at: "2026-03-01T11:30:00.000Z" },
      { type: "csat_survey_sent" },
      { type: "csat_response", score: 2 },
    ]);
  });
});

describe("Intercom preset", () => {
  const mapping = { topic_from_tag_prefix: "topic:", tier_from_tag: { vip: "vip" } };

  // hand-worked per conversation; `p` is the position (NDJSON line or array index)
  const expected = (p: (i: number) => { line: number } | { index: number }) => [
    // 301: Fin assumed_resolution, closed at 10:04 → resolved by ai; tags topic:billing, VIP;
    // no conversation_rating → ai_agent.rating 4 as CSAT (its own id)
    E(p(0), "intercom:301:conversation_started", "2026-03-02T10:00:00.000Z", { customer_id: "c-1", channel: "chat", topic: "billing", customer_tier: "vip" }),
    E(p(0), "intercom:301:customer_message", "2026-03-02T10:00:00.000Z"),
    E(p(0), "intercom:301:ai_message", "2026-03-02T10:00:00.000Z"),
    E(p(0), "intercom:301:resolved", "2026-03-02T10:04:00.000Z", { by: "ai" }),
    E(p(0), "intercom:301:csat_response:ai_agent", "2026-03-02T10:00:00.000Z", { score: 4 }),
    // 302: routed_to_team → escalated (customer_request) at first_assignment_at 11:02; admin
    // replied 11:07 (wait 300 s); closed 11:30; conversation rating 2 at 11:40
    E(p(1), "intercom:302:conversation_started", "2026-03-02T11:00:00.000Z", { customer_id: "c-2", channel: "chat" }),
    E(p(1), "intercom:302:customer_message", "2026-03-02T11:00:00.000Z"),
    E(p(1), "intercom:302:ai_message", "2026-03-02T11:00:00.000Z"),
    E(p(1), "intercom:302:escalated", "2026-03-02T11:02:00.000Z", { reason: "customer_request", context_transferred: false }),
    E(p(1), "intercom:302:human_message", "2026-03-02T11:07:00.000Z", { agent_id: "814" }),
    E(p(1), "intercom:302:resolved", "2026-03-02T11:30:00.000Z", { by: "human" }),
    E(p(1), "intercom:302:csat_response", "2026-03-02T11:40:00.000Z", { score: 2 }),
    // 303: human only, email, contacts as a bare array; count_reopens 1 and closed → resolved:2
    // at last_close_at with the reopen 1 ms before
    E(p(2), "intercom:303:conversation_started", "2026-03-03T09:00:00.000Z", { customer_id: "c-3", channel: "email" }),
    E(p(2), "intercom:303:customer_message", "2026-03-03T09:00:00.000Z"),
    E(p(2), "intercom:303:human_message", "2026-03-03T10:00:00.000Z", { agent_id: "815" }),
    E(p(2), "intercom:303:resolved:2", "2026-03-04T15:00:00.000Z", { by: "human" }),
    E(p(2), "intercom:303:reopened", "2026-03-04T14:59:59.999Z"),
    E(p(2), "intercom:303:csat_response", "2026-03-04T16:00:00.000Z", { score: 5 }),
    // 304: resolution_state abandoned → abandoned at the customer's last reply; empty rating
    E(p(3), "intercom:304:conversation_started", "2026-03-04T12:00:00.000Z", { customer_id: "c-4", channel: "whatsapp" }),
    E(p(3), "intercom:304:customer_message", "2026-03-04T12:00:00.000Z"),
    E(p(3), "intercom:304:ai_message", "2026-03-04T12:00:00.000Z"),
    E(p(3), "intercom:304:abandoned", "2026-03-04T12:01:00.000Z"),
    // 305: negative_feedback → escalated (other); snoozed, not resolved; instagram → social
    E(p(4), "intercom:305:conversation_started", "2026-03-05T08:00:00.000Z", { customer_id: "c-1", channel: "social", topic: "shipping" }),
    E(p(4), "intercom:305:customer_message", "2026-03-05T08:00:00.000Z"),
    E(p(4), "intercom:305:ai_message", "2026-03-05T08:00:00.000Z"),
    E(p(4), "intercom:305:escalated", "2026-03-05T08:00:00.000Z", { reason: "other", context_transferred: false }),
    E(p(4), "intercom:305:csat_response:ai_agent", "2026-03-05T08:00:00.000Z", { score: 1 }),
    // 306: created_at null
    R(p(5), "created_at", "required: the conversation has no created_at"),
  ];

  it("maps NDJSON (BOM, CRLF, a blank line, a broken last line) with line numbers", async () => {
    const records = await collect(intercom.read(fixture("intercom.ndjson"), mapping, { format: "ndjson" }));
    expectAllValid(records);
    const lines = [1, 2, 3, 5, 6, 7];
    expect(records).toEqual([...expected((i) => ({ line: lines[i] })), R({ line: 8 }, "line", /invalid JSON/)]);
    // the same without a format: detected
    expect(await collect(intercom.read(fixture("intercom.ndjson"), mapping))).toEqual(records);
  });

  it("maps a JSON array with 0-based indexes, detected or told", async () => {
    const want = expected((i) => ({ index: i }));
    expect(await collect(intercom.read(fixture("intercom.json"), mapping, { format: "json" }))).toEqual(want);
    expect(await collect(intercom.read(fixture("intercom.json"), mapping))).toEqual(want);
  });

  it("maps a conversation.list page, in a JSON file or as an NDJSON line", async () => {
    const want = expected((i) => ({ index: i })).slice(0, 12);
    expect(await collect(intercom.read(fixture("intercom-page.json"), mapping))).toEqual(want);
    expect(await collect(intercom.read(fixture("intercom-page.json"), mapping, { format: "json" }))).toEqual(want);
    const page = readFileSync(path.join(FIXTURES, "intercom-page.json"), "utf8");
    const asLine = JSON.stringify(JSON.parse(page)) + "\n";
    const fromLine = await collect(intercom.read(text(asLine), mapping, { format: "ndjson" }));
    expect(fromLine).toEqual(want.map((r) => ({ ...r, pos: { line: 1 } })));
  });

  it("reads ISO strings in the mapping's zone, millisecond epochs, and rejects bad values by field", async () => {
    const convs = [
      { id: 1, created_at: "2026-03-02 09:00:00", contacts: [{ id: "a" }], state: "closed", statistics: { last_close_at: 1772445600000 } },
      { id: 2, created_at: 1772442000, contacts: [] },
      { id: 3, created_at: 1772442000, contacts: [{ id: "a" }], conversation_rating: { rating: 7 } },
      { id: 4, created_at: "yesterday", contacts: [{ id: "a" }] },
      { id: 5, created_at: 1772442000, contacts: [{ id: "a" }], statistics: { count_reopens: -1 } },
      "not an object",
    ];
    const records = await collect(intercom.read(text(JSON.stringify(convs)), { timezone: "Europe/Berlin" }));
    expect(records).toEqual([
      E({ index: 0 }, "intercom:1:conversation_started", "2026-03-02T08:00:00.000Z", { customer_id: "a", channel: "chat" }),
      // 1772445600000 ms = 2026-03-02T10:00:00Z; nobody answered → no `by`
      E({ index: 0 }, "intercom:1:resolved", "2026-03-02T10:00:00.000Z"),
      R({ index: 1 }, "contacts", /no contact id/),
      R({ index: 2 }, "conversation_rating.rating", /1 to 5/),
      R({ index: 3 }, "created_at", /not a date-time/),
      R({ index: 4 }, "statistics.count_reopens", /whole number/),
      R({ index: 5 }, "conversation", "must be a JSON object"),
    ]);
  });

  it("fails the file on input that is not JSON conversations", async () => {
    await expect(collect(intercom.read(text("id,created_at\n1,2\n"), {}))).rejects.toThrow(IngestParseError);
    await expect(collect(intercom.read(text('[{"id": 1,'), {}, { format: "json" }))).rejects.toThrow(IngestParseError);
    expect(await collect(intercom.read(text(""), {}))).toEqual([]);
  });
});

describe("detectFormat", () => {
  const head = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8").slice(0, 4096);

  it("recognises every fixture from its first bytes", () => {
    expect(detectFormat(head("zendesk-today.csv"))).toBe("zendesk");
    expect(detectFormat(head("zendesk-yesterday.csv"))).toBe("zendesk");
    expect(detectFormat(head("freshdesk.csv"))).toBe("freshdesk");
    expect(detectFormat(head("intercom.ndjson"))).toBe("intercom-ndjson");
    expect(detectFormat(head("intercom.json"))).toBe("intercom-json");
    expect(detectFormat(head("intercom-page.json"))).toBe("intercom-json");
  });

  it("tells canonical inputs and unknown ones apart", () => {
    expect(detectFormat("\uFEFFevent_id,conversation_id,type,at,customer_id\r\n")).toBe("canonical");
    expect(detectFormat('{"conversation_id":"c1","type":"abandoned","at":"2026-03-01T10:00:00Z"}\n{"conv')).toBe("ndjson");
    expect(detectFormat('[\n  {"conversation_id":"c1","type":"conversation_started"')).toBe("json");
    expect(detectFormat('"Ticket ID","Subject","Created time"\n')).toBe("freshdesk");
    expect(detectFormat("name,email\nann,a@x\n")).toBeNull();
    expect(detectFormat("")).toBeNull();
    expect(detectFormat("{\n  \"hello\": 1")).toBeNull();
  });
});

describe("PRESETS", () => {
  it("describes each preset for the UI and exposes working defaults", () => {
    for (const [key, p] of Object.entries(PRESETS)) {
      expect(p.name).toBe(key);
      expect(p.label).not.toBe("");
      expect(p.kinds).toContain("conversation_started");
      expect(p.kinds).not.toContain("work_logged");
      expect(p.cannotKnow.length).toBeGreaterThan(3);
      expect(p.unavailableMetrics).toContain("context_transfer_rate");
      expect(p.mappingSchema.parse({})).toEqual(p.defaultMapping);
      expect(p.defaultMapping).toMatchObject({ timezone: "UTC" });
    }
    expect(PRESETS.zendesk.kinds).not.toContain("abandoned");
    expect(PRESETS.intercom.kinds).toContain("abandoned");
    expect(PRESETS.zendesk.defaultMapping).toMatchObject({ default_channel: "email", topic_from: "group", ai_via: ["answer_bot"] });
  });
});
