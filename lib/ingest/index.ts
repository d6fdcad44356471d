import type { Readable } from "node:stream";
import type { PoolClient } from "pg";
import { bumpDataVersion } from "../db/data-version";
import { LOCKS } from "../db/locks";
import { pool } from "../db/pool";
import { isRejection, validateEvent } from "../events/schema";
import { createTouchedTable, deriveTouched } from "./derive";
import { readSource } from "./sources";
import { readCanonicalCsv } from "./sources/csv";
import { createStaging, StagingWriter, stagingLine } from "./staging";
import { IngestParseError, type IngestFormat, type IngestResult, type RawRecord, type RejectedEvent, type StagedRecord } from "./types";

export * from "./types";

export interface IngestOptions {
  format: IngestFormat;
  /** store nothing when any event is rejected */
  atomic?: boolean;
  /** where the batch came from: api, cli, upload, demo */
  source: string;
  fileName?: string;
  createdBy?: string;
  onProgress?: (records: number) => void;
  /** helpdesk presets: the admin's mapping choices (docs/presets.md) */
  mapping?: unknown;
  presetFormat?: "ndjson" | "json";
}

/** Rejections kept on the import record; the caller still gets all of them. */
const STORED_REJECTIONS = 1000;

/** jsonb cannot hold U+0000, which a rejection may quote from the input: store U+FFFD instead. */
function rejectionsJson(rejected: readonly object[]): string {
  return JSON.stringify(rejected, (_key, v: unknown) => (typeof v === "string" ? v.replaceAll("\u0000", "\ufffd") : v));
}

// INGEST_TIMING=1 prints how long each step took (stderr), for bench/ and for operators.
let phaseStart = Date.now();
function phase(name: string) {
  if (process.env.INGEST_TIMING !== "1") return;
  const now = Date.now();
  process.stderr.write(`[ingest] ${name}: ${now - phaseStart} ms\n`);
  phaseStart = now;
}

export class AtomicRejection extends Error {
  constructor(readonly result: IngestResult) {
    super(`${result.rejected.length} event(s) rejected; nothing was stored (atomic)`);
  }
}

/** Parse, validate and store a stream in one of the ingest formats. */
export function ingestStream(input: Readable, opts: IngestOptions): Promise<IngestResult> {
  const records = opts.format === "canonical"
    ? readCanonicalCsv(input, { fast: true })
    : readSource(opts.format, input, { mapping: opts.mapping, presetFormat: opts.presetFormat });
  return ingestRecords(records, opts);
}

/**
 * The one ingest path (API, CLI, uploads, demo data): validate each record, COPY the valid ones
 * into a staging table, insert them set-based with ON CONFLICT DO NOTHING, recompute the derived
 * rows they touched — all in one transaction, so a crash leaves the previous consistent state.
 */
export async function ingestRecords(records: AsyncIterable<RawRecord | StagedRecord>, opts: IngestOptions): Promise<IngestResult> {
  const client = await pool().connect();
  const rejected: RejectedEvent[] = [];
  const started = new Date();
  let committed = false;
  phaseStart = Date.now();
  let failure: Error | undefined;
  try {
    await client.query("BEGIN");
    await createStaging(client);
    const writer = new StagingWriter(client);
    let seen = 0;
    try {
      for await (const record of records) {
        seen++;
        if (opts.onProgress && seen % 10_000 === 0) opts.onProgress(seen);
        if ("rejection" in record) {
          rejected.push({ ...record.pos, ...record.rejection });
          continue;
        }
        let line: string;
        if ("staged" in record) line = record.staged;
        else {
          const event = validateEvent(record.value);
          if (isRejection(event)) {
            rejected.push({ ...record.pos, ...event });
            continue;
          }
          line = stagingLine(event);
        }
        if (opts.atomic && rejected.length) continue; // keep reporting, stop storing
        const full = writer.writeLine(line);
        if (full) await full;
      }
    } catch (e) {
      await writer.end().catch(() => {}); // finish the COPY so the connection can roll back
      throw e;
    }
    await writer.end();
    phase("parse + validate + COPY to staging");
    opts.onProgress?.(seen);
    if (opts.atomic && rejected.length) {
      await client.query("ROLLBACK");
      const result = { accepted: 0, duplicates: 0, rejected };
      await recordImport(client, opts, started, "rejected", result);
      throw new AtomicRejection(result);
    }
    const result = await storeStaged(client, writer.count, opts, started, rejected);
    await client.query("COMMIT");
    phase("commit");
    committed = true;
    return result;
  } catch (e) {
    failure = e as Error;
    if (!committed) await client.query("ROLLBACK").catch(() => {});
    if (e instanceof IngestParseError) {
      await recordImport(client, opts, started, "failed", { accepted: 0, duplicates: 0, rejected: [] }, e.message).catch(() => {});
    }
    throw e;
  } finally {
    // a connection that failed mid-COPY is not trusted back into the pool
    client.release(failure && !(failure instanceof IngestParseError || failure instanceof AtomicRejection) ? failure : undefined);
  }
}

async function storeStaged(
  client: PoolClient,
  staged: number,
  opts: IngestOptions,
  started: Date,
  rejected: RejectedEvent[],
): Promise<IngestResult> {
  const importId = await insertImport(client, opts, started);
  await createTouchedTable(client);
  // concurrent ingests serialise only their derive step, so each recomputes from committed events
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
  await bumpDataVersion(client);
  phase("insert into events");
  if (accepted > 0) await deriveTouched(client, phase);
  const result = { accepted, duplicates: staged - accepted, rejected };
  await client.query(
    `UPDATE imports SET finished_at = clock_timestamp(), status = 'done', accepted = $2, duplicates = $3,
       rejected_count = $4, rejected = $5::jsonb WHERE id = $1`,
    [importId, accepted, result.duplicates, rejected.length, rejectionsJson(rejected.slice(0, STORED_REJECTIONS))],
  );
  return result;
}

async function insertImport(client: PoolClient, opts: IngestOptions, started: Date): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO imports (source, format, file_name, created_by, started_at, status)
     VALUES ($1, $2, $3, $4, $5, 'running') RETURNING id::text`,
    [opts.source, opts.format, opts.fileName ?? null, opts.createdBy ?? null, started],
  );
  return rows[0].id;
}

/** A batch that stored nothing still leaves a line in the import history. */
async function recordImport(
  client: PoolClient,
  opts: IngestOptions,
  started: Date,
  status: string,
  result: IngestResult,
  error?: string,
) {
  const rejected = error ? [{ field: "file", reason: error }] : result.rejected.slice(0, STORED_REJECTIONS);
  await client.query(
    `INSERT INTO imports (source, format, file_name, created_by, started_at, finished_at, status, rejected_count, rejected)
     VALUES ($1, $2, $3, $4, $5, clock_timestamp(), $6, $7, $8::jsonb)`,
    [opts.source, opts.format, opts.fileName ?? null, opts.createdBy ?? null, started, status, result.rejected.length, rejectionsJson(rejected)],
  );
}
