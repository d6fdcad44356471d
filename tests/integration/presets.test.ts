import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { IngestParseError, ingestRecords } from "../../lib/ingest";
import { PRESETS } from "../../lib/ingest/presets";
import { computeMetrics } from "../../lib/metrics";
import { closeConnections, freshDatabase } from "./support/db";
import { conversation, countRows } from "./support/ingest";

// The presets through the one ingest path (ingestRecords) and the real metrics engine.
beforeEach(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/presets");
const fixture = (name: string) => createReadStream(path.join(FIXTURES, name));
const text = (s: string) => Readable.from([Buffer.from(s, "utf8")]);
const ingest = (records: AsyncIterable<import("../../lib/ingest").RawRecord>) => ingestRecords(records, { format: "json", source: "test" });

const ZENDESK = { timezone: "Europe/Berlin", tier_tags: { vip: "vip" } };
const FRESHDESK = { timezone: "America/New_York" };
const INTERCOM = { topic_from_tag_prefix: "topic:", tier_from_tag: { vip: "vip" } };
// every window (48 h / 72 h) is closed at this as_of
const AS_OF = new Date("2026-03-31T00:00:00Z");

async function metrics(from: string, to: string) {
  return (await computeMetrics({ from, to, as_of: AS_OF })).segments[0].metrics;
}
async function reopenedCount() {
  const { rows } = await pool().query("SELECT count(*)::int AS n FROM conversations WHERE reopened");
  return rows[0].n as number;
}
const rate = (r: { numerator: number; denominator: number }) => [r.numerator, r.denominator];

describe("Zendesk through ingest and metrics", () => {
  it("stores the fixture's events, reports its two bad rows by line and column, and gives the hand-worked metrics", async () => {
    const r = await ingest(PRESETS.zendesk.read(fixture("zendesk-today.csv"), ZENDESK));
    // 101: 5, 102: 6, 103: 5, 104: 2, 107: 3, 108: 3, 109: 5 (see tests/unit/presets.test.ts)
    expect(r.accepted).toBe(29);
    expect(r.duplicates).toBe(0);
    expect(r.rejected).toEqual([
      { line: 7, field: "Created at", reason: expect.stringMatching(/"yesterday"/) },
      { line: 8, field: "Id", reason: "required: the ticket has no id" },
    ]);
    const m = await metrics("2026-03-01", "2026-03-07");
    // 101 ai_only, 102 ai_escalated, 103 human_only, 104 ai_only, 107 human_only,
    // 108 ai_escalated, 109 human_only
    expect(m.inbound.value).toBe(7);
    expect(rate(m.containment_rate)).toEqual([2, 7]);
    expect(rate(m.escalation_rate)).toEqual([2, 4]);
    // resolved at the end: 101, 102, 103 (reopened, then solved again), 109; not 104, 107, 108
    expect(rate(m.resolution_rate)).toEqual([4, 7]);
    // scores 5 (101), 1 (102), 4 (109): two of three ≥ 4
    expect(rate(m.csat)).toEqual([2, 3]);
    expect(rate(m.csat_response_rate)).toEqual([3, 7]);
    // 103 and 107
    expect(await reopenedCount()).toBe(2);
    // verified: 102, 109. 101 is re-contacted by the same requester (104, 60.9 h after 101
    // ended, within 72 h, 104 has no topic); 103 was reopened
    expect(rate(m.verified_resolution_rate)).toEqual([2, 7]);
    expect(rate(m.fcr_rate)).toEqual([2, 4]);
    // 60.9 h > 48 h: no re-contact at the 48 h window
    expect(rate(m.recontact_rate)).toEqual([0, 7]);
    // escalations from an export never prove a context transfer
    expect(rate(m.context_transfer_rate)).toEqual([0, 2]);
    // no human_message is invented after a hand-off, so no escalation wait is made up
    expect(m.escalation_wait_s.n).toBe(0);
    expect(await conversation("zendesk:102")).toMatchObject({ population: "ai_escalated", resolved: true, resolved_by: "human", customer_tier: "vip" });
    expect(await conversation("zendesk:104")).toMatchObject({ channel: "email", started_at: new Date("2026-03-04T21:00:00Z") });
  });

  it("yesterday's export then today's: only the events that are new today are accepted", async () => {
    // yesterday: 101 (5 events), 102 open and unrated (3), 103 solved once, survey offered (4)
    expect(await ingest(PRESETS.zendesk.read(fixture("zendesk-yesterday.csv"), ZENDESK))).toEqual({ accepted: 12, duplicates: 0, rejected: [] });
    expect(await conversation("zendesk:102")).toMatchObject({ resolved: false });
    expect(await conversation("zendesk:103")).toMatchObject({ resolved: true, reopened: false });

    // today: 29 events, of which 101's 5, 102's start/ai/escalated and 103's
    // start/human/survey are already stored (same event_id, whatever their `at` says now)
    const r = await ingest(PRESETS.zendesk.read(fixture("zendesk-today.csv"), ZENDESK));
    expect(r.accepted).toBe(18);
    expect(r.duplicates).toBe(11);
    expect(await countRows("events")).toBe(30);

    const { rows } = await pool().query<{ event_id: string; at: Date }>(
      "SELECT event_id, at FROM events WHERE conversation_id IN ('zendesk:102', 'zendesk:103') ORDER BY at, event_id",
    );
    expect(rows.map((x) => [x.event_id, x.at.toISOString()])).toEqual([
      ["zendesk:102:conversation_started", "2026-03-02T09:00:00.000Z"],
      ["zendesk:102:ai_message", "2026-03-02T09:02:00.000Z"],
      ["zendesk:102:escalated", "2026-03-02T09:02:00.000Z"],
      ["zendesk:102:csat_response", "2026-03-02T11:00:00.000Z"],
      ["zendesk:102:csat_survey_sent", "2026-03-02T11:00:00.000Z"],
      ["zendesk:102:resolved", "2026-03-02T11:00:00.000Z"],
      ["zendesk:103:conversation_started", "2026-03-03T07:00:00.000Z"],
      ["zendesk:103:human_message", "2026-03-03T07:30:00.000Z"],
      // yesterday's first solve and its survey stay; today adds the reopen and the second solve
      ["zendesk:103:csat_survey_sent", "2026-03-03T11:00:00.000Z"],
      ["zendesk:103:resolved", "2026-03-03T11:00:00.000Z"],
      ["zendesk:103:reopened", "2026-03-04T07:59:59.999Z"],
      ["zendesk:103:resolved:2", "2026-03-04T08:00:00.000Z"],
    ]);
    expect(await conversation("zendesk:102")).toMatchObject({ resolved: true, resolved_by: "human" });
    expect(await conversation("zendesk:103")).toMatchObject({ resolved: true, reopened: true });

    // the same numbers as today's export alone
    const m = await metrics("2026-03-01", "2026-03-07");
    expect([m.inbound.value, rate(m.resolution_rate), rate(m.csat), rate(m.verified_resolution_rate)]).toEqual([7, [4, 7], [2, 3], [2, 7]]);
    expect(await reopenedCount()).toBe(2);

    // and today's export again adds nothing
    expect(await ingest(PRESETS.zendesk.read(fixture("zendesk-today.csv"), ZENDESK))).toMatchObject({ accepted: 0, duplicates: 29 });
  });

  it("a missing required column fails the whole file and stores nothing", async () => {
    const csv = "Id,Requester id,Status\n1,2,open\n";
    await expect(ingest(PRESETS.zendesk.read(text(csv)))).rejects.toBeInstanceOf(IngestParseError);
    await expect(ingest(PRESETS.zendesk.read(text(csv)))).rejects.toThrow(/Created at/);
    expect(await countRows("events")).toBe(0);
  });
});

describe("Freshdesk through ingest and metrics", () => {
  it("stores the fixture's events and gives the hand-worked metrics", async () => {
    const r = await ingest(PRESETS.freshdesk.read(fixture("freshdesk.csv"), FRESHDESK));
    // 201: 5, 202: 6, 203: 2, 204: 4, 206: 4
    expect(r.accepted).toBe(21);
    expect(r.rejected).toEqual([
      { line: 7, field: "Created time", reason: expect.stringMatching(/03\/05\/2026/) },
      { line: 9, field: "First response time (in hrs)", reason: expect.stringMatching(/"abc"/) },
    ]);
    const m = await metrics("2026-03-01", "2026-03-10");
    // 201 ai_only, 202 ai_escalated, 203 human_only, 204 human_only, 206 unhandled
    expect(m.inbound.value).toBe(5);
    expect(rate(m.containment_rate)).toEqual([1, 5]);
    expect(rate(m.escalation_rate)).toEqual([1, 2]);
    // 201, 202, 206 resolved; 204 was resolved and then reopened (last event: reopened)
    expect(rate(m.resolution_rate)).toEqual([3, 5]);
    // 5, 2, 3 → one ≥ 4
    expect(rate(m.csat)).toEqual([1, 3]);
    expect(rate(m.csat_response_rate)).toEqual([3, 5]);
    expect(await reopenedCount()).toBe(1);
    // five different customers, none reopened among the resolved three
    expect(rate(m.verified_resolution_rate)).toEqual([3, 5]);
    expect(await conversation("freshdesk:206")).toMatchObject({ population: "unhandled", resolved: true, resolved_by: null });
    expect(await conversation("freshdesk:203")).toMatchObject({ started_at: new Date("2026-03-09T12:00:00Z"), first_response_s: 5400 });
  });

  it("a re-resolution after a reopen is a new event: the ticket ends resolved", async () => {
    const head = "Ticket ID,Status,Agent,Agent interactions,Created time,Resolved time,Last update time,Contact ID";
    await ingest(PRESETS.freshdesk.read(text(`${head}\n1,Resolved,Ann,1,2026-03-01 10:00,2026-03-01 11:00,2026-03-01 11:00,c\n`)));
    await ingest(PRESETS.freshdesk.read(text(`${head}\n1,Open,Ann,2,2026-03-01 10:00,2026-03-01 11:00,2026-03-02 09:00,c\n`)));
    expect(await conversation("freshdesk:1")).toMatchObject({ resolved: false, reopened: true });
    const r = await ingest(PRESETS.freshdesk.read(text(`${head}\n1,Closed,Ann,3,2026-03-01 10:00,2026-03-02 12:00,2026-03-02 12:00,c\n`)));
    expect(r).toMatchObject({ accepted: 1, duplicates: 2 }); // only the new resolution
    expect(await conversation("freshdesk:1")).toMatchObject({ resolved: true, reopened: true });
  });
});

describe("Intercom through ingest and metrics", () => {
  it("stores NDJSON conversations and gives the hand-worked metrics; the JSON array of the same conversations adds nothing", async () => {
    const r = await ingest(PRESETS.intercom.read(fixture("intercom.ndjson"), INTERCOM, { format: "ndjson" }));
    // 301: 5, 302: 7, 303: 6, 304: 4, 305: 5
    expect(r.accepted).toBe(27);
    expect(r.rejected).toEqual([
      { line: 7, field: "created_at", reason: "required: the conversation has no created_at" },
      { line: 8, field: "line", reason: expect.stringMatching(/invalid JSON/) },
    ]);
    const m = await metrics("2026-03-01", "2026-03-07");
    // 301 ai_only, 302 ai_escalated, 303 human_only, 304 ai_only (abandoned), 305 ai_escalated
    expect(m.inbound.value).toBe(5);
    expect(rate(m.containment_rate)).toEqual([2, 5]);
    expect(rate(m.escalation_rate)).toEqual([2, 4]);
    expect(rate(m.resolution_rate)).toEqual([3, 5]);
    // 4 (301, Fin rating), 2 (302), 5 (303), 1 (305, Fin rating) → two ≥ 4
    expect(rate(m.csat)).toEqual([2, 4]);
    expect(rate(m.csat_response_rate)).toEqual([4, 5]);
    expect(await reopenedCount()).toBe(1);
    // 301 and 302. 305 (same contact, 69.9 h after 301 ended) has another topic
    // (shipping vs billing), so it is no re-contact; 303 was reopened
    expect(rate(m.verified_resolution_rate)).toEqual([2, 5]);
    expect(rate(m.deflection_rate)).toEqual([1, 5]);
    // 302: assigned 11:02, first admin reply 11:07
    expect(m.escalation_wait_s).toMatchObject({ n: 1, p50: 300 });
    expect(await conversation("intercom:304")).toMatchObject({ resolved: false, ended_at: new Date("2026-03-04T12:01:00Z") });

    const again = await ingest(PRESETS.intercom.read(fixture("intercom.json"), INTERCOM));
    expect(again).toEqual({ accepted: 0, duplicates: 27, rejected: [{ index: 5, field: "created_at", reason: "required: the conversation has no created_at" }] });
  });

  it("an open conversation closed and rated since the last upload adds exactly its new events", async () => {
    const base = {
      id: "9", created_at: 1772442000, contacts: { contacts: [{ id: "u" }] }, source: { type: "conversation" },
      ai_agent_participated: true, admin_assignee_id: 5,
      statistics: { first_assignment_at: 1772442060, first_admin_reply_at: 1772442120 },
    };
    const open = { ...base, state: "open" };
    const closed = { ...base, state: "closed", conversation_rating: { rating: 5, created_at: 1772442400 }, statistics: { ...base.statistics, last_close_at: 1772442300 } };
    expect((await ingest(PRESETS.intercom.read(text(JSON.stringify(open) + "\n")))).accepted).toBe(4);
    expect(await conversation("intercom:9")).toMatchObject({ population: "ai_escalated", resolved: false, escalation_wait_s: 60 });
    expect(await ingest(PRESETS.intercom.read(text(JSON.stringify([closed]))))).toEqual({ accepted: 2, duplicates: 4, rejected: [] });
    expect(await conversation("intercom:9")).toMatchObject({ resolved: true, resolved_by: "human", csat_score: 5 });
  });
});
