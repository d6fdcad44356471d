import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { demoEventsToCsv } from "../../lib/demo/generate";
import { pool } from "../../lib/db/pool";
import { IngestParseError, ingestStream, type IngestResult } from "../../lib/ingest";
import { importHistory } from "../../lib/data-quality";
import { verifyDerived } from "../../lib/maintenance/verify";
import { closeConnections, freshDatabase } from "./support/db";

afterAll(closeConnections);

const NOW = new Date("2026-10-01T00:00:00Z");

/** A demo file with planted trouble: a bad row, an in-file duplicate far from its original, a conflicting start. */
function plantedCsv(): string {
  const [header, ...rows] = [...demoEventsToCsv({ conversations: 60, seed: 5, days: 20, now: NOW })].join("").trimEnd().split("\n");
  const start = rows.find((r) => r.includes(",conversation_started,"))!;
  const cells = start.split(",");
  const conflicting = [cells[0] + "-again", ...cells.slice(1, 5), cells[5] === "chat" ? "email" : "chat", ...cells.slice(6)].join(",");
  return [header, ...rows.slice(0, 40), ",c-bad,teleported,2026-09-01T00:00:00.000Z" + ",".repeat(header.split(",").length - 4),
    ...rows.slice(40), rows[3], conflicting].join("\n") + "\n";
}

async function ingestCsv(text: string, commitEvery?: number): Promise<IngestResult> {
  return ingestStream(Readable.from([Buffer.from(text)]), { format: "canonical", source: "test", commitEvery });
}

async function snapshot() {
  const db = pool();
  const events = await db.query("SELECT event_key, conversation_id, type, at, customer_id, channel FROM events ORDER BY id");
  const conversations = await db.query("SELECT * FROM conversations ORDER BY conversation_id");
  return {
    events: events.rows,
    conversations: conversations.rows.map(({ updated_at: _, ...rest }) => rest),
  };
}

