import type { PoolClient } from "pg";
import { pool } from "../db/pool";
import type { IngestOptions } from "./index";
import { isBackground, lowerBackendPriority } from "./priority";
import { createStaging, StagingWriter } from "./staging";
import { finishImport, insertImport, lineOf, phase, storeStaged } from "./store";
import { IngestParseError, type IngestResult, type RawRecord, type RejectedEvent, type StagedRecord } from "./types";

/** One part of a big input: its own connection, transaction and staging table. */
interface Part {
  client: PoolClient;
  writer: StagingWriter;
  /** its backend runs at background priority: closed after the part, not returned to the pool */
  lowered: boolean;
}

async function openPart(background: boolean): Promise<Part> {
  const client = await pool().connect();
  try {
    const lowered = background && (await lowerBackendPriority(client)) !== null;
    await client.query("BEGIN");
    await createStaging(client);
    return { client, writer: new StagingWriter(client), lowered };
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
}

async function commitPart(part: Part, importId: string): Promise<{ staged: number; accepted: number }> {
  try {
    await part.writer.end();
    // what the database waited for Node: parsing not hidden behind the previous part's insert
    phase("parse + COPY not overlapped (part)");
    const accepted = await storeStaged(part.client, importId);
    await part.client.query("COMMIT");
    phase("commit (part)");
    part.client.release(part.lowered || undefined);
    return { staged: part.writer.count, accepted };
  } catch (e) {
    await part.client.query("ROLLBACK").catch(() => {});
    part.client.release(e as Error);
    throw e;
  }
}

async function abandonPart(part: Part) {
  await part.writer.end().catch(() => {});
  await part.client.query("ROLLBACK").catch(() => {});
  part.client.release(new Error("abandoned mid-COPY")); // not trusted back into the pool
}

/**
 * Ingest in parts of `commitEvery` staged events, each committed on its own: PostgreSQL inserts
 * and derives part k on one connection while Node parses and COPYs part k+1 on another, so the
 * two cores work at once; a big file needs neither one huge transaction nor staging for all of
 * it. Each commit is a consistent state (events and derived rows together) and a re-run skips
 * what was stored, as duplicates. The import record is written first ("running"), then "done"
 * or "failed" with the totals of the parts that were stored.
 */
export async function ingestInChunks(
  records: AsyncIterable<RawRecord | StagedRecord>,
  opts: IngestOptions & { commitEvery: number },
): Promise<IngestResult> {
  const started = new Date();
  const rejected: RejectedEvent[] = [];
  const result: IngestResult = { accepted: 0, duplicates: 0, rejected };
  phase(null);
  const importId = await insertImport(pool(), opts, started);
  let part: Part | null = null;
  // the part being committed while the next one is parsed; at most one at a time
  let committing: Promise<void> = Promise.resolve();
  const commit = async (closing: Part) => {
    try {
      await committing;
    } catch (e) {
      await abandonPart(closing);
      throw e;
    }
    committing = commitPart(closing, importId).then((r) => {
      result.accepted += r.accepted;
      result.duplicates += r.staged - r.accepted;
    });
    committing.catch(() => {}); // surfaced by the next await of `committing`
  };
  let seen = 0;
  try {
    for await (const record of records) {
      seen++;
      if (opts.onProgress && seen % 10_000 === 0) opts.onProgress(seen);
      const line = lineOf(record, rejected);
      if (line === null) continue;
      part ??= await openPart(isBackground(opts.source));
      const full = part.writer.writeLine(line);
      if (full) await full;
      if (part.writer.count >= opts.commitEvery) {
        const closing = part;
        part = null;
        await commit(closing);
      }
    }
    if (part) {
      const closing = part;
      part = null;
      await commit(closing);
    }
    await committing;
    opts.onProgress?.(seen);
    await finishImport(pool(), importId, "done", result);
    return result;
  } catch (e) {
    if (part) await abandonPart(part);
    await committing.catch(() => {});
    await finishImport(pool(), importId, "failed", result, (e as Error).message).catch(() => {});
    if (e instanceof IngestParseError && result.accepted > 0) {
      throw new IngestParseError(
        `${e.message} (the ${result.accepted} events before it were stored; after fixing the file, re-running it stores the rest and skips those as duplicates)`,
        e.pos,
      );
    }
    throw e;
  }
}
