/** PostgreSQL advisory lock ids, in one place so two features never share one by accident. */
export const LOCKS = {
  migrate: 72_707_369,
  /** ingest's derive step, erasure: writers of derived rows take turns */
  derive: 72_707_371,
  /** ingest's insert into events (session-level, held for that one statement) */
  insert: 72_707_372,
  /**
   * first key of the two-key lock a chunked ingest holds on its import id while it runs: an
   * import marked running whose lock nobody holds was interrupted (lib/data-quality)
   */
  importRunning: 72_707_373,
} as const;

/** The second key of an import's running lock: advisory lock keys are 32-bit. */
export function runningLockKey(importId: string | bigint): number {
  return Number(BigInt(importId) % 2_147_483_647n);
}