describe("ingest in parts (--commit-every)", () => {
  it("stores, counts and derives exactly what one transaction does, in the same arrival order", async () => {
    const csv = plantedCsv();
    await freshDatabase();
    const whole = await ingestCsv(csv);
    const expected = await snapshot();

    await freshDatabase();
    const parts = await ingestCsv(csv, 7);
    expect(parts).toEqual(whole);
    expect(parts.duplicates).toBe(1);
    expect(parts.rejected).toEqual([{ line: 42, field: "type", reason: 'unknown event type "teleported"' }]);
    expect(await snapshot()).toEqual(expected);
    expect((await verifyDerived()).mismatched).toEqual([]);
    const { rows } = await pool().query("SELECT status, accepted, duplicates, rejected_count FROM imports");
    expect(rows).toEqual([{ status: "done", accepted: whole.accepted, duplicates: 1, rejected_count: 1 }]);
  });

  it("concurrent ingests sharing events in opposite orders both finish, each event stored once, derived as by one ingest", async () => {
    const [header, ...rows] = [...demoEventsToCsv({ conversations: 300, seed: 11, days: 20, now: NOW })].join("").trimEnd().split("\n");
    await freshDatabase();
    await ingestCsv([header, ...rows].join("\n") + "\n");
    const expected = (await snapshot()).conversations;

    // the same events, the second file in reverse: without turns at the insert, each waits for
    // the other's uncommitted keys (a deadlock: PostgreSQL aborts one of them)
    await freshDatabase();
    const forward = [header, ...rows].join("\n") + "\n";
    const backward = [header, ...[...rows].reverse()].join("\n") + "\n";
    const results = await Promise.all([ingestCsv(forward), ingestCsv(backward), ingestCsv(backward, 500)]);
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(rows.length);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(2 * rows.length);
    expect((await verifyDerived()).mismatched).toEqual([]);
    // which copy of a conversation_started arrived first may differ; the demo's starts never conflict
    expect((await snapshot()).conversations).toEqual(expected);
  });

  it("an import whose process ended without finishing shows as interrupted, one still running as running", async () => {
    await freshDatabase();
    const [header, ...rows] = [...demoEventsToCsv({ conversations: 60, seed: 12, days: 10, now: NOW })].join("").trimEnd().split("\n");
    let during: string[] = [];
    async function* body() {
      yield Buffer.from([header, ...rows.slice(0, 200)].join("\n") + "\n");
      await new Promise((r) => setTimeout(r, 100)); // the first parts commit meanwhile
      during = (await importHistory()).map((i) => i.status);
      yield Buffer.from(rows.slice(200).join("\n") + "\n");
    }
    await ingestStream(Readable.from(body()), { format: "canonical", source: "cli", commitEvery: 50 });
    expect(during).toEqual(["running"]);
    expect((await importHistory()).map((i) => i.status)).toEqual(["done"]);

    // what a SIGKILL leaves: the row says running, and no session holds its lock
    await pool().query(`INSERT INTO imports (source, format, started_at, status, accepted) VALUES ('cli', 'canonical', now(), 'running', 50)`);
    expect((await importHistory()).map((i) => i.status)).toEqual(["interrupted", "done"]);
  });

  it("keeps at most three parts in flight: one deriving, one inserting, one being parsed", async () => {
    const url = await freshDatabase();
    const csv = [...demoEventsToCsv({ conversations: 400, seed: 13, days: 10, now: NOW })].join("");
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    let peak = 0;
    let done = false;
    const watching = (async () => {
      while (!done) {
        const { rows } = await observer.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
        );
        peak = Math.max(peak, rows[0].n);
      }
    })();
    try {
      const result = await ingestCsv(csv, 40);
      expect(result.rejected).toEqual([]);
    } finally {
      done = true;
      await watching;
      await observer.end();
    }
    expect(peak).toBeGreaterThanOrEqual(2); // the stages did overlap
    // 3, plus one at a hand-over: pg_stat_activity is not one atomic snapshot of all backends, so
    // a part seen just before its commit can be counted with the part opened just after it
    // (without the bound, parts piled up to the pool's size: 9–10 here)
    expect(peak).toBeLessThanOrEqual(4);
    expect((await verifyDerived()).mismatched).toEqual([]);
  });

  it("a file that breaks midway keeps the parts before it, consistent, and says so; re-running completes it", async () => {
    await freshDatabase();
    const events = [...Array(30).keys()].map((i) => ({
      conversation_id: `c${i % 6}`, type: i < 6 ? "conversation_started" : "customer_message",
      at: new Date(Date.UTC(2026, 8, 1, 0, i)).toISOString(), ...(i < 6 ? { customer_id: `u${i}`, channel: "chat" } : {}),
    }));
    const good = JSON.stringify(events);
    const broken = good.slice(0, good.lastIndexOf("{")) + "{oops";
    // small chunks, as a network or file stream delivers them, so the parser reaches the break late
    const chunks = (text: string) => Readable.from(text.match(/[\s\S]{1,64}/g)!.map((c) => Buffer.from(c)));
    const err = await ingestStream(chunks(broken), { format: "json", source: "test", commitEvery: 10 }).catch((e) => e);
    expect(err).toBeInstanceOf(IngestParseError);
    expect(err.message).toMatch(/the (10|20) events before it were stored; .*re-running/);
    const stored = Number(/the (\d+) events/.exec(err.message)![1]);
    expect(Number((await pool().query("SELECT count(*) FROM events")).rows[0].count)).toBe(stored);
    expect((await verifyDerived()).mismatched).toEqual([]);
    const { rows } = await pool().query("SELECT status, accepted FROM imports");
    expect(rows).toEqual([{ status: "failed", accepted: stored }]);

    const again = await ingestStream(Readable.from([Buffer.from(good)]), { format: "json", source: "test", commitEvery: 10 });
    expect(again).toEqual({ accepted: 30 - stored, duplicates: stored, rejected: [] });
    expect((await verifyDerived()).mismatched).toEqual([]);
  });
});
