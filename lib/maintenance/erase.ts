import { bumpDataVersion } from "../db/data-version";
import { LOCKS } from "../db/locks";
import { pool } from "../db/pool";
import { createTouchedTable, deriveTouched } from "../ingest/derive";

export interface EraseResult {
  conversationsDeleted: number;
  eventsDeleted: number;
  conversationsRecomputed: number;
}

/**
 * Erase a customer so that every metric afterwards equals what it would be had the customer
 * never been ingested: conversations whose every conversation_started names the customer go
 * entirely (all their events); a conversation_started of theirs that lost a conflict to another
 * customer's is deleted alone and the conversation recomputed (the other start may now win).
 * One transaction, serialised with ingest's derive step.
 */
export async function eraseCustomer(customerId: string, actor = "cli"): Promise<EraseResult> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.derive]);
    await createTouchedTable(client);
    await client.query(
      `CREATE TEMP TABLE erased_conversations ON COMMIT DROP AS
       SELECT conversation_id FROM events
       WHERE type = 'conversation_started'
         AND conversation_id IN (SELECT conversation_id FROM events WHERE customer_id = $1)
       GROUP BY conversation_id
       HAVING bool_and(customer_id = $1)`,
      [customerId],
    );
    const whole = await client.query(
      `DELETE FROM events WHERE conversation_id IN (SELECT conversation_id FROM erased_conversations)`,
    );
    const conversations = await client.query(
      `DELETE FROM conversations WHERE conversation_id IN (SELECT conversation_id FROM erased_conversations)`,
    );
    // the customer's losing starts inside other customers' conversations
    const starts = await client.query<{ conversation_id: string }>(
      `DELETE FROM events WHERE customer_id = $1 RETURNING conversation_id`,
      [customerId],
    );
    await client.query(
      `INSERT INTO touched_conversations SELECT DISTINCT conversation_id FROM unnest($1::text[]) AS t(conversation_id) ON CONFLICT DO NOTHING`,
      [starts.rows.map((r) => r.conversation_id)],
    );
    // always: the deleted conversations' days must leave the rollup too
    await deriveTouched(client);
    await bumpDataVersion(client);
    const result = {
      conversationsDeleted: conversations.rowCount ?? 0,
      eventsDeleted: (whole.rowCount ?? 0) + (starts.rowCount ?? 0),
      conversationsRecomputed: new Set(starts.rows.map((r) => r.conversation_id)).size,
    };
    // the audit entry says that an erasure happened and how much it removed, never whose data
    await client.query(
      `INSERT INTO audit_log (actor, action, details) VALUES ($1, 'customer.erase', $2::jsonb)`,
      [actor, JSON.stringify({ events: result.eventsDeleted, conversations: result.conversationsDeleted, recomputed: result.conversationsRecomputed })],
    );
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
