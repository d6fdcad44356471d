import type { Pool, PoolClient } from "pg";
import { bumpDataVersion } from "../db/data-version";
import { LOCKS } from "../db/locks";
import { isRejection, validateEvent } from "../events/schema";
import { createTouchedTable, deriveTouched } from "./derive";
import { stagingLine } from "./staging";
import type { IngestFormat, IngestResult, RawRecord, RejectedEvent, StagedRecord } from "./types";

/** Rejections kept on the import record; the caller still gets all of them. */
export const STORED_REJECTIONS = 1000;

export interface ImportInfo {
  source: string;
  format: IngestFormat;
  fileName?: string;
  createdBy?: string;
}

// INGEST_TIMING=1 prints how long each step took (stderr), for bench/ and for operators. One timer
// per transaction: the parts of a big file overlap, so their steps are timed separately (and
// their sum may pass the wall time).
export function reportTiming(name: string, ms: number) {
  if (process.env.INGEST_TIMING === "1") process.stderr.write(`[ingest] ${name}: ${ms} ms\n`);
}

export type Phase = (name: string) => void;
export function phaseTimer(): Phase {
  let start = Date.now();
  return (name) => {
    const now = Date.now();
    reportTiming(name, now - start);
    start = now;
  };
}

/** jsonb cannot hold U+0000, which a rejection may quote from the input: store U+FFFD instead. */
export function rejectionsJson(rejected: readonly object[]): string {
  return JSON.stringify(rejected, (_key, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "\ufffd") : v));
}

/** The staging line of one parsed record, or null after recording why it was rejected. */
export function lineOf(record: RawRecord | StagedRecord, rejected: RejectedEvent[]): string | null {
  if ("rejection" in record) {
    rejected.push({ ...record.pos, ...record.rejection });
    return null;
  }
  if ("staged" in record) return record.staged;
  const event = validateEvent(record.value);
  if (isRejection(event)) {
    rejected.push({ ...record.pos, ...event });
    return null;
  }
  return stagingLine(event);
}

/**
 * Insert the staged rows into events (ON CONFLICT DO NOTHING: the inserted count is `accepted`)
 * and recompute the derived rows they touched, inside the caller's transaction.
 */
export async function storeStaged(client: PoolClient, importId: string, phase: Phase): Promise<number> {
  const accepted = await insertStaged(client, importId, phase);
  await deriveStaged(client, accepted, phase);
  return accepted;
}

/**
 * The first half of storeStaged: the insert into events, listing the touched conversations.
 *
 * Concurrent ingests insert one at a time (a session-level lock, released right after the
 * statement): two batches that share keys in opposite orders would otherwise each wait for the
 * other's uncommitted row — a deadlock, and one batch failing. They do not wait for each other's
 * derive, so a big file's next part inserts while the previous one derives (lib/ingest/chunked.ts).
 * On an error the transaction is aborted and the unlock cannot run: the caller discards the
 * connection, which ends the session and its lock.
 */
export async function insertStaged(client: PoolClient, importId: string, phase: Phase): Promise<number> {
  await createTouchedTable(client);
  await client.query("SELECT pg_advisory_lock($1)", [LOCKS.insert]);
  let accepted: number;
  try {
    const { rows } = await client.query<{ accepted: number }>(
      `WITH ins AS (
         INSERT INTO events (event_key, event_id, conversation_id, type, at, customer_id, channel, topic,
           customer_tier, confident, agent_id, reason, context_transferred, by, score, actor, seconds,
           outcome, accurate, policy_compliant, safety_incident, cause, import_id)
         SELECT event_key, event_id, conversation_id, type, at, customer_id, channel, topic,
           customer_tier, confident, agent_id, reason, context_transferred, by, score, actor, seconds,
           outcome, accurate, policy_compliant, safety_incident, cause, $1
         -- no ORDER BY seq: a temp table filled by one COPY is read back in insertion order (temp
         -- relations never use synchronized or parallel scans), so events.id keeps the arrival
         -- order the conflict rule needs without sorting the batch (an external sort at 8 M rows)
         FROM ingest_staging
         ON CONFLICT (event_key) DO NOTHING
         RETURNING conversation_id),
       touched AS (
         INSERT INTO touched_conversations SELECT DISTINCT conversation_id FROM ins ON CONFLICT DO NOTHING)
       SELECT count(*)::int AS accepted FROM ins`,
      [importId],
    );
    accepted = rows[0].accepted;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCKS.insert]).catch(() => {});
  }
  // a temp table has no statistics until analysed: without them the derive's planner guessed
  // wrong and scanned all of events for every part (quadratic in a 9 M-event load)
  await client.query("ANALYZE touched_conversations");
  phase("insert into events");
  return accepted;
}

/**
 * The second half: recompute the derived rows of what insertStaged touched. Writers of derived
 * rows (ingests, erasure) take turns from here to their commit, so each derives from committed
 * events: a conversation whose events another ingest inserted but has not committed yet is in
 * that ingest's touched list, and it derives it again after this one commits.
 */
export async function deriveStaged(client: PoolClient, accepted: number, phase: Phase, { partial = false } = {}) {
  await client.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.derive]);
  phase("wait for the previous derive");
  await bumpDataVersion(client, { partial });
  if (accepted > 0) await deriveTouched(client, phase);
}

export async function insertImport(db: PoolClient | Pool, info: ImportInfo, started: Date): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO imports (source, format, file_name, created_by, started_at, status)
     VALUES ($1, $2, $3, $4, $5, 'running') RETURNING id::text`,
    [info.source, info.format, info.fileName ?? null, info.createdBy ?? null, started],
  );
  return rows[0].id;
}

export async function finishImport(
  db: PoolClient | Pool,
  importId: string,
  status: "done" | "failed",
  result: IngestResult,
  error?: string,
) {
  const rejected = error ? [...result.rejected.slice(0, STORED_REJECTIONS - 1), { field: "file", reason: error }] : result.rejected.slice(0, STORED_REJECTIONS);
  await db.query(
    `UPDATE imports SET finished_at = clock_timestamp(), status = $2, accepted = $3, duplicates = $4,
       rejected_count = $5, rejected = $6::jsonb WHERE id = $1`,
    [importId, status, result.accepted, result.duplicates, result.rejected.length, rejectionsJson(rejected)],
  );
}

/** A batch that stored nothing still leaves a line in the import history. */
export async function recordImport(
  db: PoolClient | Pool,
  info: ImportInfo,
  started: Date,
  status: string,
  result: IngestResult,
  error?: string,
) {
  const rejected = error ? [{ field: "file", reason: error }] : result.rejected.slice(0, STORED_REJECTIONS);
  await db.query(
    `INSERT INTO imports (source, format, file_name, created_by, started_at, finished_at, status, rejected_count, rejected)
     VALUES ($1, $2, $3, $4, $5, clock_timestamp(), $6, $7, $8::jsonb)`,
    [info.source, info.format, info.fileName ?? null, info.createdBy ?? null, started, status, result.rejected.length, rejectionsJson(rejected)],
  );
}
