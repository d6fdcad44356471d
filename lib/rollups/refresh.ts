import type { ClientBase } from "pg";
import { Prisma } from "../generated/prisma/client";
import { ADDITIVE_ITEMS } from "../metrics/definitions";
import { flagColumns } from "../metrics/slice";
import { DEFAULT_METRIC_SETTINGS, mergeMetricSettings } from "../settings";
import { closedHours, HORIZON_STEP_MS, ROLLUP_SIGNATURE, type RollupWindows } from "./state";

const sql = Prisma.sql;

async function run(client: ClientBase, q: Prisma.Sql) {
  return client.query(q.text, q.values);
}

/**
 * Bring the rollup up to date inside the caller's transaction (every derive ends here), so at
 * every commit the rollup equals a rebuild from the conversations:
 *
 * 1. a changed signature or windows (settings) empties it;
 * 2. the horizon moves to the latest event (in steps of HORIZON_STEP_MS, either direction);
 *    the days of conversations whose windows closed (or re-opened) in between become dirty;
 * 3. every dirty day — these, and the ones the triggers on `conversations` marked for rows
 *    this transaction changed — is recomputed from its conversations.
 */
export async function refreshRollups(client: ClientBase, windows?: RollupWindows): Promise<{ days: number }> {
  const w = windows ?? (await settingsWindows(client));
  // serialises refreshes; ingests already hold the derive lock, erase and verify may not
  const { rows: states } = await client.query<{ signature: string; recontact_hours: number; verification_hours: number; horizon: Date | null }>(
    "SELECT signature, recontact_hours, verification_hours, horizon FROM rollup_state WHERE id = 1 FOR UPDATE",
  );
  let horizon = states[0]?.horizon ?? null;
  const state = states[0];
  if (!state || state.signature !== ROLLUP_SIGNATURE || state.recontact_hours !== w.recontactHours || state.verification_hours !== w.verificationHours) {
    await client.query("DELETE FROM conversation_rollups");
    await client.query("DELETE FROM rollup_dirty_days");
    await client.query(
      `INSERT INTO rollup_state (id, signature, recontact_hours, verification_hours, horizon) VALUES (1, $1, $2, $3, NULL)
       ON CONFLICT (id) DO UPDATE SET signature = $1, recontact_hours = $2, verification_hours = $3, horizon = NULL`,
      [ROLLUP_SIGNATURE, w.recontactHours, w.verificationHours],
    );
    horizon = null;
  }

  const hours = closedHours(w);
  const { rows: latestRows } = await client.query<{ latest: Date | null }>("SELECT max(last_event_at) AS latest FROM conversations");
  const latest = latestRows[0].latest;
  if (latest === null) {
    if (horizon !== null) await client.query("DELETE FROM conversation_rollups");
    await client.query("DELETE FROM rollup_dirty_days");
    await client.query("UPDATE rollup_state SET horizon = NULL WHERE id = 1");
    return { days: 0 };
  }
  if (horizon === null || Math.abs(latest.getTime() - horizon.getTime()) >= HORIZON_STEP_MS) {
    const [lo, hi] = horizon === null ? [null, latest] : latest < horizon ? [latest, horizon] : [horizon, latest];
    await run(client, sql`
      INSERT INTO rollup_dirty_days (day)
      SELECT DISTINCT (c.started_at AT TIME ZONE 'UTC')::date FROM conversations c
      WHERE c.started_at IS NOT NULL
        AND c.ended_at <= ${hi}::timestamptz - make_interval(hours => ${hours}::int)
        AND (${lo}::timestamptz IS NULL OR c.ended_at > ${lo}::timestamptz - make_interval(hours => ${hours}::int))
      ON CONFLICT DO NOTHING`);
    await client.query("UPDATE rollup_state SET horizon = $1 WHERE id = 1", [latest]);
    horizon = latest;
  }

  await client.query("DELETE FROM conversation_rollups r USING rollup_dirty_days d WHERE r.day = d.day");
  const values = Prisma.join(ADDITIVE_ITEMS.map((i) => sql`(${i.aggregate})::numeric`));
  await run(client, sql`
    INSERT INTO conversation_rollups (day, channel, population, customer_tier, topic, v)
    SELECT s.day, s.channel, s.population, s.customer_tier, s.topic, ARRAY[${values}]
    FROM rollup_dirty_days d
    CROSS JOIN LATERAL (
      SELECT d.day, c.*, ${flagColumns({ ...w, asOf: horizon })}
      FROM conversations c
      WHERE c.started_at >= d.day::timestamp AT TIME ZONE 'UTC'
        AND c.started_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
        AND c.ended_at + make_interval(hours => ${hours}::int) <= ${horizon}::timestamptz
    ) s
    GROUP BY s.day, s.channel, s.population, s.customer_tier, s.topic`);
  const { rowCount } = await client.query("DELETE FROM rollup_dirty_days");
  return { days: rowCount ?? 0 };
}

/** The windows in the settings as this transaction sees them (a restore writes them in it). */
async function settingsWindows(client: ClientBase): Promise<RollupWindows> {
  const { rows } = await client.query<{ key: string; value: unknown }>("SELECT key, value FROM settings WHERE key = ANY($1::text[])", [
    Object.keys(DEFAULT_METRIC_SETTINGS),
  ]);
  const s = mergeMetricSettings(rows);
  return { recontactHours: s.recontact_hours, verificationHours: s.verification_hours };
}
