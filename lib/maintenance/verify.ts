import { pool } from "../db/pool";
import { Prisma } from "../generated/prisma/client";
import { createTouchedTable, deriveTouched } from "../ingest/derive";
import { rebuildRollups } from "../rollups/refresh";
import { summedParts } from "../rollups/sketch-parts";

export interface VerifyReport {
  conversations: number;
  /** derived rows that differ from a recomputation from the events */
  mismatched: { conversation_id: string; columns: string[] }[];
  /** conversation ids that have events but no derived row */
  missing: string[];
  /** derived rows without any event */
  stray: string[];
  /** rollup, sketch and filter-value rows (lib/rollups) that a rebuild from the conversations does not reproduce, or lacks */
  rollupRowsDiffering: number;
  /** as_of's default kept on data_version by triggers, when it is not the conversations' latest event */
  latestEventDiffers: { stored: Date | null; actual: Date | null } | null;
}

const COMPARED_EXCEPT = new Set(["updated_at"]);

/**
 * Recompute every derived conversation from the stored events with the same SQL the ingest
 * uses, compare it with what is stored, and roll the recomputation back: a read-only check.
 */
export async function verifyDerived(limit = 100): Promise<VerifyReport> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    const { rows: cols } = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'conversations' ORDER BY ordinal_position`,
    );
    const columns = cols.map((c) => c.column_name).filter((c) => !COMPARED_EXCEPT.has(c));
    await client.query("CREATE TEMP TABLE stored_conversations ON COMMIT DROP AS SELECT * FROM conversations");
    await client.query(
      "CREATE TEMP TABLE stored_rollups ON COMMIT DROP AS SELECT day, channel, population, customer_tier, topic, counts, sums FROM conversation_rollups",
    );
    // a segment's sketch may be stored as parts: compared as their sum, the form a rebuild stores
    const storedSketches = Prisma.sql`CREATE TEMP TABLE stored_sketches ON COMMIT DROP AS ${summedParts(Prisma.sql`conversation_rollup_sketches`)}`;
    await client.query(storedSketches.text, storedSketches.values);
    await client.query(
      "CREATE TEMP TABLE stored_values ON COMMIT DROP AS SELECT dimension, value, conversations FROM conversation_rollup_values",
    );
    const { rows: latest } = await client.query<{ stored: Date | null; actual: Date | null }>(
      "SELECT (SELECT latest_event_at FROM data_version WHERE id = 1) AS stored, (SELECT max(last_event_at) FROM stored_conversations) AS actual",
    );
    const { rows: missing } = await client.query<{ id: string }>(
      `SELECT DISTINCT e.conversation_id AS id FROM events e
       WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.conversation_id = e.conversation_id) LIMIT $1`, [limit]);
    const { rows: stray } = await client.query<{ id: string }>(
      `SELECT c.conversation_id AS id FROM conversations c
       WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.conversation_id) LIMIT $1`, [limit]);
    await createTouchedTable(client);
    await client.query("INSERT INTO touched_conversations SELECT DISTINCT conversation_id FROM events");
    await deriveTouched(client);
    // the incrementally kept rollup against one built from scratch at the same horizon
    await rebuildRollups(client);
    const { rows: rollupDiff } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         (SELECT day, channel, population, customer_tier, topic, counts, sums FROM conversation_rollups
          EXCEPT ALL SELECT * FROM stored_rollups)
         UNION ALL
         (SELECT * FROM stored_rollups
          EXCEPT ALL SELECT day, channel, population, customer_tier, topic, counts, sums FROM conversation_rollups)
       ) d`,
    );
    const { rows: sketchDiff } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         (SELECT day, channel, population, distribution, buckets, counts FROM conversation_rollup_sketches
          EXCEPT ALL SELECT * FROM stored_sketches)
         UNION ALL
         (SELECT * FROM stored_sketches
          EXCEPT ALL SELECT day, channel, population, distribution, buckets, counts FROM conversation_rollup_sketches)
       ) d`,
    );
    const { rows: valueDiff } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         (SELECT dimension, value, conversations FROM conversation_rollup_values EXCEPT ALL SELECT * FROM stored_values)
         UNION ALL
         (SELECT * FROM stored_values EXCEPT ALL SELECT dimension, value, conversations FROM conversation_rollup_values)
       ) d`,
    );
    // column names come from the catalog, not from input
    const diffs = columns.map((c) => `CASE WHEN s.${c} IS DISTINCT FROM n.${c} THEN '${c}' END`).join(", ");
    const { rows: mismatched } = await client.query<{ conversation_id: string; columns: string[] }>(
      `SELECT n.conversation_id, array_remove(ARRAY[${diffs}], NULL) AS columns
       FROM conversations n JOIN stored_conversations s USING (conversation_id)
       WHERE array_length(array_remove(ARRAY[${diffs}], NULL), 1) > 0
       LIMIT $1`, [limit]);
    const { rows: count } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM stored_conversations");
    return {
      conversations: count[0].n,
      mismatched,
      missing: missing.map((r) => r.id),
      stray: stray.map((r) => r.id),
      rollupRowsDiffering: rollupDiff[0].n + sketchDiff[0].n + valueDiff[0].n,
      latestEventDiffers: latest[0].stored?.getTime() === latest[0].actual?.getTime() ? null : latest[0],
    };
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}
