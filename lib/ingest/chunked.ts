import type { PoolClient } from "pg";
import { settleDataVersion } from "../db/data-version";
import { LOCKS, runningLockKey } from "../db/locks";
import { pool } from "../db/pool";
import type { IngestOptions } from "./index";
import { isBackground, lowerBackendPriority } from "./priority";
import { createStaging, StagingWriter } from "./staging";
import { deriveStaged, finishImport, insertImport, insertStaged, lineOf, phaseTimer, reportTiming } from "./store";
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

/**
 * The import is marked running in its own committed row (the parts commit separately), so a
 * killed process would leave it marked running for ever: while it runs, one session holds an
 * advisory lock on its id, which PostgreSQL drops with the session however the process ends.
 */
async function startRunningImport(opts: IngestOptions, started: Date): Promise<{ importId: string; release(): Promise<void> }> {
  const client = await pool().connect();
  let importId: string;
  try {
    // the row becomes visible with its lock already held: never seen running without it
    await client.query("BEGIN");
    importId = await insertImport(client, opts, started);
    await client.query("SELECT pg_advisory_lock($1, $2)", [LOCKS.importRunning, runningLockKey(importId)]);
    await client.query("COMMIT");
  } catch (e) {
    client.release(e as Error);
    throw e;
  }
  return {
    importId,
    release: async () => {
      const ok = await client.query("SELECT pg_advisory_unlock($1, $2)", [LOCKS.importRunning, runningLockKey(importId)]).then(() => true, () => false);
      client.release(ok ? undefined : true);
    },
  };
}

/** A part on its way to the database: inserted into events first, committed after its derive. */
interface InFlight {
  /** when its insert into events finished (ms since epoch) */
  inserted: Promise<number>;
  committed: Promise<void>;
}

/**
 * Store one part behind `previous`: its insert runs after the previous part's insert (arrival
 * order = events.id order), its derive and commit after the previous part's commit (so parts
 * commit in file order and a failed part stops all later ones). The insert overlaps the previous
 * part's derive: two stages on two connections, where they used to run one after the other.
 */
function storePart(part: Part, importId: string, previous: InFlight, onCommitted: (accepted: number) => void): InFlight {
  const phase = phaseTimer();
  let accepted = 0;
  const inserted = (async () => {
    await part.writer.end();
    const copied = Date.now();
    const free = await previous.inserted;
    // what the insert stage waited for Node: parsing not hidden behind the other parts' work
    reportTiming("parse + COPY not overlapped (part)", Math.max(0, copied - free));
    phase("end COPY, wait for the previous insert (part)");
    accepted = await insertStaged(part.client, importId, phase);
    return Date.now();
  })();
  const committed = (async () => {
    try {
      await inserted;
      await previous.committed;
      // not settled: until the import ends, dashboards may answer from the part before (data-version.ts)
      await deriveStaged(part.client, accepted, phase, { partial: true });
      await part.client.query("COMMIT");
      phase("commit (part)");
    } catch (e) {
      await part.client.query("ROLLBACK").catch(() => {});
      part.client.release(e as Error); // may hold the insert lock (lib/ingest/store.ts): discarded
      throw e;
    }
    part.client.release(part.lowered || undefined);
    onCommitted(accepted);
  })();
  // surfaced where they are awaited (the next part, the caller's final await)
  inserted.catch(() => {});
  committed.catch(() => {});
  return { inserted, committed };
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
  const running = await startRunningImport(opts, started);
  const importId = running.importId;
  let part: Part | null = null;
  // the last part handed to the database, and the one before it. A part starts its insert once
  // the previous one has inserted and the one before that has committed: one part derives, one
  // inserts, one is parsed. Inserts are faster than derives, and without the second condition
  // they ran ahead until the pool ran out of connections, each an open transaction with its
  // staging table (holding back vacuum's horizon too).
  let inflight: InFlight = { inserted: Promise.resolve(Date.now()), committed: Promise.resolve() };
  let before: Promise<void> = Promise.resolve();
  const commit = async (closing: Part) => {
    try {
      await inflight.inserted;
      await before;
    } catch (e) {
      await abandonPart(closing);
      throw e;
    }
    before = inflight.committed;
    const staged = closing.writer.count;
    inflight = storePart(closing, importId, inflight, (accepted) => {
      result.accepted += accepted;
      result.duplicates += staged - accepted;
    });
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
    await inflight.committed;
    opts.onProgress?.(seen);
    await settleDataVersion(pool());
    await finishImport(pool(), importId, "done", result);
    return result;
  } catch (e) {
    if (part) await abandonPart(part);
    await inflight.committed.catch(() => {}); // each part settles after the one before it
    await settleDataVersion(pool()).catch(() => {});

    await finishImport(pool(), importId, "failed", result, (e as Error).message).catch(() => {});
    if (e instanceof IngestParseError && result.accepted > 0) {
      throw new IngestParseError(
        `${e.message} (the ${result.accepted} events before it were stored; after fixing the file, re-running it stores the rest and skips those as duplicates)`,
        e.pos,
      );
    }
    throw e;
  } finally {
    await running.release();
  }
}
