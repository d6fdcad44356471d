import type { Readable } from "node:stream";
import { pool } from "../db/pool";
import { ingestInChunks } from "./chunked";
import { readSource } from "./sources";
import { isBackground, lowerBackendPriority } from "./priority";
import { readCanonicalCsv } from "./sources/csv";
import { createStaging, StagingWriter } from "./staging";
import { finishImport, insertImport, lineOf, phaseTimer, recordImport, storeStaged } from "./store";
import { IngestParseError, type IngestFormat, type IngestResult, type RawRecord, type RejectedEvent, type StagedRecord } from "./types";

export * from "./types";

export interface IngestOptions {
  format: IngestFormat;
  /** store nothing when any event is rejected */
  atomic?: boolean;
  /**
   * Commit every this many staged events (each commit a consistent state, a re-run skips what
   * was stored), overlapping the parsing of the next part with the insert of the previous one.
   * Absent: the whole input is one transaction. Ignored with `atomic`.
   */
  commitEvery?: number;
  /** where the batch came from: api, cli, upload, demo (all but api run at background priority) */
  source: string;
  fileName?: string;
  createdBy?: string;
  onProgress?: (records: number) => void;
  /** helpdesk presets: the admin's mapping choices (docs/presets.md) */
  mapping?: unknown;
  presetFormat?: "ndjson" | "json";
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
 * rows they touched — all in one transaction (or one per `commitEvery` events), so a crash
 * leaves the previous consistent state.
 */
export async function ingestRecords(records: AsyncIterable<RawRecord | StagedRecord>, opts: IngestOptions): Promise<IngestResult> {
  if (opts.commitEvery && !opts.atomic) return ingestInChunks(records, { ...opts, commitEvery: opts.commitEvery });
  const client = await pool().connect();
  const rejected: RejectedEvent[] = [];
  const started = new Date();
  let committed = false;
  const phase = phaseTimer();
  let failure: Error | undefined;
  let lowered = false;
  try {
    if (isBackground(opts.source)) lowered = (await lowerBackendPriority(client)) !== null;
    await client.query("BEGIN");
    await createStaging(client);
    const writer = new StagingWriter(client);
    let seen = 0;
    try {
      for await (const record of records) {
        seen++;
        if (opts.onProgress && seen % 10_000 === 0) opts.onProgress(seen);
        const line = lineOf(record, rejected);
        if (line === null || (opts.atomic && rejected.length)) continue; // atomic: keep reporting, stop storing
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
    const importId = await insertImport(client, opts, started);
    const accepted = await storeStaged(client, importId, phase);
    const result = { accepted, duplicates: writer.count - accepted, rejected };
    await finishImport(client, importId, "done", result);
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
    // a connection that failed mid-COPY is not trusted back into the pool, nor is a backend at
    // background priority (the next user of the pool may be a dashboard)
    const broken = failure && !(failure instanceof IngestParseError || failure instanceof AtomicRejection);
    client.release(broken ? failure : lowered ? true : undefined);
  }
}
