import fc from "fast-check";
import { afterAll, beforeEach, expect, it } from "vitest";
import { pool } from "../../lib/db/pool";
import { eraseCustomer } from "../../lib/maintenance/erase";
import { verifyDerived } from "../../lib/maintenance/verify";
import { latestEventAt } from "../../lib/metrics/as-of";
import { closeConnections, freshDatabase } from "./support/db";
import { ingestJson } from "./support/ingest";

/**
 * as_of's default is the latest `at` of any stored event. It is kept on data_version by triggers
 * on conversations (migration 20261201030000_latest_event_at) rather than read through an index
 * on last_event_at, which cost every new conversation a random B-tree page at 10 M.
 */
beforeEach(async () => {
  await freshDatabase();
});
afterAll(closeConnections);

const latestOfEvents = async () => (await pool().query<{ at: Date | null }>("SELECT max(at) AS at FROM events")).rows[0].at;
const stored = async () => (await pool().query<{ at: Date | null }>("SELECT latest_event_at AS at FROM data_version WHERE id = 1")).rows[0].at;
const iso = (minute: number) => new Date(Date.UTC(2026, 4, 1) + minute * 60_000).toISOString();

it("equals the latest stored event after any mix of ingests, late events and erasures", async () => {
  const op = fc.oneof(
    // a new or continued conversation of one of three customers, at any minute of a week
    fc.record({ kind: fc.constant("ingest" as const), conv: fc.integer({ min: 0, max: 5 }), minute: fc.integer({ min: 0, max: 10_080 }), late: fc.boolean() }),
    fc.record({ kind: fc.constant("erase" as const), customer: fc.integer({ min: 0, max: 2 }) }),
  );
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      await pool().query("TRUNCATE events, conversations, imports CASCADE");
      for (const o of ops) {
        if (o.kind === "erase") await eraseCustomer(`cust-${o.customer}`);
        else {
          const id = `c${o.conv}`;
          n++;
          await ingestJson(
            o.late
              ? [{ event_id: `e${n}`, conversation_id: id, type: "csat_response", at: iso(o.minute), score: 4 }]
              : [
                  { event_id: `s${n}`, conversation_id: id, type: "conversation_started", at: iso(o.minute), customer_id: `cust-${o.conv % 3}`, channel: "chat" },
                  { event_id: `m${n}`, conversation_id: id, type: "customer_message", at: iso(o.minute + 1) },
                ],
          );
        }
        const want = await latestOfEvents();
        expect(await stored()).toEqual(want);
        expect(await latestEventAt()).toEqual(want);
      }
    }),
    { numRuns: 25 },
  );
});

it("forgets the latest when conversations are truncated (a restore), and takes it from what is loaded next", async () => {
  await ingestJson([{ event_id: "a", conversation_id: "a", type: "conversation_started", at: iso(10), customer_id: "x", channel: "chat" }]);
  expect(await stored()).toEqual(new Date(iso(10)));
  await pool().query("TRUNCATE conversations");
  expect(await stored()).toBeNull();
  await ingestJson([{ event_id: "b", conversation_id: "b", type: "conversation_started", at: iso(5), customer_id: "x", channel: "chat" }]);
  expect(await stored()).toEqual(new Date(iso(5)));
});

it("re-reads the latest after the writers it waited for, when the row holding it goes", async () => {
  await ingestJson([
    { event_id: "old", conversation_id: "old", type: "conversation_started", at: iso(10), customer_id: "x", channel: "chat" },
    { event_id: "mid", conversation_id: "mid", type: "conversation_started", at: iso(20), customer_id: "y", channel: "chat" },
    { event_id: "top", conversation_id: "top", type: "conversation_started", at: iso(30), customer_id: "z", channel: "chat" },
  ]);
  const a = await pool().connect();
  const b = await pool().connect();
  try {
    // A moves "mid" later (still below the latest) and holds the row lock until it commits
    await a.query("BEGIN");
    await a.query("UPDATE conversations SET last_event_at = $1 WHERE conversation_id = 'mid'", [iso(25)]);
    // B removes the row holding the latest: its re-read must wait for A and see A's change
    const bPid = (await b.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    await b.query("BEGIN");
    const deleting = b.query("DELETE FROM conversations WHERE conversation_id = 'top'");
    for (let i = 0; (await pool().query("SELECT 1 FROM pg_locks WHERE NOT granted AND pid = $1", [bPid])).rowCount === 0; i++) {
      if (i > 200) throw new Error("B never waited for A's lock");
      await new Promise((r) => setTimeout(r, 10));
    }
    await a.query("COMMIT");
    await deleting;
    await b.query("COMMIT");
  } finally {
    // after a failure above, end both transactions before the clients go back to the pool
    await a.query("ROLLBACK").catch(() => {});
    await b.query("ROLLBACK").catch(() => {});
    a.release();
    b.release();
  }
  // without the lock taken first, B's re-read used its snapshot from before A's commit: minute 20
  expect(await stored()).toEqual(new Date(iso(25)));
});

it("verify names a stored latest event that is not the conversations' latest", async () => {
  await ingestJson([{ event_id: "a", conversation_id: "a", type: "conversation_started", at: iso(10), customer_id: "x", channel: "chat" }]);
  expect((await verifyDerived()).latestEventDiffers).toBeNull();
  await pool().query("UPDATE data_version SET latest_event_at = latest_event_at - interval '1 hour'");
  expect((await verifyDerived()).latestEventDiffers).toEqual({ stored: new Date(Date.parse(iso(10)) - 3_600_000), actual: new Date(iso(10)) });
});
