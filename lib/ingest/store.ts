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

// INGEST_TIMING=1 prints how long each step took (stderr), for bench/ and for operators.
let phaseStart = Date.now();
export function phase(name: string | null) {
  const now = Date.now();
  if (name !== null && process.env.INGEST_TIMING === "1") process.stderr.write(`[ingest] ${name}: ${now - phaseStart} ms\n`);
  phaseStart = now;
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
export async function storeStaged(client: PoolClient, importId: string): Promise<number> {
  await createTouchedTable(client);
  // concurrent ingests serialise from here to their commit, so each derives from committed events
  await client.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.derive]);
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
  const accepted = rows[0].accepted;
  // a temp table has no statistics until analysed: without them the derive's planner guessed
  // wrong and scanned all of events for every part (quadratic in a 9 M-event load)
  await client.query("ANALYZE touched_conversations");
  await bumpDataVersion(client);
  phase("insert into events");
  if (accepted > 0) await deriveTouched(client, phase);
  return accepted;
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
